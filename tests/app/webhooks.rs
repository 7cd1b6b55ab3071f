use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use stacker::server::entities::{stripe_event, subscription};

use crate::harness::{redirect_target, spawn_app};

#[tokio::test]
async fn webhooks_without_a_valid_signature_are_rejected() {
    let app = spawn_app().await;
    let url = format!("{}/webhooks/stripe", app.address);
    let body = r#"{"id":"evt_forged","object":"event","type":"customer.subscription.deleted"}"#;
    let client = reqwest::Client::new();

    let unsigned = client
        .post(&url)
        .body(body)
        .send()
        .await
        .expect("an answer");
    let forged = client
        .post(&url)
        .header("stripe-signature", "t=1700000000,v1=00ff")
        .body(body)
        .send()
        .await
        .expect("an answer");

    assert_eq!(unsigned.status(), 400);
    assert_eq!(forged.status(), 400);
    let stored = subscription::Entity::find()
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn events_set_the_tier_and_clear_it_on_cancellation() {
    let app = spawn_app().await;
    let email = app.sign_up("buyer@example.com").await;
    let checkout_url = redirect_target(&app.subscribe("price_core_monthly").await);

    let paid = app
        .pay_checkout(&checkout_url, &email, "4242 4242 4242 4242")
        .await;

    assert!(paid.status().is_redirection(), "{}", paid.status());
    assert!(redirect_target(&paid).contains("/checkout/success?session_id=cs_"));
    let user = app.wait_for_tier("core").await;
    let customer = user.stripe_customer_id.expect("a stored customer");
    let subscriptions = app
        .stripe_get(&format!("/subscriptions?customer={customer}"))
        .await;
    let subscription_id = subscriptions["data"][0]["id"]
        .as_str()
        .expect("a subscription id")
        .to_owned();

    app.stripe_delete(&format!("/subscriptions/{subscription_id}"))
        .await;

    app.wait_for_tier("free").await;
    let stored = subscription::Entity::find_by_id(subscription_id)
        .one(app.db())
        .await
        .expect("a query")
        .expect("the subscription row");
    assert_eq!(stored.status, "canceled");
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_is_refused_and_kept() {
    let app = spawn_app().await;

    let status = app.deliver("this is not an event").await;

    assert_eq!(status, 400);
    let kept = stripe_event::Entity::find()
        .filter(stripe_event::Column::EventType.eq("unreadable"))
        .all(app.db())
        .await
        .expect("a query");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].status, "failed");
    assert_eq!(kept[0].body, "this is not an event");
    assert!(kept[0].last_error.is_some());
}

#[tokio::test]
async fn event_types_the_app_does_not_act_on_are_recorded_as_ignored() {
    let app = spawn_app().await;
    app.hold_webhooks().await;
    let user = app.create_user("ignored@example.com").await;
    app.buy(user, "price_core_monthly", crate::harness::GOOD_CARD)
        .await;
    let invoices = app.stripe_get("/events?type=invoice.paid").await;
    let invoice_paid = serde_json::to_string(&invoices["data"][0]).expect("JSON");
    let event_id = invoices["data"][0]["id"].as_str().expect("an id");

    assert_eq!(app.deliver(&invoice_paid).await, 200);

    let stored = app.stored_event(event_id).await.expect("stored");
    assert_eq!(stored.status, "ignored");
    assert_eq!(stored.event_type, "invoice.paid");
}
