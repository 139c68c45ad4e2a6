//! Calendar feeds (iCalendar, RFC 5545) that readers add to the calendar on their phone:
//! `/calendar/notices.ics`, one event per notice period with the feeds' filters (`level`,
//! `unit`, `campaign`), and `/calendar/campaigns/{code}.ics`, a campaign's submission deadlines.
//!
//! An event keeps its UID for the notice's life; a correction that moves the period raises its
//! SEQUENCE, and a withdrawal cancels it, so a subscribed calendar updates the event it has.
//! `ics` writes calendars from plain facts (no I/O); `pages` serves them as stored answers.
//! `staff` is each staff member's private calendar of their cases' handling deadlines.
pub mod ics;
pub mod pages;
pub mod staff;

pub use pages::{campaign_calendar, notices_calendar};
