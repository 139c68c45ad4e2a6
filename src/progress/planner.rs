//! The backward planner: from a deadline by which materials (with the 公示结果报告) must reach a
//! unit, the latest day each level's notice below it can start so that its five days, the
//! objection handling (the campaign's `handling_days`, counted from the close) and the report
//! still fit. "2025年4月8日前" means the papers arrive before that day, so the last report is due
//! the campaign's `deadline_margin_days` earlier. The handling time is counted in full: with no
//! objections a report can be issued the day after the close, and everything can start later.
//! A planned day on which offices are closed (a weekend that is not a 调休 working day, or a
//! public holiday) is warned about, not moved. Pure: dates in, dates out.
use super::holidays;
use crate::china_time::date_zh;
use crate::notices::Level;
use chrono::{Datelike, Duration, NaiveDate};
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
    /// Planned days (latest start, last day of the period, report) on which offices are closed.
    pub warnings: Vec<String>,
}

/// The spans the plan counts back with, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spans {
    pub notice_days: i64,
    pub handling_days: i64,
    /// Days before the deadline the last report is due.
    pub margin_days: i64,
}

/// A tier of the tree below the deadline's unit: who publishes, at which level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub who: String,
    pub level: Level,
}

/// The chain of notices that must be done by `deadline`, nearest the deadline first: the tier
/// that reports to the deadline's unit issues its report `margin_days` before the deadline at
/// the latest; each lower tier issues its report the day before the tier above starts (a notice
/// is generated from a clean report, at the latest on the eve of its start).
#[must_use]
pub fn plan(deadline: NaiveDate, tiers: &[Tier], spans: Spans, today: NaiveDate) -> Vec<PlanStep> {
    let notice_days = spans.notice_days.max(1);
    let handling_days = spans.handling_days.max(0);
    let mut report_by = deadline - Duration::days(spans.margin_days.max(0));
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
            warnings: warnings(start, ends_on, report_by),
        });
        report_by = start - Duration::days(1);
    }
    out
}

/// Why the planned days fall when offices are closed, each named by its role.
fn warnings(start: NaiveDate, ends_on: NaiveDate, report_by: NaiveDate) -> Vec<String> {
    let mut out: Vec<String> = [("最晚开始公示", start), ("公示期最后一天", ends_on), ("最晚出具报告", report_by)]
        .into_iter()
        .filter_map(|(role, day)| holidays::closed_because(day).map(|why| format!("{role}：{why}")))
        .collect();
    if let Some(year) = [start, report_by].iter().map(Datelike::year).find(|y| !holidays::arrangement_known(*y)) {
        out.push(format!("{year}年的放假调休安排尚未收录，仅按周末和固定日期节日核对"));
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

    const SPANS: Spans = Spans { notice_days: 5, handling_days: 10, margin_days: 2 };

    #[test]
    fn the_city_deadline_leaves_the_margin_five_days_handling_and_the_report() {
        let steps = plan(day(4, 8), &tiers(), SPANS, day(3, 1));
        // "4月8日前": the report by 4月6日; 3月22日–26日 公示, closes 3月27日 00:00, handling to 4月5日.
        assert_eq!(steps[0].latest_start, day(3, 22));
        assert_eq!(steps[0].period_text, "2025年3月22日至2025年3月26日");
        assert_eq!(steps[0].handling_until, day(4, 5));
        assert_eq!(steps[0].report_by, day(4, 6));
        // The applicants' report is due the day before the counties start: 3月21日.
        assert_eq!(steps[1].report_by, day(3, 21));
        assert_eq!(steps[1].latest_start, day(3, 6));
        assert_eq!(steps[1].days_left, 5);
    }

    #[test]
    fn the_province_deadline_and_a_past_start() {
        let steps = plan(day(5, 1), &tiers()[..1], SPANS, day(4, 20));
        assert_eq!(steps[0].report_by, day(4, 29));
        assert_eq!(steps[0].latest_start, day(4, 14));
        assert_eq!(steps[0].days_left, -6);
    }

    #[test]
    fn without_handling_time_or_margin_the_report_follows_the_close_on_the_deadline() {
        let spans = Spans { handling_days: 0, margin_days: 0, ..SPANS };
        let steps = plan(day(4, 8), &tiers()[..1], spans, day(3, 1));
        assert_eq!(steps[0].latest_start, day(4, 3));
        assert_eq!(steps[0].ends_on, day(4, 7));
        assert_eq!(steps[0].report_by, day(4, 8));
    }

    #[test]
    fn a_planned_day_on_a_weekend_or_holiday_is_warned_about() {
        let steps = plan(day(4, 8), &tiers(), SPANS, day(3, 1));
        // 3月22日 is a Saturday; 4月6日 the last day of 清明节; 3月26日 a Wednesday.
        assert_eq!(
            steps[0].warnings,
            vec!["最晚开始公示：2025年3月22日是周六", "最晚出具报告：2025年4月6日是清明节假期"]
        );
        // 3月6日 (Thursday), 3月10日 (Monday), 3月21日 (Friday): nothing to say.
        assert!(steps[1].warnings.is_empty(), "{:?}", steps[1].warnings);
    }

    #[test]
    fn a_made_up_working_day_is_not_warned_about() {
        // Reporting by 2025年4月27日 (a Sunday worked for 劳动节): the report day is fine, and the
        // period 4月12日 (Saturday)–16日 starts on a weekend.
        let spans = Spans { margin_days: 0, ..SPANS };
        let steps = plan(day(4, 27), &tiers()[..1], spans, day(3, 1));
        assert_eq!(steps[0].report_by, day(4, 27));
        assert_eq!(steps[0].warnings, vec!["最晚开始公示：2025年4月12日是周六"]);
    }

    #[test]
    fn a_year_without_a_published_arrangement_says_so() {
        let steps = plan(NaiveDate::from_ymd_opt(2027, 4, 8).unwrap_or_default(), &tiers()[..1], SPANS, day(3, 1));
        assert!(
            steps[0].warnings.iter().any(|w| w.contains("2027年的放假调休安排尚未收录")),
            "{:?}",
            steps[0].warnings
        );
    }
}
