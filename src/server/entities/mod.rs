//! Sea-ORM entities, one per table, in the shape `sea-orm-cli generate entity` writes.

pub mod price;
pub mod product;
pub mod stripe_event;
pub mod subscription;
pub mod user;
