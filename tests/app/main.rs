//! Integration tests: the app and the Stripe emulator in this process, a fresh SQLite database
//! per test, driven over HTTP as a browser or Stripe would.

mod harness;

mod catalog;
mod checkout;
mod pages;
mod sync;
mod webhooks;
