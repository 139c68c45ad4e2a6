//! Writing the calendars. Notice times are given in Asia/Shanghai (with its VTIMEZONE, as RFC
//! 5545 asks of a TZID), so a reader anywhere sees the instants the notice names; deadlines are
//! whole days.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};

/// China keeps one offset all year. `icalendar` writes no VTIMEZONE, and would stamp a DTSTAMP
/// and a UID into any component it writes (neither is allowed in one), so this block is set
/// into the written calendar as text, before the first event.
const SHANGHAI: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// How often a calendar application should ask again.
const REFRESH: chrono::Duration = chrono::Duration::hours(1);

/// One notice's period as a calendar shows it.
pub struct NoticePeriod {
    pub notice_id: i32,
    /// How many times the public notice changed since it was first published.
    pub sequence: u32,
    pub title: String,
    /// 国网武威供电公司发布单位公示 …
    pub description: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// When the public last saw it change (DTSTAMP, LAST-MODIFIED).
    pub changed_at: DateTime<Utc>,
    pub withdrawn: bool,
    pub url: String,
}

/// One submission deadline of a campaign, a whole day.
pub struct Deadline {
    pub id: i32,
    pub summary: String,
    pub description: String,
    pub due_on: NaiveDate,
    pub url: String,
}

fn calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::new();
    calendar.name(name).timezone(Shanghai).ttl(&REFRESH);
    calendar
}

/// The calendar's text with the Asia/Shanghai VTIMEZONE its TZIDs refer to.
fn with_shanghai(calendar: &Calendar) -> String {
    let mut text = calendar.to_string();
    let at = text.find("BEGIN:VEVENT").or_else(|| text.rfind("END:VCALENDAR")).unwrap_or(text.len());
    text.insert_str(at, SHANGHAI);
    text
}

fn china(at: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::from(&at.with_timezone(&Shanghai))
}

/// `host` makes the UIDs unique beside other installations' in one calendar.
#[must_use]
pub fn notices(name: &str, host: &str, periods: &[NoticePeriod]) -> String {
    let mut calendar = calendar(name);
    for p in periods {
        let mut event = Event::new();
        event
            .uid(&format!("notice-{}@{host}", p.notice_id))
            .sequence(p.sequence)
            .timestamp(p.changed_at)
            .last_modified(p.changed_at)
            .summary(&if p.withdrawn { format!("【已撤销】{}", p.title) } else { p.title.clone() })
            .description(&p.description)
            .starts(china(p.opens_at))
            .ends(china(p.closes_at))
            .url(&p.url)
            .status(if p.withdrawn { EventStatus::Cancelled } else { EventStatus::Confirmed });
        calendar.push(event.done());
    }
    with_shanghai(&calendar.done())
}

#[must_use]
pub fn deadlines(name: &str, host: &str, stamp: DateTime<Utc>, deadlines: &[Deadline]) -> String {
    let mut calendar = calendar(name);
    for d in deadlines {
        let mut event = Event::new();
        event
            .uid(&format!("deadline-{}@{host}", d.id))
            .timestamp(stamp)
            .summary(&d.summary)
            .description(&d.description)
            .all_day(d.due_on)
            .url(&d.url);
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// One objection's handling deadline, as a staff member's private calendar shows it: the hour
/// before the deadline, ending at it.
pub struct HandlingDue {
    pub objection_id: i32,
    pub summary: String,
    pub description: String,
    pub due_at: DateTime<Utc>,
    /// When the case was received (DTSTAMP: the deadline never moves).
    pub received_at: DateTime<Utc>,
    pub url: String,
}

/// A staff member's calendar of the handling deadlines of the cases they may handle.
#[must_use]
pub fn handling_deadlines(name: &str, host: &str, items: &[HandlingDue]) -> String {
    let mut calendar = calendar(name);
    for item in items {
        let mut event = Event::new();
        event
            .uid(&format!("objection-{}-due@{host}", item.objection_id))
            .timestamp(item.received_at)
            .summary(&item.summary)
            .description(&item.description)
            .starts(china(item.due_at - chrono::Duration::hours(1)))
            .ends(china(item.due_at))
            .url(&item.url)
            .status(EventStatus::Confirmed);
        calendar.push(event.done());
    }
    with_shanghai(&calendar.done())
}
