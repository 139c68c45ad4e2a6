//! China time (Asia/Shanghai) at the edges: storage is UTC, people read 2025年3月10日.
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Asia::Shanghai;

/// The instant a China-time calendar day starts, plus `minutes` (0..=1440).
#[must_use]
#[expect(clippy::missing_panics_doc, reason = "the one expect cannot fail, as its message says")]
pub fn instant_on(day: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let midnight = Shanghai
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .expect("Asia/Shanghai has no DST since 1991, so every local midnight is unique");
    (midnight + chrono::Duration::minutes(i64::from(minutes))).with_timezone(&Utc)
}

/// The China-time calendar day of an instant.
#[must_use]
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Shanghai).date_naive()
}

/// 2025年3月10日
#[must_use]
pub fn date_zh(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// 2025年3月10日 14:05:09 (China time, to the second)
#[must_use]
pub fn datetime_zh(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Shanghai);
    format!("{} {:02}:{:02}:{:02}", date_zh(local.date_naive()), local.hour(), local.minute(), local.second())
}

/// When a period closes, the way people read it: "2025年3月14日24时" for the end of a day
/// (never "3月15日 00:00:00"), "2025年3月14日18时" or "…17时30分" for a closing hour.
#[must_use]
pub fn close_zh(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Shanghai);
    let day = local.date_naive();
    match (local.hour(), local.minute(), local.second()) {
        (0, 0, 0) => format!("{}24时", date_zh(day.pred_opt().unwrap_or(day))),
        (h, 0, 0) => format!("{}{h}时", date_zh(day)),
        (h, m, 0) => format!("{}{h}时{m}分", date_zh(day)),
        _ => datetime_zh(at),
    }
}

/// RFC 3339 with the +08:00 offset, as feeds and the API show it.
#[must_use]
pub fn rfc3339_china(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_in_china_is_four_pm_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        assert_eq!(instant_on(d, 0).to_rfc3339(), "2025-03-09T16:00:00+00:00");
        assert_eq!(day_of(instant_on(d, 0)), d);
        assert_eq!(day_of(instant_on(d, 0) - chrono::Duration::seconds(1)), d.pred_opt().unwrap());
    }

    #[test]
    fn a_close_at_midnight_is_the_last_days_24th_hour() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert_eq!(close_zh(instant_on(d, 0)), "2026年12月9日24时");
        assert_eq!(close_zh(instant_on(d, 18 * 60)), "2026年12月10日18时");
        assert_eq!(close_zh(instant_on(d, 17 * 60 + 30)), "2026年12月10日17时30分");
        let first = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(close_zh(instant_on(first, 0)), "2026年12月31日24时", "across the year");
    }

    #[test]
    fn dates_read_the_chinese_way() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 8).unwrap();
        assert_eq!(date_zh(d), "2025年4月8日");
        assert_eq!(rfc3339_china(instant_on(d, 600)), "2025-04-08T10:00:00+08:00");
    }
}
