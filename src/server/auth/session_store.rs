use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tower_sessions::cookie::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Sessions kept in the application's own database, whichever of the two it is.
#[derive(Debug, Clone)]
pub enum DatabaseSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DatabaseSessionStore {
    /// Uses the pool behind the Sea-ORM connection and creates the sessions table if needed.
    pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<DatabaseSessionStore> {
        let store = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => DatabaseSessionStore::Sqlite(SqliteStore::new(
                db.get_sqlite_connection_pool().clone(),
            )),
            sea_orm::DatabaseBackend::Postgres => DatabaseSessionStore::Postgres(
                PostgresStore::new(db.get_postgres_connection_pool().clone()),
            ),
            other => anyhow::bail!("sessions cannot be stored in a {other:?} database"),
        };
        match &store {
            DatabaseSessionStore::Sqlite(inner) => inner.migrate().await?,
            DatabaseSessionStore::Postgres(inner) => inner.migrate().await?,
        }
        Ok(store)
    }

    /// Removes expired sessions once an hour for as long as the server runs.
    pub fn spawn_expiry_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let period = tokio::time::Duration::from_secs(60 * 60);
            if let Err(err) = store.continuously_delete_expired(period).await {
                tracing::warn!(error = %err, "expired session cleanup stopped");
            }
        });
    }
}

#[async_trait]
impl SessionStore for DatabaseSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(inner) => inner.create(record).await,
            DatabaseSessionStore::Postgres(inner) => inner.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(inner) => inner.save(record).await,
            DatabaseSessionStore::Postgres(inner) => inner.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            DatabaseSessionStore::Sqlite(inner) => inner.load(id).await,
            DatabaseSessionStore::Postgres(inner) => inner.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(inner) => inner.delete(id).await,
            DatabaseSessionStore::Postgres(inner) => inner.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for DatabaseSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(inner) => inner.delete_expired().await,
            DatabaseSessionStore::Postgres(inner) => inner.delete_expired().await,
        }
    }
}

/// The session cookie layer: `Secure` only when the site is served over HTTPS.
pub fn session_layer(
    store: DatabaseSessionStore,
    public_url: &str,
    inactivity_days: i64,
) -> SessionManagerLayer<DatabaseSessionStore> {
    SessionManagerLayer::new(store)
        .with_name("stacker.session")
        .with_secure(public_url.starts_with("https://"))
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(Duration::days(inactivity_days)))
}
