//! Withdrawing a recommendation (撤回推荐): either end takes the last step back with a reason;
//! the project returns, its place in the limit is freed, the withdrawal is logged, chained in
//! the ledger and shown on the receiving unit's notice; and a higher unit's import takes its
//! over-limit reason from the file like every other path.
use crate::db_test;
use crate::reports_support::*;
use entity::{audit_log, projects, recommendations};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

async fn withdraw(app: &crate::helpers::TestApp, token: &str, project: i32, reason: &str) -> (u16, serde_json::Value) {
    let body = json!({ "project_id": project, "reason": reason });
    api(app, token, reqwest::Method::POST, "/api/v1/admin/recommendations/withdrawals", Some(body)).await
}

async fn holder(app: &crate::helpers::TestApp, project: i32) -> i32 {
    projects::Entity::find_by_id(project).one(&app.db).await.unwrap().unwrap().holder_unit_id
}

db_test!(a_mistaken_recommendation_is_withdrawn_with_a_reason_and_frees_its_place_in_the_limit, |app| {
    let c = chain(&app, 6).await;
    recommend_all(&app, &c.tokens.city, &c.projects[..5]).await;
    let (status, body) = recommend(&app, &c.tokens.city, c.projects[5], None).await;
    assert_eq!(status, 422, "the sixth needs a reason: {body}");

    let (status, body) = withdraw(&app, &c.tokens.city, c.projects[4], "误将未经评审的项目推荐上报").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["reason"], "误将未经评审的项目推荐上报");
    assert_eq!(holder(&app, c.projects[4]).await, c.t.city, "the project is back at the city");
    let (status, body) = recommend(&app, &c.tokens.city, c.projects[5], None).await;
    assert_eq!(status, 201, "the freed place takes the sixth without a reason: {body}");

    let (_, overview) = api(&app, &c.tokens.city, reqwest::Method::GET, "/api/v1/admin/recommendations", None).await;
    assert_eq!(overview["used"], 5);
    let withdrawn = &overview["withdrawn"][0];
    assert_eq!(withdrawn["name"], "链条测试项目5号");
    assert_eq!(withdrawn["reason"], "误将未经评审的项目推荐上报");
    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("project.recommend.withdraw"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the withdrawal is in the audit log");
    assert!(logged.detail.unwrap().contains("误将未经评审的项目推荐上报"));
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok(), "the ledger covers the withdrawal");

    // The staff page lists it, and offers withdrawing only where the project still is.
    let city = app.sign_in(c.t.city, "admin", "city-page").await;
    let (_, page) = city.get_text("/admin/recommendations").await;
    assert!(page.contains("已撤回的推荐") && page.contains("误将未经评审的项目推荐上报"), "{page}");
    assert!(page.contains("撤回推荐理由（将在列有该项目的公示中公开）"));
});

db_test!(only_the_two_ends_withdraw_and_only_with_a_reason, |app| {
    let c = chain(&app, 2).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    let (status, body) = withdraw(&app, &c.tokens.city, c.projects[0], "  ").await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["message"], "请填写撤回推荐的理由");
    // The county recommended the project earlier and still sees it, but the last step is not its own.
    let (status, body) = withdraw(&app, &c.tokens.county, c.projects[0], "不该由县级撤回").await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"][0]["message"],
        "项目《链条测试项目1号》目前在甘肃省总工会，只有武威市总工会或甘肃省总工会可以撤回这一推荐"
    );
    let viewer = app.create_user(c.t.city, "viewer", "city-viewer").await;
    let viewer = app.api_token(viewer).await;
    let (status, _) = withdraw(&app, &viewer, c.projects[0], "查看员不能撤回").await;
    assert_eq!(status, 403);
    let sibling = admin_token(&app, c.t.sibling, "sibling-admin").await;
    let (status, _) = withdraw(&app, &sibling, c.projects[0], "无关单位").await;
    assert_eq!(status, 404, "a unit that cannot see the project learns nothing");
    assert_eq!(holder(&app, c.projects[0]).await, c.t.province, "nothing moved");

    // The receiving unit may send it back (退回).
    let province = admin_token(&app, c.t.province, "gs-admin").await;
    let (status, body) = withdraw(&app, &province, c.projects[0], "材料不全，退回补充").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(holder(&app, c.projects[0]).await, c.t.city);
    // Now the last step is the county's to the city: the city may send it back in turn.
    let (status, body) = withdraw(&app, &c.tokens.city, c.projects[0], "退回县级核实").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(holder(&app, c.projects[0]).await, c.t.county);
});

db_test!(the_notice_that_listed_a_withdrawn_recommendation_says_so_publicly, |app| {
    let c = chain(&app, 2).await;
    // The city's level-2 notice lists both projects the county recommended to it.
    let city_notice = entity::notices::Entity::find()
        .filter(entity::notices::Column::UnitId.eq(c.t.city))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, body) = withdraw(&app, &c.tokens.county, c.projects[1], "该项目完成人排序有误，撤回核实").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(holder(&app, c.projects[1]).await, c.t.county);
    let (_, page) = app.get_text(&format!("/notices/{city_notice}")).await;
    assert!(page.contains("撤回推荐"), "{page}");
    assert!(page.contains("项目《链条测试项目2号》的推荐已于"));
    assert!(page.contains("理由：该项目完成人排序有误，撤回核实"));
    // The city can no longer send it on: the chain needs a recommendation to the city.
    let (status, body) = recommend(&app, &c.tokens.city, c.projects[1], None).await;
    assert_eq!(status, 404, "the city no longer holds it: {body}");
});

db_test!(a_recommendation_edited_or_deleted_by_hand_breaks_the_ledger, |app| {
    let c = chain(&app, 2).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok());
    let row = recommendations::Entity::find()
        .filter(recommendations::Column::ToUnitId.eq(c.t.province))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let sql = format!("UPDATE recommendations SET over_limit_reason = '补写的理由' WHERE id = {}", row.id);
    app.db.execute_unprepared(&sql).await.unwrap();
    let failure = gongshi::verify::verify(&app.db).await.unwrap().unwrap_err();
    assert!(failure.reason.contains(&format!("推荐记录 #{}", row.id)), "{}", failure.reason);
    assert!(failure.reason.contains("记录被改动"), "{}", failure.reason);
});

/// The province's import of projects the city recommends, with or without the reason column.
fn province_csv(key: &str, name: &str, reason: Option<&str>) -> String {
    let mut out = String::from(
        "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,申报条件,无不得推荐情形声明,超额推荐理由\n",
    );
    out.push_str(&format!(
        "{key},{name},甘肃农垦黄羊河集团有限责任公司,张喆,提出总体方案,40%,节水,3,是,{}\n",
        reason.unwrap_or("")
    ));
    out
}

db_test!(an_import_over_the_limit_takes_its_reason_from_the_file, |app| {
    let c = chain(&app, 6).await;
    recommend_all(&app, &c.tokens.city, &c.projects[..5]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("up.csv");
    std::fs::write(&file, province_csv("HYH-06", "链条测试项目6号", None)).unwrap();
    let (ok, said) = cli(&app, &["import", "--campaign", "2025", "--unit", "GS", file.to_str().unwrap()]);
    assert!(!ok, "over the limit without a reason is refused: {said}");
    assert!(said.contains("须填写超额推荐理由"), "{said}");
    std::fs::write(&file, province_csv("HYH-06", "链条测试项目6号", Some("该项目节水效果突出，经研究超额推荐")))
        .unwrap();
    let (ok, said) = cli(&app, &["import", "--campaign", "2025", "--unit", "GS", file.to_str().unwrap()]);
    assert!(ok, "{said}");
    let row = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(c.projects[5]))
        .filter(recommendations::Column::ToUnitId.eq(c.t.province))
        .one(&app.db)
        .await
        .unwrap()
        .expect("received");
    assert_eq!(row.over_limit_reason.as_deref(), Some("该项目节水效果突出，经研究超额推荐"));
});
