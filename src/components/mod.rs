//! View pieces shared by several pages.

pub mod error_notice;
pub mod nav;
pub mod plan_card;
pub mod session;
