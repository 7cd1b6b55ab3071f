//! The database connection and its schema.

use std::path::Path;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

/// Connects to SQLite or PostgreSQL (chosen by the URL's scheme) and brings the schema up to date.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<DatabaseConnection> {
    create_sqlite_folder(url)?;

    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .with_context(|| format!("Failed to connect to the database at {}", redact_url(url)))?;

    Migrator::up(&db, None)
        .await
        .context("Failed to run the database migrations")?;
    Ok(db)
}

/// SQLite creates the file on `mode=rwc` but not the folder it lives in.
fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return Ok(());
    };
    let file = rest.split('?').next().unwrap_or_default();
    if file.is_empty() || file == ":memory:" {
        return Ok(());
    }
    match Path::new(file).parent() {
        Some(folder) if !folder.as_os_str().is_empty() => std::fs::create_dir_all(folder)
            .with_context(|| format!("Failed to create the database folder {}", folder.display())),
        _ => Ok(()),
    }
}

/// The URL with any password replaced, for log lines and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db/stacker"),
            "postgres://app:***@db/stacker"
        );
        assert_eq!(
            redact_url("sqlite://data/stacker.sqlite"),
            "sqlite://data/stacker.sqlite"
        );
    }
}
