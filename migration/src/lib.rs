//! Database schema changes for stacker.
