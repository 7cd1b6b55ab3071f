//! The emulator end to end over HTTP: one test binary, a fresh emulator per test.

mod bad_input;
mod checkout;
mod clock;
mod errors;
mod helpers;
mod portal;
mod resources;
mod shape;
mod webhooks;
