//! Accounts and logins: the axum-login backend and the database-backed session layer.

mod backend;
mod session_store;

pub use backend::{AccountError, AuthBackend, AuthSession, Credentials, SessionUser};
pub use session_store::{DatabaseSessionStore, session_layer};
