//! Bad input of every kind gets a clear Stripe-shaped error (or a clear page), never a crash,
//! and leaves the state as it was.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY, Receiver, TestApp, register_endpoint, spawn_app};

fn assert_param(status: StatusCode, body: &Value, param: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
    assert_eq!(body["error"]["param"], param, "{body}");
}

async fn customer_count(app: &TestApp) -> usize {
    let (_, list) = app.get("/v1/customers?limit=100").await;
    list["data"].as_array().unwrap().len()
}

#[tokio::test]
async fn values_of_the_wrong_type_name_their_parameter() {
    let app = spawn_app().await;
    let (status, body) = app.get("/v1/products?limit=abc").await;
    assert_param(status, &body, "limit");
    let (status, body) = app
        .post(
            "/v1/prices",
            &[
                ("product", "prod_core_stacker"),
                ("currency", "usd"),
                ("unit_amount", "1.5"),
            ],
        )
        .await;
    assert_param(status, &body, "unit_amount");
    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("success_url", "http://localhost/ok"),
                ("line_items[0][price]", "price_core_monthly"),
                ("line_items[1][price]", "price_core_monthly"),
                ("line_items[1][quantity]", "-1"),
            ],
        )
        .await;
    assert_param(status, &body, "line_items[1][quantity]");
    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[("subscription_data[trial_period_days]", "-3")],
        )
        .await;
    assert_param(status, &body, "subscription_data[trial_period_days]");
}

#[tokio::test]
async fn amounts_and_quantities_that_would_overflow_are_refused() {
    let app = spawn_app().await;
    for quantity in ["0", "1000000", "9223372036854775807"] {
        let (status, body) = app
            .post(
                "/v1/checkout/sessions",
                &[
                    ("mode", "subscription"),
                    ("success_url", "http://localhost/ok"),
                    ("line_items[0][price]", "price_core_monthly"),
                    ("line_items[0][quantity]", quantity),
                ],
            )
            .await;
        assert_param(status, &body, "line_items[0][quantity]");
    }
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let (status, body) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[
                ("items[0][id]", item),
                ("items[0][quantity]", "9223372036854775807"),
            ],
        )
        .await;
    assert_param(status, &body, "items[0][quantity]");

    let price = |extra: &[(&'static str, &'static str)]| {
        let mut form = vec![("product", "prod_core_stacker"), ("currency", "usd")];
        form.extend_from_slice(extra);
        form
    };
    let (status, body) = app
        .post(
            "/v1/prices",
            &price(&[("unit_amount", "9223372036854775807")]),
        )
        .await;
    assert_param(status, &body, "unit_amount");
    let (status, body) = app
        .post(
            "/v1/prices",
            &price(&[
                ("unit_amount", "500"),
                ("recurring[interval]", "month"),
                ("recurring[interval_count]", "0"),
            ]),
        )
        .await;
    assert_param(status, &body, "recurring[interval_count]");
    let (status, body) = app
        .post(
            "/v1/prices",
            &[
                ("product", "prod_core_stacker"),
                ("currency", "dollars"),
                ("unit_amount", "5"),
            ],
        )
        .await;
    assert_param(status, &body, "currency");

    // Still serving, nothing changed.
    let (status, after) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["items"]["data"][0]["quantity"], 1);
}

#[tokio::test]
async fn trials_outside_stripes_bounds_are_refused() {
    let app = spawn_app().await;
    for (param, value) in [
        ("subscription_data[trial_period_days]", "0"),
        ("subscription_data[trial_period_days]", "731"),
        ("subscription_data[trial_end]", "1"),
        ("subscription_data[trial_end]", "9223372036854775807"),
    ] {
        let (status, body) = app
            .post(
                "/v1/checkout/sessions",
                &[
                    ("mode", "subscription"),
                    ("success_url", "http://localhost/ok"),
                    ("line_items[0][price]", "price_core_monthly"),
                    (param, value),
                ],
            )
            .await;
        assert_param(status, &body, param);
    }
}

#[tokio::test]
async fn metadata_limits_are_enforced_everywhere_and_leave_objects_unchanged() {
    let app = spawn_app().await;
    let long_key = "k".repeat(41);
    let long_value = "v".repeat(501);
    let (status, body) = app
        .post("/v1/customers", &[(&format!("metadata[{long_key}]"), "v")])
        .await;
    assert_param(status, &body, &format!("metadata[{long_key}]"));
    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[("subscription_data[metadata][note]", long_value.as_str())],
        )
        .await;
    assert_param(status, &body, "subscription_data[metadata][note]");
    let many: Vec<(String, String)> = (0..51)
        .map(|i| (format!("metadata[k{i}]"), "v".to_owned()))
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = app.post("/v1/customers", &many).await;
    assert_param(status, &body, "metadata");
    assert_eq!(customer_count(&app).await, 0);

    // Unicode is counted in characters: 500 of them fit.
    let accented = "é".repeat(500);
    let (status, customer) = app
        .post(
            "/v1/customers",
            &[("metadata[ключ]", accented.as_str()), ("name", "Zoë 🚀")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{customer}");
    assert_eq!(customer["metadata"]["ключ"], accented.as_str());

    // An update that would take the object past 50 keys changes nothing at all.
    let id = customer["id"].as_str().unwrap();
    let mut update = many[1..].to_vec();
    update.push(("name", "Renamed"));
    let (status, body) = app.post(&format!("/v1/customers/{id}"), &update).await;
    assert_param(status, &body, "metadata");
    let (_, after) = app.get(&format!("/v1/customers/{id}")).await;
    assert_eq!(after, customer);
}

#[tokio::test]
async fn redirect_urls_must_be_absolute_http_urls() {
    let app = spawn_app().await;
    for (param, url) in [
        ("success_url", "example.com/ok"),
        ("success_url", "javascript:alert(1)"),
        ("cancel_url", "/pricing"),
    ] {
        let mut form = vec![
            ("mode", "subscription"),
            ("success_url", "http://localhost/ok"),
            ("line_items[0][price]", "price_core_monthly"),
        ];
        form.retain(|(key, _)| *key != param);
        form.push((param, url));
        let (status, body) = app.post("/v1/checkout/sessions", &form).await;
        assert_param(status, &body, param);
    }
    let (_, customer) = app.post("/v1/customers", &[]).await;
    let (status, body) = app
        .post(
            "/v1/billing_portal/sessions",
            &[
                ("customer", customer["id"].as_str().unwrap()),
                ("return_url", "localhost"),
            ],
        )
        .await;
    assert_param(status, &body, "return_url");
    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[("customer_email", "not-an-email")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn json_and_oversized_bodies_get_stripe_errors() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/customers"))
        .bearer_auth(KEY)
        .json(&json!({"email": "ada@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("form-encoded"),
        "{body}"
    );

    for idempotency_key in [None, Some("big-body")] {
        let mut request = app
            .client
            .post(app.url("/v1/customers"))
            .bearer_auth(KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("description={}", "a".repeat(3 * 1024 * 1024)));
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "invalid_request_error");
    }
    assert_eq!(customer_count(&app).await, 0);
}

#[tokio::test]
async fn unknown_methods_and_paths_answer_in_stripes_shape() {
    let app = spawn_app().await;
    let (status, body) = app.delete("/v1/products/prod_core_stacker").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("DELETE: /v1/products"),
        "{body}"
    );
    let (status, body) = app.control("/nothing", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let page = app.client.get(app.url("/nothing")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn parallel_requests_with_one_idempotency_key_create_one_customer() {
    let app = spawn_app().await;
    let send = || {
        app.client
            .post(app.url("/v1/customers"))
            .bearer_auth(KEY)
            .header("idempotency-key", "signup-ada")
            .form(&[("email", "ada@example.com")])
            .send()
    };
    let responses = spawn_all((0..16).map(|_| send())).await;
    // One request runs; the others either arrive while it runs and are refused with 409, as
    // Stripe refuses them, or after it and get its answer replayed.
    let mut ids = Vec::new();
    let mut refused = 0;
    for response in responses {
        let response = response.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        match status {
            StatusCode::OK => ids.push(body["id"].as_str().unwrap().to_owned()),
            StatusCode::CONFLICT => {
                assert_eq!(body["error"]["code"], "idempotency_key_in_use", "{body}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len() + refused, 16);
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(customer_count(&app).await, 1);
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["id"].as_str(), Some(ids[0].as_str()));

    let long_key = "k".repeat(256);
    let response = app
        .client
        .post(app.url("/v1/customers"))
        .bearer_auth(KEY)
        .header("idempotency-key", long_key)
        .form(&[("email", "bob@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(customer_count(&app).await, 1);
}

async fn spawn_all<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    results
}

#[tokio::test]
async fn a_refused_subscription_update_changes_nothing_and_sends_no_event() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let events_before = app.event_types().await;
    let (status, body) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[
                ("items[0][id]", item),
                ("items[0][price]", "price_spark_monthly"),
                ("items[1][id]", "si_missing"),
                ("items[1][price]", "price_spark_monthly"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["param"], "items[1][id]");
    let (_, after) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(
        after["items"]["data"][0]["price"]["id"],
        "price_core_monthly"
    );
    assert_eq!(app.event_types().await, events_before);
}

#[tokio::test]
async fn a_deleted_endpoint_gets_no_more_retries() {
    let app = spawn_app().await;
    let (_refusing, url) = Receiver::start(usize::MAX).await;
    let endpoint = register_endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", &[]).await;
    for _ in 0..200 {
        if !app.deliveries().await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, _) = app
        .delete(&format!(
            "/v1/webhook_endpoints/{}",
            endpoint["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let attempts = app.deliveries().await.len();
    assert!(
        attempts >= 1,
        "the first attempt was made before the delete"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.deliveries().await.len(), attempts);
}

#[tokio::test]
async fn checkout_survives_double_submits_and_odd_bodies() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    let url = session["url"].as_str().unwrap();

    let not_a_form = app
        .client
        .post(url)
        .json(&json!({"email": "ada@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_form.status(), StatusCode::BAD_REQUEST);
    assert!(
        not_a_form
            .text()
            .await
            .unwrap()
            .contains("Enter a valid email address.")
    );

    let (first, second) = tokio::join!(
        app.pay(&session, "4242424242424242"),
        app.pay(&session, "4242424242424242")
    );
    let id = session["id"].as_str().unwrap();
    let success = format!("http://localhost:3000/welcome?session_id={id}");
    for response in [first, second] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], success.as_str());
    }
    let (_, subscriptions) = app.get("/v1/subscriptions?status=all").await;
    assert_eq!(subscriptions["data"].as_array().unwrap().len(), 1);

    let page = app
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&success), "{page}");
    assert!(!page.contains("{CHECKOUT_SESSION_ID}"));

    let portal = app
        .client
        .post(app.url("/portal/bps_missing/cancel"))
        .body("not a form")
        .send()
        .await
        .unwrap();
    assert!(portal.status().is_client_error());
}

#[tokio::test]
async fn controls_refuse_values_that_would_break_the_emulator() {
    let app = spawn_app().await;
    let (status, body) = app
        .control(
            "/settings",
            json!({"retry_days": [3, i64::MAX / 2], "final_status": "canceled"}),
        )
        .await;
    assert_param(status, &body, "retry_days");
    let (_, settings) = app.get("/_emulator/settings").await;
    assert_eq!(settings["retry_days"], json!([3, 5, 7]), "{settings}");
    let (status, body) = app
        .control("/clock/advance", json!({"seconds": i64::MAX}))
        .await;
    assert_param(status, &body, "seconds");
    let (status, body) = app.control("/clock/advance", json!({"to": 1})).await;
    assert_param(status, &body, "to");
    let (status, body) = app
        .control("/webhooks/mode", json!({"delay_ms": u64::MAX}))
        .await;
    assert_param(status, &body, "delay_ms");
    let (status, body) = app
        .control(
            "/checkout/sessions/cs_test_missing/pay",
            json!({"email": "ada@example.com", "card_number": "4242424242424242"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "resource_missing");
    let (status, body) = app
        .control(
            "/catalog",
            json!({"products": [{"id": "prod_x", "name": "X", "prices": [
                {"id": "price_x", "unit_amount": 100, "interval": "month", "interval_count": 0}
            ]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let clock: Value = app
        .client
        .get(app.url("/_emulator/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offset_seconds"], 0);
}

#[tokio::test]
async fn a_create_refused_for_its_expand_leaves_nothing_behind() {
    let app = spawn_app().await;
    let (_, events_before) = app.get("/v1/events?limit=100").await;

    let (status, body) = app
        .post(
            "/v1/customers",
            &[("email", "ada@example.com"), ("expand[]", "nothing_here")],
        )
        .await;
    assert_param(status, &body, "expand");
    let (status, body) = app
        .post(
            "/v1/products",
            &[("name", "Extra"), ("expand[]", "nothing_here")],
        )
        .await;
    assert_param(status, &body, "expand");

    assert_eq!(customer_count(&app).await, 0);
    let (_, products) = app.get("/v1/products?limit=100").await;
    let names: Vec<&str> = products["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|product| product["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"Extra"), "{names:?}");
    let (_, events_after) = app.get("/v1/events?limit=100").await;
    assert_eq!(events_after["data"], events_before["data"]);
}
