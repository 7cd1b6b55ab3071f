//! Stripe's error shapes: authentication, unknown ids, bad parameters, idempotency.

use crate::helpers::{KEY, encode, spawn_app};

#[tokio::test]
async fn missing_or_malformed_key_is_a_stripe_401() {
    let app = spawn_app().await;
    for auth in [
        None,
        Some("Bearer sk_live_123456789"),
        Some("Bearer nonsense"),
        Some("Token sk_test_x"),
    ] {
        let mut request = app.client.get(app.url("/v1/products"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{auth:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("API key")
                || body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("API Key")
        );
    }
    let basic = app
        .client
        .get(app.url("/v1/products"))
        .basic_auth(KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
}

#[tokio::test]
async fn unknown_ids_are_404_resource_missing() {
    let app = spawn_app().await;
    for path in [
        "/v1/products/prod_nope",
        "/v1/prices/price_nope",
        "/v1/customers/cus_nope",
        "/v1/subscriptions/sub_nope",
        "/v1/invoices/in_nope",
        "/v1/events/evt_nope",
        "/v1/checkout/sessions/cs_test_nope",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "resource_missing", "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("No such")
        );
    }
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_param() {
    let app = spawn_app().await;
    let (status, body) = app.get("/v1/prices?limit=500").await;
    assert_eq!(
        (status.as_u16(), body["error"]["param"].as_str()),
        (400, Some("limit"))
    );

    let (status, body) = app.get("/v1/products?colour=red").await;
    assert_eq!(
        (status.as_u16(), body["error"]["param"].as_str()),
        (400, Some("colour"))
    );
    assert_eq!(body["error"]["code"], "parameter_unknown");
    assert_eq!(
        body["error"]["message"],
        "Received unknown parameter: colour"
    );

    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("line_items[0][price]", "price_nope"),
                ("success_url", "http://x/ok"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["param"], "line_items[0][price]");

    let (status, body) = app
        .post(
            "/v1/checkout/sessions",
            &[("mode", "subscription"), ("success_url", "http://x/ok")],
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["param"].as_str()),
        (400, Some("line_items"))
    );

    let (status, body) = app
        .post("/v1/webhook_endpoints", &[("enabled_events[]", "*")])
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("parameter_missing"))
    );

    let (status, body) = app.get("/v1/prices?expand[]=data.nonsense").await;
    assert_eq!(
        (status.as_u16(), body["error"]["param"].as_str()),
        (400, Some("expand"))
    );
}

#[tokio::test]
async fn idempotency_key_replays_the_first_response() {
    let app = spawn_app().await;
    let send = |body: String| {
        app.client
            .post(app.url("/v1/customers"))
            .bearer_auth(KEY)
            .header("idempotency-key", "signup-1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let first: serde_json::Value = send(encode(&[("email", "a@example.com")]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again = send(encode(&[("email", "a@example.com")])).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let (_, customers) = app.get("/v1/customers").await;
    assert_eq!(customers["data"].as_array().unwrap().len(), 1);

    let other = send(encode(&[("email", "b@example.com")])).await.unwrap();
    assert_eq!(other.status(), 400);
    let other: serde_json::Value = other.json().await.unwrap();
    assert_eq!(other["error"]["type"], "idempotency_error");
}

#[tokio::test]
async fn the_base_url_ends_without_a_slash_and_serves_the_api_under_it() {
    let app = spawn_app().await;
    let base = app.emulator.base_url();
    assert!(!base.ends_with('/'), "{base}");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let response = app
        .client
        .get(format!("{base}/v1/prices"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["object"], "list");
    assert_eq!(body["url"], "/v1/prices");
}
