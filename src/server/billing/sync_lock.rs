//! One sync of a Stripe object at a time.
//!
//! A sync fetches an object from Stripe and then writes it. Two syncs of one object that
//! overlap could fetch in one order and commit in the other, leaving the older copy stored.
//! Holding a lock from before the fetch until the commit makes the last writer the last
//! reader, so the stored copy is always the newest one fetched.
//!
//! Within one server a mutex per object key serialises the syncs. Several servers sharing one
//! PostgreSQL database also take a transaction-scoped advisory lock on the key; the sync's
//! reads and writes then run in that transaction, so each sync holds a single connection.
//! SQLite is one server's database: the mutex is enough, and no transaction stays open while
//! Stripe answers (SQLite has one writer at a time).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;

/// The mutexes of the objects being synced in this process, by key.
#[derive(Clone, Default)]
pub struct SyncLocks {
    held: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl SyncLocks {
    /// Waits until no other sync of `key` runs, then holds it (in this process, and across
    /// servers on PostgreSQL) until the lock is released or dropped.
    pub async fn acquire(&self, db: &DatabaseConnection, key: String) -> Result<SyncLock, DbErr> {
        let mutex = {
            let mut held = self
                .held
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            held.entry(key.clone()).or_default().clone()
        };
        let local = LocalGuard {
            guard: Some(mutex.lock_owned().await),
            key,
            locks: self.clone(),
        };

        let transaction = if db.get_database_backend() == DbBackend::Postgres {
            let transaction = db.begin().await?;
            transaction
                .execute(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    [local.key.clone().into()],
                ))
                .await?;
            Some(transaction)
        } else {
            None
        };
        Ok(SyncLock {
            transaction,
            db: db.clone(),
            _local: local,
        })
    }

    /// How many keys have a mutex right now (held or waited for).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.held.lock().map(|held| held.len()).unwrap_or_default()
    }
}

/// Drops the key's mutex from the map once nobody holds or waits for it.
struct LocalGuard {
    guard: Option<OwnedMutexGuard<()>>,
    key: String,
    locks: SyncLocks,
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        let mut held = self
            .locks
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.guard = None;
        if held
            .get(&self.key)
            .is_some_and(|mutex| Arc::strong_count(mutex) == 1)
        {
            held.remove(&self.key);
        }
    }
}

/// A held sync lock. Read and write through [`SyncLock::db`]; [`SyncLock::release`] commits
/// what was written on PostgreSQL. Dropped without release, the writes are rolled back.
pub struct SyncLock {
    transaction: Option<DatabaseTransaction>,
    db: DatabaseConnection,
    _local: LocalGuard,
}

impl SyncLock {
    /// The connection the sync reads and writes through while it holds the lock.
    pub fn db(&self) -> LockedConnection<'_> {
        match &self.transaction {
            Some(transaction) => LockedConnection::Transaction(transaction),
            None => LockedConnection::Pool(&self.db),
        }
    }

    /// Commits the sync's writes (PostgreSQL) and lets the next sync of the object go.
    pub async fn release(self) -> Result<(), DbErr> {
        if let Some(transaction) = self.transaction {
            transaction.commit().await?;
        }
        Ok(())
    }
}

/// The database as a sync holding a lock sees it: the lock's transaction on PostgreSQL, the
/// pool on SQLite.
pub enum LockedConnection<'a> {
    Pool(&'a DatabaseConnection),
    Transaction(&'a DatabaseTransaction),
}

impl LockedConnection<'_> {
    /// Starts a transaction for writes that belong together (a savepoint on PostgreSQL).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        match self {
            LockedConnection::Pool(db) => db.begin().await,
            LockedConnection::Transaction(transaction) => transaction.begin().await,
        }
    }
}

#[async_trait]
impl ConnectionTrait for LockedConnection<'_> {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            LockedConnection::Pool(db) => db.get_database_backend(),
            LockedConnection::Transaction(transaction) => transaction.get_database_backend(),
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            LockedConnection::Pool(db) => db.execute(stmt).await,
            LockedConnection::Transaction(transaction) => transaction.execute(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            LockedConnection::Pool(db) => db.execute_unprepared(sql).await,
            LockedConnection::Transaction(transaction) => transaction.execute_unprepared(sql).await,
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            LockedConnection::Pool(db) => db.query_one(stmt).await,
            LockedConnection::Transaction(transaction) => transaction.query_one(stmt).await,
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            LockedConnection::Pool(db) => db.query_all(stmt).await,
            LockedConnection::Transaction(transaction) => transaction.query_all(stmt).await,
        }
    }

    fn support_returning(&self) -> bool {
        match self {
            LockedConnection::Pool(db) => db.support_returning(),
            LockedConnection::Transaction(transaction) => transaction.support_returning(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::Database;

    use super::SyncLocks;

    #[tokio::test]
    async fn a_second_sync_of_one_object_waits_for_the_first() {
        let db = Database::connect("sqlite::memory:").await.expect("SQLite");
        let locks = SyncLocks::default();

        let first = locks
            .acquire(&db, "subscription:sub_1".to_owned())
            .await
            .expect("the first lock");
        let other = locks
            .acquire(&db, "subscription:sub_2".to_owned())
            .await
            .expect("another object is not blocked");
        let waiting = {
            let locks = locks.clone();
            let db = db.clone();
            tokio::spawn(async move {
                locks
                    .acquire(&db, "subscription:sub_1".to_owned())
                    .await
                    .map(|_| ())
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second sync went ahead");

        first.release().await.expect("released");
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the second sync went on after the release")
            .expect("the task")
            .expect("the second lock");
        drop(other);
        assert_eq!(locks.len(), 0, "finished keys are forgotten");
    }
}
