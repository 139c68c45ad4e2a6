//! The province proposes the grade (拟评等级): level 3 reads the grade the province's admins set
//! after review, never the applicant's 拟推荐等级; projects without one cannot enter; the grade
//! is set only by the province, only for a project recommended to it, logged and chained.
use crate::db_test;
use crate::reports_support::*;
use entity::audit_log;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

async fn propose(app: &crate::helpers::TestApp, token: &str, project: i32, grade: &str) -> (u16, serde_json::Value) {
    let body = json!({ "grade": grade, "note": "经专家评审" });
    api(app, token, reqwest::Method::POST, &format!("/api/v1/admin/projects/{project}/review-grade"), Some(body)).await
}

fn refusal(err: gongshi::error::AppError) -> String {
    match err {
        gongshi::error::AppError::Validation(list) => {
            list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("\n")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

db_test!(level_three_reads_the_grade_the_province_proposed_not_the_one_the_applicant_asked, |app| {
    // Asked: 一等奖, 二等奖, 三等奖.
    let c = chain(&app, 3).await;
    let province = admin_token(&app, c.t.province, "gs-admin").await;
    let (status, body) = propose(&app, &province, c.projects[0], "first").await;
    assert_eq!(status, 409, "not yet at the province: {body}");
    assert!(body["title"].as_str().unwrap().contains("尚未推荐至省总工会（目前在武威市总工会）"), "{body}");
    recommend_all(&app, &c.tokens.city, &c.projects).await;

    let req = |ids: &[i32]| GenerateRequest {
        campaign_id: c.t.campaign,
        unit_id: c.t.province,
        level: Level::Province,
        project_ids: ids.to_vec(),
        starts_on: Some(crate::notices_support::day(2025, 4, 10)),
        created_by: None,
    };
    let err = generate(&app.db, &req(&c.projects[..1]), app.clock_now()).await.unwrap_err();
    assert_eq!(
        refusal(err),
        "项目《链条测试项目1号》尚无省总工会评审后的拟评等级，省总工会公示只列拟评三等奖以上的项目"
    );

    // Only the province's admins propose.
    let (status, _) = propose(&app, &c.tokens.city, c.projects[0], "first").await;
    assert_eq!(status, 403, "the city sees the project but may not grade it");
    let (status, _) = propose(&app, &province, c.projects[0], "一等").await;
    assert_eq!(status, 400, "the API takes the grade codes only");
    let (status, body) = propose(&app, &province, c.projects[0], "merit").await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = propose(&app, &province, c.projects[1], "third").await;
    assert_eq!(status, 201, "{body}");

    let err = generate(&app.db, &req(&c.projects[..2]), app.clock_now()).await.unwrap_err();
    assert_eq!(refusal(err), "项目《链条测试项目1号》拟评优秀奖，省总工会公示只列拟评三等奖以上的项目");
    let notice = generate(&app.db, &req(&c.projects[1..2]), app.clock_now()).await.unwrap().notice_id;
    gongshi::notices::publish::publish(
        &app.db,
        notice,
        &gongshi::notices::publish::PublishRequest::default(),
        app.clock_now(),
    )
    .await
    .unwrap();
    app.clock.set(crate::notices_support::cn(2025, 4, 10, 9, 0, 0));
    let (_, page) = app.get_text(&format!("/notices/{notice}")).await;
    assert!(page.contains("三等奖"), "the notice shows the province's grade");
    assert!(!page.contains("二等奖"), "not the grade the applicant asked for");

    let (_, record) =
        api(&app, &province, reqwest::Method::GET, &format!("/api/v1/admin/projects/{}", c.projects[1]), None).await;
    assert_eq!(record["review_grade"], "third");
    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("project.review_grade"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 2);
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok());
    app.db.execute_unprepared("UPDATE review_grades SET grade = 'first'").await.unwrap();
    let failure = gongshi::verify::verify(&app.db).await.unwrap().unwrap_err();
    assert!(failure.reason.contains("拟评等级记录"), "{}", failure.reason);
});

db_test!(the_province_proposes_the_grade_on_its_recommendation_page, |app| {
    let c = chain(&app, 1).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    let gs = app.sign_in(c.t.province, "admin", "gs-page").await;
    let (_, page) = gs.get_text("/admin/recommendations").await;
    assert!(page.contains("拟推荐等级：一等奖；拟评等级：尚未拟评"), "{page}");
    let id = c.projects[0].to_string();
    let res = gs.post_form("/admin/recommendations/review-grade", &[("project_id", &id), ("grade", "second")]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = gs.get_text("/admin/recommendations").await;
    assert!(page.contains("已记录拟评等级") && page.contains("拟评等级：二等奖"), "{page}");
    let res = gs.post_form("/admin/recommendations/review-grade", &[("project_id", &id), ("grade", "")]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("拟评等级应为特等奖、一等奖、二等奖、三等奖或优秀奖"));
});
