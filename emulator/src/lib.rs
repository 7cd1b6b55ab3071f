//! Offline stand-in for the parts of Stripe that stacker uses.
