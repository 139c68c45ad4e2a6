//! The campaign dashboard: each unit's progress against the limit and the quotas, the backward
//! planner from each deadline, and the projects the gate holds back, with why.
use crate::db_test;
use crate::notices_support::cn;
use crate::reports_support::*;
use entity::{campaign_deadlines, campaign_quotas};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

async fn deadlines_and_quota(app: &crate::helpers::TestApp, t: &Tree) {
    for (unit, due, what) in [
        (t.city, (2025, 4, 8), "书面材料及电子版报武威市总工会"),
        (t.province, (2025, 5, 1), "书面材料及电子版报省科学技术交流站"),
    ] {
        campaign_deadlines::ActiveModel {
            campaign_id: Set(t.campaign),
            unit_id: Set(unit),
            due_on: Set(chrono::NaiveDate::from_ymd_opt(due.0, due.1, due.2).unwrap()),
            description: Set(Some(what.into())),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    campaign_quotas::ActiveModel {
        campaign_id: Set(t.campaign),
        unit_id: Set(t.county),
        target_unit_id: Set(t.city),
        min_projects: Set(Some(10)),
        max_projects: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

db_test!(the_planner_counts_back_from_each_deadline_and_the_quotas_show_progress, |app| {
    let c = chain(&app, 6).await;
    deadlines_and_quota(&app, &c.t).await;
    for p in &c.projects[..5] {
        let (status, _) = recommend(&app, &c.tokens.city, *p, None).await;
        assert_eq!(status, 201);
    }
    let reason = "重点产业链攻关成果，经研究同意超额推荐";
    let (status, body) = recommend(&app, &c.tokens.city, c.projects[5], Some(reason)).await;
    assert_eq!(status, 201, "{body}");

    let (status, d) = api(&app, &c.tokens.city, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    assert_eq!(status, 200, "{d}");
    // The city deadline "4月8日前": the papers arrive before that day, so with the default margin
    // of two days the counties' report is due 4月6日 (was 4月8日 without a margin); 10 days'
    // handling and 5 days' 公示 before it put their latest start at 3月22日; the applicants'
    // report is due the day before (3月21日), so they start by 3月6日.
    let city = &d["deadlines"][0];
    assert_eq!(city["due_on"], "2025年4月8日");
    assert_eq!(city["margin_days"], 2);
    assert_eq!(city["steps"][0]["level_label"], "推荐单位公示");
    assert_eq!(city["steps"][0]["latest_start_text"], "2025年3月22日");
    assert_eq!(city["steps"][0]["period_text"], "2025年3月22日至2025年3月26日");
    assert_eq!(city["steps"][0]["report_by_text"], "2025年4月6日");
    assert_eq!(city["steps"][1]["level_label"], "申报单位公示");
    assert_eq!(city["steps"][1]["latest_start_text"], "2025年3月6日");
    // 3月22日 is a Saturday and 4月6日 the last day of 清明节: both warned about.
    assert_eq!(
        city["steps"][0]["warnings"],
        serde_json::json!(["最晚开始公示：2025年3月22日是周六", "最晚出具报告：2025年4月6日是清明节假期"])
    );
    assert_eq!(city["steps"][1]["warnings"], serde_json::json!([]));
    // The province deadline "5月1日前": the city reports by 4月29日 and notices by 4月14日, the
    // counties before, the applicants first.
    let province = &d["deadlines"][1];
    assert_eq!(province["steps"][0]["latest_start_text"], "2025年4月14日");
    assert_eq!(province["steps"][0]["report_by_text"], "2025年4月29日");
    assert_eq!(province["steps"].as_array().unwrap().len(), 3);
    assert_eq!(province["steps"][2]["level_label"], "申报单位公示");

    // Progress: the city sent six to the province, one over the limit, with the reason shown.
    let units = d["units"].as_array().unwrap();
    let city_row = units.iter().find(|u| u["name"] == "武威市总工会").unwrap();
    assert_eq!((city_row["sent_up"].as_u64(), city_row["limit"].as_u64()), (Some(6), Some(5)));
    assert_eq!(city_row["over_limit"], true);
    assert_eq!(city_row["over_limit_reasons"][0], reason);
    // The county's quota toward the city: 6 of at least 10.
    let quota = &d["quotas"][0];
    assert_eq!(
        (quota["count"].as_u64(), quota["min"].as_u64(), &quota["met"]),
        (Some(6), Some(10), &serde_json::json!(false))
    );

    let staff = app.sign_in(c.t.city, "viewer", "ww-viewer").await;
    let (status, page) = staff.get_text("/admin/campaign").await;
    assert_eq!(status, 200);
    for expected in ["倒排工期", "2025年3月22日", "尚差4项", reason, "6 / 5", "截止日前2天", "2025年4月6日是清明节假期"]
    {
        assert!(page.contains(expected), "dashboard lacks {expected}");
    }
});

db_test!(the_dashboard_lists_projects_blocked_at_the_gate_with_the_reason, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("HYH-01", "秸秆饲料化利用成套设备", None)]).await;
    let token = admin_token(&app, t.enterprise, "e-admin").await;
    let notice = notice_at(
        &app,
        &t,
        t.enterprise,
        gongshi::notices::Level::Applicant,
        &ids,
        crate::notices_support::day(2025, 3, 10),
        app.clock_now(),
    )
    .await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let (_, d) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    let blocked = &d["blocked"][0];
    assert_eq!(blocked["name"], "秸秆饲料化利用成套设备");
    assert!(
        blocked["reason"].as_str().unwrap().contains("尚无甘肃农垦黄羊河集团有限责任公司的申报单位公示结果报告"),
        "{d}"
    );
    // The county above sees the same project blocked; the sibling enterprise does not.
    let county = admin_token(&app, t.county, "county").await;
    let (_, d) = api(&app, &county, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    assert_eq!(d["blocked"].as_array().unwrap().len(), 1);
    let sibling = admin_token(&app, t.sibling, "sibling").await;
    let (_, d) = api(&app, &sibling, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    assert_eq!(d["blocked"].as_array().unwrap().len(), 0);
    assert!(!d.to_string().contains("秸秆饲料化利用成套设备"));
    issued(&app, &token, notice).await;
    let (_, d) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    assert_eq!(d["blocked"].as_array().unwrap().len(), 0, "cleared: {d}");
});

db_test!(the_dashboard_flags_projects_whose_report_no_longer_stands_to_the_receiving_unit_and_the_province, |app| {
    use entity::notices;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let c = chain(&app, 2).await;
    let province = admin_token(&app, c.t.province, "gs-dash").await;
    let (_, d) = api(&app, &c.tokens.city, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
    let standings = d["standings"].as_array().unwrap();
    assert_eq!(standings.len(), 2, "{d}");
    assert!(standings.iter().all(|s| s["clears"] == true && s["standing"] == "有效" && s["from"] == "凉州区总工会"));

    // The county withdraws its level-2 notice: the report both recommendations rest on is void.
    let county_notice =
        notices::Entity::find().filter(notices::Column::UnitId.eq(c.t.county)).one(&app.db).await.unwrap().unwrap().id;
    gongshi::notices::publish::withdraw(&app.db, county_notice, "公示内容有误", None, app.clock_now()).await.unwrap();
    for token in [&c.tokens.city, &province] {
        let (_, d) = api(&app, token, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
        let first = &d["standings"][0];
        assert_eq!(first["clears"], false, "{d}");
        assert_eq!(first["standing"], "已失效");
        assert!(first["reason"].as_str().unwrap().contains("该公示已被撤销"), "{first}");
    }
    let staff = app.sign_in(c.t.city, "viewer", "ww-dash-viewer").await;
    let (_, page) = staff.get_text("/admin/campaign").await;
    assert!(page.contains("项目所依据的公示结果报告") && page.contains("报告已失效"), "{page}");
});

// The margin is the campaign's: with none the report may be issued on the deadline itself, with
// five days it is due five days before, and every step below moves with it.
db_test!(the_margin_before_a_deadline_is_a_campaign_setting, |app| {
    use entity::campaigns;
    use sea_orm::EntityTrait;
    let t = tree(&app).await;
    deadlines_and_quota(&app, &t).await;
    let token = admin_token(&app, t.city, "ww-margin").await;
    for (margin, report_by, start) in [(0, "2025年4月8日", "2025年3月24日"), (5, "2025年4月3日", "2025年3月19日")]
    {
        let mut row: campaigns::ActiveModel =
            campaigns::Entity::find_by_id(t.campaign).one(&app.db).await.unwrap().unwrap().into();
        row.deadline_margin_days = Set(margin);
        row.update(&app.db).await.unwrap();
        let (status, d) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
        assert_eq!(status, 200, "{d}");
        let city = &d["deadlines"][0];
        assert_eq!(city["margin_days"], margin);
        assert_eq!(city["steps"][0]["report_by_text"], report_by, "margin {margin}");
        assert_eq!(city["steps"][0]["latest_start_text"], start, "margin {margin}");
    }
});

// The demo holds the 2025 campaign as history and the next one under way: the dashboard opens on
// the live campaign, whose every latest start is still ahead, and 2025 stays one parameter away.
#[actix_web::test]
async fn the_demo_dashboard_opens_on_a_live_campaign_with_days_to_come() {
    use entity::units;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for backend in crate::helpers::backends() {
        let app = crate::helpers::TestApp::spawn_with(backend, |s| s.demo = true).await;
        let city = units::Entity::find()
            .filter(units::Column::Code.eq("WW"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("武威市总工会");
        let token = admin_token(&app, city.id, "ww-live").await;
        let (status, d) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/campaign", None).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["campaign_code"], "2026", "{backend:?}: the live campaign by default");
        let deadlines = d["deadlines"].as_array().unwrap();
        assert_eq!(deadlines.len(), 2);
        assert_eq!(deadlines[0]["days_left"], 42);
        for step in deadlines.iter().flat_map(|dl| dl["steps"].as_array().unwrap()) {
            assert!(step["days_left"].as_i64().unwrap() > 0, "{backend:?}: {step}");
        }
        // Nothing declared yet in the live campaign; the quotas start from nought.
        assert!(d["quotas"].as_array().unwrap().iter().all(|q| q["count"] == 0), "{d}");

        let (_, old) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/campaign?campaign=2025", None).await;
        assert_eq!(old["campaign_code"], "2025");
        assert_eq!(old["deadlines"][0]["due_on"], "2025年4月8日");
        assert!(old["units"].as_array().unwrap().iter().any(|u| u["declared"].as_u64() > Some(0)), "{old}");

        let staff = app.sign_in(city.id, "viewer", "ww-live-viewer").await;
        let (status, page) = staff.get_text("/admin/campaign").await;
        assert_eq!(status, 200);
        assert!(page.contains("2026年度甘肃省职工技术成果征集活动") && page.contains("还有42天"), "{page}");
        assert!(!page.contains("（已过）"), "{backend:?}: no day of the live campaign has passed");
        // The 2025 round is one link away, and shows its history there.
        assert!(
            page.contains(r#"<a href="/admin/campaign?campaign=2025">2025年度甘肃省职工技术成果征集活动</a>"#),
            "{page}"
        );
        let (status, page) = staff.get_text("/admin/campaign?campaign=2025").await;
        assert_eq!(status, 200);
        assert!(page.contains("2025年4月8日前报送武威市总工会（还有30天）"), "{page}");
        assert!(page.contains(r#"href="/admin/campaign?campaign=2026""#), "{page}");
    }
}
