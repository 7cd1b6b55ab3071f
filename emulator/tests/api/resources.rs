//! The resources the product uses: list filters, pagination, expansion, create/update paths.

use serde_json::{Value, json};

use crate::helpers::{Receiver, register_endpoint, spawn_app};

#[tokio::test]
async fn seed_catalog_has_three_tiers_with_monthly_and_yearly_prices() {
    let app = spawn_app().await;
    let (_, products) = app.get("/v1/products?active=true").await;
    let mut names: Vec<&str> = products["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Core Stacker", "Lightning Stacker", "Spark Stacker"]
    );
    let (_, core) = app.get("/v1/products/prod_core_stacker").await;
    assert_eq!(core["metadata"]["tier"], "core");
    assert_eq!(core["metadata"]["display_order"], "2");
    assert!(core["metadata"]["features"].as_str().unwrap().contains(';'));

    let (_, prices) = app.get("/v1/prices?limit=100").await;
    let amounts: Vec<(String, i64)> = prices["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["unit_amount"].as_i64().unwrap(),
            )
        })
        .collect();
    for (id, amount) in [
        ("price_lightning_monthly", 500),
        ("price_lightning_yearly", 5000),
        ("price_core_monthly", 1200),
        ("price_core_yearly", 12000),
        ("price_spark_monthly", 2900),
        ("price_spark_yearly", 29000),
    ] {
        assert!(
            amounts.contains(&(id.to_owned(), amount)),
            "{id} {amount} in {amounts:?}"
        );
    }
}

#[tokio::test]
async fn price_filters_expand_and_pagination() {
    let app = spawn_app().await;
    let (_, by_product) = app
        .get("/v1/prices?product=prod_spark_stacker&type=recurring&active=true")
        .await;
    assert_eq!(by_product["data"].as_array().unwrap().len(), 2);

    let (_, by_key) =
        app.get("/v1/prices?lookup_keys[]=core_monthly&lookup_keys[]=spark_yearly&expand[]=data.product").await;
    let data = by_key["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert!(data.iter().all(|p| p["product"]["object"] == "product"));

    // async-stripe sends indexed arrays: lookup_keys[0]=…
    let (_, indexed) = app
        .get("/v1/prices?lookup_keys[0]=core_monthly&expand[0]=data.product")
        .await;
    assert_eq!(indexed["data"][0]["product"]["id"], "prod_core_stacker");

    let (_, first) = app.get("/v1/prices?limit=4").await;
    assert_eq!(first["has_more"], true);
    let last = first["data"][3]["id"].as_str().unwrap();
    let (_, second) = app
        .get(&format!("/v1/prices?limit=4&starting_after={last}"))
        .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 2);
    assert_eq!(second["has_more"], false);
    assert_eq!(second["object"], "list");
    assert_eq!(second["url"], "/v1/prices");
}

#[tokio::test]
async fn customers_create_retrieve_update_and_list_by_email() {
    let app = spawn_app().await;
    let (_, created) = app
        .post(
            "/v1/customers",
            &[
                ("email", "grace@example.com"),
                ("name", "Grace"),
                ("metadata[user_id]", "42"),
            ],
        )
        .await;
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("cus_"));
    assert_eq!(created["metadata"]["user_id"], "42");

    let (_, updated) = app
        .post(&format!("/v1/customers/{id}"), &[("name", "Grace Hopper")])
        .await;
    assert_eq!(updated["name"], "Grace Hopper");
    let (_, fetched) = app.get(&format!("/v1/customers/{id}")).await;
    assert_eq!(fetched["name"], "Grace Hopper");

    app.post("/v1/customers", &[("email", "other@example.com")])
        .await;
    let (_, listed) = app.get("/v1/customers?email=grace@example.com").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], id);

    let types = app.event_types().await;
    assert_eq!(
        types,
        ["customer.created", "customer.updated", "customer.created"]
    );
}

#[tokio::test]
async fn checkout_session_create_and_retrieve_with_expand() {
    let app = spawn_app().await;
    let (_, customer) = app
        .post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    let session = app
        .checkout_session(
            "price_core_monthly",
            &[
                ("customer", customer["id"].as_str().unwrap()),
                ("client_reference_id", "user-7"),
                ("metadata[user_id]", "7"),
                ("subscription_data[metadata][user_id]", "7"),
                ("allow_promotion_codes", "true"),
            ],
        )
        .await;
    assert!(session["id"].as_str().unwrap().starts_with("cs_test_"));
    assert_eq!(
        session["url"],
        format!(
            "{}/checkout/{}",
            app.emulator.base_url(),
            session["id"].as_str().unwrap()
        )
    );
    assert_eq!(session["status"], "open");
    assert_eq!(session["mode"], "subscription");
    assert_eq!(session["amount_total"], 1200);
    assert_eq!(session["client_reference_id"], "user-7");
    assert_eq!(session["allow_promotion_codes"], true);

    app.pay(&session, "4242424242424242").await;
    let id = session["id"].as_str().unwrap();
    let (_, paid) = app
        .get(&format!("/v1/checkout/sessions/{id}?expand[]=subscription"))
        .await;
    assert_eq!(paid["status"], "complete");
    assert_eq!(paid["payment_status"], "paid");
    assert_eq!(paid["customer"], customer["id"]);
    assert_eq!(paid["subscription"]["status"], "active");
    assert_eq!(paid["subscription"]["metadata"]["user_id"], "7");
}

#[tokio::test]
async fn subscriptions_list_update_and_cancel() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let customer = subscription["customer"].as_str().unwrap();

    let (_, listed) = app
        .get(&format!(
            "/v1/subscriptions?customer={customer}&status=active"
        ))
        .await;
    assert_eq!(listed["data"][0]["id"], id);

    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let (status, swapped) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[
                ("items[0][id]", item),
                ("items[0][price]", "price_spark_monthly"),
                ("proration_behavior", "create_prorations"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{swapped}");
    assert_eq!(
        swapped["items"]["data"][0]["price"]["id"],
        "price_spark_monthly"
    );

    let (_, ending) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[("cancel_at_period_end", "true")],
        )
        .await;
    assert_eq!(ending["cancel_at_period_end"], true);
    assert_eq!(
        ending["cancel_at"],
        ending["items"]["data"][0]["current_period_end"]
    );

    let (_, canceled) = app.delete(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(canceled["status"], "canceled");
    let (_, active) = app
        .get(&format!("/v1/subscriptions?customer={customer}"))
        .await;
    assert!(active["data"].as_array().unwrap().is_empty());
    let types = app.event_types().await;
    assert_eq!(types.last().unwrap(), "customer.subscription.deleted");
}

#[tokio::test]
async fn invoices_list_retrieve_and_preview_a_price_change() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let customer = subscription["customer"].as_str().unwrap();
    let (_, invoices) = app.get(&format!("/v1/invoices?customer={customer}")).await;
    let invoice = &invoices["data"][0];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 1200);
    assert_eq!(invoice["billing_reason"], "subscription_create");

    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let form = [
        ("customer", customer),
        ("subscription", subscription["id"].as_str().unwrap()),
        ("subscription_details[items][0][id]", item),
        (
            "subscription_details[items][0][price]",
            "price_spark_monthly",
        ),
        (
            "subscription_details[proration_behavior]",
            "create_prorations",
        ),
    ];
    let (_, preview) = app.post("/v1/invoices/create_preview", &form).await;
    let lines = preview["lines"]["data"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["parent"]["subscription_item_details"]["proration"] == true)
    );
    assert!(lines.iter().any(|l| l["amount"] == 2900));
    assert!(preview["id"].is_null());

    let path = format!(
        "/v1/invoices/upcoming?customer={customer}&subscription_items[0][id]={item}&subscription_items[0][price]=price_spark_monthly"
    );
    let (status, upcoming) = app.get(&path).await;
    assert_eq!(status, 200, "{upcoming}");
    assert_eq!(upcoming["total"], preview["total"]);
}

#[tokio::test]
async fn events_list_filter_and_retrieve() {
    let app = spawn_app().await;
    app.subscribe("price_lightning_monthly").await;
    let (_, subs) = app.get("/v1/events?type=customer.subscription.*").await;
    assert_eq!(subs["data"].as_array().unwrap().len(), 1);
    let id = subs["data"][0]["id"].as_str().unwrap();
    let (_, event) = app.get(&format!("/v1/events/{id}")).await;
    assert_eq!(event["type"], "customer.subscription.created");
    assert_eq!(event["data"]["object"]["object"], "subscription");
    assert_eq!(event["api_version"], stripe_emulator::API_VERSION);
    assert_eq!(
        stripe_emulator::API_VERSION,
        stripe_shared::version::VERSION.as_str()
    );
    let types = app.event_types().await;
    for expected in [
        "customer.created",
        "customer.subscription.created",
        "invoice.created",
        "invoice.paid",
        "checkout.session.completed",
    ] {
        assert!(
            types.contains(&expected.to_owned()),
            "{expected} in {types:?}"
        );
    }
}

#[tokio::test]
async fn webhook_endpoints_create_list_delete() {
    let app = spawn_app().await;
    let (_, url) = Receiver::start(0).await;
    let endpoint = register_endpoint(&app, &url, &["customer.created", "invoice.paid"]).await;
    let id = endpoint["id"].as_str().unwrap();
    assert_eq!(
        endpoint["enabled_events"],
        serde_json::json!(["customer.created", "invoice.paid"])
    );
    let (_, listed) = app.get("/v1/webhook_endpoints").await;
    assert_eq!(listed["data"][0]["id"], id);
    assert!(listed["data"][0].get("secret").is_none());
    let (_, deleted) = app.delete(&format!("/v1/webhook_endpoints/{id}")).await;
    assert_eq!(deleted["deleted"], true);
    let (status, _) = app.get(&format!("/v1/webhook_endpoints/{id}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn products_and_prices_can_be_created_and_updated_with_events() {
    let app = spawn_app().await;
    let (_, product) = app
        .post(
            "/v1/products",
            &[("name", "Gift card"), ("metadata[tier]", "gift")],
        )
        .await;
    let product_id = product["id"].as_str().unwrap();
    let (_, price) = app
        .post(
            "/v1/prices",
            &[
                ("product", product_id),
                ("currency", "usd"),
                ("unit_amount", "2500"),
                ("recurring[interval]", "month"),
            ],
        )
        .await;
    assert_eq!(price["recurring"]["interval"], "month");
    let (_, updated) = app
        .post(
            &format!("/v1/products/{product_id}"),
            &[("name", "Gift plan")],
        )
        .await;
    assert_eq!(updated["name"], "Gift plan");
    let (_, events) = app.get("/v1/events?type=product.updated").await;
    assert_eq!(
        events["data"][0]["data"]["previous_attributes"]["name"],
        "Gift card"
    );
    assert_eq!(
        app.event_types().await,
        ["product.created", "price.created", "product.updated"]
    );
}

#[tokio::test]
async fn prices_can_be_archived_renamed_and_relabelled_with_an_event() {
    let app = spawn_app().await;
    let (status, updated) = app
        .post(
            "/v1/prices/price_core_monthly",
            &[
                ("active", "false"),
                ("lookup_key", "core_monthly_2025"),
                ("nickname", "Core monthly (2025)"),
                ("metadata[cohort]", "2025"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], "price_core_monthly");
    assert_eq!(updated["active"], false);
    assert_eq!(updated["lookup_key"], "core_monthly_2025");
    assert_eq!(updated["nickname"], "Core monthly (2025)");
    assert_eq!(updated["metadata"], serde_json::json!({ "cohort": "2025" }));
    assert_eq!(updated["unit_amount"], 1200, "amounts cannot change");

    let (_, fetched) = app.get("/v1/prices/price_core_monthly").await;
    assert_eq!(fetched, updated);
    let (_, by_old_key) = app.get("/v1/prices?lookup_keys[]=core_monthly").await;
    assert!(by_old_key["data"].as_array().unwrap().is_empty());
    let (_, by_new_key) = app.get("/v1/prices?lookup_keys[]=core_monthly_2025").await;
    assert_eq!(by_new_key["data"][0]["id"], "price_core_monthly");
    let (_, inactive) = app.get("/v1/prices?active=false").await;
    let inactive: Vec<_> = inactive["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(inactive, [serde_json::json!("price_core_monthly")]);

    let (_, events) = app.get("/v1/events?type=price.updated").await;
    let event = &events["data"][0];
    assert_eq!(event["data"]["object"], updated);
    assert_eq!(
        event["data"]["previous_attributes"],
        serde_json::json!({
            "active": true,
            "lookup_key": "core_monthly",
            "nickname": "Core monthly",
            "metadata": {},
        })
    );

    // An empty value removes a metadata key and clears the lookup key.
    let (_, cleared) = app
        .post(
            "/v1/prices/price_core_monthly",
            &[("metadata[cohort]", ""), ("lookup_key", "")],
        )
        .await;
    assert_eq!(cleared["metadata"], serde_json::json!({}));
    assert!(cleared["lookup_key"].is_null());
    assert_eq!(cleared["active"], false);

    // A lookup key in use by another price is refused, as at creation, and changes nothing.
    let (status, refused) = app
        .post(
            "/v1/prices/price_spark_monthly",
            &[("lookup_key", "core_yearly"), ("active", "false")],
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["param"], "lookup_key");
    let (_, spark) = app.get("/v1/prices/price_spark_monthly").await;
    assert_eq!(spark["lookup_key"], "spark_monthly");
    assert_eq!(spark["active"], true);
    // Setting a price's own key again is no conflict (and no change, so no event).
    let (status, same) = app
        .post(
            "/v1/prices/price_spark_monthly",
            &[("lookup_key", "spark_monthly")],
        )
        .await;
    assert_eq!(status, 200, "{same}");

    assert_eq!(app.event_types().await, ["price.updated", "price.updated"]);
}

#[tokio::test]
async fn checkout_sessions_list_filters_by_customer_subscription_and_status() {
    let app = spawn_app().await;
    let (_, customer) = app
        .post("/v1/customers", &[("email", "ada@example.com")])
        .await;
    let customer = customer["id"].as_str().unwrap();
    let for_customer = app
        .checkout_session("price_core_monthly", &[("customer", customer)])
        .await;
    let paid = app.checkout_session("price_spark_monthly", &[]).await;
    app.pay(&paid, "4242424242424242").await;
    let expired = app.checkout_session("price_lightning_monthly", &[]).await;
    let expired_id = expired["id"].as_str().unwrap();
    app.post(&format!("/v1/checkout/sessions/{expired_id}/expire"), &[])
        .await;
    let open = app.checkout_session("price_core_yearly", &[]).await;

    let ids = |list: &Value| -> Vec<Value> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].clone())
            .collect()
    };
    let (status, all) = app.get("/v1/checkout/sessions").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["object"], "list");
    assert_eq!(all["url"], "/v1/checkout/sessions");
    assert_eq!(all["has_more"], false);
    assert_eq!(
        ids(&all),
        [
            open["id"].clone(),
            expired["id"].clone(),
            paid["id"].clone(),
            for_customer["id"].clone(),
        ],
        "newest first"
    );

    let (_, by_customer) = app
        .get(&format!("/v1/checkout/sessions?customer={customer}"))
        .await;
    assert_eq!(ids(&by_customer), [for_customer["id"].clone()]);

    let paid_id = paid["id"].as_str().unwrap();
    let (_, paid) = app.get(&format!("/v1/checkout/sessions/{paid_id}")).await;
    let subscription = paid["subscription"].as_str().unwrap();
    let (_, by_subscription) = app
        .get(&format!(
            "/v1/checkout/sessions?subscription={subscription}&expand[]=data.subscription"
        ))
        .await;
    assert_eq!(ids(&by_subscription), [paid["id"].clone()]);
    assert_eq!(
        by_subscription["data"][0]["subscription"]["id"],
        subscription
    );
    assert_eq!(
        by_subscription["data"][0]["subscription"]["status"],
        "active"
    );
    // The customer Checkout created for the paid session finds it too.
    let (_, by_new_customer) = app
        .get(&format!(
            "/v1/checkout/sessions?customer={}",
            paid["customer"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&by_new_customer), [paid["id"].clone()]);

    for (status, expected) in [
        ("open", vec![open["id"].clone(), for_customer["id"].clone()]),
        ("complete", vec![paid["id"].clone()]),
        ("expired", vec![expired["id"].clone()]),
    ] {
        let (_, listed) = app
            .get(&format!("/v1/checkout/sessions?status={status}"))
            .await;
        assert_eq!(ids(&listed), expected, "status={status}");
    }
    let (_, none) = app
        .get(&format!(
            "/v1/checkout/sessions?customer={customer}&status=complete"
        ))
        .await;
    assert!(ids(&none).is_empty());
    let (status, refused) = app.get("/v1/checkout/sessions?status=paid").await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["param"], "status");

    let (_, first) = app.get("/v1/checkout/sessions?limit=3").await;
    assert_eq!(first["has_more"], true);
    assert_eq!(ids(&first), ids(&all)[..3]);
    let last = first["data"][2]["id"].as_str().unwrap();
    let (_, second) = app
        .get(&format!(
            "/v1/checkout/sessions?limit=3&starting_after={last}"
        ))
        .await;
    assert_eq!(second["has_more"], false);
    assert_eq!(ids(&second), ids(&all)[3..]);
    let oldest = for_customer["id"].as_str().unwrap();
    let (_, before) = app
        .get(&format!(
            "/v1/checkout/sessions?limit=2&ending_before={oldest}"
        ))
        .await;
    assert_eq!(before["has_more"], true);
    assert_eq!(ids(&before), ids(&all)[1..3]);
}

#[tokio::test]
async fn checkout_sessions_past_their_expiry_are_listed_as_expired() {
    let options = stripe_emulator::Options {
        checkout_ttl: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let app = crate::helpers::spawn_with(options).await;
    let session = app.checkout_session("price_core_monthly", &[]).await;
    let expires_at = session["expires_at"].as_i64().unwrap();
    // Wait on the wall clock (the emulated clock follows it) until the session is due.
    for _ in 0..300 {
        let (_, clock) = app.control_get("/clock").await;
        if clock["now"].as_i64().unwrap() >= expires_at {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    let (_, open) = app.get("/v1/checkout/sessions?status=open").await;
    assert!(open["data"].as_array().unwrap().is_empty(), "{open}");
    let (_, expired) = app.get("/v1/checkout/sessions?status=expired").await;
    assert_eq!(expired["data"][0]["id"], session["id"]);
    assert!(expired["data"][0]["url"].is_null());
    let (_, retrieved) = app
        .get(&format!(
            "/v1/checkout/sessions/{}",
            session["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(retrieved["status"], "expired");
    assert_eq!(app.event_types().await, ["checkout.session.expired"]);
}

#[tokio::test]
async fn a_quantity_change_prorates_the_old_quantity_against_the_new() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    app.control("/clock/advance", json!({"seconds": 10 * 24 * 60 * 60}))
        .await;

    let (status, updated) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[
                ("items[0][id]", item),
                ("items[0][quantity]", "3"),
                ("proration_behavior", "always_invoice"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["items"]["data"][0]["quantity"], 3);

    let (_, invoices) = app
        .get(&format!("/v1/invoices?subscription={id}&limit=100"))
        .await;
    let change = invoices["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|invoice| invoice["billing_reason"] == "subscription_update")
        .unwrap_or_else(|| panic!("an invoice for the change: {invoices}"))
        .clone();
    let amounts: Vec<i64> = change["lines"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts.len(), 2, "{change}");
    let (credit, charge) = (amounts[0], amounts[1]);
    // Ten days into a month of $12.00 per unit: about two thirds of the period is left.
    assert!((-900..=-700).contains(&credit), "{amounts:?}");
    assert!((charge + 3 * credit).abs() <= 2, "{amounts:?}");
    assert_eq!(change["amount_due"], credit + charge);
}

#[tokio::test]
async fn a_price_in_another_currency_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let subscription = app.subscribe("price_core_monthly").await;
    let id = subscription["id"].as_str().unwrap();
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let (status, euro) = app
        .post(
            "/v1/prices",
            &[
                ("product", "prod_core_stacker"),
                ("currency", "eur"),
                ("unit_amount", "1100"),
                ("recurring[interval]", "month"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{euro}");

    let (status, body) = app
        .post(
            &format!("/v1/subscriptions/{id}"),
            &[
                ("items[0][id]", item),
                ("items[0][price]", euro["id"].as_str().unwrap()),
            ],
        )
        .await;

    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["param"], "items[0][price]");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("eur"),
        "{body}"
    );
    let (_, after) = app.get(&format!("/v1/subscriptions/{id}")).await;
    assert_eq!(
        after["items"]["data"][0]["price"]["id"],
        "price_core_monthly"
    );
}
