//! stacker: subscriptions sold through Stripe.
