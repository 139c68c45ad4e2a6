//! The README's "Setting up a real campaign", on a fresh database without the demo, by the
//! commands it gives: the first administrator and the province, the unit tree through the API,
//! the campaign from `deploy/campaign-2026.json`, an applicant's import, and its first notice
//! generated and published — closing at the campaign's 18:00, and showing it on its page.
use crate::db_test;
use crate::helpers::TestApp;
use crate::reports_support::{api, cli};
use chrono_tz::Asia::Shanghai;
use entity::{notice_revisions, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::process::Command;

const CSV: &str = "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,申报条件,无不得推荐情形声明\n\
GD-2026-01,输电线路覆冰在线监测装置,国网武威供电公司,李明,提出总体方案,40%,拉力与倾角融合计算覆冰厚度,2,是\n";

fn add_first_admin(app: &TestApp) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["user", "add", "--unit", "GS", "--unit-name", "甘肃省总工会", "--username", "gs.admin"])
        .args(["--name", "省总管理员", "--role", "admin", "--database", app.database_url.as_str()])
        .env("GONGSHI_PASSWORD", "Real-campaign-2026!")
        .env("GONGSHI_LOG", "error")
        .output()
        .expect("runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

async fn unit(app: &TestApp, token: &str, parent: i64, kind: &str, code: &str, name: &str) -> i64 {
    let body =
        json!({ "parent_id": parent, "kind": kind, "code": code, "name": name, "contact_phone": "0935-2211234" });
    let (status, created) = api(app, token, reqwest::Method::POST, "/api/v1/admin/units", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_i64().unwrap()
}

db_test!(a_fresh_install_goes_from_nothing_to_a_published_notice_closing_at_the_campaigns_hour, |app| {
    let (ok, said) = add_first_admin(&app);
    assert!(ok, "{said}");
    let admin =
        users::Entity::find().filter(users::Column::Username.eq("gs.admin")).one(&app.db).await.unwrap().unwrap();
    let token = app.api_token(admin.id).await;
    let city = unit(&app, &token, i64::from(admin.unit_id), "city", "WW", "武威市总工会").await;
    unit(&app, &token, city, "applicant", "E-GDGS", "国网武威供电公司").await;

    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/campaign-2026.json");
    let (ok, said) = cli(&app, &["campaign", "create", "--file", example]);
    assert!(ok, "{said}");
    let (ok, shown) = cli(&app, &["campaign", "show", "2026"]);
    assert!(ok && shown.contains("\"closing_time\": \"18:00\""), "{shown}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("登记表.csv");
    std::fs::write(&file, CSV).unwrap();
    let (ok, said) = cli(&app, &["import", "--campaign", "2026", "--unit", "E-GDGS", file.to_str().unwrap()]);
    assert!(ok, "{said}");
    let start = (chrono::Utc::now().with_timezone(&Shanghai).date_naive() + chrono::Duration::days(2)).to_string();
    let args = ["notice", "generate", "--campaign", "2026", "--unit", "E-GDGS", "--level", "1", "--projects", "all"];
    let (ok, said) = cli(&app, &[&args[..], &["--start", &start]].concat());
    assert!(ok && said.contains("18时"), "the period is told with the campaign's closing hour: {said}");
    let id = said.split("已生成公示草稿 ").nth(1).and_then(|r| r.split('：').next()).expect("the notice number");
    let (ok, said) = cli(&app, &["notice", "publish", id]);
    assert!(ok, "{said}");

    let revision = notice_revisions::Entity::find().one(&app.db).await.unwrap().expect("published");
    let closes = revision.closes_at.with_timezone(&Shanghai);
    let last_day = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap() + chrono::Duration::days(4);
    assert_eq!(closes.format("%Y-%m-%d %H:%M").to_string(), format!("{last_day} 18:00"));
    app.clock.set(revision.opens_at + chrono::Duration::hours(1));
    let (status, page) = app.get_text(&format!("/notices/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("输电线路覆冰在线监测装置") && page.contains("18时"), "{page}");
});

db_test!(refusals_name_each_field_by_its_chinese_label_in_the_cli_and_the_api, |app| {
    let (ok, said) = add_first_admin(&app);
    assert!(ok, "{said}");
    let admin =
        users::Entity::find().filter(users::Column::Username.eq("gs.admin")).one(&app.db).await.unwrap().unwrap();
    let token = app.api_token(admin.id).await;
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/campaign-2026.json")).unwrap();
    let mut bad: serde_json::Value = serde_json::from_str(&example).unwrap();
    bad["code"] = json!("二〇二六 年");
    bad["year"] = json!(1900);
    bad["notice_days"] = json!(0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campaign.json");
    std::fs::write(&file, bad.to_string()).unwrap();

    let (ok, said) = cli(&app, &["campaign", "create", "--file", file.to_str().unwrap()]);
    assert!(!ok, "{said}");
    assert!(said.contains("错误：活动代码：活动代码应为") || said.contains("活动代码应为1至32个"), "{said}");
    assert!(said.contains("年度：年度应在") || said.contains("年度应在2000至2100之间"), "{said}");
    for raw in ["code：", "year：", "notice_days："] {
        assert!(!said.contains(raw), "the command line names a field by its JSON name {raw}: {said}");
    }

    let (status, problem) = api(&app, &token, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(bad)).await;
    assert_eq!(status, 422, "{problem}");
    let errors = problem["errors"].as_array().expect("field errors");
    let code = errors.iter().find(|e| e["field"] == "code").expect("the code's error, under its JSON name");
    assert_eq!(code["label"], "活动代码", "{problem}");
    let days = errors.iter().find(|e| e["field"] == "notice_days").expect("notice_days");
    assert_eq!(days["label"], "公示天数", "{problem}");
    let detail = problem["detail"].as_str().expect("a detail line");
    assert!(detail.contains("活动代码应为") && detail.contains("公示天数应在1至30之间"), "{detail}");
    assert!(!detail.contains("code") && !detail.contains("notice_days"), "{detail}");

    let unit =
        json!({ "parent_id": admin.unit_id, "kind": "city", "code": "-WW", "name": "", "contact_phone": "电话" });
    let (status, problem) = api(&app, &token, reqwest::Method::POST, "/api/v1/admin/units", Some(unit)).await;
    assert_eq!(status, 422, "{problem}");
    let labels: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["label"].as_str().unwrap()))
        .collect();
    for pair in [("code", "单位代码"), ("name", "单位名称"), ("contact_phone", "联系电话")] {
        assert!(labels.contains(&pair), "{pair:?} in {labels:?}");
    }
    assert!(problem["detail"].as_str().unwrap().contains("单位名称：不能为空"), "{problem}");
});
