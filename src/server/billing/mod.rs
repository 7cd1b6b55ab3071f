//! Everything that talks to Stripe: the client and its mode, the catalog and its mirror,
//! customers, Checkout, the billing portal, the subscription sync and the tier policy.

pub mod catalog;
pub mod catalog_sync;
pub mod checkout;
pub mod clock;
pub mod customer;
mod error;
pub mod portal;
pub mod stripe_connection;
pub mod subscription_sync;
pub mod sync_lock;
pub mod tier_policy;
pub mod webhook_endpoint;

pub use error::BillingError;
