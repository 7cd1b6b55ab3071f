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
