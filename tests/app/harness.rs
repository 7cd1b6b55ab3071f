use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use leptos::config::LeptosOptions;
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use secrecy::ExposeSecret;
use serde_json::Value;
use stacker::server::app::{AppConfig, build};
use stacker::server::billing::checkout;
use stacker::server::config::Settings;
use stacker::server::entities::{stripe_event, subscription, user};
use stacker::server::state::AppState;
use stacker::tier::Tier;
use stripe_webhook::Webhook;
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
    postgres_database: Option<String>,
    _folder: TempDir,
}

/// Which database a test app stores its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the PostgreSQL server at 127.0.0.1:5432, owned by a role without
    /// superuser rights (so tests can shut it out), dropped when the test ends.
    Postgres,
}

/// The PostgreSQL server the tests use, as its superuser.
pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const POSTGRES_TEST_ROLE: &str = "stacker_test";

pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    stacker::server::telemetry::init();
    let folder = tempfile::tempdir().expect("a temporary folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let site_addr = listener.local_addr().expect("the bound address");
    let address = format!("http://{site_addr}");

    let mut settings = Settings::default();
    settings.site.public_url = address.clone();
    let postgres_database = match backend {
        Backend::Sqlite => {
            settings.database.url = format!(
                "sqlite://{}?mode=rwc",
                folder.path().join("stacker.sqlite").display()
            );
            None
        }
        Backend::Postgres => {
            let name = create_postgres_database().await;
            settings.database.url =
                format!("postgres://{POSTGRES_TEST_ROLE}@127.0.0.1:5432/{name}");
            Some(name)
        }
    };
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
        postgres_database,
        _folder: folder,
    }
}

/// Creates an empty database owned by the test role and answers its name.
async fn create_postgres_database() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "stacker_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    let admin = Database::connect(POSTGRES_ADMIN_URL)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (user postgres) for the PostgreSQL tests");
    admin
        .execute_unprepared(&format!(
            "DO $$ BEGIN CREATE ROLE {POSTGRES_TEST_ROLE} LOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
        .await
        .expect("the test role");
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE {name} OWNER {POSTGRES_TEST_ROLE}"
        ))
        .await
        .expect("a fresh database");
    admin.close().await.expect("the admin connection closes");
    name
}

/// Runs SQL as the PostgreSQL superuser.
pub async fn postgres_admin(sql: &str) {
    let admin = Database::connect(POSTGRES_ADMIN_URL)
        .await
        .expect("the PostgreSQL admin connection");
    admin.execute_unprepared(sql).await.expect("admin SQL runs");
    admin.close().await.expect("the admin connection closes");
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself: the database is
        // dropped from a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(postgres_admin(&format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )));
        })
        .join();
        if dropped.is_err() {
            eprintln!("the test database could not be dropped");
        }
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

/// Runs each named `async fn(Backend)` test once on SQLite and once on PostgreSQL, as
/// `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::harness::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::harness::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The card that pays.
pub const GOOD_CARD: &str = "4242424242424242";

impl TestApp {
    /// POSTs JSON to one of the emulator's test controls.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = reqwest::Client::new()
            .post(format!("{}/_emulator{path}", self.emulator_url))
            .json(&body)
            .send()
            .await;
        successful_json(response, &format!("control {path}")).await
    }

    pub async fn control_get(&self, path: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}/_emulator{path}", self.emulator_url))
            .send()
            .await
            .expect("the emulator answers")
            .json()
            .await
            .expect("a JSON answer")
    }

    /// A form POST against the emulator's Stripe API.
    pub async fn stripe_post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let response = reqwest::Client::new()
            .post(format!("{}/v1{path}", self.emulator_url))
            .bearer_auth(EMULATOR_KEY)
            .form(form)
            .send()
            .await;
        successful_json(response, &format!("POST {path}")).await
    }

    /// Keeps the emulator's events from being delivered until `/webhooks/flush`.
    pub async fn hold_webhooks(&self) {
        self.control("/webhooks/mode", serde_json::json!({ "hold": true }))
            .await;
    }

    /// A user made straight in the database (no password can log in as them).
    pub async fn create_user(&self, email: &str) -> i32 {
        let row = user::ActiveModel {
            email: Set(email.to_owned()),
            password_hash: Set("not a password hash".to_owned()),
            subscription_tier: Set("free".to_owned()),
            ..Default::default()
        };
        user::Entity::insert(row)
            .exec(self.db())
            .await
            .expect("a new user")
            .last_insert_id
    }

    /// Starts Checkout for the user as the Subscribe button does, and pays it with `card`.
    /// Answers the Checkout session id.
    pub async fn buy(&self, user_id: i32, price_id: &str, card: &str) -> String {
        let url = checkout::start_checkout(&self.state, user_id, price_id)
            .await
            .expect("a Checkout session");
        let session_id = url.rsplit('/').next().expect("a session id").to_owned();
        let email = user::Entity::find_by_id(user_id)
            .one(self.db())
            .await
            .expect("a query")
            .expect("the user")
            .email;
        self.control(
            &format!("/checkout/sessions/{session_id}/pay"),
            serde_json::json!({ "email": email, "card_number": card }),
        )
        .await;
        session_id
    }

    /// The id of the newest subscription of the user's customer, from the emulator.
    pub async fn stripe_subscription_of(&self, user_id: i32) -> String {
        let customer = self.customer_of(user_id).await;
        let list = self
            .stripe_get(&format!("/subscriptions?customer={customer}&status=all"))
            .await;
        list["data"][0]["id"]
            .as_str()
            .expect("a subscription")
            .to_owned()
    }

    pub async fn customer_of(&self, user_id: i32) -> String {
        user::Entity::find_by_id(user_id)
            .one(self.db())
            .await
            .expect("a query")
            .and_then(|user| user.stripe_customer_id)
            .expect("a Stripe customer")
    }

    /// The body of the emulator's event of `event_type` about `object_id`.
    pub async fn stripe_event(&self, event_type: &str, object_id: &str) -> String {
        let events = self
            .stripe_get(&format!("/events?type={event_type}&limit=100"))
            .await;
        let event = events["data"]
            .as_array()
            .expect("events")
            .iter()
            .find(|event| event["data"]["object"]["id"] == object_id)
            .unwrap_or_else(|| panic!("no {event_type} event for {object_id}: {events}"));
        serde_json::to_string(event).expect("JSON")
    }

    /// Delivers a body signed with the app's webhook secret, as Stripe would.
    pub async fn deliver(&self, body: &str) -> reqwest::StatusCode {
        let secret = self.state.webhook_secrets[0].expose_secret();
        let signature = Webhook::generate_test_header(body, secret, None);
        reqwest::Client::new()
            .post(format!("{}/webhooks/stripe", self.address))
            .header("stripe-signature", signature)
            .body(body.to_owned())
            .send()
            .await
            .expect("the webhook route answers")
            .status()
    }

    pub async fn stored_subscription(&self, id: &str) -> Option<subscription::Model> {
        subscription::Entity::find_by_id(id.to_owned())
            .one(self.db())
            .await
            .expect("a query")
    }

    pub async fn stored_event(&self, id: &str) -> Option<stripe_event::Model> {
        stripe_event::Entity::find_by_id(id.to_owned())
            .one(self.db())
            .await
            .expect("a query")
    }

    /// The user's tier now, as every gate sees it.
    pub async fn tier_of(&self, user_id: i32) -> Tier {
        self.state.user_tier(Some(user_id)).await.expect("the tier")
    }

    /// Moves the emulator's clock and the app's billing clock forward together.
    pub async fn advance_clocks(&self, by: chrono::Duration) {
        self.control(
            "/clock/advance",
            serde_json::json!({ "seconds": by.num_seconds() }),
        )
        .await;
        self.state.clock.advance(by);
    }
}

/// The JSON body of an emulator answer that must have succeeded.
async fn successful_json(response: reqwest::Result<reqwest::Response>, what: &str) -> Value {
    let response = response.expect("the emulator answers");
    assert!(
        response.status().is_success(),
        "{what}: {}",
        response.status()
    );
    response.json().await.expect("a JSON answer")
}

/// Polls `check` for up to twenty seconds until it holds.
pub async fn wait_until(what: &str, check: impl AsyncFn() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// The database shut out of the app until `end` is called.
pub enum Outage {
    /// Another connection holds SQLite's write lock.
    Sqlite {
        _connection: DatabaseConnection,
        lock: sea_orm::DatabaseTransaction,
    },
    /// The database refuses connections and the app's were cut.
    Postgres { database: String },
}

impl TestApp {
    /// Makes the app's database unavailable: writes fail after the driver's wait.
    pub async fn take_database_down(&self) -> Outage {
        match &self.postgres_database {
            None => {
                let connection = Database::connect(self.state.settings.database.url.as_str())
                    .await
                    .expect("a second SQLite connection");
                let lock = connection.begin().await.expect("a transaction");
                lock.execute_unprepared("UPDATE users SET email = email")
                    .await
                    .expect("the write lock");
                Outage::Sqlite {
                    _connection: connection,
                    lock,
                }
            }
            Some(database) => {
                postgres_admin(&format!("ALTER DATABASE {database} CONNECTION LIMIT 0")).await;
                postgres_admin(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{database}' AND pid <> pg_backend_pid()"
                ))
                .await;
                Outage::Postgres {
                    database: database.clone(),
                }
            }
        }
    }
}

impl Outage {
    pub async fn end(self) {
        match self {
            Outage::Sqlite { lock, .. } => lock.rollback().await.expect("the lock is released"),
            Outage::Postgres { database } => {
                postgres_admin(&format!("ALTER DATABASE {database} CONNECTION LIMIT -1")).await
            }
        }
    }
}
