//! Writing subscribers' mail into the outbox. The job `subscription_mail` runs every minute:
//!
//! 1. each event not yet delivered goes to every confirmed immediate subscription that follows
//!    it, in batches by subscription id; a batch's mail and the event's progress
//!    (`delivered_through`) commit together, so a crash resumes after the last batch, and no
//!    subscriber is written twice;
//! 2. after 00:00 China time each daily subscription gets the events of the day that ended, and
//!    after Monday 00:00 each weekly one those of the week; a daily digest with nothing in it is
//!    not sent, a weekly one says "nothing new, still subscribed";
//! 3. after Monday 00:00 an immediate or daily subscription that was sent nothing in the week
//!    that ended gets that one line too, so a quiet subscription stays known to be alive.
//!
//! A subscriber confirmed after an event happened is not told of it.
use super::letters::{self, Reader};
use super::service::{Chosen, chosen_of, describe};
use super::{Frequency, ScopeKind, contact, follows, kind, path_units, state};
use crate::china_time::{date_zh, day_of, instant_on};
use crate::error::AppResult;
use crate::keys::Sealer;
use crate::mail::{Mail, Postbox};
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{subscription_events, subscriptions};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Subscriptions written per transaction.
const BATCH: u64 = 500;

/// What one run wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub events: usize,
    pub digests: usize,
    pub quiet: usize,
}

/// Runs the three steps; nothing without mail.
///
/// # Errors
/// Database failure (what was committed before stays committed, and the next run goes on).
pub async fn run(db: &DatabaseConnection, postbox: &Postbox, now: DateTime<Utc>) -> AppResult<Delivered> {
    let Some(sealer) = postbox.sealer() else { return Ok(Delivered::default()) };
    let mut words = ScopeWords::default();
    let events = immediate(db, postbox, sealer, &mut words, now).await?;
    let mut digests = 0;
    for frequency in [Frequency::Daily, Frequency::Weekly] {
        digests += digest(db, postbox, sealer, &mut words, frequency, now).await?;
    }
    let quiet = quiet_week(db, postbox, sealer, &mut words, now).await?;
    Ok(Delivered { events, digests, quiet })
}

/// The start of the China day holding `now`, and of its week (Monday).
#[must_use]
pub fn cuts(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let today = day_of(now);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (instant_on(today, 0), instant_on(monday, 0))
}

/// Scope descriptions, read once per run.
#[derive(Default)]
struct ScopeWords(HashMap<ScopeKey, String>);

/// A scope and what it names: its kind, unit, level and campaign.
type ScopeKey = (ScopeKind, Option<i32>, Option<i32>, Option<i32>);

impl ScopeWords {
    async fn of<C: ConnectionTrait>(&mut self, db: &C, c: Chosen) -> AppResult<String> {
        let key = (c.scope, c.unit_id, c.level, c.campaign_id);
        if let Some(words) = self.0.get(&key) {
            return Ok(words.clone());
        }
        let words = describe(db, c).await?;
        self.0.insert(key, words.clone());
        Ok(words)
    }
}

/// Opens the subscription's contact and lets `write` make its message.
async fn write_to<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    sealer: &Sealer,
    words: &mut ScopeWords,
    sub: &subscriptions::Model,
    now: DateTime<Utc>,
    write: impl FnOnce(&Reader) -> Mail,
) -> AppResult<()> {
    let Some(envelope) = sub.contact_sealed.as_deref() else { return Ok(()) };
    let contact = contact::open(sealer, &sub.token_hash, envelope)?;
    let chosen = chosen_of(sub)?;
    let scope = words.of(db, chosen).await?;
    let reader = Reader {
        subscription_id: sub.id,
        address: &contact.address,
        token: &contact.token,
        scope: &scope,
        frequency: chosen.frequency,
    };
    postbox.post(db, write(&reader), now).await
}

/// The subscriptions an event concerns, as a condition.
fn followers(event: &subscription_events::Model) -> Condition {
    use subscriptions::Column as C;
    if event.kind == kind::CLOSING {
        return Condition::all().add(C::Scope.eq(ScopeKind::Closing.code()));
    }
    let units = path_units(&event.unit_path);
    Condition::any()
        .add(C::Scope.eq(ScopeKind::All.code()))
        .add(Condition::all().add(C::Scope.eq(ScopeKind::Unit.code())).add(C::UnitId.eq(units.last().copied())))
        .add(Condition::all().add(C::Scope.eq(ScopeKind::UnitTree.code())).add(C::UnitId.is_in(units)))
        .add(Condition::all().add(C::Scope.eq(ScopeKind::Level.code())).add(C::Level.eq(event.level)))
        .add(Condition::all().add(C::Scope.eq(ScopeKind::Campaign.code())).add(C::CampaignId.eq(event.campaign_id)))
}

/// Step 1; returns how many messages were written.
async fn immediate(
    db: &DatabaseConnection,
    postbox: &Postbox,
    sealer: &Sealer,
    words: &mut ScopeWords,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    use subscription_events::Column as E;
    use subscriptions::Column as C;
    let waiting =
        subscription_events::Entity::find().filter(E::DeliveredAt.is_null()).order_by_asc(E::Id).all(db).await?;
    let mut written = 0;
    for mut event in waiting {
        loop {
            let batch = subscriptions::Entity::find()
                .filter(C::State.eq(state::ACTIVE))
                .filter(C::Frequency.eq(Frequency::Immediate.code()))
                .filter(C::Id.gt(event.delivered_through))
                .filter(C::ConfirmedAt.lte(event.occurred_at))
                .filter(followers(&event))
                .order_by_asc(C::Id)
                .limit(BATCH)
                .all(db)
                .await?;
            let txn = crate::db::begin_write(db).await?;
            let Some(last) = batch.last().map(|s| s.id) else {
                subscription_events::Entity::update_many()
                    .col_expr(E::DeliveredAt, Expr::value(now))
                    .filter(E::Id.eq(event.id))
                    .exec(&txn)
                    .await?;
                txn.commit().await?;
                break;
            };
            for sub in &batch {
                write_to(&txn, postbox, sealer, words, sub, now, |r| letters::event(postbox, r, &event)).await?;
            }
            subscription_events::Entity::update_many()
                .col_expr(E::DeliveredThrough, Expr::value(last))
                .filter(E::Id.eq(event.id))
                .exec(&txn)
                .await?;
            mailed(&txn, batch.iter().map(|s| s.id).collect(), now).await?;
            txn.commit().await?;
            postbox.wake();
            written += batch.len();
            event.delivered_through = last;
        }
    }
    Ok(written)
}

async fn mailed<C: ConnectionTrait>(db: &C, ids: Vec<i32>, at: DateTime<Utc>) -> AppResult<()> {
    subscriptions::Entity::update_many()
        .col_expr(subscriptions::Column::LastMailedAt, Expr::value(at))
        .filter(subscriptions::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// "2025年3月10日", or "2025年3月10日至2025年3月16日" for more than one day.
fn period_words(from: DateTime<Utc>, cut: DateTime<Utc>) -> String {
    let (first, last) = (day_of(from), day_of(cut - Duration::seconds(1)));
    if first >= last { date_zh(last) } else { format!("{}至{}", date_zh(first), date_zh(last)) }
}

/// Step 2 for one frequency; returns how many messages were written.
async fn digest(
    db: &DatabaseConnection,
    postbox: &Postbox,
    sealer: &Sealer,
    words: &mut ScopeWords,
    frequency: Frequency,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    use subscription_events::Column as E;
    use subscriptions::Column as C;
    let (day, week) = cuts(now);
    let cut = if frequency == Frequency::Weekly { week } else { day };
    let mut written = 0;
    loop {
        let batch = subscriptions::Entity::find()
            .filter(C::State.eq(state::ACTIVE))
            .filter(C::Frequency.eq(frequency.code()))
            .filter(C::DigestThrough.lt(cut))
            .order_by_asc(C::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(earliest) = batch.iter().filter_map(|s| s.digest_through).min() else { break };
        let events = subscription_events::Entity::find()
            .filter(E::RecordedAt.gte(earliest))
            .filter(E::RecordedAt.lt(cut))
            .order_by_asc(E::OccurredAt)
            .all(db)
            .await?;
        let txn = crate::db::begin_write(db).await?;
        let mut sent = Vec::new();
        for sub in &batch {
            let from = sub.digest_through.unwrap_or(earliest);
            let confirmed = sub.confirmed_at.unwrap_or(from);
            let news: Vec<&subscription_events::Model> = events
                .iter()
                .filter(|e| e.recorded_at >= from && e.occurred_at >= confirmed && follows(sub, e))
                .collect();
            let period = period_words(from, cut);
            if !news.is_empty() {
                write_to(&txn, postbox, sealer, words, sub, now, |r| letters::digest(postbox, r, &period, &news))
                    .await?;
                sent.push(sub.id);
            } else if frequency == Frequency::Weekly {
                write_to(&txn, postbox, sealer, words, sub, now, |r| letters::still_subscribed(postbox, r, &period))
                    .await?;
                sent.push(sub.id);
            }
        }
        subscriptions::Entity::update_many()
            .col_expr(C::DigestThrough, Expr::value(cut))
            .filter(C::Id.is_in(batch.iter().map(|s| s.id)))
            .exec(&txn)
            .await?;
        written += sent.len();
        mailed(&txn, sent, now).await?;
        txn.commit().await?;
        postbox.wake();
    }
    Ok(written)
}

/// Step 3; returns how many messages were written.
async fn quiet_week(
    db: &DatabaseConnection,
    postbox: &Postbox,
    sealer: &Sealer,
    words: &mut ScopeWords,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    use subscriptions::Column as C;
    let (_, week) = cuts(now);
    let week_start = week - Duration::days(7);
    // The line speaks of the week that ended: it counts as that week's mail, so next week's
    // check sees this week as quiet or not on its own.
    let stamp = week - Duration::seconds(1);
    let quiet = Condition::any()
        .add(C::LastMailedAt.lt(week_start))
        .add(Condition::all().add(C::LastMailedAt.is_null()).add(C::ConfirmedAt.lt(week_start)));
    let mut written = 0;
    loop {
        let batch = subscriptions::Entity::find()
            .filter(C::State.eq(state::ACTIVE))
            .filter(C::Frequency.is_in([Frequency::Immediate.code(), Frequency::Daily.code()]))
            .filter(quiet.clone())
            .order_by_asc(C::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        if batch.is_empty() {
            break;
        }
        let period = period_words(week_start, week);
        let txn = crate::db::begin_write(db).await?;
        for sub in &batch {
            write_to(&txn, postbox, sealer, words, sub, now, |r| letters::still_subscribed(postbox, r, &period))
                .await?;
        }
        written += batch.len();
        mailed(&txn, batch.iter().map(|s| s.id).collect(), stamp).await?;
        txn.commit().await?;
        postbox.wake();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_and_weeks_are_cut_at_midnight_china_time() {
        // Wednesday 2025-03-12 01:00 China = 2025-03-11 17:00 UTC.
        let now = Utc.with_ymd_and_hms(2025, 3, 11, 17, 0, 0).unwrap();
        let (day, week) = cuts(now);
        assert_eq!(day, Utc.with_ymd_and_hms(2025, 3, 11, 16, 0, 0).unwrap());
        assert_eq!(week, Utc.with_ymd_and_hms(2025, 3, 9, 16, 0, 0).unwrap(), "Monday 10 March, 00:00 China");
        // One second before midnight China time is still the day before.
        let (day, _) = cuts(Utc.with_ymd_and_hms(2025, 3, 11, 15, 59, 59).unwrap());
        assert_eq!(day, Utc.with_ymd_and_hms(2025, 3, 10, 16, 0, 0).unwrap());
    }

    #[test]
    fn a_period_names_its_days() {
        let (day, week) = cuts(Utc.with_ymd_and_hms(2025, 3, 11, 17, 0, 0).unwrap());
        assert_eq!(period_words(day - Duration::days(1), day), "2025年3月11日");
        assert_eq!(period_words(week - Duration::days(7), week), "2025年3月3日至2025年3月9日");
    }
}
