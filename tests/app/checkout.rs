use crate::harness::{redirect_target, spawn_app};

#[tokio::test]
async fn a_tampered_price_is_refused_and_creates_nothing() {
    let app = spawn_app().await;
    app.sign_up("tamper@example.com").await;

    let response = app.subscribe("price_made_up").await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.expect("a body");
    assert!(body.contains("That plan is not available"), "{body}");
    let customers = app.stripe_get("/customers").await;
    assert_eq!(
        customers["data"].as_array().map(Vec::len),
        Some(0),
        "{customers}"
    );
    assert_eq!(app.users().await[0].stripe_customer_id, None);
}

#[tokio::test]
async fn a_visitor_is_sent_to_log_in_and_back_to_the_plan() {
    let app = spawn_app().await;

    let response = app.subscribe("price_core_monthly").await;

    assert_eq!(
        redirect_target(&response),
        "/login?next=%2F%3Fplan%3Dprice_core_monthly"
    );
}

#[tokio::test]
async fn the_customer_is_created_once_across_two_subscribes() {
    let app = spawn_app().await;
    app.sign_up("twice@example.com").await;

    let first = app.subscribe("price_core_monthly").await;
    let second = app.subscribe("price_spark_yearly").await;

    assert!(redirect_target(&first).contains("/checkout/cs_"));
    assert!(redirect_target(&second).contains("/checkout/cs_"));
    let customers = app.stripe_get("/customers").await;
    let customers = customers["data"]
        .as_array()
        .expect("a customer list")
        .clone();
    assert_eq!(customers.len(), 1, "{customers:?}");
    let stored = app.users().await[0].stripe_customer_id.clone();
    assert_eq!(stored.as_deref(), customers[0]["id"].as_str());
}

#[tokio::test]
async fn the_checkout_session_names_the_user_the_plan_and_the_way_back() {
    let app = spawn_app().await;
    app.sign_up("session@example.com").await;

    let checkout_url = redirect_target(&app.subscribe("price_core_yearly").await);

    let user = app.users().await[0].clone();
    let session_id = checkout_url.rsplit('/').next().expect("a session id");
    let session = app
        .stripe_get(&format!("/checkout/sessions/{session_id}"))
        .await;
    assert_eq!(session["mode"], "subscription", "{session}");
    assert_eq!(session["client_reference_id"], user.id.to_string());
    assert_eq!(session["metadata"]["user_id"], user.id.to_string());
    assert_eq!(
        session["customer"].as_str(),
        user.stripe_customer_id.as_deref()
    );
    assert_eq!(
        session["success_url"],
        format!(
            "{}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
            app.address
        )
    );
    assert_eq!(
        session["cancel_url"],
        format!("{}/?checkout=cancelled", app.address)
    );
    assert_eq!(session["url"], checkout_url);
    assert_eq!(session["amount_total"], 12000, "{session}");
    let page = reqwest::get(&checkout_url)
        .await
        .expect("the Checkout page")
        .text()
        .await
        .expect("a body");
    assert!(page.contains("Subscribe to Core Stacker"), "{page}");
    assert!(page.contains("$120.00"), "{page}");
}

#[tokio::test]
async fn a_subscriber_is_sent_to_the_portal_instead_of_a_second_checkout() {
    let app = spawn_app().await;
    let email = app.sign_up("subscriber@example.com").await;
    let checkout_url = redirect_target(&app.subscribe("price_spark_monthly").await);
    app.pay_checkout(&checkout_url, &email, crate::harness::GOOD_CARD)
        .await;

    let again = app.subscribe("price_core_monthly").await;

    assert_eq!(again.status(), 409);
    let body = again.text().await.expect("a body");
    assert!(body.contains("You already have a subscription"), "{body}");
    let sessions = app.stripe_get("/checkout/sessions?limit=100").await;
    assert_eq!(
        sessions["data"].as_array().map(Vec::len),
        Some(1),
        "{sessions}"
    );
}

#[tokio::test]
async fn a_new_checkout_expires_the_one_left_open() {
    let app = spawn_app().await;
    app.sign_up("two-tabs@example.com").await;

    let first = redirect_target(&app.subscribe("price_core_monthly").await);
    let second = redirect_target(&app.subscribe("price_spark_monthly").await);

    let id_of = |url: &str| url.rsplit('/').next().expect("an id").to_owned();
    let first = app
        .stripe_get(&format!("/checkout/sessions/{}", id_of(&first)))
        .await;
    let second = app
        .stripe_get(&format!("/checkout/sessions/{}", id_of(&second)))
        .await;
    assert_eq!(first["status"], "expired", "{first}");
    assert_eq!(second["status"], "open", "{second}");
}

#[tokio::test]
async fn an_implausible_price_id_is_refused_before_anything_else() {
    let app = spawn_app().await;
    app.sign_up("huge@example.com").await;
    let huge = "price_".to_owned() + &"x".repeat(100_000);

    for price_id in [huge.as_str(), "price_core_monthly\n", "../price"] {
        let response = app.subscribe(price_id).await;
        assert_eq!(response.status(), 400);
        let body = response.text().await.expect("a body");
        assert!(body.contains("That plan is not available"), "{body}");
    }
    assert_eq!(app.users().await[0].stripe_customer_id, None);
}

#[tokio::test]
async fn a_customer_stripe_no_longer_has_is_replaced_and_its_plan_forgotten() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
    use stacker::server::entities::{subscription, user};
    use stacker::tier::Tier;

    let app = spawn_app().await;
    let email = app.sign_up("forgotten@example.com").await;
    let checkout_url = redirect_target(&app.subscribe("price_core_monthly").await);
    app.pay_checkout(&checkout_url, &email, crate::harness::GOOD_CARD)
        .await;
    let user_id = app.users().await[0].id;
    crate::harness::wait_until("the subscription is stored", async || {
        app.tier_of(user_id).await == Tier::Core
    })
    .await;
    // As if the customer had been deleted in Stripe, subscriptions and all: the stored rows
    // now name a customer Stripe does not know.
    let gone = "cus_deletedInStripe";
    user::Entity::update_many()
        .col_expr(user::Column::StripeCustomerId, Expr::value(gone))
        .filter(user::Column::Id.eq(user_id))
        .exec(app.db())
        .await
        .expect("an update");
    subscription::Entity::update_many()
        .col_expr(subscription::Column::CustomerId, Expr::value(gone))
        .exec(app.db())
        .await
        .expect("an update");

    let portal = app.call("open_billing_portal", &[]).await;
    assert_eq!(portal.status(), 409);
    let body = portal.text().await.expect("a body");
    assert!(body.contains("You have no billing account yet"), "{body}");
    assert_eq!(app.users().await[0].stripe_customer_id, None);
    assert_eq!(app.tier_of(user_id).await, Tier::Free);

    app.db()
        .execute_unprepared(&format!(
            "UPDATE users SET stripe_customer_id = '{gone}' WHERE id = {user_id}"
        ))
        .await
        .expect("the stale id again");
    let again = redirect_target(&app.subscribe("price_spark_monthly").await);
    assert!(again.contains("/checkout/cs_"), "{again}");
    let replacement = app.users().await[0]
        .stripe_customer_id
        .clone()
        .expect("a new customer");
    assert_ne!(replacement, gone);
    let customers = app.stripe_get("/customers?limit=100").await;
    assert_eq!(customers["data"].as_array().map(Vec::len), Some(2));
}
