//! Which days offices are closed in China: weekends, unless a weekend day is a 调休 working day,
//! and the public holidays of the State Council's yearly arrangement (国务院办公厅部分节假日安排).
//! The arrangements are data (`holidays-cn.json`, embedded at build); a year whose arrangement is
//! not yet published holds only the fixed-date holidays and says so.
use crate::china_time::date_zh;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::sync::LazyLock;

const DATA: &str = include_str!("holidays-cn.json");

#[derive(Debug, Default, Deserialize)]
struct Calendar {
    years: Vec<Year>,
}

#[derive(Debug, Deserialize)]
struct Year {
    year: i32,
    /// The arrangement was published and is recorded whole, 调休 included.
    complete: bool,
    holidays: Vec<Holiday>,
    workdays: Vec<Workday>,
}

#[derive(Debug, Deserialize)]
struct Holiday {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

/// A weekend day worked in exchange for a holiday (调休上班).
#[derive(Debug, Deserialize)]
struct Workday {
    name: String,
    on: NaiveDate,
}

static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
    serde_json::from_str(DATA).unwrap_or_else(|e| {
        // The unit tests parse the same text; without it only weekends are known.
        tracing::error!("holidays-cn.json unreadable: {e}");
        Calendar::default()
    })
});

/// What kind of day a date is for an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Day {
    Working,
    /// A weekend day worked in exchange for the named holiday.
    MadeUp(String),
    /// Inside the named holiday's days off.
    Holiday(String),
    Weekend(Weekday),
}

/// The kind of day `date` is.
#[must_use]
pub fn day(date: NaiveDate) -> Day {
    let year = CALENDAR.years.iter().find(|y| y.year == date.year());
    if let Some(y) = year {
        if let Some(h) = y.holidays.iter().find(|h| (h.from..=h.to).contains(&date)) {
            return Day::Holiday(h.name.clone());
        }
        if let Some(w) = y.workdays.iter().find(|w| w.on == date) {
            return Day::MadeUp(w.name.clone());
        }
    }
    match date.weekday() {
        w @ (Weekday::Sat | Weekday::Sun) => Day::Weekend(w),
        _ => Day::Working,
    }
}

/// Why offices are closed on `date`, e.g. "2025年5月1日是劳动节假期" or "2025年3月22日是周六";
/// `None` on a working day.
#[must_use]
pub fn closed_because(date: NaiveDate) -> Option<String> {
    match day(date) {
        Day::Working | Day::MadeUp(_) => None,
        Day::Holiday(name) => Some(format!("{}是{name}假期", date_zh(date))),
        Day::Weekend(w) => Some(format!("{}是{}", date_zh(date), weekday_zh(w))),
    }
}

/// Whether the year's arrangement is recorded whole (published, 调休 included).
#[must_use]
pub fn arrangement_known(year: i32) -> bool {
    CALENDAR.years.iter().any(|y| y.year == year && y.complete)
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn the_embedded_arrangements_parse_and_cover_2025_to_2027() {
        let calendar: Calendar = serde_json::from_str(DATA).expect("holidays-cn.json parses");
        let years: Vec<i32> = calendar.years.iter().map(|y| y.year).collect();
        assert_eq!(years, vec![2025, 2026, 2027]);
        assert!(arrangement_known(2025) && arrangement_known(2026));
        assert!(!arrangement_known(2027) && !arrangement_known(2028));
    }

    /// A 调休 working day is always a weekend day; a holiday range stays in its year and in order.
    #[test]
    fn the_data_is_consistent() {
        let calendar: Calendar = serde_json::from_str(DATA).expect("holidays-cn.json parses");
        for y in &calendar.years {
            for w in &y.workdays {
                assert!(matches!(w.on.weekday(), Weekday::Sat | Weekday::Sun), "{} is not a weekend day", w.on);
                assert_eq!(w.on.year(), y.year, "{}", w.on);
            }
            for h in &y.holidays {
                assert!(h.from <= h.to && h.from.year() == y.year, "{} {}", h.name, h.from);
            }
            if !y.complete {
                assert!(y.workdays.is_empty(), "{}: 调休 only from a published arrangement", y.year);
            }
        }
    }

    #[test]
    fn a_made_up_saturday_is_a_working_day_and_the_saturday_after_is_not() {
        // 2025年2月8日（周六）上班, for 春节; 2月15日 is an ordinary Saturday.
        assert_eq!(day(d(2025, 2, 8)), Day::MadeUp("春节".into()));
        assert_eq!(closed_because(d(2025, 2, 8)), None);
        assert_eq!(closed_because(d(2025, 2, 15)).as_deref(), Some("2025年2月15日是周六"));
        // 2025年4月27日（周日）上班, for 劳动节; 2026年5月9日（周六）likewise.
        assert_eq!(closed_because(d(2025, 4, 27)), None);
        assert_eq!(closed_because(d(2026, 5, 9)), None);
        assert_eq!(closed_because(d(2026, 5, 10)).as_deref(), Some("2026年5月10日是周日"));
    }

    #[test]
    fn a_holiday_monday_is_not_a_working_day_and_the_day_after_the_holiday_is() {
        // 2025年5月5日 is a Monday inside 劳动节 (5月1日至5日); 5月6日 is back to work.
        assert_eq!(d(2025, 5, 5).weekday(), Weekday::Mon);
        assert_eq!(closed_because(d(2025, 5, 5)).as_deref(), Some("2025年5月5日是劳动节假期"));
        assert_eq!(closed_because(d(2025, 5, 6)), None);
        assert_eq!(closed_because(d(2025, 4, 30)), None);
        assert_eq!(closed_because(d(2025, 5, 1)).as_deref(), Some("2025年5月1日是劳动节假期"));
        // 2026年2月23日（周一）is the last day of 春节; 2月24日 is a working day.
        assert_eq!(closed_because(d(2026, 2, 23)).as_deref(), Some("2026年2月23日是春节假期"));
        assert_eq!(closed_because(d(2026, 2, 24)), None);
        assert_eq!(closed_because(d(2026, 10, 8)), None);
    }

    #[test]
    fn an_unpublished_year_knows_its_fixed_holidays_and_weekends_only() {
        assert_eq!(closed_because(d(2027, 5, 1)).as_deref(), Some("2027年5月1日是劳动节假期"));
        assert_eq!(closed_because(d(2027, 10, 4)), None, "the arrangement beyond 10月3日 is not yet known");
        assert_eq!(closed_because(d(2028, 1, 1)).as_deref(), Some("2028年1月1日是周六"));
    }
}
