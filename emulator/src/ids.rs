//! Stripe-style identifiers for objects the emulator creates.

use rand::Rng;
use rand::distr::Alphanumeric;

/// A new identifier such as `cus_3kf9…`: the prefix, an underscore and random letters and digits.
pub fn new_id(prefix: &str) -> String {
    new_id_with_len(prefix, 24)
}

/// Checkout Session ids are long, like Stripe's `cs_test_a1…`.
pub fn new_checkout_session_id() -> String {
    new_id_with_len("cs_test", 56)
}

/// Webhook signing secrets look like `whsec_…`.
pub fn new_webhook_secret() -> String {
    new_id_with_len("whsec", 32)
}

fn new_id_with_len(prefix: &str, len: usize) -> String {
    let random: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}_{random}")
}
