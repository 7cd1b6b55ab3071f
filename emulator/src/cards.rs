//! Stripe's test card numbers and what each does when charged.

/// A card saved on a customer. Only the number matters to the emulator; it is never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    number: String,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Card(…{})", self.last4())
    }
}

/// Card numbers the emulator knows, as in Stripe's test mode.
pub const SUCCEEDS: &str = "4242424242424242";
pub const DECLINES: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Saves fine, but every charge on it fails: use it to make renewals fail.
pub const ATTACHES_THEN_FAILS: &str = "4000000000000341";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("Your card number is incomplete.")]
    Incomplete,
    #[error("Your card number is invalid. Use a test card such as 4242 4242 4242 4242.")]
    Unknown,
}

impl Card {
    /// Reads a card number as a person types it: spaces and dashes are ignored.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        let number: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if number.len() < 16 || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(CardError::Incomplete);
        }
        if ![SUCCEEDS, DECLINES, INSUFFICIENT_FUNDS, ATTACHES_THEN_FAILS].contains(&number.as_str())
        {
            return Err(CardError::Unknown);
        }
        Ok(Self { number })
    }

    pub fn last4(&self) -> &str {
        &self.number[self.number.len().saturating_sub(4)..]
    }

    /// Whether the card can be saved on a customer at all.
    pub fn can_attach(&self) -> bool {
        self.number != DECLINES && self.number != INSUFFICIENT_FUNDS
    }

    /// Whether a charge on this card goes through.
    pub fn charge_succeeds(&self) -> bool {
        self.number == SUCCEEDS
    }
}
