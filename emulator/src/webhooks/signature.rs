//! `Stripe-Signature` headers: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn sign(payload: &str, secret: &str, timestamp: i64) -> String {
    // HMAC accepts keys of any length, so building it cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC-SHA256 takes keys of any length");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    let digest = hex::encode(mac.finalize().into_bytes());
    format!("t={timestamp},v1={digest}")
}
