//! The admin API's errors as the document states them: a 422 names each field as the JSON
//! does (with a Chinese message), a code or username in use answers 409, an unknown reference
//! 404 — while the staff pages show the same problems under their Chinese labels.
use crate::access_matrix::project_draft;
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::{Staff, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

struct Api<'a> {
    app: &'a TestApp,
    token: String,
}

impl Api<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.app.client.request(method, self.app.url(path)).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect()).unwrap_or_default()
}

async fn province_admin(app: &TestApp) -> (i32, Staff, Api<'_>) {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let admin = app.sign_in(province, "admin", "gsadmin").await;
    let token = app.api_token(admin.user_id).await;
    (province, admin, Api { app, token })
}

db_test!(a_unit_error_names_the_json_field_and_a_taken_code_is_a_conflict, |app| {
    let (province, admin, api) = province_admin(&app).await;
    let unit = json!({"kind": "city", "name": "武威市总工会", "code": "WW"});
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/units", Some(unit.clone())).await;
    assert_eq!((status, fields(&problem)), (422, vec!["parent_id"]), "{problem}");
    assert_eq!(problem["errors"][0]["message"], "请选择上级单位");

    let bad = json!({"parent_id": province, "kind": "city", "name": " ", "code": "-WW", "contact_email": "x@y"});
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/units", Some(bad)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["name", "code", "contact_email"]), "{problem}");

    let mut good = unit;
    good["parent_id"] = province.into();
    let (status, created) = api.send(Method::POST, "/api/v1/admin/units", Some(good.clone())).await;
    assert_eq!(status, 201, "{created}");
    good["code"] = "ww".into();
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/units", Some(good)).await;
    assert_eq!((status, fields(&problem)), (409, vec!["code"]), "{problem}");
    assert_eq!(problem["errors"][0]["message"], "“WW”已被其他单位使用");

    // The page says the same under the label beside the input.
    let form =
        [("parent_id", province.to_string()), ("kind", "city".into()), ("name", "武威".into()), ("code", "WW".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = admin.post_form("/admin/units", &form).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("单位代码：“WW”已被其他单位使用"), "{page}");
});

db_test!(user_and_token_errors_name_the_json_field, |app| {
    let (province, admin, api) = province_admin(&app).await;
    let user = |username: &str, unit_id: i32| json!({"unit_id": unit_id, "username": username, "display_name": "王颖娟", "role": "viewer", "password": "Gansu-2025-pass"});
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/users", Some(user("ab", province))).await;
    assert_eq!((status, fields(&problem)), (422, vec!["username"]), "{problem}");
    let (status, _) = api.send(Method::POST, "/api/v1/admin/users", Some(user("wangyj", province))).await;
    assert_eq!(status, 201);
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/users", Some(user("WangYJ", province))).await;
    assert_eq!((status, fields(&problem)), (409, vec!["username"]), "{problem}");
    let (status, _) = api.send(Method::POST, "/api/v1/admin/users", Some(user("nobody", province + 100))).await;
    assert_eq!(status, 404, "an unknown unit");
    let me = format!("/api/v1/admin/users/{}", admin.user_id);
    let demote = json!({"display_name": "测试", "role": "viewer", "is_active": true});
    let (status, problem) = api.send(Method::PUT, &me, Some(demote)).await;
    assert_eq!((status, problem["title"].as_str()), (409, Some("不能停用自己的账号或更改自己的角色")));

    let (status, problem) = api.send(Method::POST, "/api/v1/admin/tokens", Some(json!({"name": "  "}))).await;
    assert_eq!(status, 403, "a token makes no tokens, whatever it asks for: {problem}");
    let res = admin.post_form("/admin/tokens", &[("name", "  ")]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("用途：请填写令牌用途"));

    let (status, problem) = api.send(Method::GET, "/api/v1/admin/audit?page=0", None).await;
    assert_eq!((status, fields(&problem)), (422, vec!["page"]), "{problem}");
    let (status, listing) = api.send(Method::GET, "/api/v1/admin/audit?page=999", None).await;
    assert_eq!((status, listing["page"].as_u64()), (200, Some(1)), "past the end: the last page");
});

db_test!(a_project_body_is_held_to_its_schema, |app| {
    let (_, _, api) = province_admin(&app).await;
    let campaign = CampaignFixture::new("2025").title("2025年度职工技术成果征集").insert(&app).await;
    let mut body = serde_json::to_value(project_draft("API-1", "接口新建项目")).unwrap();
    body["campaign_id"] = (campaign + 100).into();
    let (status, _) = api.send(Method::POST, "/api/v1/admin/projects", Some(body.clone())).await;
    assert_eq!(status, 404, "an unknown campaign");
    body["campaign_id"] = campaign.into();
    body["colour"] = "red".into();
    let (status, _) = api.send(Method::POST, "/api/v1/admin/projects", Some(body.clone())).await;
    assert_eq!(status, 400, "unknown fields are refused");
    body.as_object_mut().unwrap().remove("colour");
    body["completing_units"] = json!(["甲公司", " "]);
    body["completers"][0]["workload"] = Value::Null;
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/projects", Some(body.clone())).await;
    assert_eq!((status, fields(&problem)), (422, vec!["completing_units[1]", "completers[0].workload"]), "{problem}");
    // Longer than a PostgreSQL column holds: a 422 naming the field, never a 500.
    body["completing_units"] = json!(["甲公司"]);
    body["completers"][0]["workload"] = "60%".into();
    body["completers"][0]["id_number"] = "6".repeat(300).into();
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/projects", Some(body.clone())).await;
    assert_eq!((status, fields(&problem)), (422, vec!["completers[0].id_number"]), "{problem}");
    body["completers"][0]["id_number"] = Value::Null;
    let (status, created) = api.send(Method::POST, "/api/v1/admin/projects", Some(body.clone())).await;
    assert_eq!(status, 201, "{created}");
    let (status, problem) = api.send(Method::POST, "/api/v1/admin/projects", Some(body)).await;
    assert_eq!((status, fields(&problem)), (409, vec!["import_key"]), "{problem}");

    let path = format!("/api/v1/admin/projects/{}", created["project"]["id"]);
    let mut draft = serde_json::to_value(project_draft("API-1", "改名")).unwrap();
    draft["campaign_id"] = campaign.into();
    let (status, _) = api.send(Method::PUT, &path, Some(draft.clone())).await;
    assert_eq!(status, 400, "a PUT body has no campaign_id");
    draft.as_object_mut().unwrap().remove("campaign_id");
    draft["name"] = " ".into();
    let (status, problem) = api.send(Method::PUT, &path, Some(draft)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["name"]), "{problem}");
});

db_test!(the_document_states_the_admin_rules, |app| {
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    // A new unit is its own fields with the details a change shares (allOf).
    let unit = schema("NewUnitSchema");
    let own = &unit["allOf"][1];
    assert_eq!(unit["allOf"][0]["$ref"], "#/components/schemas/UnitDetailsSchema", "{unit}");
    assert!(own["required"].as_array().unwrap().contains(&json!("parent_id")), "{unit}");
    let kinds = |unit: &Value| unit["allOf"][1]["properties"]["kind"]["enum"].as_array().unwrap().clone();
    assert!(!kinds(&unit).contains(&json!("province")) && kinds(&unit).contains(&json!("county")), "{unit}");
    assert!(kinds(&schema("UnitChangeSchema")).contains(&json!("province")));
    let details = schema("UnitDetailsSchema");
    assert_eq!(details["properties"]["code"]["pattern"], "^[A-Za-z0-9][A-Za-z0-9-]{0,31}$");
    assert_eq!(details["properties"]["name"]["maxLength"], 60);
    assert!(details["required"].as_array().unwrap().contains(&json!("name")), "{details}");
    assert_eq!(schema("ProjectDraft")["additionalProperties"], false);
    assert_eq!(schema("NewProject")["additionalProperties"], false);
    assert!(schema("NewProject")["required"].as_array().unwrap().contains(&json!("campaign_id")));
    let units = &doc["paths"]["/api/v1/admin/units"]["post"]["responses"];
    assert!(units["409"].is_object() && units["422"].is_object(), "{units}");
});

db_test!(text_longer_than_its_column_is_a_clear_422_not_a_500, |app| {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    // Only PostgreSQL holds text to a column's length; SQLite stores any length.
    if app.db.get_database_backend() == DatabaseBackend::Postgres {
        let sql = "UPDATE units SET contact_address = $1";
        let stmt = Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, ["长".repeat(300).into()]);
        let error: gongshi::error::AppError = app.db.execute_raw(stmt).await.unwrap_err().into();
        assert_eq!(error.status().as_u16(), 422, "{error:?}");
        assert!(format!("{error:?}").contains("内容过长"), "{error:?}");
    }
});
