//! The hosted Checkout page through its HTML form: pay, decline, cancel, trial, completed.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn page_shows_plan_amount_interval_and_form() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_core_yearly", &[]).await;
    let html = app
        .client
        .get(session["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "Core Stacker",
        "$120.00",
        "per year",
        "<label for=email>Email</label>",
        "name=email",
        "name=card_number",
        "Card number",
        ">Subscribe</button>",
        ">Cancel</a>",
        "http://localhost:3000/pricing",
    ] {
        assert!(html.contains(needle), "{needle} missing from page");
    }
}

#[tokio::test]
async fn paying_with_4242_redirects_to_success_url_with_the_session_id() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    let id = session["id"].as_str().unwrap();
    let response = app.pay(&session, "4242 4242 4242 4242").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("http://localhost:3000/welcome?session_id={id}")
    );

    let (_, paid) = app
        .get(&format!(
            "/v1/checkout/sessions/{id}?expand[]=subscription&expand[]=invoice"
        ))
        .await;
    assert_eq!(paid["subscription"]["status"], "active");
    assert_eq!(paid["invoice"]["status"], "paid");
    assert_eq!(paid["customer_details"]["email"], "ada@example.com");

    let again = app
        .client
        .get(session["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("already completed"));
}

#[tokio::test]
async fn declined_card_stays_on_the_page() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    let response = app.pay(&session, "4000 0000 0000 0002").await;
    assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
    let html = response.text().await.unwrap();
    assert!(html.contains("Your card was declined."));
    assert!(html.contains(">Subscribe</button>"));
    let (_, session) = app
        .get(&format!(
            "/v1/checkout/sessions/{}",
            session["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(session["status"], "open");
    assert!(app.event_types().await.is_empty());
}

#[tokio::test]
async fn trial_creates_a_trialing_subscription() {
    let app = spawn_app().await;
    let session = app
        .checkout_session(
            "price_spark_monthly",
            &[("subscription_data[trial_period_days]", "14")],
        )
        .await;
    assert_eq!(session["amount_total"], 0);
    let response = app.pay(&session, "4242424242424242").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, paid) = app
        .get(&format!(
            "/v1/checkout/sessions/{}?expand[]=subscription",
            session["id"].as_str().unwrap()
        ))
        .await;
    let subscription = &paid["subscription"];
    assert_eq!(subscription["status"], "trialing");
    let trial =
        subscription["trial_end"].as_i64().unwrap() - subscription["trial_start"].as_i64().unwrap();
    assert_eq!(trial, 14 * 24 * 60 * 60);
    assert_eq!(paid["payment_status"], "no_payment_required");
}

#[tokio::test]
async fn expired_session_shows_a_clear_page() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    let id = session["id"].as_str().unwrap();
    let (status, expired) = app
        .post(&format!("/v1/checkout/sessions/{id}/expire"), &[])
        .await;
    assert_eq!(status, 200);
    assert_eq!(expired["status"], "expired");
    let page = app
        .client
        .get(session["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(page.text().await.unwrap().contains("no longer available"));
    let paying = app.pay(&session, "4242424242424242").await;
    assert!(paying.text().await.unwrap().contains("no longer available"));

    let unknown = app
        .client
        .get(app.url("/checkout/cs_test_missing"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn public_url_is_used_for_page_links() {
    let options = stripe_emulator::Options {
        public_url: Some("http://stripe.test:9999/".into()),
        ..Default::default()
    };
    let app = crate::helpers::spawn_with(options).await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    assert!(
        session["url"]
            .as_str()
            .unwrap()
            .starts_with("http://stripe.test:9999/checkout/cs_test_")
    );
}

#[tokio::test]
async fn pay_control_completes_a_session_like_the_page() {
    let app = spawn_app().await;
    let session = app
        .checkout_session("price_core_yearly", &[("client_reference_id", "user-9")])
        .await;
    let id = session["id"].as_str().unwrap();
    let (status, paid) = app
        .control(
            &format!("/checkout/sessions/{id}/pay"),
            json!({ "email": "grace@example.com", "card_number": "4242 4242 4242 4242" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(
        paid["redirect"],
        format!("http://localhost:3000/welcome?session_id={id}")
    );
    let answered = &paid["session"];
    assert_eq!(answered["id"], id);
    assert_eq!(answered["status"], "complete");
    assert_eq!(answered["payment_status"], "paid");
    assert_eq!(answered["amount_total"], 12000);
    assert_eq!(answered["client_reference_id"], "user-9");
    assert_eq!(answered["customer_details"]["email"], "grace@example.com");
    assert!(answered["url"].is_null(), "a completed session has no page");
    let customer = answered["customer"].as_str().unwrap();
    assert!(customer.starts_with("cus_"), "{answered}");
    let subscription = answered["subscription"].as_str().unwrap();
    let invoice = answered["invoice"].as_str().unwrap();

    let (_, stored) = app.get(&format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(&stored, answered);
    let (_, subscription) = app
        .get(&format!(
            "/v1/subscriptions/{subscription}?expand[]=latest_invoice"
        ))
        .await;
    assert_eq!(subscription["status"], "active");
    assert_eq!(subscription["customer"], customer);
    assert_eq!(
        subscription["items"]["data"][0]["price"]["id"],
        "price_core_yearly"
    );
    assert_eq!(subscription["latest_invoice"]["id"], invoice);
    assert_eq!(subscription["latest_invoice"]["status"], "paid");
    assert_eq!(subscription["latest_invoice"]["amount_paid"], 12000);
    let (_, customer) = app.get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(customer["email"], "grace@example.com");
    assert_eq!(
        app.event_types().await,
        [
            "customer.created",
            "customer.subscription.created",
            "invoice.created",
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded",
            "checkout.session.completed",
        ]
    );

    // A second payment of the same session is refused and changes nothing.
    let (status, again) = app
        .control(
            &format!("/checkout/sessions/{id}/pay"),
            json!({ "email": "grace@example.com" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already completed")
    );
    let (_, subscriptions) = app.get("/v1/subscriptions?status=all").await;
    assert_eq!(subscriptions["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn pay_control_uses_a_working_card_when_none_is_given() {
    let app = spawn_app().await;
    let session = app.checkout_session("price_lightning_monthly", &[]).await;
    let id = session["id"].as_str().unwrap();
    let (status, paid) = app
        .control(
            &format!("/checkout/sessions/{id}/pay"),
            json!({ "email": "ada@example.com" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["session"]["payment_status"], "paid");
    let (_, invoice) = app
        .get(&format!(
            "/v1/invoices/{}",
            paid["session"]["invoice"].as_str().unwrap()
        ))
        .await;
    assert_eq!(invoice["amount_paid"], 500);
}
