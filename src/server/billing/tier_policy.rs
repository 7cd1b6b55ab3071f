//! The one place that decides which tier a user's subscriptions grant. The account page, the
//! plan pages and the stored `users.subscription_tier` all come from `tier_at`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::server::entities::{subscription, user};
use crate::tier::Tier;

/// How statuses turn into access.
#[derive(Debug, Clone, Copy)]
pub struct TierPolicy {
    /// How long a `past_due` subscription keeps its tier after its period started (the failed
    /// renewal), while Stripe retries the payment.
    pub past_due_grace: Duration,
}

impl TierPolicy {
    /// Whether the subscription grants its tier at `now`: `active` and `trialing` do;
    /// `past_due` does during the grace period; `incomplete`, `incomplete_expired`, `unpaid`,
    /// `paused`, `canceled` and anything unknown do not.
    pub fn grants_tier(&self, subscription: &subscription::Model, now: DateTime<Utc>) -> bool {
        match subscription.status.as_str() {
            "active" | "trialing" => true,
            "past_due" => {
                let since = subscription
                    .current_period_start
                    .unwrap_or(subscription.updated_at);
                now < since + self.past_due_grace
            }
            _ => false,
        }
    }

    /// The highest tier among the subscriptions that grant one at `now`; free when none does.
    pub fn tier_at(&self, subscriptions: &[subscription::Model], now: DateTime<Utc>) -> Tier {
        subscriptions
            .iter()
            .filter(|subscription| self.grants_tier(subscription, now))
            .filter_map(|subscription| subscription.tier.parse::<Tier>().ok())
            .max()
            .unwrap_or(Tier::Free)
    }

    /// The user's tier at `now`, from their stored subscriptions; free for visitors.
    pub async fn user_tier(
        &self,
        db: &impl ConnectionTrait,
        user_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<Tier, sea_orm::DbErr> {
        let Some(user_id) = user_id else {
            return Ok(Tier::Free);
        };
        let subscriptions = subscription::Entity::find()
            .filter(subscription::Column::UserId.eq(user_id))
            .all(db)
            .await?;
        Ok(self.tier_at(&subscriptions, now))
    }

    /// Recomputes the user's tier and stores it in `users.subscription_tier`, the copy that
    /// reports and other readers of the table see.
    pub async fn refresh_user_tier(
        &self,
        db: &impl ConnectionTrait,
        user_id: i32,
        now: DateTime<Utc>,
    ) -> Result<Tier, sea_orm::DbErr> {
        let tier = self.user_tier(db, Some(user_id), now).await?;
        user::Entity::update_many()
            .col_expr(user::Column::SubscriptionTier, Expr::value(tier.as_str()))
            .filter(user::Column::Id.eq(user_id))
            .exec(db)
            .await?;
        tracing::debug!(user_id, %tier, "tier refreshed");
        Ok(tier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: TierPolicy = TierPolicy {
        past_due_grace: Duration::days(3),
    };

    fn subscription(tier: &str, status: &str, period_start: DateTime<Utc>) -> subscription::Model {
        subscription::Model {
            id: format!("sub_{tier}_{status}"),
            user_id: 1,
            customer_id: "cus_1".into(),
            price_id: "price_1".into(),
            product_id: "prod_1".into(),
            tier: tier.into(),
            status: status.into(),
            current_period_start: Some(period_start),
            current_period_end: period_start + Duration::days(30),
            cancel_at_period_end: false,
            trial_end: None,
            updated_at: period_start,
        }
    }

    #[test]
    fn active_and_trialing_grant_their_tier() {
        let now = Utc::now();
        assert_eq!(
            POLICY.tier_at(&[subscription("core", "active", now)], now),
            Tier::Core
        );
        assert_eq!(
            POLICY.tier_at(&[subscription("spark", "trialing", now)], now),
            Tier::Spark
        );
    }

    #[test]
    fn past_due_grants_its_tier_during_the_grace_period_only() {
        let failed_at = Utc::now();
        let past_due = [subscription("core", "past_due", failed_at)];

        assert_eq!(
            POLICY.tier_at(&past_due, failed_at + Duration::days(2)),
            Tier::Core
        );
        assert_eq!(
            POLICY.tier_at(&past_due, failed_at + Duration::days(3)),
            Tier::Free
        );
    }

    #[test]
    fn other_statuses_grant_nothing() {
        let now = Utc::now();
        for status in [
            "canceled",
            "incomplete",
            "incomplete_expired",
            "unpaid",
            "paused",
            "some_future_status",
        ] {
            assert_eq!(
                POLICY.tier_at(&[subscription("core", status, now)], now),
                Tier::Free,
                "{status}"
            );
        }
    }

    #[test]
    fn the_highest_granted_tier_wins() {
        let now = Utc::now();
        let subscriptions = [
            subscription("lightning", "active", now),
            subscription("spark", "canceled", now),
            subscription("core", "active", now),
        ];
        assert_eq!(POLICY.tier_at(&subscriptions, now), Tier::Core);
    }
}
