//! Webhook delivery: signatures checked with async-stripe's verifier, retries, test modes.

use std::time::Duration;

use serde_json::json;

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
