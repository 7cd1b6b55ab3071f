use serde_json::Value;

use crate::harness::spawn_app;

#[tokio::test]
async fn the_catalog_lists_active_plans_in_display_order() {
    let app = spawn_app().await;

    let response = app.call("list_plans", &[]).await;

    assert_eq!(response.status(), 200);
    let plans: Vec<Value> = response.json().await.expect("JSON plans");
    let names: Vec<&str> = plans
        .iter()
        .filter_map(|plan| plan["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Lightning Stacker", "Core Stacker", "Spark Stacker"]
    );
    let core = &plans[1];
    assert_eq!(core["tier"], "core");
    assert_eq!(core["monthly"]["price_id"], "price_core_monthly");
    assert_eq!(core["monthly"]["unit_amount"], 1200);
    assert_eq!(core["yearly"]["unit_amount"], 12000);
    assert!(!core["features"].as_array().expect("features").is_empty());
}

#[tokio::test]
async fn the_pricing_page_is_rendered_on_the_server() {
    let app = spawn_app().await;

    let html = app.get_page("/").await.text().await.expect("HTML");

    assert!(html.contains("Choose your plan"), "{html}");
    assert!(html.contains(r#"data-tier="core""#), "{html}");
    assert!(html.contains("$12.00 / month"), "{html}");
}
