use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use stripe_emulator::{Emulator, Options};

pub const KEY: &str = "sk_test_emulator";

pub struct TestApp {
    pub emulator: Emulator,
    pub client: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(mut options: Options) -> TestApp {
    options.webhook_retry_schedule = vec![Duration::from_millis(50), Duration::from_millis(100)];
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let emulator = stripe_emulator::spawn(listener, options)
        .await
        .expect("spawn emulator");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp { emulator, client }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("get");
        let status = response.status();
        (status, response.json().await.expect("json body"))
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let body = encode(form);
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        let status = response.status();
        (status, response.json().await.expect("json body"))
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .delete(self.url(path))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("delete");
        let status = response.status();
        (status, response.json().await.expect("json body"))
    }

    pub async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(&format!("/_emulator{path}")))
            .json(&body)
            .send()
            .await
            .expect("control");
        let status = response.status();
        (status, response.json().await.expect("json body"))
    }

    pub async fn deliveries(&self) -> Vec<Value> {
        let response = self
            .client
            .get(self.url("/_emulator/deliveries"))
            .send()
            .await
            .expect("deliveries");
        let body: Value = response.json().await.expect("json");
        body["data"].as_array().cloned().unwrap_or_default()
    }

    /// A Checkout Session for one price, with an optional trial.
    pub async fn checkout_session(&self, price: &str, extra: &[(&str, &str)]) -> Value {
        let mut form = vec![
            ("mode", "subscription"),
            ("line_items[0][price]", price),
            ("line_items[0][quantity]", "1"),
            (
                "success_url",
                "http://localhost:3000/welcome?session_id={CHECKOUT_SESSION_ID}",
            ),
            ("cancel_url", "http://localhost:3000/pricing"),
        ];
        form.extend_from_slice(extra);
        let (status, session) = self.post("/v1/checkout/sessions", &form).await;
        assert_eq!(status, StatusCode::OK, "{session}");
        session
    }

    /// Pays a session through the HTML form and returns the 303 Location.
    pub async fn pay(&self, session: &Value, card: &str) -> reqwest::Response {
        let url = session["url"].as_str().expect("session url");
        self.client
            .post(url)
            .form(&[("email", "ada@example.com"), ("card_number", card)])
            .send()
            .await
            .expect("pay")
    }

    /// A customer with an active subscription to `price`; returns the subscription.
    pub async fn subscribe(&self, price: &str) -> Value {
        let session = self.checkout_session(price, &[]).await;
        let response = self.pay(&session, "4242 4242 4242 4242").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let id = session["id"].as_str().expect("id");
        let (_, session) = self
            .get(&format!("/v1/checkout/sessions/{id}?expand[]=subscription"))
            .await;
        session["subscription"].clone()
    }

    /// A GET of a control (`/_emulator{path}`), which takes no key.
    pub async fn control_get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(self.url(&format!("/_emulator{path}")))
            .send()
            .await
            .expect("control get");
        let status = response.status();
        (status, response.json().await.expect("json body"))
    }

    pub async fn event_types(&self) -> Vec<String> {
        let (_, events) = self.get("/v1/events?limit=100").await;
        let mut types: Vec<String> = events["data"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
            .collect();
        types.reverse();
        types
    }
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", k, urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A webhook receiver that answers 500 to its first `failures` requests, then 200.
#[derive(Clone, Default)]
pub struct Receiver {
    pub received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    /// When each request arrived, in the order of `received`.
    arrivals: Arc<Mutex<Vec<Instant>>>,
    failures: Arc<Mutex<usize>>,
}

impl Receiver {
    pub async fn start(failures: usize) -> (Self, String) {
        let receiver = Self {
            received: Arc::default(),
            arrivals: Arc::default(),
            failures: Arc::new(Mutex::new(failures)),
        };
        let state = receiver.clone();
        let app = Router::new().route(
            "/webhook",
            post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    {
                        let mut received = state.received.lock().unwrap();
                        state.arrivals.lock().unwrap().push(Instant::now());
                        received.push((headers, String::from_utf8_lossy(&body).into_owned()));
                    }
                    let mut failures = state.failures.lock().unwrap();
                    if *failures > 0 {
                        *failures -= 1;
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|(_, body)| serde_json::from_str(body).unwrap())
            .collect()
    }

    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().unwrap().clone()
    }

    /// Waits until `count` requests arrived (or two seconds passed).
    pub async fn wait_for(&self, count: usize) -> Vec<(HeaderMap, String)> {
        for _ in 0..200 {
            if self.received.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.received.lock().unwrap().clone()
    }
}

pub async fn register_endpoint(app: &TestApp, url: &str, events: &[&str]) -> Value {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|e| ("enabled_events[]", *e)));
    let (status, endpoint) = app.post("/v1/webhook_endpoints", &form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}");
    endpoint
}
