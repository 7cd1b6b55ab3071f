//! Stripe's bounds on amounts, quantities, billing intervals and trials. Keeping every number
//! inside them also keeps the emulator's arithmetic far from overflowing.

use crate::error::ApiError;
use crate::objects::price::Interval;

use super::DAY;

/// The largest `unit_amount` Stripe takes (in the currency's smallest unit).
pub const MAX_UNIT_AMOUNT: i64 = 99_999_999;
pub const MAX_QUANTITY: u64 = 999_999;
pub const MAX_TRIAL_DAYS: u32 = 730;

pub fn check_unit_amount(param: &str, amount: i64) -> Result<(), ApiError> {
    if (0..=MAX_UNIT_AMOUNT).contains(&amount) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!("Invalid integer: {param} must be between 0 and {MAX_UNIT_AMOUNT} (got {amount})."),
    ))
}

pub fn check_quantity(param: &str, quantity: u64) -> Result<(), ApiError> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!("Quantity must be between 1 and {MAX_QUANTITY} (got {quantity})."),
    ))
}

/// A billing interval may be at most three years long.
pub fn check_interval_count(param: &str, interval: Interval, count: u32) -> Result<(), ApiError> {
    let max = match interval {
        Interval::Day => 1095,
        Interval::Week => 156,
        Interval::Month => 36,
        Interval::Year => 3,
    };
    if (1..=max).contains(&count) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!(
            "Invalid interval_count: a {} price bills every 1 to {max} {}s (got {count}).",
            interval.as_str(),
            interval.as_str()
        ),
    ))
}

/// Three lowercase ASCII letters, like an ISO 4217 code.
pub fn check_currency(param: &str, currency: &str) -> Result<(), ApiError> {
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!("Invalid currency: {currency}. Use a three-letter ISO code such as usd."),
    ))
}

pub fn check_trial_days(param: &str, days: u32) -> Result<(), ApiError> {
    if (1..=MAX_TRIAL_DAYS).contains(&days) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!("Trials last between 1 and {MAX_TRIAL_DAYS} days (got {days})."),
    ))
}

/// A trial end must lie at least 48 hours and at most 730 days ahead, as Stripe requires.
pub fn check_trial_end(param: &str, trial_end: i64, now: i64) -> Result<(), ApiError> {
    let earliest = now + 2 * DAY;
    let latest = now + i64::from(MAX_TRIAL_DAYS) * DAY;
    if (earliest..=latest).contains(&trial_end) {
        return Ok(());
    }
    Err(ApiError::param(
        param,
        format!(
            "Invalid timestamp: {param} must be at least 48 hours and at most \
             {MAX_TRIAL_DAYS} days in the future (between {earliest} and {latest})."
        ),
    ))
}
