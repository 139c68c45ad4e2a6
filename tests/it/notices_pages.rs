//! The public notice pages as a reader meets them: visible at the open instant and not before,
//! every field the level must show, status and time left right at every instant (cache or
//! not), corrections with old revisions readable, withdrawal, the poster's QR code, search.
use crate::db_test;
use crate::notices_support::{cn, day, draft, now, page, projects, published, result, world};
use gongshi::audit::Who;
use gongshi::notices::Level;
use gongshi::notices::generate::start_correction;
use gongshi::notices::publish::{PublishRequest, publish, withdraw};
use gongshi::projects::Grade;

db_test!(a_scheduled_notice_is_a_404_until_its_open_instant_then_a_page, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let path = format!("/notices/{id}");
    app.clock.set(cn(2025, 3, 9, 23, 59, 59));
    for path in [path.clone(), format!("{path}/poster"), format!("{path}/revisions/1")] {
        let (status, body) = page(&app, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("输电线路覆冰监测"), "{path}");
    }
    let (_, home) = page(&app, "/").await;
    assert!(!home.contains("申报项目的公示"), "not listed before it opens");
    let (_, unit) = page(&app, "/units/E-GDGS").await;
    assert!(!unit.contains("申报项目的公示"), "{unit}");
    app.clock.set(cn(2025, 3, 10, 0, 0, 0));
    let (status, body) = page(&app, &path).await;
    assert_eq!(status, 200);
    assert!(body.contains("输电线路覆冰监测"));
    assert!(body.contains("公示中"));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("关于2025年度甘肃省职工技术成果申报项目的公示"), "{home}");
    assert!(home.contains("剩余5天0小时"), "{home}");
});

db_test!(a_level_one_page_shows_every_required_field_and_no_phone_number, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (status, body) = page(&app, &format!("/notices/{id}")).await;
    assert_eq!(status, 200);
    for needle in [
        "申报单位公示",
        "公示期：2025年3月10日至2025年3月14日（5个自然日）",
        "输电线路覆冰监测",
        "完成单位及排序",
        "武威市电力设计院",
        "完成人及排序",
        "赵赟",
        "钱伟",
        "前三位完成人的贡献和工作量",
        "提出总体方案",
        "占项目工作量40%",
        "关键技术与创新点",
        "拉力与倾角融合",
        "论文专著专利等知识产权情况",
        "ZL202420123456.7",
        "0935-5810529",
        "wwghfbb@163.com",
        "剩余3天15小时",
        &format!("href=\"/notices/{id}/objection\""),
        "og:title",
        "application/rss+xml",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    assert!(!body.contains("13900000001") && !body.contains("620102199001011234"));
    assert!(!body.contains("style=\"") && !body.contains("<script>"), "the CSP forbids inline style and script");
});

db_test!(a_level_two_page_lists_the_recommended_order_without_contributions, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection"), (ids[1], "dismissed")]).await;
    let n2 = published(&app, &w, w.city, Level::Recommender, &[ids[1], ids[0]], day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 8, 0, 0));
    let (_, body) = page(&app, &format!("/notices/{n2}")).await;
    assert!(body.contains("推荐排序"));
    assert!(body.find("智能巡检").unwrap() < body.find("覆冰监测").unwrap(), "recommended order");
    assert!(body.contains("赵赟"));
    for absent in ["提出总体方案", "占项目工作量", "拉力与倾角融合", "ZL202420123456.7", "前三位完成人"]
    {
        assert!(!body.contains(absent), "level 2 must not show {absent}");
    }
    let (_, n1_page) = page(&app, &format!("/notices/{n1}")).await;
    assert!(n1_page.contains("公示结果报告"), "the result shows once issued");
});

db_test!(a_level_three_page_shows_the_proposed_grade, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", Some(Grade::First))]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    let n2 = published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    result(&app, n2, Level::Recommender, &[(ids[0], "no_objection")]).await;
    let n3 = published(&app, &w, w.province, Level::Province, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 8, 0, 0));
    let (_, body) = page(&app, &format!("/notices/{n3}")).await;
    assert!(body.contains("省总工会公示") && body.contains("拟评等级") && body.contains("一等奖"), "{body}");
    assert!(!body.contains("提出总体方案"));
});

db_test!(status_and_time_left_are_right_at_the_close_instant_even_from_cache, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let path = format!("/notices/{id}");
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let first = app.get(&path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body = first.text().await.unwrap().replace("&#x2F;", "/");
    assert!(body.contains("公示中") && body.contains("剩余不到1分钟") && body.contains("/objection\""), "{body}");
    // Same instant, same bytes: a revalidation is a 304 without a body.
    let again = app.client.get(app.url(&path)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    app.clock.set(cn(2025, 3, 15, 0, 0, 0));
    let closed = app.client.get(app.url(&path)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(closed.status().as_u16(), 200, "the status changed, so the old copy is stale");
    let last_modified = closed.headers()["last-modified"].to_str().unwrap().to_owned();
    assert_eq!(last_modified, "Fri, 14 Mar 2025 16:00:00 GMT", "a closed notice last changed at its close");
    let body = closed.text().await.unwrap().replace("&#x2F;", "/");
    assert!(body.contains("已结束") && !body.contains("/objection\""), "{body}");
    assert!(body.contains("不再受理异议"));
    let since = app.client.get(app.url(&path)).header("If-Modified-Since", &last_modified).send().await.unwrap();
    assert_eq!(since.status().as_u16(), 304);
});

db_test!(a_correction_keeps_the_old_revision_readable_at_its_own_url, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, before) = page(&app, &format!("/notices/{id}")).await;
    assert!(!before.contains("版本记录"));
    start_correction(&app.db, id, &Who::default(), now(&app)).await.unwrap();
    let note =
        PublishRequest { note: Some("更正第二完成人的工作量表述".into()), ..PublishRequest::default() };
    publish(&app.db, id, &note, now(&app)).await.unwrap();
    let (_, current) = page(&app, &format!("/notices/{id}")).await;
    assert!(current.contains("更正第二完成人的工作量表述"), "{current}");
    assert!(current.contains("版本记录") && current.contains(&format!("/notices/{id}/revisions/1")));
    let (status, old) = page(&app, &format!("/notices/{id}/revisions/1")).await;
    assert_eq!(status, 200);
    assert!(old.contains("您正在查看第1版") && !old.contains("/objection\""), "{old}");
    assert_eq!(app.get(&format!("/notices/{id}/revisions/3")).await.status().as_u16(), 404);
    assert_eq!(app.get(&format!("/notices/{id}/revisions/x")).await.status().as_u16(), 404);
});

db_test!(a_withdrawn_notice_says_so_with_its_reason, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, open) = page(&app, &format!("/notices/{id}")).await;
    assert!(open.contains("公示中"));
    withdraw(&app.db, id, "申报单位主动撤回该项目", None, now(&app)).await.unwrap();
    let (_, body) = page(&app, &format!("/notices/{id}")).await;
    assert!(body.contains("本公示已撤销") && body.contains("申报单位主动撤回该项目"), "{body}");
    assert!(!body.contains("/objection\""));
});

db_test!(the_poster_carries_a_qr_code_of_the_notice_address, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 9, 0, 0));
    let (status, body) = page(&app, &format!("/notices/{id}/poster")).await;
    assert_eq!(status, 200);
    assert!(body.contains("覆冰监测") && body.contains("公示期：2025年3月10日至2025年3月14日"));
    assert!(body.contains("0935-5810529"));
    let svg_start = body.find("<svg").unwrap();
    let svg = &body[svg_start..body[svg_start..].find("</svg>").unwrap() + svg_start + 6];
    let (width, mut dark) = gongshi::notices::poster::modules_of_svg(svg).unwrap();
    let url = format!("http://127.0.0.1:8080/notices/{id}");
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).unwrap();
    let n = u32::try_from(code.width()).unwrap();
    assert_eq!(width, n + 8);
    let expected: Vec<(u32, u32)> = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| (u32::try_from(i).unwrap() % n + 4, u32::try_from(i).unwrap() / n + 4))
        .collect();
    dark.sort_by_key(|(x, y)| (*y, *x));
    assert_eq!(dark, expected, "the QR modules encode {url}");
    assert!(body.contains(&url));
});

db_test!(readers_find_notices_by_project_unit_or_person, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 9, 0, 0));
    for term in ["覆冰", "国网武威", "赵赟"] {
        let url = format!("/?q={}", url::form_urlencoded::byte_serialize(term.as_bytes()).collect::<String>());
        let (_, body) = page(&app, &url).await;
        assert!(body.contains("申报项目的公示"), "{term}: {body}");
    }
    // The card names the project the term was found in, and only that one.
    let (_, body) = page(&app, "/?q=%E8%A6%86%E5%86%B0").await;
    assert!(body.contains("相关项目：输电线路覆冰监测</p>"), "{body}");
    let (_, none) = page(&app, "/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8").await;
    assert!(none.contains("没有找到相关的公示"));
});

db_test!(search_looks_in_the_revision_shown_now_and_not_in_a_draft_or_a_replaced_one, |app| {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let found = async |term: &str| -> serde_json::Value {
        let q = url::form_urlencoded::byte_serialize(term.as_bytes()).collect::<String>();
        let api: serde_json::Value = app.get(&format!("/api/v1/notices?q={q}")).await.json().await.unwrap();
        api["total"].clone()
    };
    assert_eq!(found("申报项目的公示").await, 1);
    let draft_id = start_correction(&app.db, id, &Who::default(), now(&app)).await.unwrap();
    let row = entity::notice_revisions::Entity::find_by_id(draft_id).one(&app.db).await.unwrap().unwrap();
    let mut row: entity::notice_revisions::ActiveModel = row.into();
    row.title = Set("关于覆冰监测项目的更正公示".into());
    row.update(&app.db).await.unwrap();
    assert_eq!(found("更正公示").await, 0, "a draft is not searched");
    let note = PublishRequest { note: Some("更正标题".into()), ..PublishRequest::default() };
    publish(&app.db, id, &note, now(&app)).await.unwrap();
    assert_eq!(found("更正公示").await, 1);
    assert_eq!(found("申报项目的公示").await, 0, "the replaced title is no longer what readers see");
    let (_, home) = page(&app, "/?q=%E6%9B%B4%E6%AD%A3%E5%85%AC%E7%A4%BA").await;
    assert!(home.contains("关于覆冰监测项目的更正公示"), "{home}");
});

db_test!(the_large_type_switch_works_without_javascript, |app| {
    let res = app.get("/display?toggle=large&next=%2F").await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/");
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("class=\"large-type\""), "{home}");
    assert!(home.contains("标准字号"));
    let res = app.get("/display?toggle=contrast&next=https%3A%2F%2Fevil.example").await;
    assert_eq!(res.headers()["location"], "/");
});

db_test!(lists_see_a_write_made_by_another_instance_within_a_second, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）"), "{home}");
    // Another instance withdraws it: a row changes that this process was not told about.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let notice = entity::notices::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let mut row: entity::notices::ActiveModel = notice.into();
    row.state = Set("withdrawn".into());
    row.withdrawn_at = Set(Some(now(&app)));
    row.withdraw_reason = Set(Some("另一实例撤销".into()));
    row.update(&app.db).await.unwrap();
    std::thread::sleep(gongshi::notices::public_listing::CHECK_EVERY + std::time::Duration::from_millis(100));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（0）") && home.contains("已撤销"), "{home}");
    let api: serde_json::Value = app.get("/api/v1/notices?status=withdrawn").await.json().await.unwrap();
    assert_eq!(api["total"], 1);
});

db_test!(lists_change_standing_at_the_exact_close_instant_after_being_asked_just_before, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let total = async |query: &str| -> serde_json::Value {
        let api: serde_json::Value = app.get(&format!("/api/v1/notices{query}")).await.json().await.unwrap();
        api["total"].clone()
    };
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）") && home.contains("申报项目的公示"), "{home}");
    assert_eq!(total("?status=open").await, 1);
    app.clock.set(cn(2025, 3, 15, 0, 0, 0));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（0）"), "closed at the instant, though asked a second before: {home}");
    let closed = &home[home.find("近期结束").unwrap()..];
    assert!(closed.contains("申报项目的公示"), "{home}");
    assert_eq!(total("?status=open").await, 0);
    assert_eq!(total("?status=closed").await, 1);
    let api: serde_json::Value = app.get("/api/v1/notices").await.json().await.unwrap();
    assert_eq!(api["items"][0]["status"], "closed", "{api}");
    // A clock set back sees the notice open again: nothing worked out for later is reused.
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）"), "{home}");
    assert_eq!(total("").await, 1);
});

db_test!(the_front_page_pages_through_open_notices_and_ignores_a_bad_page, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    for path in ["/?page=2", "/?page=abc", "/?page=0"] {
        let (status, home) = page(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(home.contains("输电线路覆冰监测") || home.contains("正在公示（1）"), "{path}: {home}");
        assert!(!home.contains("class=\"pager\""), "one page needs no pager: {path}");
    }
});
