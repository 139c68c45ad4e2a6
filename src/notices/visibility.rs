//! When the public sees what. A notice becomes public at the open instant of its first
//! published revision, decided per request by the clock (no background job, so nothing can be
//! early or late). A correction becomes public when it is published, or at that first opening
//! if it was published before it.
use chrono::{DateTime, Utc};
use entity::notice_revisions::Model as Revision;

/// The instant a published revision becomes public, given the first published revision.
#[must_use]
pub fn public_from(first: &Revision, rev: &Revision) -> Option<DateTime<Utc>> {
    let published_at = rev.published_at?;
    Some(published_at.max(first.opens_at))
}

/// The revision the public sees at `now`, from the published revisions in revision order.
#[must_use]
pub fn current_at(published: &[Revision], now: DateTime<Utc>) -> Option<&Revision> {
    let first = published.first()?;
    published.iter().rev().find(|r| public_from(first, r).is_some_and(|t| t <= now))
}

/// Every revision the public may read at `now` (older ones stay readable), in order.
#[must_use]
pub fn public_at(published: &[Revision], now: DateTime<Utc>) -> Vec<&Revision> {
    let Some(first) = published.first() else { return Vec::new() };
    published.iter().filter(|r| public_from(first, r).is_some_and(|t| t <= now)).collect()
}

/// The first instant after `now` at which what the public sees changes (a scheduled notice
/// opening or a correction appearing). Caches must not outlive it.
#[must_use]
pub fn next_change_after(published: &[Revision], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let first = published.first()?;
    published.iter().filter_map(|r| public_from(first, r)).filter(|t| *t > now).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate, TimeZone};

    fn rev(no: i32, published: DateTime<Utc>, opens: DateTime<Utc>) -> Revision {
        Revision {
            id: no,
            notice_id: 1,
            revision_no: no,
            title: String::new(),
            body_md: String::new(),
            starts_on: NaiveDate::default(),
            opens_at: opens,
            closes_at: opens + Duration::days(5),
            board_location: None,
            media: None,
            web: true,
            correction_note: None,
            restarts_period: false,
            published_at: Some(published),
            published_by: None,
            content_hash: None,
            rules_json: None,
        }
    }

    #[test]
    fn a_scheduled_notice_appears_at_its_open_instant_not_a_second_before() {
        let t0 = Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap();
        let opens = Utc.with_ymd_and_hms(2025, 3, 9, 16, 0, 0).unwrap();
        let revs = [rev(1, t0, opens)];
        assert!(current_at(&revs, opens - Duration::seconds(1)).is_none());
        assert_eq!(current_at(&revs, opens).map(|r| r.revision_no), Some(1));
        assert_eq!(next_change_after(&revs, t0), Some(opens));
        assert_eq!(next_change_after(&revs, opens), None);
    }

    #[test]
    fn a_correction_shows_from_its_publication_with_a_new_later_period() {
        let t0 = Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap();
        let opens = Utc.with_ymd_and_hms(2025, 3, 9, 16, 0, 0).unwrap();
        let corrected = opens + Duration::days(2);
        let revs = [rev(1, t0, opens), rev(2, corrected, opens + Duration::days(3))];
        assert_eq!(current_at(&revs, corrected - Duration::seconds(1)).map(|r| r.revision_no), Some(1));
        assert_eq!(current_at(&revs, corrected).map(|r| r.revision_no), Some(2));
        assert_eq!(public_at(&revs, corrected).len(), 2);
    }

    #[test]
    fn a_correction_made_before_opening_waits_for_the_opening() {
        let t0 = Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap();
        let opens = Utc.with_ymd_and_hms(2025, 3, 9, 16, 0, 0).unwrap();
        let revs = [rev(1, t0, opens), rev(2, t0 + Duration::hours(1), opens + Duration::days(1))];
        assert!(current_at(&revs, opens - Duration::seconds(1)).is_none());
        assert_eq!(current_at(&revs, opens).map(|r| r.revision_no), Some(2));
    }
}
