//! Sea-ORM entities, one per table, in the shape `sea-orm-cli generate entity` writes.

pub mod subscription;
pub mod user;
