use axum_login::{AuthUser, AuthnBackend, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::server::entities::user;

/// The shortest password accepted at sign-up.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// The longest password accepted: enough for any passphrase, short enough that hashing one
/// costs no more than hashing any other.
pub const MAX_PASSWORD_LENGTH: usize = 1024;

/// The longest email address that can be delivered to (and that Stripe keeps).
const MAX_EMAIL_LENGTH: usize = 254;

pub type AuthSession = axum_login::AuthSession<AuthBackend>;

/// The logged-in user as the session knows it.
#[derive(Clone)]
pub struct SessionUser {
    pub id: i32,
    pub email: String,
    password_hash: String,
}

// Written by hand so that the password hash never reaches a log line.
impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl From<user::Model> for SessionUser {
    fn from(model: user::Model) -> Self {
        SessionUser {
            id: model.id,
            email: model.email,
            password_hash: model.password_hash,
        }
    }
}

impl AuthUser for SessionUser {
    type Id = i32;

    fn id(&self) -> Self::Id {
        self.id
    }

    // A password change ends every other session of the user.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// What a visitor types into the login form.
#[derive(Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Why an account could not be created or checked.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the password is shorter than {MIN_PASSWORD_LENGTH} characters")]
    PasswordTooShort,
    #[error("the password is longer than {MAX_PASSWORD_LENGTH} characters")]
    PasswordTooLong,
    #[error("the email address is not valid")]
    InvalidEmail,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error("the password hashing task failed")]
    Hashing(#[from] tokio::task::JoinError),
}

#[derive(Clone)]
pub struct AuthBackend {
    db: DatabaseConnection,
}

impl AuthBackend {
    pub fn new(db: DatabaseConnection) -> Self {
        AuthBackend { db }
    }

    /// Creates an account with an argon2 hash of the password.
    #[tracing::instrument(skip_all)]
    pub async fn create_account(
        &self,
        email: &str,
        password: String,
    ) -> Result<SessionUser, AccountError> {
        let email = normalize_email(email);
        if !is_valid_email(&email) {
            return Err(AccountError::InvalidEmail);
        }
        let length = password.chars().count();
        if length < MIN_PASSWORD_LENGTH || password.trim().is_empty() {
            return Err(AccountError::PasswordTooShort);
        }
        if length > MAX_PASSWORD_LENGTH {
            return Err(AccountError::PasswordTooLong);
        }
        if self.find_by_email(&email).await?.is_some() {
            return Err(AccountError::EmailTaken);
        }

        let password_hash =
            tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
        let created = user::ActiveModel {
            email: Set(email),
            password_hash: Set(password_hash),
            subscription_tier: Set(crate::tier::Tier::Free.as_str().to_owned()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .map_err(|err| match err.sql_err() {
            // Two sign-ups with the same email at once: the unique index decides.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
            _ => AccountError::Database(err),
        })?;
        tracing::info!(user_id = created.id, "account created");
        Ok(created.into())
    }

    async fn find_by_email(&self, email: &str) -> Result<Option<user::Model>, sea_orm::DbErr> {
        user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await
    }
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plain address (`name@example.com`): no display name, no domain literal, a domain with a
/// dot, and no longer than mail systems deliver.
fn is_valid_email(email: &str) -> bool {
    let options = email_address::Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    email.len() <= MAX_EMAIL_LENGTH
        && email_address::EmailAddress::parse_with_options(email, options).is_ok()
}

impl AuthnBackend for AuthBackend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = AccountError;

    async fn authenticate(
        &self,
        credentials: Credentials,
    ) -> Result<Option<SessionUser>, Self::Error> {
        if credentials.password.chars().count() > MAX_PASSWORD_LENGTH {
            return Ok(None);
        }
        let Some(found) = self
            .find_by_email(&normalize_email(&credentials.email))
            .await?
        else {
            return Ok(None);
        };
        let hash = found.password_hash.clone();
        let matches = tokio::task::spawn_blocking(move || {
            password_auth::verify_password(credentials.password, &hash).is_ok()
        })
        .await?;
        Ok(matches.then(|| found.into()))
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<SessionUser>, Self::Error> {
        Ok(user::Entity::find_by_id(*user_id)
            .one(&self.db)
            .await?
            .map(SessionUser::from))
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn plain_addresses_are_accepted() {
        for email in ["ada@example.com", "ada.lovelace+billing@mail.example.org"] {
            assert!(is_valid_email(email), "{email}");
        }
    }

    #[test]
    fn malformed_or_overlong_addresses_are_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        for email in [
            "@@@",
            "a b@c d",
            "x@y.z\nbcc: evil@example.com",
            "Ada <ada@example.com>",
            "ada@[127.0.0.1]",
            "ada@localhost",
            "ada@",
            long.as_str(),
        ] {
            assert!(!is_valid_email(email), "{email:?}");
        }
    }
}
