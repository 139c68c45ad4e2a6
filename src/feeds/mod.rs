//! RSS 2.0 and Atom feeds of notices: an item for each publication, correction, withdrawal
//! and result report, once public. Filters: `level`, `unit` (code), `campaign` (code).
//! Guids are URNs made of ids alone, so they survive a change of the site's address; dates
//! are written in China time (+08:00).
//!
//! `events` turns the public listing into feed items (no I/O), `service` resolves a query against
//! the database, `pages` writes RSS and Atom.
pub mod events;
pub mod pages;
pub mod service;

pub use events::Event;
pub use pages::{atom_feed, rss_feed};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct FeedQuery {
    pub level: Option<String>,
    pub unit: Option<String>,
    pub campaign: Option<String>,
}
