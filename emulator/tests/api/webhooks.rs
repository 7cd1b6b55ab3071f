//! Webhook delivery: signatures checked with async-stripe's verifier, retries, test modes.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use crate::helpers::{Receiver, register_endpoint, spawn_app};

#[tokio::test]
async fn events_are_signed_so_async_stripe_verifies_them() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    let endpoint = register_endpoint(&app, &url, &["*"]).await;
    let secret = endpoint["secret"].as_str().unwrap();
    app.post("/v1/customers", &[("email", "ada@example.com")])
        .await;

    let received = receiver.wait_for(1).await;
    let (headers, body) = &received[0];
    let signature = headers["stripe-signature"].to_str().unwrap();
    assert!(signature.starts_with("t=") && signature.contains(",v1="));
    let event = stripe_webhook::Webhook::construct_event(body, signature, secret)
        .expect("signature verifies");
    assert!(matches!(
        event.data.object,
        stripe_webhook::EventObject::CustomerCreated(_)
    ));
    assert!(stripe_webhook::Webhook::construct_event(body, signature, "whsec_wrong").is_err());
}

#[tokio::test]
async fn only_matching_event_types_are_delivered() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    register_endpoint(&app, &url, &["checkout.session.completed"]).await;
    app.subscribe("price_core_monthly").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let types: Vec<_> = receiver
        .bodies()
        .iter()
        .map(|b| b["type"].clone())
        .collect();
    assert_eq!(types, [json!("checkout.session.completed")]);
}

#[tokio::test]
async fn failed_deliveries_are_retried_until_accepted() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(2).await;
    register_endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    let received = receiver.wait_for(3).await;
    assert_eq!(received.len(), 3);
    let ids: Vec<_> = receiver.bodies().iter().map(|b| b["id"].clone()).collect();
    assert!(ids.iter().all(|id| id == &ids[0]));

    let attempts = app.deliveries().await;
    let summary: Vec<_> = attempts
        .iter()
        .map(|a| {
            (
                a["attempt"].as_u64().unwrap(),
                a["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [(1, 500), (2, 500), (3, 200)]);
    assert_eq!(attempts[2]["event_type"], "customer.created");
    assert_eq!(attempts[2]["url"], url);
}

#[tokio::test]
async fn duplicate_mode_sends_each_event_twice() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    register_endpoint(&app, &url, &["customer.created"]).await;
    app.control("/webhooks/mode", json!({ "duplicate": true }))
        .await;
    app.post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    let bodies = {
        receiver.wait_for(2).await;
        receiver.bodies()
    };
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["id"], bodies[1]["id"]);
}

#[tokio::test]
async fn hold_and_flush_release_events_in_shuffled_order_when_reordering() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    register_endpoint(&app, &url, &["customer.created"]).await;
    app.control("/webhooks/mode", json!({ "hold": true, "reorder": true }))
        .await;
    let mut created = Vec::new();
    for n in 0..12 {
        let (_, customer) = app
            .post("/v1/customers", &[("email", &format!("c{n}@example.com"))])
            .await;
        created.push(customer["id"].clone());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(receiver.bodies().is_empty(), "held events must not be sent");

    let (_, flushed) = app.control("/webhooks/flush", json!({})).await;
    assert_eq!(flushed["released"], 12);
    receiver.wait_for(12).await;
    let order: Vec<_> = receiver
        .bodies()
        .iter()
        .map(|b| b["data"]["object"]["id"].clone())
        .collect();
    assert_eq!(order.len(), 12);
    assert_ne!(order, created, "reorder mode should shuffle 12 events");
}

#[tokio::test]
async fn updates_carry_previous_attributes() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    register_endpoint(&app, &url, &["customer.subscription.updated"]).await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    app.post(
        &format!("/v1/subscriptions/{id}"),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    receiver.wait_for(1).await;
    let event = &receiver.bodies()[0];
    assert_eq!(event["data"]["object"]["cancel_at_period_end"], true);
    assert_eq!(
        event["data"]["previous_attributes"]["cancel_at_period_end"],
        false
    );
}

#[tokio::test]
async fn updating_an_endpoint_changes_where_and_what_is_delivered() {
    let app = spawn_app().await;
    let (first, first_url) = Receiver::start(0).await;
    let (second, second_url) = Receiver::start(0).await;
    let endpoint = register_endpoint(&app, &first_url, &["customer.created"]).await;
    let id = endpoint["id"].as_str().unwrap();
    let secret = endpoint["secret"].as_str().unwrap();
    app.post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    first.wait_for(1).await;

    let path = format!("/v1/webhook_endpoints/{id}");
    let (status, updated) = app
        .post(
            &path,
            &[
                ("url", &second_url),
                ("enabled_events[]", "customer.updated"),
                ("description", "billing"),
                ("metadata[env]", "test"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], id);
    assert_eq!(updated["url"], second_url);
    assert_eq!(updated["enabled_events"], json!(["customer.updated"]));
    assert_eq!(updated["description"], "billing");
    assert_eq!(updated["metadata"], json!({ "env": "test" }));
    assert_eq!(updated["status"], "enabled");
    assert!(
        updated.get("secret").is_none(),
        "only a create shows the secret"
    );
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, updated);

    // customer.created is no longer wanted; customer.updated goes to the new URL.
    let (_, customer) = app
        .post("/v1/customers", &[("email", "grace@example.com")])
        .await;
    let customer = format!("/v1/customers/{}", customer["id"].as_str().unwrap());
    app.post(&customer, &[("name", "Grace")]).await;
    let received = second.wait_for(1).await;
    let (headers, body) = &received[0];
    let signature = headers["stripe-signature"].to_str().unwrap();
    let event = stripe_webhook::Webhook::construct_event(body, signature, secret)
        .expect("the secret survives an update");
    assert!(matches!(
        event.data.object,
        stripe_webhook::EventObject::CustomerUpdated(_)
    ));

    let (_, disabled) = app.post(&path, &[("disabled", "true")]).await;
    assert_eq!(disabled["status"], "disabled");
    app.post(&customer, &[("name", "Grace H.")]).await;
    let (_, events) = app.get("/v1/events?type=customer.updated").await;
    assert_eq!(
        events["data"][0]["pending_webhooks"], 0,
        "a disabled endpoint is not sent the event"
    );
    let (_, enabled) = app.post(&path, &[("disabled", "false")]).await;
    assert_eq!(enabled["status"], "enabled");
    app.post(&customer, &[("name", "Grace Hopper")]).await;

    // First attempts to one endpoint keep their order, so an event sent while disabled would
    // arrive before the last one.
    second.wait_for(2).await;
    let names: Vec<_> = second
        .bodies()
        .iter()
        .map(|b| b["data"]["object"]["name"].clone())
        .collect();
    assert_eq!(names, [json!("Grace"), json!("Grace Hopper")]);
    let urls: Vec<_> = app
        .deliveries()
        .await
        .iter()
        .map(|a| (a["event_type"].clone(), a["url"].clone()))
        .collect();
    assert_eq!(
        urls,
        [
            (json!("customer.created"), json!(first_url)),
            (json!("customer.updated"), json!(second_url)),
            (json!("customer.updated"), json!(second_url)),
        ]
    );
    assert_eq!(first.bodies().len(), 1);
}

#[tokio::test]
async fn webhook_mode_reads_back_what_was_set() {
    let app = spawn_app().await;
    let (status, mode) = app.control_get("/webhooks/mode").await;
    assert_eq!(status, 200);
    assert_eq!(
        mode,
        json!({ "duplicate": false, "delay_ms": 0, "reorder": false, "hold": false })
    );
    let (status, set) = app
        .control("/webhooks/mode", json!({ "delay_ms": 250, "hold": true }))
        .await;
    assert_eq!(status, 200, "{set}");
    let expected = json!({ "duplicate": false, "delay_ms": 250, "reorder": false, "hold": true });
    assert_eq!(set, expected, "fields left out take their defaults");
    let (_, read) = app.control_get("/webhooks/mode").await;
    assert_eq!(read, expected);

    app.control("/reset", json!({})).await;
    let (_, after_reset) = app.control_get("/webhooks/mode").await;
    assert_eq!(after_reset, mode);
}

#[tokio::test]
async fn delay_mode_holds_back_each_first_attempt() {
    const DELAY: Duration = Duration::from_millis(200);
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    register_endpoint(&app, &url, &["customer.created"]).await;
    let (status, _) = app
        .control("/webhooks/mode", json!({ "delay_ms": 200 }))
        .await;
    assert_eq!(status, 200);

    let start = Instant::now();
    for email in ["ada@example.com", "grace@example.com"] {
        app.post("/v1/customers", &[("email", email)]).await;
    }
    receiver.wait_for(2).await;
    let arrivals = receiver.arrivals();
    assert_eq!(arrivals.len(), 2);
    let first = arrivals[0].duration_since(start);
    assert!(first >= DELAY, "first event arrived after {first:?}");
    // The endpoint's queue waits again before the next event.
    let gap = arrivals[1].duration_since(arrivals[0]);
    assert!(gap >= DELAY, "second event arrived {gap:?} after the first");
}

/// A receiver that keeps each request open until `expected` requests have arrived (or five
/// seconds passed) and records every event with whether all of them were in flight together.
#[derive(Clone, Default)]
struct Gathering {
    arrived: Arc<Mutex<usize>>,
    answered: Arc<Mutex<Vec<(Value, bool)>>>,
}

impl Gathering {
    async fn start(expected: usize) -> (Self, String) {
        let gathering = Self::default();
        let state = gathering.clone();
        let app = Router::new().route(
            "/webhook",
            post(move |body: Bytes| {
                let state = state.clone();
                async move {
                    *state.arrived.lock().unwrap() += 1;
                    let mut together = false;
                    for _ in 0..500 {
                        if *state.arrived.lock().unwrap() >= expected {
                            together = true;
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    let event = serde_json::from_slice(&body).unwrap();
                    state.answered.lock().unwrap().push((event, together));
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (gathering, url)
    }

    async fn wait_for(&self, count: usize) -> Vec<(Value, bool)> {
        for _ in 0..600 {
            if self.answered.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.answered.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn reorder_mode_sends_events_side_by_side_and_each_once() {
    const COUNT: usize = 6;
    let app = spawn_app().await;
    let (gathering, url) = Gathering::start(COUNT).await;
    register_endpoint(&app, &url, &["customer.created"]).await;
    app.control("/webhooks/mode", json!({ "reorder": true }))
        .await;
    let mut created = BTreeSet::new();
    for n in 0..COUNT {
        let (_, customer) = app
            .post("/v1/customers", &[("email", &format!("c{n}@example.com"))])
            .await;
        created.insert(customer["id"].as_str().unwrap().to_owned());
    }

    // In order, an endpoint gets its next event only after answering the previous one; here
    // every event was on its way before any was answered.
    let answered = gathering.wait_for(COUNT).await;
    assert_eq!(answered.len(), COUNT);
    assert!(
        answered.iter().all(|(_, together)| *together),
        "all {COUNT} deliveries should be in flight at once"
    );

    let delivered: BTreeSet<String> = answered
        .iter()
        .map(|(event, _)| event["data"]["object"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(delivered, created);
    let delivered_events: BTreeSet<String> = answered
        .iter()
        .map(|(event, _)| event["id"].as_str().unwrap().to_owned())
        .collect();
    let (_, events) = app.get("/v1/events?type=customer.created").await;
    let recorded: BTreeSet<String> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        delivered_events, recorded,
        "each event delivered exactly once"
    );
    let attempts = app.deliveries().await;
    assert_eq!(attempts.len(), COUNT);
    assert!(
        attempts
            .iter()
            .all(|a| a["attempt"] == 1 && a["succeeded"] == true)
    );
}
