//! The one place that decides which tier a user's subscriptions grant.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::server::entities::{subscription, user};
use crate::tier::Tier;

/// Whether a subscription in this Stripe status grants its tier: only while it is paid for
/// (`active`) or in a free trial (`trialing`).
pub fn status_grants_tier(status: &str) -> bool {
    matches!(status, "active" | "trialing")
}

/// The highest tier among the subscriptions that grant one; free when none does.
pub fn tier_from_subscriptions(subscriptions: &[subscription::Model]) -> Tier {
    subscriptions
        .iter()
        .filter(|subscription| status_grants_tier(&subscription.status))
        .filter_map(|subscription| subscription.tier.parse::<Tier>().ok())
        .max()
        .unwrap_or(Tier::Free)
}

/// Recomputes the user's tier from their stored subscriptions and stores it.
pub async fn refresh_user_tier(
    db: &DatabaseConnection,
    user_id: i32,
) -> Result<Tier, sea_orm::DbErr> {
    let subscriptions = subscription::Entity::find()
        .filter(subscription::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let tier = tier_from_subscriptions(&subscriptions);
    user::Entity::update_many()
        .col_expr(user::Column::SubscriptionTier, Expr::value(tier.as_str()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    tracing::debug!(user_id, %tier, "tier refreshed");
    Ok(tier)
}

/// The tier stored for a user; free for visitors and unknown users.
pub async fn user_tier(
    db: &DatabaseConnection,
    user_id: Option<i32>,
) -> Result<Tier, sea_orm::DbErr> {
    let Some(user_id) = user_id else {
        return Ok(Tier::Free);
    };
    let stored = user::Entity::find_by_id(user_id).one(db).await?;
    Ok(stored
        .and_then(|user| user.subscription_tier.parse().ok())
        .unwrap_or(Tier::Free))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn subscription(tier: &str, status: &str) -> subscription::Model {
        subscription::Model {
            id: format!("sub_{tier}_{status}"),
            user_id: 1,
            customer_id: "cus_1".into(),
            price_id: "price_1".into(),
            product_id: "prod_1".into(),
            tier: tier.into(),
            status: status.into(),
            current_period_end: Utc::now(),
            cancel_at_period_end: false,
            trial_end: None,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn active_and_trialing_grant_their_tier() {
        assert_eq!(
            tier_from_subscriptions(&[subscription("core", "active")]),
            Tier::Core
        );
        assert_eq!(
            tier_from_subscriptions(&[subscription("spark", "trialing")]),
            Tier::Spark
        );
    }

    #[test]
    fn other_statuses_grant_nothing() {
        for status in [
            "canceled",
            "incomplete",
            "incomplete_expired",
            "unpaid",
            "paused",
            "past_due",
        ] {
            assert_eq!(
                tier_from_subscriptions(&[subscription("core", status)]),
                Tier::Free
            );
        }
    }

    #[test]
    fn the_highest_granted_tier_wins() {
        let subscriptions = [
            subscription("lightning", "active"),
            subscription("spark", "canceled"),
            subscription("core", "active"),
        ];
        assert_eq!(tier_from_subscriptions(&subscriptions), Tier::Core);
    }
}
