//! Billing sync under real Stripe traffic: events late, early, repeated, reordered or
//! unparseable, the database away, and a storm of them. Each case runs on SQLite and on
//! PostgreSQL.

use std::sync::Arc;

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use stacker::server::billing::catalog;
use stacker::server::entities::{price, product, stripe_event, subscription};
use stacker::server::events::inbox;
use stacker::server::{events, tasks};
use stacker::tier::Tier;
use tokio::task::JoinSet;

use crate::harness::{Backend, GOOD_CARD, TestApp, redirect_target, spawn_app_on, wait_until};
use crate::on_both_databases;

on_both_databases!(
    the_success_page_shows_the_tier_before_any_webhook,
    an_update_before_the_creation_makes_one_row,
    an_older_event_after_a_newer_one_keeps_the_current_status,
    a_repeated_event_is_processed_once,
    concurrent_subscribes_make_one_customer,
    a_checkout_for_an_unknown_user_is_stored_as_failed,
    a_price_before_its_product_still_reaches_the_pricing_page,
    sync_fills_the_catalog_and_subscriptions_made_before_the_app,
    a_failed_renewal_keeps_the_tier_for_the_grace_period_only,
    incomplete_subscriptions_grant_nothing,
    cancelling_at_period_end_keeps_the_tier_until_the_end,
    an_unparseable_event_is_stored_and_replayable,
    a_delivery_while_the_database_is_down_is_retried,
    an_event_its_delivery_left_unsettled_is_taken_over,
    a_webhook_storm_ends_with_stripes_truth,
);

fn event_id(body: &str) -> String {
    let event: Value = serde_json::from_str(body).expect("an event");
    event["id"].as_str().expect("an event id").to_owned()
}

async fn wait_for_status(app: &TestApp, subscription_id: &str, status: &str) {
    wait_until(
        &format!("{subscription_id} is stored as {status}"),
        async || {
            app.stored_subscription(subscription_id)
                .await
                .is_some_and(|stored| stored.status == status)
        },
    )
    .await;
}

async fn the_success_page_shows_the_tier_before_any_webhook(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let email = app.sign_up("early@example.com").await;
    let checkout_url = redirect_target(&app.subscribe("price_core_monthly").await);
    let success = redirect_target(&app.pay_checkout(&checkout_url, &email, GOOD_CARD).await);

    let html = app
        .get_page(success.trim_start_matches(&app.address))
        .await
        .text()
        .await
        .expect("HTML");

    assert!(html.contains("subscribed to Core Stacker"), "{html}");
    let delivered = stripe_event::Entity::find()
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(delivered, 0, "no webhook may have arrived yet");
    assert_eq!(app.users().await[0].subscription_tier, "core");

    // The held events arrive afterwards and change nothing.
    app.control("/webhooks/flush", json!({})).await;
    wait_until("the held events are settled", async || {
        let events = stripe_event::Entity::find()
            .all(app.db())
            .await
            .expect("events");
        events.len() >= 3 && events.iter().all(|event| event.status == "processed")
    })
    .await;
    let rows = subscription::Entity::find()
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(rows, 1);
    assert_eq!(app.users().await[0].subscription_tier, "core");
}

async fn an_update_before_the_creation_makes_one_row(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let user = app.create_user("order@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    app.stripe_post(
        &format!("/subscriptions/{id}"),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    let updated = app.stripe_event("customer.subscription.updated", &id).await;
    let created = app.stripe_event("customer.subscription.created", &id).await;

    assert_eq!(app.deliver(&updated).await, 200);
    assert_eq!(app.deliver(&created).await, 200);

    let rows = subscription::Entity::find()
        .filter(subscription::Column::UserId.eq(user))
        .all(app.db())
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].status, "active");
    assert!(rows[0].cancel_at_period_end);
    assert_eq!(app.tier_of(user).await, Tier::Core);
}

async fn an_older_event_after_a_newer_one_keeps_the_current_status(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let user = app.create_user("late@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    app.control(
        &format!("/subscriptions/{id}/status"),
        json!({ "status": "past_due" }),
    )
    .await;
    let older = app.stripe_event("customer.subscription.updated", &id).await;
    app.stripe_delete(&format!("/subscriptions/{id}")).await;
    let newer = app.stripe_event("customer.subscription.deleted", &id).await;
    assert!(older.contains("\"past_due\""), "{older}");

    assert_eq!(app.deliver(&newer).await, 200);
    assert_eq!(app.deliver(&older).await, 200);

    let stored = app.stored_subscription(&id).await.expect("the row");
    assert_eq!(stored.status, "canceled");
    assert_eq!(app.tier_of(user).await, Tier::Free);
}

async fn a_repeated_event_is_processed_once(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let user = app.create_user("twice@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    let created = app.stripe_event("customer.subscription.created", &id).await;
    let customer = app.customer_of(user).await;
    let customer_created = app.stripe_event("customer.created", &customer).await;

    // One after the other.
    assert_eq!(app.deliver(&created).await, 200);
    assert_eq!(app.deliver(&created).await, 200);
    // At the same time.
    let answers = tokio::join!(
        app.deliver(&customer_created),
        app.deliver(&customer_created),
        app.deliver(&customer_created),
        app.deliver(&customer_created),
    );

    assert_eq!(
        [answers.0, answers.1, answers.2, answers.3].map(|status| status.as_u16()),
        [200; 4]
    );
    for body in [&created, &customer_created] {
        let stored = app.stored_event(&event_id(body)).await.expect("the event");
        assert_eq!(stored.status, "processed");
        assert_eq!(stored.attempts, 1, "processed once: {stored:?}");
    }
    let stored = stripe_event::Entity::find()
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(stored, 2);
    assert_eq!(app.tier_of(user).await, Tier::Core);
}

async fn concurrent_subscribes_make_one_customer(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.sign_up("double-click@example.com").await;

    let (first, second) = tokio::join!(
        app.subscribe("price_core_monthly"),
        app.subscribe("price_spark_monthly")
    );

    assert!(redirect_target(&first).contains("/checkout/cs_"));
    assert!(redirect_target(&second).contains("/checkout/cs_"));
    let customers = app.stripe_get("/customers?limit=100").await;
    let customers = customers["data"].as_array().expect("customers").clone();
    assert_eq!(customers.len(), 1, "{customers:?}");
    assert_eq!(
        app.users().await[0].stripe_customer_id.as_deref(),
        customers[0]["id"].as_str()
    );
}

async fn a_checkout_for_an_unknown_user_is_stored_as_failed(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let session = app
        .stripe_post(
            "/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("line_items[0][price]", "price_core_monthly"),
                ("line_items[0][quantity]", "1"),
                (
                    "success_url",
                    "http://127.0.0.1:9/done?session_id={CHECKOUT_SESSION_ID}",
                ),
                ("cancel_url", "http://127.0.0.1:9/"),
                ("customer_email", "ghost@example.com"),
                ("client_reference_id", "424242"),
            ],
        )
        .await;
    let session_id = session["id"].as_str().expect("a session id");

    app.control(
        &format!("/checkout/sessions/{session_id}/pay"),
        json!({ "email": "ghost@example.com", "card_number": GOOD_CARD }),
    )
    .await;

    let completed = event_id(
        &app.stripe_event("checkout.session.completed", session_id)
            .await,
    );
    wait_until("the event is stored as failed", async || {
        app.stored_event(&completed)
            .await
            .is_some_and(|event| event.status == "failed")
    })
    .await;
    let stored = app.stored_event(&completed).await.expect("the event");
    let error = stored.last_error.expect("the reason");
    assert!(error.contains("no user is linked"), "{error}");
    let deliveries = app.control_get("/deliveries").await;
    let attempts: Vec<&Value> = deliveries["data"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter(|delivery| delivery["event_id"] == completed.as_str())
        .collect();
    assert_eq!(attempts.len(), 1, "answered 2xx at once: {attempts:?}");
    assert_eq!(attempts[0]["status"], 200);
}

async fn a_price_before_its_product_still_reaches_the_pricing_page(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let product = app
        .stripe_post(
            "/products",
            &[
                ("name", "Volt Stacker"),
                ("metadata[tier]", "spark"),
                ("metadata[display_order]", "4"),
                (
                    "metadata[features]",
                    "Everything in Spark; A second workspace",
                ),
            ],
        )
        .await;
    let product_id = product["id"].as_str().expect("a product id");
    let price = app
        .stripe_post(
            "/prices",
            &[
                ("product", product_id),
                ("unit_amount", "4900"),
                ("currency", "usd"),
                ("recurring[interval]", "month"),
            ],
        )
        .await;
    let price_id = price["id"].as_str().expect("a price id");
    let price_created = app.stripe_event("price.created", price_id).await;
    let product_created = app.stripe_event("product.created", product_id).await;

    assert_eq!(app.deliver(&price_created).await, 200);
    let stored_price = price::Entity::find_by_id(price_id.to_owned())
        .one(app.db())
        .await
        .expect("a query")
        .expect("the price is stored before its product");
    assert_eq!(stored_price.product_id, product_id);
    assert_eq!(app.deliver(&product_created).await, 200);

    let plans: Vec<Value> = app
        .call("list_plans", &[])
        .await
        .json()
        .await
        .expect("plans");
    let volt = plans
        .iter()
        .find(|plan| plan["name"] == "Volt Stacker")
        .expect("the new plan");
    assert_eq!(volt["monthly"]["price_id"], price_id);
    assert_eq!(volt["monthly"]["unit_amount"], 4900);
    assert_eq!(
        volt["features"],
        json!(["Everything in Spark", "A second workspace"])
    );
    let html = app.get_page("/").await.text().await.expect("HTML");
    assert!(html.contains("Volt Stacker"), "{html}");
    assert!(html.contains("$49.00"), "{html}");
}

async fn sync_fills_the_catalog_and_subscriptions_made_before_the_app(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    // Stripe's catalog grows while the app hears nothing, and the app's mirror is empty.
    let product = app
        .stripe_post(
            "/products",
            &[("name", "Volt Stacker"), ("metadata[tier]", "spark")],
        )
        .await;
    let product_id = product["id"].as_str().expect("a product id");
    for (amount, interval) in [("4900", "month"), ("49000", "year")] {
        app.stripe_post(
            "/prices",
            &[
                ("product", product_id),
                ("unit_amount", amount),
                ("currency", "usd"),
                ("recurring[interval]", interval),
            ],
        )
        .await;
    }
    let user = app.create_user("before@example.com").await;
    app.buy(user, "price_core_yearly", GOOD_CARD).await;
    price::Entity::delete_many()
        .exec(app.db())
        .await
        .expect("prices emptied");
    product::Entity::delete_many()
        .exec(app.db())
        .await
        .expect("products emptied");
    let subscription_id = app.stripe_subscription_of(user).await;
    assert!(app.stored_subscription(&subscription_id).await.is_none());

    tasks::sync(&app.state).await.expect("sync runs");

    let plans = catalog::active_plans(app.db()).await.expect("plans");
    let on_sale = app
        .stripe_get("/prices?active=true&limit=100&expand[]=data.product")
        .await;
    let mut expected = 0;
    for stripe_price in on_sale["data"].as_array().expect("prices") {
        let product = &stripe_price["product"];
        if product["active"] != true || product["metadata"]["tier"].is_null() {
            continue;
        }
        expected += 1;
        let plan = plans
            .iter()
            .find(|plan| plan.product_id == product["id"].as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("no plan for {product}"));
        let shown = match stripe_price["recurring"]["interval"].as_str() {
            Some("month") => plan.monthly.as_ref(),
            Some("year") => plan.yearly.as_ref(),
            other => panic!("unexpected interval {other:?}"),
        };
        assert_eq!(
            shown.map(|price| price.price_id.as_str()),
            stripe_price["id"].as_str(),
            "{plan:?}"
        );
    }
    assert_eq!(expected, 8, "three seed plans and Volt, monthly and yearly");
    assert_eq!(plans.len(), 4);
    let stored = app
        .stored_subscription(&subscription_id)
        .await
        .expect("the subscription is stored");
    assert_eq!(stored.status, "active");
    assert_eq!(app.tier_of(user).await, Tier::Core);
}

async fn a_failed_renewal_keeps_the_tier_for_the_grace_period_only(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let user = app.create_user("dunning@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    wait_for_status(&app, &id, "active").await;
    let customer = app.customer_of(user).await;
    app.control(
        &format!("/customers/{customer}/card"),
        json!({ "number": "4000000000000341" }),
    )
    .await;

    app.advance_clocks(Duration::days(31)).await;

    wait_for_status(&app, &id, "past_due").await;
    assert_eq!(
        app.tier_of(user).await,
        Tier::Core,
        "within the grace period"
    );
    // Three days of grace (Leptos.toml's default) after the failed renewal.
    app.state.clock.advance(Duration::days(3));
    assert_eq!(
        app.tier_of(user).await,
        Tier::Free,
        "after the grace period"
    );
}

async fn incomplete_subscriptions_grant_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let user = app.create_user("incomplete@example.com").await;
    app.buy(user, "price_spark_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    wait_for_status(&app, &id, "active").await;
    assert_eq!(app.tier_of(user).await, Tier::Spark);

    for status in ["incomplete", "incomplete_expired"] {
        app.control(
            &format!("/subscriptions/{id}/status"),
            json!({ "status": status }),
        )
        .await;
        wait_for_status(&app, &id, status).await;
        assert_eq!(app.tier_of(user).await, Tier::Free, "{status}");
        assert_eq!(
            app.users().await[0].subscription_tier,
            "free",
            "stored tier while {status}"
        );
    }
}

async fn cancelling_at_period_end_keeps_the_tier_until_the_end(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let later = app.create_user("later@example.com").await;
    let now = app.create_user("now@example.com").await;
    app.buy(later, "price_core_monthly", GOOD_CARD).await;
    app.buy(now, "price_spark_monthly", GOOD_CARD).await;
    let later_id = app.stripe_subscription_of(later).await;
    let now_id = app.stripe_subscription_of(now).await;
    wait_for_status(&app, &later_id, "active").await;
    wait_for_status(&app, &now_id, "active").await;

    app.stripe_post(
        &format!("/subscriptions/{later_id}"),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    app.stripe_delete(&format!("/subscriptions/{now_id}")).await;

    wait_until("the cancellation at period end is stored", async || {
        app.stored_subscription(&later_id)
            .await
            .is_some_and(|stored| stored.cancel_at_period_end)
    })
    .await;
    wait_for_status(&app, &now_id, "canceled").await;
    assert_eq!(app.tier_of(later).await, Tier::Core);
    assert_eq!(app.tier_of(now).await, Tier::Free);

    app.advance_clocks(Duration::days(32)).await;

    wait_for_status(&app, &later_id, "canceled").await;
    assert_eq!(app.tier_of(later).await, Tier::Free);
}

async fn an_unparseable_event_is_stored_and_replayable(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let body = json!({
        "id": "evt_unparseable",
        "object": "event",
        "api_version": stripe_shared::version::VERSION.as_str(),
        "created": chrono::Utc::now().timestamp(),
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "customer.subscription.updated",
        "data": { "object": { "id": "sub_odd", "object": "subscription", "status": 42 } }
    })
    .to_string();

    assert_eq!(app.deliver(&body).await, 200);

    let stored = app.stored_event("evt_unparseable").await.expect("stored");
    assert_eq!(stored.status, "failed");
    assert_eq!(stored.body, body);
    let error = stored.last_error.expect("the parse error");
    assert!(error.contains("could not parse"), "{error}");

    // An event that an earlier version of the code failed to parse, and this one can.
    let user = app.create_user("replay@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    let created = app.stripe_event("customer.subscription.created", &id).await;
    let now = chrono::Utc::now();
    stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(event_id(&created)),
        event_type: Set("customer.subscription.created".to_owned()),
        object_id: Set(Some(id.clone())),
        created: Set(now),
        body: Set(created.clone()),
        status: Set("failed".to_owned()),
        attempts: Set(1),
        last_error: Set(Some("the SDK could not parse the event".to_owned())),
        received_at: Set(now),
        processed_at: Set(None),
        locked_until: Set(None),
    })
    .exec(app.db())
    .await
    .expect("a failed event");

    let counts = events::replay_failed(&app.state).await.expect("replay");

    assert_eq!(counts.processed, 1, "{counts:?}");
    assert_eq!(counts.still_failed, 1, "{counts:?}");
    let replayed = app.stored_event(&event_id(&created)).await.expect("stored");
    assert_eq!(replayed.status, "processed");
    assert_eq!(replayed.last_error, None);
    assert_eq!(replayed.attempts, 2);
    assert_eq!(app.tier_of(user).await, Tier::Core);
    let still = app.stored_event("evt_unparseable").await.expect("stored");
    assert_eq!(still.status, "failed");
    assert_eq!(still.attempts, 2);
}

async fn a_delivery_while_the_database_is_down_is_retried(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let user = app.create_user("outage@example.com").await;
    app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    let created = app.stripe_event("customer.subscription.created", &id).await;

    let outage = app.take_database_down().await;
    let during = app.deliver(&created).await;
    outage.end().await;

    assert!(during.is_server_error(), "{during}");
    assert!(app.stored_event(&event_id(&created)).await.is_none());
    assert!(app.stored_subscription(&id).await.is_none());

    assert_eq!(app.deliver(&created).await, 200);
    let stored = app.stored_event(&event_id(&created)).await.expect("stored");
    assert_eq!(stored.status, "processed");
    assert_eq!(
        app.stored_subscription(&id).await.expect("the row").status,
        "active"
    );
    assert_eq!(app.tier_of(user).await, Tier::Core);
}

/// A delivery recorded the event and then lost the database (or its process) before it could
/// store the outcome: the row stays claimed. Redeliveries must not be answered 2xx while
/// nothing processed the event; once the lease runs out a redelivery or a replay takes it.
async fn an_event_its_delivery_left_unsettled_is_taken_over(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hold_webhooks().await;
    let user = app.create_user("abandoned@example.com").await;
    let session = app.buy(user, "price_core_monthly", GOOD_CARD).await;
    let id = app.stripe_subscription_of(user).await;
    let created = app.stripe_event("customer.subscription.created", &id).await;
    let completed = app
        .stripe_event("checkout.session.completed", &session)
        .await;
    for body in [&created, &completed] {
        let envelope = inbox::Envelope::read(body).expect("an envelope");
        let recorded = inbox::record(app.db(), &envelope, body, app.state.clock.now())
            .await
            .expect("recorded");
        assert!(matches!(recorded, inbox::Recorded::Claimed));
    }

    assert_eq!(app.deliver(&created).await, 503);
    assert!(app.stored_subscription(&id).await.is_none());
    assert_eq!(
        app.stored_event(&event_id(&created))
            .await
            .expect("stored")
            .status,
        "received"
    );

    app.state.clock.advance(Duration::minutes(2));
    assert_eq!(app.deliver(&created).await, 200);
    let taken_over = app.stored_event(&event_id(&created)).await.expect("stored");
    assert_eq!(taken_over.status, "processed");
    assert_eq!(taken_over.attempts, 2);
    assert_eq!(app.tier_of(user).await, Tier::Core);

    let counts = events::replay_failed(&app.state).await.expect("a replay");
    assert_eq!(counts.processed, 1, "{counts:?}");
    assert_eq!(counts.still_failed, 0, "{counts:?}");
    let replayed = app
        .stored_event(&event_id(&completed))
        .await
        .expect("stored");
    assert_eq!(replayed.status, "processed");
}

/// The tier Stripe's state grants each user: the highest tier among their active or trialing
/// subscriptions.
async fn stripe_truth(app: &TestApp, users: &[i32]) -> Vec<(i32, Tier)> {
    let prices = app
        .stripe_get("/prices?limit=100&expand[]=data.product")
        .await;
    let tier_of_price = |price_id: &str| -> Tier {
        prices["data"]
            .as_array()
            .expect("prices")
            .iter()
            .find(|price| price["id"] == price_id)
            .and_then(|price| price["product"]["metadata"]["tier"].as_str())
            .and_then(|tier| tier.parse().ok())
            .unwrap_or(Tier::Free)
    };
    let mut truth = Vec::new();
    for &user in users {
        let customer = app.customer_of(user).await;
        let list = app
            .stripe_get(&format!(
                "/subscriptions?customer={customer}&status=all&limit=100"
            ))
            .await;
        let tier = list["data"]
            .as_array()
            .expect("subscriptions")
            .iter()
            .filter(|s| s["status"] == "active" || s["status"] == "trialing")
            .map(|s| tier_of_price(s["items"]["data"][0]["price"]["id"].as_str().unwrap_or("")))
            .max()
            .unwrap_or(Tier::Free);
        truth.push((user, tier));
    }
    truth
}

async fn a_webhook_storm_ends_with_stripes_truth(backend: Backend) {
    const USERS: usize = 240;
    let app = Arc::new(spawn_app_on(backend).await);
    app.control(
        "/webhooks/mode",
        json!({ "duplicate": true, "reorder": true }),
    )
    .await;

    let mut work = JoinSet::new();
    let mut users = Vec::new();
    for n in 0..USERS {
        let user = app.create_user(&format!("storm{n}@example.com")).await;
        users.push(user);
        let app = Arc::clone(&app);
        work.spawn(async move {
            let price = ["price_lightning_monthly", "price_core_yearly"][n % 2];
            app.buy(user, price, GOOD_CARD).await;
            let id = app.stripe_subscription_of(user).await;
            match n % 4 {
                0 => {
                    app.stripe_delete(&format!("/subscriptions/{id}")).await;
                }
                1 => {
                    let current = app.stripe_get(&format!("/subscriptions/{id}")).await;
                    let item = current["items"]["data"][0]["id"]
                        .as_str()
                        .expect("an item")
                        .to_owned();
                    app.stripe_post(
                        &format!("/subscriptions/{id}"),
                        &[
                            ("items[0][id]", item.as_str()),
                            ("items[0][price]", "price_spark_monthly"),
                            ("proration_behavior", "none"),
                        ],
                    )
                    .await;
                }
                2 => {
                    app.stripe_post(
                        &format!("/subscriptions/{id}"),
                        &[("cancel_at_period_end", "true")],
                    )
                    .await;
                }
                _ => {}
            }
        });
        // A few buyers at a time.
        while work.len() >= 8 {
            work.join_next().await.expect("a task").expect("a buyer");
        }
    }
    while let Some(done) = work.join_next().await {
        done.expect("a buyer");
    }

    let truth = stripe_truth(&app, &users).await;
    wait_until(
        "every delivery is answered and every tier equals Stripe's",
        async || {
            let deliveries = app.control_get("/deliveries").await;
            let answered = deliveries["data"]
                .as_array()
                .expect("deliveries")
                .iter()
                .filter(|delivery| delivery["succeeded"] == true)
                .count();
            if answered < 2000 {
                return false;
            }
            for &(user, tier) in &truth {
                if app.tier_of(user).await != tier {
                    return false;
                }
            }
            true
        },
    )
    .await;

    let deliveries = app.control_get("/deliveries").await;
    let delivered = deliveries["data"].as_array().expect("deliveries").len();
    assert!(delivered >= 2000, "only {delivered} deliveries");
    let stored = stripe_event::Entity::find()
        .count(app.db())
        .await
        .expect("a count") as usize;
    assert!(
        stored < delivered,
        "duplicates were delivered: {stored} of {delivered}"
    );
    let unsettled = stripe_event::Entity::find()
        .filter(Expr::col(stripe_event::Column::Status).is_in(["received", "failed"]))
        .count(app.db())
        .await
        .expect("a count");
    assert_eq!(unsettled, 0);
    let tiers: Vec<Tier> = truth.iter().map(|(_, tier)| *tier).collect();
    for tier in [Tier::Free, Tier::Lightning, Tier::Core, Tier::Spark] {
        assert!(tiers.contains(&tier), "the storm covers {tier}");
    }
}
