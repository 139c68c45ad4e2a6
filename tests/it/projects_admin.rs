//! Project administration as a unit's staff use it: the list, editing one project, importing a
//! file through a preview, and the admin API.
use crate::access_matrix::project_draft;
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::{Staff, TestApp};

struct Setup {
    campaign: i32,
    county: i32,
    city: i32,
    admin: Staff,
}

async fn setup(app: &TestApp) -> Setup {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let county = app.create_unit(Some(city), "county", "WW-LZ", "凉州区总工会").await;
    let campaign = CampaignFixture::new("2025").title("2025年度职工技术成果征集").insert(app).await;
    let admin = app.sign_in(county, "admin", "lzadmin").await;
    Setup { campaign, county, city, admin }
}

const CSV_HEADER: &str = "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,知识产权,申报条件,无不得推荐情形声明";

async fn upload(staff: &Staff, campaign: i32, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = staff.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", token)
        .text("campaign_id", campaign.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    staff.client.post(staff.url("/admin/projects/import")).multipart(form).send().await.unwrap()
}

db_test!(an_import_is_previewed_and_stored_only_when_confirmed, |app| {
    let s = setup(&app).await;
    let csv = format!(
        "{CSV_HEADER}\nLZ-01,智能灌溉控制系统,凉州区某农业公司,张喆,系统设计,占60%,滴灌与土壤墒情联动控制,专利：一种滴灌装置（ZL202421234567.8）,2,是\n"
    );
    let res = upload(&s.admin, s.campaign, "projects.csv", csv.into_bytes()).await;
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("预览") && page.contains("智能灌溉控制系统") && page.contains("张喆"), "{page}");
    let (_, list) = s.admin.get_text("/admin/projects").await;
    assert!(!list.contains("智能灌溉控制系统"), "nothing stored before the confirmation");

    let action =
        page.split("action=\"/admin/projects/import/").nth(1).and_then(|x| x.split('"').next()).unwrap().to_owned();
    let res = s.admin.post_form(&format!("/admin/projects/import/{action}"), &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, list) = s.admin.get_text(res.headers()["location"].to_str().unwrap()).await;
    assert!(list.contains("导入完成：新增 1 项，更新 0 项"));
    assert!(list.contains("智能灌溉控制系统") && list.contains("凉州区总工会"));
    let again = s.admin.post_form(&format!("/admin/projects/import/{action}"), &[]).await;
    assert_eq!(again.status().as_u16(), 404, "a preview is confirmed once");
});

db_test!(a_file_with_bad_rows_shows_every_row_error_and_stores_nothing, |app| {
    let s = setup(&app).await;
    let csv = format!(
        "{CSV_HEADER}\nLZ-01,,凉州区某公司,张三,设计,60%,技术,,2,是\nLZ-02,好项目,凉州区某公司,李四,设计,60%,技术,,9,否\n"
    );
    let res = upload(&s.admin, s.campaign, "bad.csv", csv.into_bytes()).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("未导入任何项目"));
    assert!(page.contains("第2行") && page.contains("项目名称"), "{page}");
    assert!(page.contains("第3行") && page.contains("申报条件"), "{page}");
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(entity::projects::Entity::find().count(&app.db).await.unwrap(), 0);
});

db_test!(a_unit_admin_edits_the_registration_fields_and_mistakes_come_back_in_chinese, |app| {
    let s = setup(&app).await;
    let ids =
        gongshi::imports::store(&app.db, s.campaign, s.county, vec![project_draft("LZ-9", "旧名称")], app.clock_now())
            .await
            .unwrap()
            .project_ids;
    let id = ids[0];
    let (status, form) = s.admin.get_text(&format!("/admin/projects/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(form.contains("旧名称") && form.contains("靶子完成人"));
    let fields = [
        ("name", "光伏板清扫机器人"),
        ("completing_units", "凉州区某能源公司\n武威某研究所"),
        ("c0_name", "赵旻"),
        ("c0_contribution", "总体方案"),
        ("c0_workload", "50%"),
        ("c1_name", "钱喆"),
        ("c1_contribution", "控制算法"),
        ("c1_workload", "30%"),
        ("key_technology", "无水清扫"),
        ("ip0_kind", "patent"),
        ("ip0_title", "一种清扫装置"),
        ("ip0_reference", "ZL202420000001.2"),
        ("eligibility", "2"),
        ("exclusions_declared", "on"),
        ("proposed_grade", "third"),
    ];
    let res = s.admin.post_form(&format!("/admin/projects/{id}"), &fields).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, show) = s.admin.get_text(&format!("/admin/projects/{id}")).await;
    assert!(
        show.contains("光伏板清扫机器人")
            && show.contains("武威某研究所")
            && show.contains("钱喆")
            && show.contains("三等奖")
    );
    assert!(show.contains("LZ-9"), "the 申报编号 stays");

    let res = s
        .admin
        .post_form(
            &format!("/admin/projects/{id}"),
            &[("name", "<b>新</b>"), ("c0_name", "赵旻"), ("eligibility", "7")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("至少填写一个完成单位") && page.contains("前三位完成人须填写贡献") && page.contains("申报条件")
    );
    assert!(page.contains("&lt;b&gt;新&lt;&#x2F;b&gt;"), "what was typed is kept, escaped");
});

db_test!(the_parent_sees_a_project_only_once_it_is_recommended_to_it, |app| {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let s = setup(&app).await;
    let now = app.clock_now();
    let ids = gongshi::imports::store(
        &app.db,
        s.campaign,
        s.county,
        vec![project_draft("A", "留在本级的项目"), project_draft("B", "已推荐的项目")],
        now,
    )
    .await
    .unwrap()
    .project_ids;
    entity::recommendations::ActiveModel {
        project_id: Set(ids[1]),
        from_unit_id: Set(s.county),
        to_unit_id: Set(s.city),
        level: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let city = app.sign_in(s.city, "viewer", "wwviewer").await;
    let (_, list) = city.get_text("/admin/projects").await;
    assert!(list.contains("已推荐的项目") && !list.contains("留在本级的项目"), "{list}");
    assert_eq!(city.get(&format!("/admin/projects/{}", ids[0])).await.status().as_u16(), 404);
    assert_eq!(city.get(&format!("/admin/projects/{}", ids[1])).await.status().as_u16(), 200);
    assert_eq!(city.get(&format!("/admin/projects/{}/edit", ids[1])).await.status().as_u16(), 403);
});

db_test!(the_admin_api_lists_creates_updates_and_imports_projects, |app| {
    let s = setup(&app).await;
    let token = app.api_token(s.admin.user_id).await;
    let api = |method: reqwest::Method, path: &str| app.client.request(method, app.url(path)).bearer_auth(&token);
    let mut body = serde_json::to_value(project_draft("API-1", "接口新建项目")).unwrap();
    body["campaign_id"] = s.campaign.into();
    let res = api(reqwest::Method::POST, "/api/v1/admin/projects").json(&body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let created: serde_json::Value = res.json().await.unwrap();
    let id = created["project"]["id"].as_i64().unwrap();
    let again = api(reqwest::Method::POST, "/api/v1/admin/projects").json(&body).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 409, "the same 申报编号 twice");

    let mut draft = serde_json::to_value(project_draft("API-1", "接口修改后的项目")).unwrap();
    draft["completers"][0]["name"] = "孙赟".into();
    let res = api(reqwest::Method::PUT, &format!("/api/v1/admin/projects/{id}")).json(&draft).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let got: serde_json::Value =
        api(reqwest::Method::GET, &format!("/api/v1/admin/projects/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["project"]["name"], "接口修改后的项目");
    assert_eq!(got["completers"][0]["name"], "孙赟");
    assert_eq!(got["can_edit"], true);

    let file = serde_json::to_vec(&vec![project_draft("API-2", "接口导入项目")]).unwrap();
    let path = format!("/api/v1/admin/projects/import?campaign_id={}&dry_run=true", s.campaign);
    let res = api(reqwest::Method::POST, &path)
        .header("content-type", "application/json")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    let dry: serde_json::Value = res.json().await.unwrap();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["count"], 1);
    let list: serde_json::Value =
        api(reqwest::Method::GET, "/api/v1/admin/projects").send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "a dry run stores nothing");
    let path = format!("/api/v1/admin/projects/import?campaign_id={}", s.campaign);
    let res =
        api(reqwest::Method::POST, &path).header("content-type", "application/json").body(file).send().await.unwrap();
    let done: serde_json::Value = res.json().await.unwrap();
    assert_eq!(done["created"], 1);
    let bad = api(reqwest::Method::POST, &path)
        .header("content-type", "text/csv")
        .body(format!("{CSV_HEADER}\nX,名,单位,人,贡献,量,技术,,9,是\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = bad.json().await.unwrap();
    assert!(problem["errors"].as_array().is_some_and(|e| !e.is_empty()));
});
