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

#[tokio::test]
async fn settings_read_back_what_was_set() {
    let app = spawn_app().await;
    let (status, defaults) = app.control_get("/settings").await;
    assert_eq!(status, 200);
    assert_eq!(
        defaults,
        json!({ "retry_days": [3, 5, 7], "final_status": "canceled" })
    );
    let chosen = json!({ "retry_days": [2, 4], "final_status": "unpaid" });
    let (status, set) = app.control("/settings", chosen.clone()).await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set, chosen);
    let (_, read) = app.control_get("/settings").await;
    assert_eq!(read, chosen);

    app.control("/reset", json!({})).await;
    let (_, after_reset) = app.control_get("/settings").await;
    assert_eq!(after_reset, defaults);
}

#[tokio::test]
async fn trial_ends_into_an_active_subscription_with_a_paid_invoice() {
    let app = spawn_app().await;
    let session = app
        .checkout_session(
            "price_spark_monthly",
            &[("subscription_data[trial_period_days]", "7")],
        )
        .await;
    app.pay(&session, "4242424242424242").await;
    let (_, paid) = app
        .get(&format!(
            "/v1/checkout/sessions/{}?expand[]=subscription",
            session["id"].as_str().unwrap()
        ))
        .await;
    let subscription = &paid["subscription"];
    let id = subscription["id"].as_str().unwrap();
    assert_eq!(subscription["status"], "trialing");
    let trial_end = subscription["trial_end"].as_i64().unwrap();
    let (_, invoices) = app.get(&format!("/v1/invoices?subscription={id}")).await;
    assert_eq!(invoices["data"].as_array().unwrap().len(), 1);
    assert_eq!(invoices["data"][0]["amount_paid"], 0);

    advance(&app, 6 * DAY).await;
    let (_, still) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(still["status"], "trialing");

    let moved = advance(&app, 2 * DAY).await;
    assert!(moved["now"].as_i64().unwrap() > trial_end);
    assert!(moved["changes"].as_u64().unwrap() >= 1, "{moved}");
    let (_, active) = app
        .get(&format!("/v1/subscriptions/{id}?expand[]=latest_invoice"))
        .await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["trial_end"], trial_end, "the trial stays on record");
    let item = &active["items"]["data"][0];
    assert_eq!(item["current_period_start"], trial_end);
    assert!(item["current_period_end"].as_i64().unwrap() >= trial_end + 28 * DAY);
    let invoice = &active["latest_invoice"];
    assert_eq!(invoice["billing_reason"], "subscription_cycle");
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 2900);
    assert_eq!(invoice["lines"]["data"][0]["period"]["start"], trial_end);
    let (_, invoices) = app.get(&format!("/v1/invoices?subscription={id}")).await;
    assert_eq!(invoices["data"].as_array().unwrap().len(), 2);

    let (_, updates) = app
        .get("/v1/events?type=customer.subscription.updated")
        .await;
    assert!(
        updates["data"].as_array().unwrap().iter().any(|event| {
            event["data"]["object"]["status"] == "active"
                && event["data"]["previous_attributes"]["status"] == "trialing"
        }),
        "{updates}"
    );
    let types = app.event_types().await;
    let paid_invoices = types.iter().filter(|t| *t == "invoice.paid").count();
    assert_eq!(paid_invoices, 2, "{types:?}");
}
