//! The calendar feeds, read back with an iCalendar parser: one event per notice period in
//! Asia/Shanghai from its opening instant, the same UID through a correction that moves the
//! period (SEQUENCE raised), a withdrawal cancelling it, the feeds' filters, and a campaign's
//! deadlines as whole days.
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::{cn, correct_completer_order, day, draft, now, projects, published, world};
use entity::campaign_deadlines;
use gongshi::notices::Level;
use gongshi::notices::publish::withdraw;
use icalendar::Component;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

/// The calendar at `path`, parsed; panics on anything but a 200 `text/calendar`.
async fn calendar(app: &TestApp, path: &str) -> (String, icalendar::Calendar) {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/calendar"), "{path}: {ct}");
    let text = res.text().await.unwrap();
    let unfolded = icalendar::parser::unfold(&text);
    let parsed =
        icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
    (unfolded.clone(), icalendar::Calendar::from(parsed))
}

fn events(calendar: &icalendar::Calendar) -> Vec<&icalendar::Event> {
    calendar.components.iter().filter_map(|c| c.as_event()).collect()
}

db_test!(a_notice_period_is_one_event_from_its_opening_instant_in_china_time, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;

    app.clock.set(cn(2025, 3, 9, 23, 59, 59));
    let (_, before) = calendar(&app, "/calendar/notices.ics").await;
    assert!(events(&before).is_empty(), "nothing before the notice opens");

    app.clock.set(cn(2025, 3, 10, 0, 0, 0));
    let (text, opened) = calendar(&app, "/calendar/notices.ics").await;
    let list = events(&opened);
    assert_eq!(list.len(), 1, "{text}");
    let event = list[0];
    let host = url::Url::parse(&app.state.settings.base_url).unwrap().host_str().unwrap().to_owned();
    assert_eq!(event.get_uid(), Some(format!("notice-{id}@{host}").as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_summary(), Some("关于2025年度甘肃省职工技术成果申报项目的公示"));
    assert!(text.contains("DTSTART;TZID=Asia/Shanghai:20250310T000000"), "{text}");
    assert!(text.contains("DTEND;TZID=Asia/Shanghai:20250315T000000"), "closes at 24时 on the 14th: {text}");
    assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Asia/Shanghai"), "{text}");
    assert!(text.contains("STATUS:CONFIRMED"), "{text}");
    let description = event.get_description().unwrap();
    assert!(description.contains("2025年3月14日24时"), "{description}");
    assert_eq!(event.get_url(), Some(app.state.settings.absolute_url(&format!("/notices/{id}")).as_str()));

    for (path, count) in [
        ("/calendar/notices.ics?level=1", 1),
        ("/calendar/notices.ics?level=2", 0),
        ("/calendar/notices.ics?unit=E-GDGS", 1),
        ("/calendar/notices.ics?campaign=2025", 1),
    ] {
        let (_, filtered) = calendar(&app, path).await;
        assert_eq!(events(&filtered).len(), count, "{path}");
    }
    for path in ["/calendar/notices.ics?unit=NOPE", "/calendar/notices.ics?level=9"] {
        assert_eq!(app.get(path).await.status().as_u16(), 404, "{path}: an unknown filter is noticed");
    }
});

db_test!(a_correction_moves_the_same_event_and_a_withdrawal_cancels_it, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let (_, first) = calendar(&app, "/calendar/notices.ics").await;
    let uid = events(&first)[0].get_uid().unwrap().to_owned();

    let corrected = correct_completer_order(&app, id, ids[0], "完成人排序更正").await;
    assert!(corrected.restarted);

    let (text, moved) = calendar(&app, "/calendar/notices.ics").await;
    let list = events(&moved);
    assert_eq!(list.len(), 1, "still one event: {text}");
    assert_eq!(list[0].get_uid(), Some(uid.as_str()), "the same event is updated");
    assert_eq!(list[0].get_sequence(), Some(1));
    assert!(text.contains("DTSTART;TZID=Asia/Shanghai:20250313T000000"), "the restarted period: {text}");
    assert!(text.contains("DTEND;TZID=Asia/Shanghai:20250318T000000"), "{text}");

    app.clock.set(cn(2025, 3, 14, 10, 0, 0));
    withdraw(&app.db, id, "项目已并入其他申报", None, now(&app)).await.unwrap();
    let (text, cancelled) = calendar(&app, "/calendar/notices.ics").await;
    let list = events(&cancelled);
    assert_eq!(list[0].get_uid(), Some(uid.as_str()));
    assert_eq!(list[0].get_sequence(), Some(2));
    assert!(text.contains("STATUS:CANCELLED"), "{text}");
    assert!(list[0].get_summary().unwrap().starts_with("【已撤销】"), "{text}");
});

db_test!(a_campaigns_deadlines_are_whole_days_in_its_calendar, |app| {
    let w = world(&app).await;
    campaign_deadlines::ActiveModel {
        campaign_id: Set(w.campaign),
        unit_id: Set(w.province),
        due_on: Set(day(2025, 5, 1)),
        description: Set(Some("书面材料；电子版, 一式两份".into())),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let (text, deadlines) = calendar(&app, "/calendar/campaigns/2025.ics").await;
    let list = events(&deadlines);
    assert_eq!(list.len(), 1, "{text}");
    assert!(text.contains("DTSTART;VALUE=DATE:20250501"), "{text}");
    assert!(list[0].get_summary().unwrap().starts_with("报送截止："), "{text}");
    assert!(
        list[0].get_description().unwrap().contains("书面材料；电子版, 一式两份"),
        "text survives escaping: {text}"
    );
    assert_eq!(app.get("/calendar/campaigns/nope.ics").await.status().as_u16(), 404);

    for (page, link) in [
        ("/campaigns/2025", "/calendar/campaigns/2025.ics"),
        ("/campaigns/2025", "/calendar/notices.ics?campaign=2025"),
        ("/units/E-GDGS", "/calendar/notices.ics?unit=E-GDGS"),
        ("/", "/calendar/notices.ics"),
    ] {
        let (status, body) = app.get_text(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(body.contains(&format!("href=\"{link}\"")), "{page} links {link}");
    }
});
