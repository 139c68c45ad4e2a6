//! A feed query resolved against the database: which notices, and the events to show.
use super::FeedQuery;
use super::events::{Event, events};
use crate::error::{AppError, AppResult};
use crate::notices::Level;
use crate::notices::public_read::Filter;
use crate::web::AppState;
use sea_orm::DatabaseConnection;

/// Resolves the query's codes; an unknown value is a 404 rather than an empty feed, so a
/// typo is noticed.
pub(crate) async fn filter_of(db: &DatabaseConnection, q: &FeedQuery) -> AppResult<(Filter, String)> {
    let mut filter = Filter::default();
    let mut scope = Vec::new();
    if let Some(level) = q.level.as_deref().filter(|s| !s.is_empty()) {
        let l = level.parse().ok().and_then(Level::from_number).ok_or(AppError::NotFound)?;
        filter.level = Some(l);
        scope.push(l.label().to_owned());
    }
    if let Some(code) = q.unit.as_deref().filter(|s| !s.is_empty()) {
        let unit = crate::units::service::find_by_code(db, code).await?.ok_or(AppError::NotFound)?;
        filter.unit_id = Some(unit.id);
        scope.push(unit.name);
    }
    if let Some(code) = q.campaign.as_deref().filter(|s| !s.is_empty()) {
        let c = crate::campaigns::find_by_code(db, code).await?.ok_or(AppError::NotFound)?;
        filter.campaign_id = Some(c.id);
        scope.push(c.title);
    }
    Ok((filter, scope.join(" · ")))
}

/// What both feed formats show.
pub struct Prepared {
    pub events: Vec<Event>,
    pub scope: String,
    pub self_query: String,
    pub ledger: crate::ledger::Head,
    /// When the events shown next change by the clock alone.
    pub valid_until: chrono::DateTime<chrono::Utc>,
    /// The public generation the events were read under.
    pub generation: i64,
}

/// The key a feed query's answer is stored under: its filters, empty ones left out.
#[must_use]
pub fn key_of(format: &str, q: &FeedQuery) -> String {
    let value = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).unwrap_or_default().to_owned();
    format!("feed:{format}:{}:{}:{}", value(&q.level), value(&q.unit), value(&q.campaign))
}

/// The events a feed query selects, newest first.
///
/// # Errors
/// `NotFound` for an unknown level, unit or campaign; database failure.
pub async fn prepare(state: &AppState, q: &FeedQuery, now: chrono::DateTime<chrono::Utc>) -> AppResult<Prepared> {
    let (filter, scope) = filter_of(&state.db, q).await?;
    let listing = crate::notices::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("level", &q.level), ("unit", &q.unit), ("campaign", &q.campaign)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            params.append_pair(k, v);
        }
    }
    let self_query = params.finish();
    let ledger = crate::ledger::head(&state.db).await?;
    Ok(Prepared {
        events: events(&listing, &filter, now),
        valid_until: listing.next_change_after(now),
        generation: listing.generation(),
        scope,
        self_query: if self_query.is_empty() { self_query } else { format!("?{self_query}") },
        ledger,
    })
}
