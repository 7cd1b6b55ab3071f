//! Every object the emulator returns has the keys of Stripe's example object of the same type,
//! and async-stripe parses both the example and the emulator's output into its type, through
//! serde (the `deserialize` feature) and through miniserde (what its HTTP client uses).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::helpers::{Receiver, TestApp, register_endpoint, spawn_app};

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe/fixtures3.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let all: Value = serde_json::from_str(&text).expect("fixtures are JSON");
    all["resources"][name].clone()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

/// Same keys as the fixture, and both parse into `T` with serde and with miniserde; every enum
/// value the emulator writes is one async-stripe knows (no `Unknown(…)` variant).
fn assert_shape<T: DeserializeOwned + miniserde::Deserialize + std::fmt::Debug>(
    name: &str,
    ours: &Value,
) {
    let theirs = fixture(name);
    assert_eq!(
        keys(ours),
        keys(&theirs),
        "{name}: key sets differ\nours: {ours:#}"
    );
    for (label, value) in [("fixture", &theirs), ("emulator", ours)] {
        if let Err(err) = serde_json::from_value::<T>(value.clone()) {
            panic!("{name}: async-stripe (serde) rejects the {label} object: {err}\n{value:#}");
        }
        if let Err(err) = miniserde::json::from_str::<T>(&value.to_string()) {
            panic!("{name}: async-stripe (miniserde) rejects the {label} object: {err}\n{value:#}");
        }
    }
    let unknown = unknown_enum_values(|| {
        let _: T = serde_json::from_value(ours.clone()).expect("parsed above");
    });
    assert!(
        unknown.is_empty(),
        "{name}: async-stripe does not know enum values the emulator wrote: {unknown:?}"
    );
}

/// The "Unknown value … for enum …" warnings async-stripe logs while `parse` runs.
fn unknown_enum_values(parse: impl FnOnce()) -> Vec<String> {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::{Context, SubscriberExt};

    #[derive(Clone, Default)]
    struct Collect(Arc<Mutex<Vec<String>>>);

    struct Message(String);

    impl tracing::field::Visit for Message {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.0 = format!("{value:?}");
            }
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Collect {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let mut message = Message(String::new());
            event.record(&mut message);
            if message.0.starts_with("Unknown value") {
                self.0.lock().expect("the list").push(message.0);
            }
        }
    }

    let collect = Collect::default();
    let subscriber = tracing_subscriber::registry().with(collect.clone());
    tracing::subscriber::with_default(subscriber, parse);
    collect.0.lock().expect("the list").clone()
}

/// A customer with a paid subscription and a portal session, for objects that need them.
async fn subscribed() -> (TestApp, Value) {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    (app, subscription)
}

#[tokio::test]
async fn product_and_price_match_stripe() {
    let app = spawn_app().await;
    let (_, product) = app.get("/v1/products/prod_core_stacker").await;
    assert_shape::<stripe_shared::Product>("product", &product);
    let (_, price) = app.get("/v1/prices/price_core_yearly").await;
    assert_shape::<stripe_shared::Price>("price", &price);
}

#[tokio::test]
async fn customer_matches_stripe() {
    let app = spawn_app().await;
    let (_, customer) = app
        .post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    assert_shape::<stripe_shared::Customer>("customer", &customer);
}

#[tokio::test]
async fn checkout_session_matches_stripe_open_and_complete() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_spark_monthly", &[]).await;
    assert_shape::<stripe_shared::CheckoutSession>("checkout.session", &session);
    app.pay(&session, "4242424242424242").await;
    let (_, session) = app
        .get(&format!(
            "/v1/checkout/sessions/{}",
            session["id"].as_str().unwrap()
        ))
        .await;
    assert_shape::<stripe_shared::CheckoutSession>("checkout.session", &session);
}

#[tokio::test]
async fn subscription_and_item_match_stripe() {
    let (_, subscription) = subscribed().await;
    assert_shape::<stripe_shared::Subscription>("subscription", &subscription);
    let item = &subscription["items"]["data"][0];
    assert_shape::<stripe_shared::SubscriptionItem>("subscription_item", item);
    assert!(item["current_period_end"].as_i64() > item["current_period_start"].as_i64());
}

#[tokio::test]
async fn invoice_and_line_match_stripe() {
    let (app, subscription) = subscribed().await;
    let invoice_id = subscription["latest_invoice"]
        .as_str()
        .expect("latest invoice");
    let (_, invoice) = app.get(&format!("/v1/invoices/{invoice_id}")).await;
    assert_shape::<stripe_shared::Invoice>("invoice", &invoice);
    assert_shape::<stripe_shared::InvoiceLineItem>("line_item", &invoice["lines"]["data"][0]);

    let (status, preview) = app
        .post(
            "/v1/invoices/create_preview",
            &[
                ("subscription", subscription["id"].as_str().unwrap()),
                (
                    "subscription_details[items][0][id]",
                    subscription["items"]["data"][0]["id"].as_str().unwrap(),
                ),
                (
                    "subscription_details[items][0][price]",
                    "price_spark_monthly",
                ),
            ],
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_shape::<stripe_shared::Invoice>("invoice", &preview);
}

#[tokio::test]
async fn event_matches_stripe_and_webhook_parser() {
    let (app, _) = subscribed().await;
    let (_, events) = app
        .get("/v1/events?type=customer.subscription.created")
        .await;
    let event = &events["data"][0];
    assert_shape::<stripe_shared::Event>("event", event);
    let parsed =
        stripe_webhook::Webhook::insecure(&event.to_string()).expect("webhook event parses");
    assert!(matches!(
        parsed.data.object,
        stripe_webhook::EventObject::CustomerSubscriptionCreated(_)
    ));
}

#[tokio::test]
async fn portal_session_matches_stripe() {
    let (app, subscription) = subscribed().await;
    let customer = subscription["customer"].as_str().unwrap();
    let (_, session) = app
        .post(
            "/v1/billing_portal/sessions",
            &[
                ("customer", customer),
                ("return_url", "http://localhost:3000/account"),
            ],
        )
        .await;
    assert_shape::<stripe_billing::BillingPortalSession>("billing_portal.session", &session);
}

#[tokio::test]
async fn webhook_endpoint_matches_stripe() {
    let app = spawn_app().await;
    let (_, url) = Receiver::start(0).await;
    let created = register_endpoint(&app, &url, &["*"]).await;
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    let (_, endpoint) = app
        .get(&format!(
            "/v1/webhook_endpoints/{}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_shape::<stripe_misc::WebhookEndpoint>("webhook_endpoint", &endpoint);
}
