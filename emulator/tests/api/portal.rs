//! The billing portal page: switch plan, cancel at period end, resume, cancel now, return.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn portal(app: &TestApp, subscription: &Value) -> String {
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
    session["url"].as_str().unwrap().to_owned()
}

async fn act(app: &TestApp, url: &str, action: &str, form: &[(&str, &str)]) {
    let response = app
        .client
        .post(format!("{url}/{action}"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
}

#[tokio::test]
async fn portal_switches_cancels_resumes_and_returns() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let url = portal(&app, &subscription).await;

    let html = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "Core Stacker",
        "$12.00",
        "Switch to Spark Stacker (month)",
        "Switch to Core Stacker (year)",
        "Cancel at period end",
        "Cancel now",
        "Return to Stacker",
        "http://localhost:3000/account",
    ] {
        assert!(html.contains(needle), "{needle} missing from portal");
    }

    act(
        &app,
        &url,
        "switch",
        &[("subscription", id), ("price", "price_spark_monthly")],
    )
    .await;
    let (_, switched) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(
        switched["items"]["data"][0]["price"]["id"],
        "price_spark_monthly"
    );

    act(&app, &url, "cancel", &[("subscription", id)]).await;
    let html = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(">Resume</button>"));
    let (_, ending) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(ending["cancel_at_period_end"], true);

    act(&app, &url, "resume", &[("subscription", id)]).await;
    let (_, resumed) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(resumed["cancel_at_period_end"], false);

    act(&app, &url, "cancel_now", &[("subscription", id)]).await;
    let (_, canceled) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(canceled["status"], "canceled");
    let html = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("no active subscription"));
}
