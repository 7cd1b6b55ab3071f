use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::ExposeSecret;
use stacker::server::billing::webhook_endpoint;
use stacker::server::entities::{stripe_event, subscription, user};
use stacker::tier::Tier;

use crate::harness::{GOOD_CARD, redirect_target, spawn_app, wait_until};

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
    let recorded = stripe_event::Entity::find()
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(recorded, 0, "nothing unsigned is recorded");
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
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let invoices = app.stripe_get("/events?type=invoice.paid").await;
    let invoice_paid = serde_json::to_string(&invoices["data"][0]).expect("JSON");
    let event_id = invoices["data"][0]["id"].as_str().expect("an id");

    assert_eq!(app.deliver(&invoice_paid).await, 200);

    let stored = app.stored_event(event_id).await.expect("stored");
    assert_eq!(stored.status, "ignored");
    assert_eq!(stored.event_type, "invoice.paid");
}

#[tokio::test]
async fn a_product_whose_tier_changes_moves_its_subscribers() {
    let app = spawn_app().await;
    let user = app.create_user("retiered@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    wait_until("the purchase is stored", async || {
        app.tier_of(user).await == Tier::Core
    })
    .await;

    // The name stays "Core Stacker": only the metadata says which tier the product grants.
    app.stripe_post(
        "/products/prod_core_stacker",
        &[("metadata[tier]", "spark")],
    )
    .await;

    wait_until(
        "the product's new tier reaches its subscriber",
        async || app.tier_of(user).await == Tier::Spark,
    )
    .await;
    let id = app.stripe_subscription_of(user).await;
    assert_eq!(
        app.stored_subscription(&id).await.expect("the row").tier,
        "spark"
    );
    let stored = user::Entity::find_by_id(user)
        .one(app.db())
        .await
        .expect("a query")
        .expect("the user");
    assert_eq!(stored.subscription_tier, "spark");
}

#[tokio::test]
async fn the_endpoint_command_registers_the_handled_events_in_the_sdks_version() {
    let app = spawn_app().await;
    let url = "https://stacker.example/webhooks/stripe";

    let (endpoint_id, secret) = webhook_endpoint::create(&app.state.stripe, url)
        .await
        .expect("an endpoint");

    assert!(secret.expose_secret().starts_with("whsec_"));
    let listed = app.stripe_get("/webhook_endpoints?limit=100").await;
    let endpoint = listed["data"]
        .as_array()
        .expect("endpoints")
        .iter()
        .find(|endpoint| endpoint["id"] == endpoint_id.as_str())
        .expect("the new endpoint is listed")
        .clone();
    assert_eq!(endpoint["url"], url);
    assert_eq!(
        endpoint["api_version"],
        stripe_shared::version::VERSION.as_str()
    );
    let mut enabled: Vec<String> = endpoint["enabled_events"]
        .as_array()
        .expect("event types")
        .iter()
        .map(|event| event.as_str().expect("a type").to_owned())
        .collect();
    enabled.sort();
    let mut handled: Vec<String> = webhook_endpoint::handled_events()
        .iter()
        .map(|event| event.as_str().to_owned())
        .collect();
    handled.sort();
    assert_eq!(enabled, handled);
    assert!(enabled.contains(&"checkout.session.completed".to_owned()));
    assert!(enabled.contains(&"customer.subscription.deleted".to_owned()));
}
