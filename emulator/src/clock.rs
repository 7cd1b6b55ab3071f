//! The emulated clock. It follows the wall clock until a test advances it; advancing runs, in
//! time order, everything that falls due on the way (renewals, trial ends, payment retries,
//! cancellations at period end, Checkout expiries), each stamped with its own time.

use serde::Serialize;

use crate::billing::checkout::expire;
use crate::billing::renewal::{next_due, run};
use crate::objects::checkout_session::SessionStatus;
use crate::store::Store;

/// A guard against a schedule that never ends (e.g. a one-day price advanced by centuries).
const MAX_STEPS: usize = 100_000;

#[derive(Debug, Serialize)]
pub struct ClockView {
    pub now: i64,
    pub offset_seconds: i64,
}

pub fn view(store: &Store) -> ClockView {
    ClockView {
        now: store.now(),
        offset_seconds: store.clock_offset,
    }
}

/// Moves the clock to `target` (never backwards) and returns how many scheduled changes ran.
pub fn advance_to(store: &mut Store, target: i64) -> usize {
    let target = target.max(store.now());
    let mut steps = 0;
    while let Some((at, due)) = next_due(store, target) {
        store.set_now(at.max(store.now()));
        run(store, due);
        steps += 1;
        if steps >= MAX_STEPS {
            tracing::warn!(
                steps,
                "clock advance stopped early: too many scheduled changes"
            );
            break;
        }
    }
    store.set_now(target);
    let expired: Vec<String> = store
        .checkout_sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Open && s.expires_at <= target)
        .map(|s| s.id.clone())
        .collect();
    steps += expired.len();
    for id in expired {
        expire(store, &id);
    }
    steps
}
