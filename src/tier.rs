//! Subscription tiers, ordered from the free tier up to the largest plan.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a user may open. A higher tier unlocks everything below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Free,
    Lightning,
    Core,
    Spark,
}

impl Tier {
    /// The paid tiers, smallest first.
    pub const PAID: [Tier; 3] = [Tier::Lightning, Tier::Core, Tier::Spark];

    /// The value stored in the database and in a Stripe product's `tier` metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Lightning => "lightning",
            Tier::Core => "core",
            Tier::Spark => "spark",
        }
    }

    /// The plan's name as customers see it.
    pub fn plan_name(self) -> &'static str {
        match self {
            Tier::Free => "Free",
            Tier::Lightning => "Lightning Stacker",
            Tier::Core => "Core Stacker",
            Tier::Spark => "Spark Stacker",
        }
    }

    /// Whether a user on this tier may open what `required` protects.
    pub fn unlocks(self, required: Tier) -> bool {
        self >= required
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tier name that is not one of `free`, `lightning`, `core` or `spark`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tier `{0}`")]
pub struct UnknownTier(pub String);

impl FromStr for Tier {
    type Err = UnknownTier;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "free" => Ok(Tier::Free),
            "lightning" => Ok(Tier::Lightning),
            "core" => Ok(Tier::Core),
            "spark" => Ok(Tier::Spark),
            other => Err(UnknownTier(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_tiers_unlock_lower_ones() {
        assert!(Tier::Spark.unlocks(Tier::Core));
        assert!(Tier::Core.unlocks(Tier::Core));
        assert!(!Tier::Lightning.unlocks(Tier::Core));
        assert!(!Tier::Free.unlocks(Tier::Lightning));
    }

    #[test]
    fn names_round_trip() {
        for tier in [Tier::Free, Tier::Lightning, Tier::Core, Tier::Spark] {
            assert_eq!(tier.as_str().parse::<Tier>(), Ok(tier));
        }
        assert!("gold".parse::<Tier>().is_err());
    }
}
