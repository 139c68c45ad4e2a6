//! A staff member's private calendar of handling deadlines (`/calendar/staff/{key}.ics`): made
//! at `/admin/calendar`, read by a calendar application with no session, telling nothing of the
//! objection beyond its code and state, and gone when replaced, revoked or when the account's
//! other credentials go.
use crate::db_test;
use crate::helpers::{Staff, TestApp};
use crate::objections_support::{file_api, objection, objections, scene};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Makes a new address on the page and returns it as shown (once).
async fn new_address(staff: &Staff) -> String {
    let res = staff.post_form("/admin/calendar/key", &[]).await;
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.unwrap().replace("&#x2F;", "/");
    let start = page.find("<p class=\"secret\">").expect("the address is shown") + "<p class=\"secret\">".len();
    let end = start + page[start..].find("</p>").expect("end");
    let address = page[start..end].trim().to_owned();
    assert!(address.contains("/calendar/staff/gsc_") && address.ends_with(".ics"), "{address}");
    address
}

/// What a calendar application gets: no cookie, no header.
async fn fetch(app: &TestApp, address: &str) -> (u16, String, String) {
    let path = &address[address.find("/calendar/").expect("a path")..];
    let res = reqwest::Client::new().get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let cache = res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, cache, res.text().await.unwrap())
}

db_test!(a_handler_gets_the_open_cases_deadlines_and_nothing_of_the_objection, |app| {
    let s = scene(&app).await;
    let filed: serde_json::Value = file_api(&app, s.notice, &objection(s.projects[0])).await.json().await.unwrap();
    let code = filed["receipt_code"].as_str().unwrap().to_owned();
    let case = objections(&app).await.into_iter().find(|o| o.receipt_code == code).unwrap();
    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    let (status, page) = handler.get_text("/admin/calendar").await;
    assert_eq!(status, 200);
    assert!(page.contains("您还没有日历订阅地址"), "{page}");
    let address = new_address(&handler).await;

    let (status, cache, ics) = fetch(&app, &address).await;
    assert_eq!(status, 200);
    assert!(cache.starts_with("private"), "no shared cache keeps it: {cache}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("BEGIN:VEVENT") && unfolded.contains("TZID:Asia/Shanghai"), "{unfolded}");
    assert!(unfolded.contains(&format!("异议处理期限：{}", gongshi::objections::codes::grouped(&code))), "{unfolded}");
    let due = case.handling_due_at.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y%m%dT%H%M%S").to_string();
    assert!(unfolded.contains(&format!("DTEND;TZID=Asia/Shanghai:{due}")), "ends at the deadline {due}: {unfolded}");
    assert!(unfolded.contains(&format!("/admin/objections/{}", case.id)), "links the case page");
    for private in ["王五", "第二完成人未实际参与", "13909310000", "139 0931 0000"] {
        assert!(!unfolded.contains(private), "{private} must not reach a calendar");
    }
    // The city above sees no case of the enterprise's notice, so its calendar is empty.
    let city = app.sign_in(s.city, "handler", "city-chuli").await;
    let (status, _, ics) = fetch(&app, &new_address(&city).await).await;
    assert_eq!(status, 200);
    assert!(!ics.contains("BEGIN:VEVENT"), "{ics}");
    let issued = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("calendar.key.issue"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(issued.len(), 2);
});

db_test!(an_address_ends_when_replaced_revoked_or_when_the_other_sessions_are_ended, |app| {
    let s = scene(&app).await;
    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    let first = new_address(&handler).await;
    assert_eq!(fetch(&app, &first).await.0, 200);
    let second = new_address(&handler).await;
    assert_eq!(fetch(&app, &first).await.0, 404, "a new address revokes the old");
    assert_eq!(fetch(&app, &second).await.0, 200);
    let (_, page) = handler.get_text("/admin/calendar").await;
    assert!(page.contains("当前订阅地址生成于") && !page.contains("gsc_"), "the key is shown once only");

    let res = handler.post_form("/admin/calendar/key/revoke", &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(fetch(&app, &second).await.0, 404, "revoked");

    let third = new_address(&handler).await;
    let res = handler.post_form("/admin/account/sessions/end", &[]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(fetch(&app, &third).await.0, 404, "it goes with the account's other credentials");

    // Anything else is the same plain 404.
    for path in ["/calendar/staff/gsc_0000.ics", "/calendar/staff/..%2F..%2Fetc.ics", "/calendar/staff/x.ics"] {
        assert_eq!(fetch(&app, &format!("http://x{path}")).await.0, 404, "{path}");
    }
    // Making an address needs the page's CSRF token.
    let res = reqwest::Client::new().post(app.url("/admin/calendar/key")).send().await.unwrap();
    assert!(!res.status().is_success(), "{}", res.status());
});
