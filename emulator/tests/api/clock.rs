//! The clock: renewals that pay, renewals that fail into past_due and then end per the settings.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const MONTH: i64 = 31 * 24 * 60 * 60;
const DAY: i64 = 24 * 60 * 60;

async fn advance(app: &TestApp, seconds: i64) -> Value {
    let (status, body) = app
        .control("/clock/advance", json!({ "seconds": seconds }))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn renewal_pays_a_new_invoice_and_starts_a_new_period() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let first_end = subscription["items"]["data"][0]["current_period_end"]
        .as_i64()
        .unwrap();

    let before = app
        .client
        .get(app.url("/_emulator/clock"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let moved = advance(&app, MONTH).await;
    assert!(moved["now"].as_i64().unwrap() >= before["now"].as_i64().unwrap() + MONTH);

    let (_, renewed) = app
        .get(&format!("/v1/subscriptions/{id}?expand[]=latest_invoice"))
        .await;
    assert_eq!(renewed["status"], "active");
    assert_eq!(
        renewed["items"]["data"][0]["current_period_start"],
        first_end
    );
    assert_eq!(
        renewed["latest_invoice"]["billing_reason"],
        "subscription_cycle"
    );
    assert_eq!(renewed["latest_invoice"]["status"], "paid");
    let (_, invoices) = app.get(&format!("/v1/invoices?subscription={id}")).await;
    assert_eq!(invoices["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn failing_card_goes_past_due_then_canceled_after_retries() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let customer = subscription["customer"].as_str().unwrap();
    let (status, _) = app
        .control(
            &format!("/customers/{customer}/card"),
            json!({ "number": "4000000000000341" }),
        )
        .await;
    assert_eq!(status, 200);

    advance(&app, MONTH).await;
    let (_, late) = app
        .get(&format!("/v1/subscriptions/{id}?expand[]=latest_invoice"))
        .await;
    assert_eq!(late["status"], "past_due");
    assert_eq!(late["latest_invoice"]["status"], "open");
    assert!(
        app.event_types()
            .await
            .contains(&"invoice.payment_failed".to_owned())
    );

    advance(&app, 8 * DAY).await;
    let (_, ended) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(ended["status"], "canceled");
    assert_eq!(ended["cancellation_details"]["reason"], "payment_failed");
    let failures = app
        .event_types()
        .await
        .iter()
        .filter(|t| *t == "invoice.payment_failed")
        .count();
    assert_eq!(failures, 4);
}

#[tokio::test]
async fn failing_renewal_can_end_unpaid_or_recover() {
    let app = spawn_app().await;
    let (status, _) = app
        .control(
            "/settings",
            json!({ "retry_days": [1], "final_status": "unpaid" }),
        )
        .await;
    assert_eq!(status, 200);
    let first = app.subscribe("price_core_monthly").await;
    let second = app.subscribe("price_spark_monthly").await;
    for subscription in [&first, &second] {
        let customer = subscription["customer"].as_str().unwrap();
        app.control(
            &format!("/customers/{customer}/card"),
            json!({ "number": "4000000000000341" }),
        )
        .await;
    }
    advance(&app, MONTH).await;

    // The second customer fixes their card before the retry.
    let customer = second["customer"].as_str().unwrap();
    app.control(
        &format!("/customers/{customer}/card"),
        json!({ "number": "4242424242424242" }),
    )
    .await;
    advance(&app, 2 * DAY).await;

    let (_, unpaid) = app
        .get(&format!(
            "/v1/subscriptions/{}",
            first["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(unpaid["status"], "unpaid");
    let (_, recovered) = app
        .get(&format!(
            "/v1/subscriptions/{}?expand[]=latest_invoice",
            second["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(recovered["status"], "active");
    assert_eq!(recovered["latest_invoice"]["status"], "paid");
}

#[tokio::test]
async fn cancel_at_period_end_takes_effect_when_the_period_ends() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_lightning_yearly").await;
    let id = subscription["id"].as_str().unwrap();
    app.post(
        &format!("/v1/subscriptions/{id}"),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    advance(&app, 366 * DAY).await;
    let (_, ended) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(ended["status"], "canceled");
    assert_eq!(
        app.event_types().await.last().unwrap(),
        "customer.subscription.deleted"
    );
}

#[tokio::test]
async fn reset_and_catalog_and_status_controls() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let (_, forced) = app
        .control(
            &format!("/subscriptions/{id}/status"),
            json!({ "status": "incomplete" }),
        )
        .await;
    assert_eq!(forced["status"], "incomplete");

    let catalog = json!({ "products": [{ "id": "prod_solo", "name": "Solo", "prices": [
        { "id": "price_solo_monthly", "unit_amount": 700, "interval": "month" }
    ]}]});
    let (status, summary) = app.control("/catalog", catalog).await;
    assert_eq!(status, 200, "{summary}");
    let (_, products) = app.get("/v1/products?active=true").await;
    assert_eq!(products["data"][0]["id"], "prod_solo");
    let (_, core) = app.get("/v1/prices/price_core_monthly").await;
    assert_eq!(
        core["active"], false,
        "a price still in use is archived, not deleted"
    );

    let (status, _) = app.control("/reset", json!({})).await;
    assert_eq!(status, 200);
    let (_, customers) = app.get("/v1/customers").await;
    assert!(customers["data"].as_array().unwrap().is_empty());
    let (_, products) = app.get("/v1/products").await;
    assert_eq!(products["data"].as_array().unwrap().len(), 3);
}
