use std::time::Duration;

use leptos::config::LeptosOptions;
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::Value;
use stacker::server::app::{AppConfig, build};
use stacker::server::config::Settings;
use stacker::server::entities::user;
use stacker::server::state::AppState;
use tempfile::TempDir;

/// The key the in-process emulator is driven with.
pub const EMULATOR_KEY: &str = "sk_test_emulator";

/// A running app with its own database and emulator, and a cookie-keeping client that does not
/// follow redirects (so tests can read where they lead).
pub struct TestApp {
    pub address: String,
    pub emulator_url: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _folder: TempDir,
}

pub async fn spawn_app() -> TestApp {
    stacker::server::telemetry::init();
    let folder = tempfile::tempdir().expect("a temporary folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let site_addr = listener.local_addr().expect("the bound address");
    let address = format!("http://{site_addr}");

    let mut settings = Settings::default();
    settings.site.public_url = address.clone();
    settings.database.url = format!(
        "sqlite://{}?mode=rwc",
        folder.path().join("stacker.sqlite").display()
    );
    settings.stripe.emulator_addr = "127.0.0.1:0".parse().expect("an address");
    let leptos_options = LeptosOptions::builder()
        .output_name("stacker")
        .site_root(folder.path().display().to_string())
        .site_addr(site_addr)
        .build();

    let (router, state) = build(AppConfig {
        settings,
        leptos_options,
    })
    .await
    .expect("the app builds");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service())
            .await
            .expect("the app serves");
    });

    let emulator_url = state
        .emulator
        .as_ref()
        .expect("the in-process emulator")
        .base_url();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("an HTTP client");
    TestApp {
        address,
        emulator_url,
        client,
        state,
        _folder: folder,
    }
}

impl TestApp {
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Calls a server function the way a browser form does.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{function}", self.address))
            .form(form)
            .send()
            .await
            .expect("the server function answers")
    }

    pub async fn get_page(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("accept", "text/html")
            .send()
            .await
            .expect("the page answers")
    }

    /// Signs up (and so logs in) a new user, returning their email.
    pub async fn sign_up(&self, email: &str) -> String {
        let response = self
            .call(
                "sign_up",
                &[("email", email), ("password", "correct horse battery")],
            )
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        email.to_owned()
    }

    /// Clicks Subscribe for a price and returns where the browser is sent.
    pub async fn subscribe(&self, price_id: &str) -> reqwest::Response {
        self.call("subscribe", &[("price_id", price_id)]).await
    }

    /// A GET against the emulator's Stripe API.
    pub async fn stripe_get(&self, path: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}/v1{path}", self.emulator_url))
            .bearer_auth(EMULATOR_KEY)
            .send()
            .await
            .expect("the emulator answers")
            .json()
            .await
            .expect("a JSON answer")
    }

    pub async fn stripe_delete(&self, path: &str) -> Value {
        reqwest::Client::new()
            .delete(format!("{}/v1{path}", self.emulator_url))
            .bearer_auth(EMULATOR_KEY)
            .send()
            .await
            .expect("the emulator answers")
            .json()
            .await
            .expect("a JSON answer")
    }

    pub async fn users(&self) -> Vec<user::Model> {
        user::Entity::find()
            .all(self.db())
            .await
            .expect("users can be read")
    }

    /// Waits up to ten seconds for the only user's tier to become `tier`.
    pub async fn wait_for_tier(&self, tier: &str) -> user::Model {
        for _ in 0..100 {
            let users = self.users().await;
            if let Some(found) = users.iter().find(|user| user.subscription_tier == tier) {
                return found.clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the tier never became {tier}: {:?}", self.users().await);
    }

    /// Pays a Checkout session on the emulator's hosted page, as a buyer would.
    pub async fn pay_checkout(
        &self,
        checkout_url: &str,
        email: &str,
        card: &str,
    ) -> reqwest::Response {
        reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("an HTTP client")
            .post(checkout_url)
            .form(&[("email", email), ("card_number", card)])
            .send()
            .await
            .expect("the Checkout page answers")
    }
}

/// Where a server function sent the browser.
pub fn redirect_target(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .expect("a redirect")
        .to_owned()
}
