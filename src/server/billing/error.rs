use axum::http::StatusCode;

/// Why a billing step failed. Each variant maps to a status code and a message for people; the
/// cause stays in the logs.
#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("price `{0}` is not an active plan price")]
    UnknownPrice(String),
    #[error("checkout session `{0}` was not found")]
    CheckoutSessionNotFound(String),
    #[error("checkout session `{0}` belongs to another user")]
    ForeignCheckoutSession(String),
    #[error("no user is linked to Stripe customer `{0}`")]
    UnknownCustomer(String),
    #[error("the user has no Stripe customer yet")]
    NoCustomer,
    #[error("customer `{0}` already has subscription `{1}`")]
    AlreadySubscribed(String, String),
    #[error("Stripe returned an unusable object: {0}")]
    UnexpectedObject(String),
    #[error("the Stripe request failed")]
    Stripe(#[from] stripe::StripeError),
    #[error("the database request failed")]
    Database(#[from] sea_orm::DbErr),
}

impl BillingError {
    pub fn status(&self) -> StatusCode {
        match self {
            BillingError::UnknownPrice(_) => StatusCode::BAD_REQUEST,
            BillingError::CheckoutSessionNotFound(_) => StatusCode::NOT_FOUND,
            BillingError::ForeignCheckoutSession(_) => StatusCode::FORBIDDEN,
            BillingError::NoCustomer | BillingError::AlreadySubscribed(..) => StatusCode::CONFLICT,
            BillingError::UnknownCustomer(_)
            | BillingError::UnexpectedObject(_)
            | BillingError::Stripe(_)
            | BillingError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the person in front of the page is told.
    pub fn user_message(&self) -> &'static str {
        match self {
            BillingError::UnknownPrice(_) => {
                "That plan is not available. Please pick one of the plans shown."
            }
            BillingError::CheckoutSessionNotFound(_) => {
                "We could not find that checkout. Please start again from the pricing page."
            }
            BillingError::ForeignCheckoutSession(_) => "That checkout belongs to another account.",
            BillingError::NoCustomer => {
                "You have no billing account yet. Subscribe to a plan first."
            }
            BillingError::AlreadySubscribed(..) => {
                "You already have a subscription. Switch plans or cancel it under Manage billing \
                 on your account page."
            }
            BillingError::UnknownCustomer(_)
            | BillingError::UnexpectedObject(_)
            | BillingError::Stripe(_)
            | BillingError::Database(_) => {
                "Billing is not available right now. Please try again in a moment."
            }
        }
    }

    /// Whether trying again later may succeed: the database or Stripe was unavailable, as
    /// opposed to an answer that will not change.
    pub fn is_transient(&self) -> bool {
        match self {
            BillingError::Database(_) => true,
            BillingError::Stripe(stripe::StripeError::Stripe(_, status)) => {
                *status == 429 || *status >= 500
            }
            BillingError::Stripe(
                stripe::StripeError::ClientError(_) | stripe::StripeError::Timeout,
            ) => true,
            _ => false,
        }
    }

    /// Whether Stripe said the object does not exist.
    pub fn is_stripe_not_found(err: &stripe::StripeError) -> bool {
        matches!(err, stripe::StripeError::Stripe(_, 404))
    }

    /// Whether Stripe refused the request because the customer it names does not exist
    /// (deleted in Stripe, or an emulator that started over).
    pub fn is_missing_customer(&self) -> bool {
        match self {
            BillingError::Stripe(stripe::StripeError::Stripe(errors, 400 | 404)) => {
                errors.code == Some(stripe_shared::ApiErrorsCode::ResourceMissing)
                    && errors.param.as_deref() == Some("customer")
            }
            _ => false,
        }
    }
}
