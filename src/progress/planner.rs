//! The backward planner: from a deadline by which materials (with the 公示结果报告) must reach a
//! unit, the latest day each level's notice below it can start so that its five days, the
//! objection handling (the campaign's `handling_days`, counted from the close) and the report
//! still fit. The handling time is counted in full: with no objections a report can be issued
//! the day after the close, and everything can start later. Pure: dates in, dates out.
use crate::china_time::date_zh;
use crate::notices::Level;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// One notice in the chain below a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanStep {
    /// Who publishes it, e.g. "县区总工会等（推荐单位公示）".
    pub who: String,
    pub level: i32,
    pub level_label: &'static str,
    pub latest_start: NaiveDate,
    /// The last of the five days.
    pub ends_on: NaiveDate,
    /// The last day objections may still be in handling.
    pub handling_until: NaiveDate,
    /// The day the report must be issued, at the latest.
    pub report_by: NaiveDate,
    pub latest_start_text: String,
    pub period_text: String,
    pub handling_until_text: String,
    pub report_by_text: String,
    /// Days from today to the latest start (negative: already past).
    pub days_left: i64,
}

/// A tier of the tree below the deadline's unit: who publishes, at which level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub who: String,
    pub level: Level,
}

/// The chain of notices that must be done by `deadline`, nearest the deadline first: the tier
/// that reports to the deadline's unit issues its report on the deadline at the latest; each
/// lower tier issues its report the day before the tier above starts (a notice is generated
/// from a clean report, at the latest on the eve of its start).
#[must_use]
pub fn plan(
    deadline: NaiveDate,
    tiers: &[Tier],
    notice_days: i64,
    handling_days: i64,
    today: NaiveDate,
) -> Vec<PlanStep> {
    let notice_days = notice_days.max(1);
    let handling_days = handling_days.max(0);
    let mut report_by = deadline;
    let mut out = Vec::new();
    for tier in tiers {
        // S … S+days-1 is the period; it closes at S+days 00:00; handling runs to the close
        // plus handling_days (its last full day is the one before); the report the day after.
        let start = report_by - Duration::days(notice_days + handling_days);
        let ends_on = start + Duration::days(notice_days - 1);
        let handling_until = report_by - Duration::days(1);
        out.push(PlanStep {
            who: tier.who.clone(),
            level: tier.level.number(),
            level_label: tier.level.label(),
            latest_start: start,
            ends_on,
            handling_until,
            report_by,
            latest_start_text: date_zh(start),
            period_text: format!("{}至{}", date_zh(start), date_zh(ends_on)),
            handling_until_text: date_zh(handling_until.max(ends_on)),
            report_by_text: date_zh(report_by),
            days_left: (start - today).num_days(),
        });
        report_by = start - Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap_or_default()
    }

    fn tiers() -> Vec<Tier> {
        vec![
            Tier { who: "县区总工会".into(), level: Level::Recommender },
            Tier { who: "申报单位".into(), level: Level::Applicant },
        ]
    }

    #[test]
    fn the_city_deadline_leaves_room_for_five_days_handling_and_the_report() {
        let steps = plan(day(4, 8), &tiers(), 5, 10, day(3, 1));
        // 3月24日–28日 公示, closes 3月29日 00:00, handling to 4月7日, report 4月8日.
        assert_eq!(steps[0].latest_start, day(3, 24));
        assert_eq!(steps[0].period_text, "2025年3月24日至2025年3月28日");
        assert_eq!(steps[0].handling_until, day(4, 7));
        assert_eq!(steps[0].report_by, day(4, 8));
        // The applicants' report is due the day before the counties start: 3月23日.
        assert_eq!(steps[1].report_by, day(3, 23));
        assert_eq!(steps[1].latest_start, day(3, 8));
        assert_eq!(steps[1].days_left, 7);
    }

    #[test]
    fn the_province_deadline_and_a_past_start() {
        let steps = plan(day(5, 1), &tiers()[..1], 5, 10, day(4, 20));
        assert_eq!(steps[0].latest_start, day(4, 16));
        assert_eq!(steps[0].days_left, -4);
    }

    #[test]
    fn without_handling_time_the_report_follows_the_close() {
        let steps = plan(day(4, 8), &tiers()[..1], 5, 0, day(3, 1));
        assert_eq!(steps[0].latest_start, day(4, 3));
        assert_eq!(steps[0].ends_on, day(4, 7));
    }
}
