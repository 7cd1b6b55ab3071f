//! Webhook throughput: signed `customer.subscription.created` deliveries, each with a new event
//! id, verified, recorded in the inbox and synced (the subscription fetched from the in-process
//! emulator and upserted under its sync lock), against the running server on a fresh SQLite
//! file. There is one subscription per worker, so the workers do not wait for each other's lock.
//!
//! `cargo bench --features ssr --bench webhooks` (EVENTS and CONCURRENCY may be set).

use std::sync::Arc;
use std::time::Instant;

use leptos::config::LeptosOptions;
use sea_orm::{EntityTrait, Set};
use secrecy::ExposeSecret;
use serde_json::Value;
use stacker::server::app::{AppConfig, build};
use stacker::server::billing::checkout;
use stacker::server::config::Settings;
use stacker::server::entities::user;
use stripe_webhook::Webhook;
use tokio::task::JoinSet;

const EMULATOR_KEY: &str = "sk_test_emulator";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let events = setting("EVENTS", 2000);
    let concurrency = setting("CONCURRENCY", 8);

    // The app on a free port with a fresh database and its own emulator.
    let folder = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let site_addr = listener.local_addr()?;
    let address = format!("http://{site_addr}");
    let mut settings = Settings::default();
    settings.site.public_url = address.clone();
    settings.database.url = format!(
        "sqlite://{}?mode=rwc",
        folder.path().join("bench.sqlite").display()
    );
    settings.stripe.emulator_addr = "127.0.0.1:0".parse()?;
    let leptos_options = LeptosOptions::builder()
        .output_name("stacker")
        .site_root(folder.path().display().to_string())
        .site_addr(site_addr)
        .build();
    let (router, state) = build(AppConfig {
        settings,
        leptos_options,
    })
    .await?;
    tokio::spawn(async move { axum::serve(listener, router.into_make_service()).await });
    let emulator = state.emulator.as_ref().expect("the emulator").base_url();
    let http = reqwest::Client::new();
    http.post(format!("{emulator}/_emulator/webhooks/mode"))
        .json(&serde_json::json!({ "hold": true }))
        .send()
        .await?;

    // One paid subscription per worker, and the event the emulator made for each.
    let mut templates = Vec::new();
    for n in 0..concurrency {
        let email = format!("bench{n}@example.com");
        let user_id = user::Entity::insert(user::ActiveModel {
            email: Set(email.clone()),
            password_hash: Set("none".to_owned()),
            subscription_tier: Set("free".to_owned()),
            ..Default::default()
        })
        .exec(&state.db)
        .await?
        .last_insert_id;
        let url = checkout::start_checkout(&state, user_id, "price_core_monthly").await?;
        let session = url.rsplit('/').next().unwrap_or_default();
        http.post(format!(
            "{emulator}/_emulator/checkout/sessions/{session}/pay"
        ))
        .json(&serde_json::json!({ "email": email, "card_number": "4242424242424242" }))
        .send()
        .await?
        .error_for_status()?;
    }
    let list: Value = http
        .get(format!(
            "{emulator}/v1/events?type=customer.subscription.created&limit=100"
        ))
        .bearer_auth(EMULATOR_KEY)
        .send()
        .await?
        .json()
        .await?;
    if let Some(created) = list["data"].as_array() {
        templates.extend(created.iter().cloned());
    }
    anyhow::ensure!(
        templates.len() == concurrency,
        "expected {concurrency} subscriptions, found {}",
        templates.len()
    );
    let secret = state.webhook_secrets[0].expose_secret().to_owned();

    // Every delivery a new event id, signed as Stripe signs.
    let bodies: Vec<String> = (0..events)
        .map(|n| {
            let mut event = templates[n % templates.len()].clone();
            event["id"] = Value::from(format!("evt_bench_{n}"));
            event.to_string()
        })
        .collect();
    let bodies = Arc::new(bodies);
    let endpoint = Arc::new(format!("{address}/webhooks/stripe"));
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for worker in 0..concurrency {
        let (bodies, endpoint, secret, http) = (
            bodies.clone(),
            endpoint.clone(),
            secret.clone(),
            http.clone(),
        );
        workers.spawn(async move {
            for body in bodies.iter().skip(worker).step_by(concurrency) {
                let signature = Webhook::generate_test_header(body, &secret, None);
                let status = http
                    .post(endpoint.as_str())
                    .header("stripe-signature", signature)
                    .body(body.clone())
                    .send()
                    .await?
                    .status();
                anyhow::ensure!(status.is_success(), "a delivery answered {status}");
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    let elapsed = started.elapsed();
    println!(
        "webhooks: {events} signed deliveries, {concurrency} at a time, in {:.2} s: {:.0} events/s",
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
