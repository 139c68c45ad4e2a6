//! The notice period (公示期): a start day S in China time, `notice_days` calendar days,
//! open from S 00:00 +08:00 until S+days 00:00 (exclusive), or until the campaign's closing
//! minute on the last day when that is not 24:00. Pure: every function takes `now`.
use crate::china_time::{date_zh, day_of, instant_on};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Serialize;

/// Minutes in a day: a closing minute of 1440 means "at the end of the last day" (24:00).
pub const END_OF_DAY: u32 = 1440;

/// The campaign's period settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRules {
    pub notice_days: u32,
    pub closing_minute: u32,
}

impl Default for PeriodRules {
    fn default() -> Self {
        Self { notice_days: 5, closing_minute: END_OF_DAY }
    }
}

impl PeriodRules {
    /// The campaign's settings, with nonsense (0 days, minute outside 1..=1440) replaced by the
    /// defaults so a bad row can never produce an empty or inverted period.
    #[must_use]
    pub fn of(campaign: &entity::campaigns::Model) -> Self {
        let days = u32::try_from(campaign.notice_days).ok().filter(|d| (1..=366).contains(d));
        let minute = u32::try_from(campaign.closing_minute).ok().filter(|m| (1..=END_OF_DAY).contains(m));
        Self { notice_days: days.unwrap_or(5), closing_minute: minute.unwrap_or(END_OF_DAY) }
    }

    /// The period that starts on `start` (China calendar day).
    #[must_use]
    pub fn period(&self, start: NaiveDate) -> Period {
        let last_day = start + Duration::days(i64::from(self.notice_days) - 1);
        Period {
            starts_on: start,
            opens_at: instant_on(start, 0),
            closes_at: instant_on(last_day, self.closing_minute),
        }
    }
}

/// 未开始 / 公示中 / 已结束 at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scheduled,
    Open,
    Closed,
}

impl Status {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "未开始",
            Self::Open => "公示中",
            Self::Closed => "已结束",
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// One concrete period: the instants are what the rules compare against, the days are what
/// people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub starts_on: NaiveDate,
    pub opens_at: DateTime<Utc>,
    /// Exclusive: at this instant the notice is closed.
    pub closes_at: DateTime<Utc>,
}

impl Period {
    /// The period stored on a revision row.
    #[must_use]
    pub fn of_revision(rev: &entity::notice_revisions::Model) -> Self {
        Self { starts_on: rev.starts_on, opens_at: rev.opens_at, closes_at: rev.closes_at }
    }

    /// The last calendar day of the period (the day the "至" names).
    #[must_use]
    pub fn ends_on(&self) -> NaiveDate {
        day_of(self.closes_at - Duration::seconds(1))
    }

    #[must_use]
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        if now < self.opens_at {
            Status::Scheduled
        } else if now < self.closes_at {
            Status::Open
        } else {
            Status::Closed
        }
    }

    /// True while objections count as in time.
    #[must_use]
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == Status::Open
    }

    /// How many calendar days the period covers (5 for the standard 5个自然日).
    #[must_use]
    pub fn calendar_days(&self) -> i64 {
        (self.ends_on() - self.starts_on).num_days() + 1
    }

    /// "2025年3月10日至2025年3月14日", or "…至2025年3月14日18时" when it closes before midnight.
    #[must_use]
    pub fn range_text(&self) -> String {
        format!("{}至{}{}", date_zh(self.starts_on), date_zh(self.ends_on()), self.closing_hour_text())
    }

    /// "公示期：2025年3月10日至2025年3月14日"
    #[must_use]
    pub fn text(&self) -> String {
        format!("公示期：{}", self.range_text())
    }

    /// "（5个自然日）"
    #[must_use]
    pub fn days_text(&self) -> String {
        format!("（{}个自然日）", self.calendar_days())
    }

    fn closing_hour_text(&self) -> String {
        let local = self.closes_at.with_timezone(&Shanghai);
        match (local.hour(), local.minute()) {
            (0, 0) => String::new(),
            (h, 0) => format!("{h}时"),
            (h, m) => format!("{h}时{m}分"),
        }
    }

    /// Time until the close, while open.
    #[must_use]
    pub fn time_left(&self, now: DateTime<Utc>) -> Option<Duration> {
        (self.status(now) == Status::Open).then(|| self.closes_at - now)
    }

    /// "剩余2天5小时", "剩余3小时20分", "剩余不到1分钟"; empty unless open.
    #[must_use]
    pub fn time_left_text(&self, now: DateTime<Utc>) -> String {
        let Some(left) = self.time_left(now) else { return String::new() };
        let (days, hours, minutes) = (left.num_days(), left.num_hours() % 24, left.num_minutes() % 60);
        match (days, hours, minutes) {
            (0, 0, 0) => "剩余不到1分钟".to_owned(),
            (0, 0, m) => format!("剩余{m}分钟"),
            (0, h, m) => format!("剩余{h}小时{m}分"),
            (d, h, _) => format!("剩余{d}天{h}小时"),
        }
    }

    /// Calendar days left counting today (5 on the first day of a standard period, 1 on the
    /// last); 0 unless open. This is what the home page shows as "还剩N天".
    #[must_use]
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        if self.status(now) == Status::Open { (self.ends_on() - day_of(now)).num_days() + 1 } else { 0 }
    }

    /// "2025年3月9日起公示" style text for a scheduled notice, the status label otherwise.
    #[must_use]
    pub fn status_text(&self, now: DateTime<Utc>) -> String {
        match self.status(now) {
            Status::Scheduled => format!("未开始（{}起）", date_zh(self.starts_on)),
            Status::Open => format!("公示中，{}", self.time_left_text(now)),
            Status::Closed => "已结束".to_owned(),
        }
    }
}

/// The default start day: tomorrow in China time, so all five days are whole.
#[must_use]
pub fn default_start(now: DateTime<Utc>) -> NaiveDate {
    day_of(now) + Duration::days(1)
}

/// Checks a chosen start day. A past day is refused; today is allowed but comes back with a
/// warning, because today is no longer a whole day.
///
/// # Errors
/// Validation error on the `starts_on` field when the day has passed.
pub fn check_start(start: NaiveDate, now: DateTime<Utc>) -> AppResult<Option<String>> {
    let today = day_of(now);
    if start < today {
        return Err(AppError::invalid(
            "starts_on",
            format!("公示开始日期{}已过，请选择今天或以后的日期", date_zh(start)),
        ));
    }
    Ok((start == today)
        .then(|| "公示从今天开始：今天已不是完整的一天，公示期实际不足5个完整自然日。建议从明天开始。".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant written in China time.
    fn cn(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Shanghai.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap().with_timezone(&Utc)
    }

    fn standard(start: NaiveDate) -> Period {
        PeriodRules::default().period(start)
    }

    #[test]
    fn a_five_day_period_reads_the_gansu_way() {
        let p = standard(day(2025, 3, 10));
        assert_eq!(p.text(), "公示期：2025年3月10日至2025年3月14日");
        assert_eq!(p.days_text(), "（5个自然日）");
        assert_eq!(p.opens_at, cn(2025, 3, 10, 0, 0, 0));
        assert_eq!(p.closes_at, cn(2025, 3, 15, 0, 0, 0));
        assert_eq!(p.opens_at.to_rfc3339(), "2025-03-09T16:00:00+00:00");
    }

    #[test]
    fn status_changes_at_the_exact_instants() {
        let p = standard(day(2025, 3, 10));
        assert_eq!(p.status(cn(2025, 3, 9, 23, 59, 59)), Status::Scheduled);
        assert_eq!(p.status(cn(2025, 3, 10, 0, 0, 0)), Status::Open);
        assert_eq!(p.status(cn(2025, 3, 14, 23, 59, 59)), Status::Open);
        assert_eq!(p.status(cn(2025, 3, 15, 0, 0, 0)), Status::Closed);
        assert_eq!(p.status(cn(2025, 3, 15, 0, 0, 1)), Status::Closed);
        let just_before = p.closes_at - Duration::nanoseconds(1);
        assert_eq!(p.status(just_before), Status::Open);
    }

    #[test]
    fn a_period_crosses_a_month_end() {
        let p = standard(day(2025, 4, 28));
        assert_eq!(p.range_text(), "2025年4月28日至2025年5月2日");
        assert_eq!(p.status(cn(2025, 5, 2, 23, 59, 59)), Status::Open);
        assert_eq!(p.status(cn(2025, 5, 3, 0, 0, 0)), Status::Closed);
    }

    #[test]
    fn a_period_crosses_a_year_end() {
        let p = standard(day(2025, 12, 29));
        assert_eq!(p.range_text(), "2025年12月29日至2026年1月2日");
        assert_eq!(p.closes_at, cn(2026, 1, 3, 0, 0, 0));
        assert_eq!(p.status(cn(2026, 1, 2, 23, 59, 59)), Status::Open);
    }

    #[test]
    fn the_leap_day_of_2028_counts_as_a_calendar_day() {
        let p = standard(day(2028, 2, 26));
        assert_eq!(p.range_text(), "2028年2月26日至2028年3月1日");
        assert_eq!(p.calendar_days(), 5);
        assert_eq!(p.status(cn(2028, 2, 29, 12, 0, 0)), Status::Open);
        assert_eq!(p.status(cn(2028, 3, 2, 0, 0, 0)), Status::Closed);
        let on_leap_day = standard(day(2028, 2, 29));
        assert_eq!(on_leap_day.range_text(), "2028年2月29日至2028年3月4日");
        assert_eq!(on_leap_day.opens_at.to_rfc3339(), "2028-02-28T16:00:00+00:00");
    }

    #[test]
    fn a_campaign_closing_at_six_pm_closes_on_the_last_day() {
        let rules = PeriodRules { notice_days: 5, closing_minute: 18 * 60 };
        let p = rules.period(day(2025, 3, 10));
        assert_eq!(p.text(), "公示期：2025年3月10日至2025年3月14日18时");
        assert_eq!(p.status(cn(2025, 3, 14, 17, 59, 59)), Status::Open);
        assert_eq!(p.status(cn(2025, 3, 14, 18, 0, 0)), Status::Closed);
        assert_eq!(p.calendar_days(), 5);
        let half = PeriodRules { notice_days: 5, closing_minute: 17 * 60 + 30 }.period(day(2025, 3, 10));
        assert!(half.text().ends_with("3月14日17时30分"), "{}", half.text());
    }

    #[test]
    fn bad_campaign_settings_fall_back_to_the_defaults() {
        let mut c = entity::campaigns::Model {
            id: 1,
            code: "2025".into(),
            year: 2025,
            edition: String::new(),
            title: String::new(),
            doc_number: None,
            organizer_unit_id: None,
            notice_days: 0,
            closing_minute: 0,
            recommend_limit: 5,
            handling_days: 10,
            deadline_margin_days: 2,
            retention_days: 365,
            require_real_name: true,
            refuse_without_evidence: false,
            award_grades: String::new(),
            created_at: Utc::now(),
            doc_title: None,
            starts_on: None,
            is_open: true,
            letters_by: "postmark".into(),
            province_min_grade: "third".into(),
        };
        assert_eq!(PeriodRules::of(&c), PeriodRules::default());
        c.notice_days = 7;
        c.closing_minute = 1080;
        assert_eq!(PeriodRules::of(&c), PeriodRules { notice_days: 7, closing_minute: 1080 });
    }

    #[test]
    fn time_left_is_told_in_days_then_hours_then_minutes() {
        let p = standard(day(2025, 3, 10));
        assert_eq!(p.time_left_text(cn(2025, 3, 10, 0, 0, 0)), "剩余5天0小时");
        assert_eq!(p.time_left_text(cn(2025, 3, 12, 9, 30, 0)), "剩余2天14小时");
        assert_eq!(p.time_left_text(cn(2025, 3, 14, 20, 15, 0)), "剩余3小时45分");
        assert_eq!(p.time_left_text(cn(2025, 3, 14, 23, 30, 0)), "剩余30分钟");
        assert_eq!(p.time_left_text(cn(2025, 3, 14, 23, 59, 59)), "剩余不到1分钟");
        assert_eq!(p.time_left_text(cn(2025, 3, 15, 0, 0, 0)), "");
        assert_eq!(p.time_left(cn(2025, 3, 14, 23, 59, 59)), Some(Duration::seconds(1)));
    }

    #[test]
    fn days_left_counts_today() {
        let p = standard(day(2025, 3, 10));
        assert_eq!(p.days_left(cn(2025, 3, 9, 23, 59, 59)), 0);
        assert_eq!(p.days_left(cn(2025, 3, 10, 8, 0, 0)), 5);
        assert_eq!(p.days_left(cn(2025, 3, 14, 23, 59, 59)), 1);
        assert_eq!(p.days_left(cn(2025, 3, 15, 0, 0, 0)), 0);
    }

    #[test]
    fn the_default_start_is_tomorrow_in_china() {
        // 2025-03-09 23:30 in China is still the 9th there (15:30 UTC).
        assert_eq!(default_start(cn(2025, 3, 9, 23, 30, 0)), day(2025, 3, 10));
        // 2025-03-10 00:30 in China is the 10th, though UTC still says the 9th.
        assert_eq!(default_start(cn(2025, 3, 10, 0, 30, 0)), day(2025, 3, 11));
    }

    #[test]
    fn starting_today_warns_and_starting_yesterday_is_refused() {
        let now = cn(2025, 3, 10, 9, 0, 0);
        assert_eq!(check_start(day(2025, 3, 11), now).unwrap(), None);
        let warning = check_start(day(2025, 3, 10), now).unwrap().unwrap();
        assert!(warning.contains("今天已不是完整的一天"), "{warning}");
        assert!(matches!(check_start(day(2025, 3, 9), now), Err(AppError::Validation(_))));
    }

    #[test]
    fn a_revision_row_gives_back_the_same_period() {
        let p = standard(day(2025, 3, 10));
        assert_eq!(p.ends_on(), day(2025, 3, 14));
        let six = PeriodRules { notice_days: 5, closing_minute: 1080 }.period(day(2025, 3, 10));
        assert_eq!(six.ends_on(), day(2025, 3, 14));
    }
}
