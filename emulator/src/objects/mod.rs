//! The Stripe objects the emulator keeps, each with the JSON Stripe would send for it.
//!
//! Every `render` produces exactly the keys Stripe's own example object carries (null where the
//! emulator has no value), so that clients built for Stripe's API version parse it unchanged.

pub mod checkout_session;
pub mod customer;
pub mod event;
pub mod invoice;
pub mod metadata;
pub mod portal_session;
pub mod price;
pub mod product;
pub mod subscription;
pub mod webhook_endpoint;

use std::collections::BTreeMap;

/// Stripe metadata: string keys and string values.
pub type Metadata = BTreeMap<String, String>;

/// Anything stored in a [`Table`], found by its Stripe id.
pub trait Record {
    fn id(&self) -> &str;
}

/// Objects of one type in creation order; lists read it newest first, as Stripe does.
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: Vec<T>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self { rows: Vec::new() }
    }
}

impl<T: Record> Table<T> {
    pub fn insert(&mut self, row: T) {
        self.rows.push(row);
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.rows.iter().find(|row| row.id() == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.iter_mut().find(|row| row.id() == id)
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let index = self.rows.iter().position(|row| row.id() == id)?;
        Some(self.rows.remove(index))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.rows.iter()
    }

    pub fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.rows.iter().rev()
    }
}
