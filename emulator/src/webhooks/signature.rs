//! `Stripe-Signature` headers: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`.

use hmac::digest::InvalidLength;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn sign(payload: &str, secret: &str, timestamp: i64) -> Result<String, InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    let digest = hex::encode(mac.finalize().into_bytes());
    Ok(format!("t={timestamp},v1={digest}"))
}
