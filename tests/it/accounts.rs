//! Staff accounts as a user meets them: signing in and out, passwords, sessions, tokens.
use crate::db_test;
use crate::helpers::{TEST_PASSWORD, csrf_in};

db_test!(a_staff_page_sends_the_anonymous_visitor_to_the_login_form_and_back, |app| {
    let res = app.get("/admin/account?tab=1").await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fadmin%2Faccount%3Ftab%3D1");
    let (status, page) = app.get_text("/login?next=%2Fadmin%2Faccount").await;
    assert_eq!(status, 200);
    assert!(page.contains("工作人员登录"));
    assert!(page.contains("value=\"&#x2F;admin&#x2F;account\""), "the form carries next");
});

db_test!(a_staff_member_signs_in_sees_the_dashboard_and_signs_out, |app| {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let staff = app.sign_in(province, "admin", "wangyj").await;
    let (status, page) = staff.get_text("/admin").await;
    assert_eq!(status, 200);
    assert!(page.contains("工作台"));
    assert!(page.contains("甘肃省总工会"));
    assert!(page.contains("测试wangyj"));
    let token = csrf_in(&page);
    let res = staff.client.post(staff.url("/logout")).form(&[("_csrf", token)]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(staff.get("/admin").await.status().as_u16(), 303, "signed out");
});

db_test!(a_wrong_password_is_refused_without_saying_which_part_was_wrong, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "viewer", "zhaoyu").await;
    let (_, page) = app.get_text("/login").await;
    let token = csrf_in(&page);
    let form = [("_csrf", token.as_str()), ("username", "zhaoyu"), ("password", "wrong-password-1")];
    let res = app.client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("用户名或密码错误"));
    let form = [("_csrf", token.as_str()), ("username", "nobody"), ("password", TEST_PASSWORD)];
    let res = app.client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("用户名或密码错误"));
});

/// Runs the real `gongshi` binary against the test database.
fn gongshi_cli(app: &crate::helpers::TestApp, args: &[&str], password: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(args)
        .arg("--database")
        .arg(&app.database_url)
        .env("GONGSHI_PASSWORD", password)
        .env_remove("GONGSHI_DATABASE_URL")
        .output()
        .expect("gongshi runs")
}

db_test!(a_new_install_has_no_account_until_the_command_line_creates_the_first_admin, |app| {
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(entity::users::Entity::find().count(&app.db).await.unwrap(), 0, "no default account");
    let (_, page) = app.get_text("/login").await;
    let form = [("_csrf", csrf_in(&page)), ("username", "admin".into()), ("password", "admin".into())];
    assert_eq!(app.client.post(app.url("/login")).form(&form).send().await.unwrap().status().as_u16(), 422);

    let out = gongshi_cli(
        &app,
        &["user", "add", "--unit", "GS", "--unit-name", "甘肃省总工会", "--username", "wangyj", "--name", "王颖娟"],
        "铜奔马-2025-province",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已创建账号 wangyj"));
    let out = gongshi_cli(&app, &["user", "add", "--unit", "GS", "--username", "weak", "--name", "弱"], "123");
    assert!(!out.status.success(), "a weak password is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("至少10个字符"));

    // The admin builds the tree and the users from the browser.
    let admin = crate::helpers::Staff::for_existing(&app, "wangyj", "铜奔马-2025-province");
    assert_eq!(admin.login("铜奔马-2025-province").await.status().as_u16(), 303);
    let province: i32 = {
        let (status, page) = admin.get_text("/admin/units").await;
        assert_eq!(status, 200);
        assert!(page.contains("甘肃省总工会"));
        let (_, new_form) = admin.get_text("/admin/units/new").await;
        new_form.split("<option value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap()
    };
    let res = admin
        .post_form(
            "/admin/units",
            &[
                ("parent_id", &province.to_string()),
                ("name", "武威市总工会"),
                ("code", "ww"),
                ("kind", "city"),
                ("contact_person", "王宝龙"),
                ("contact_phone", "0935-5810529"),
                ("contact_email", "wwghfbb@163.com"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (_, unit_page) = admin.get_text(&location).await;
    assert!(unit_page.contains("武威市总工会") && unit_page.contains("0935-5810529") && unit_page.contains("WW"));
    let city: i32 = location.rsplit('/').next().unwrap().parse().unwrap();

    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("unit_id", &city.to_string()),
                ("display_name", "王宝龙"),
                ("username", "wangbl"),
                ("role", "admin"),
                ("password", "武威-Liangzhou-2025"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, users) = admin.get_text("/admin/users").await;
    assert!(users.contains("王宝龙") && users.contains("武威市总工会") && users.contains("单位管理员"));

    let city_admin = crate::helpers::Staff::for_existing(&app, "wangbl", "武威-Liangzhou-2025");
    assert_eq!(city_admin.login("武威-Liangzhou-2025").await.status().as_u16(), 303);
    let (status, dash) = city_admin.get_text("/admin").await;
    assert_eq!(status, 200);
    assert!(dash.contains("武威市总工会"));
});

db_test!(the_setup_link_creates_the_first_admin_once_and_then_dies, |app| {
    let backend = app.backend;
    drop(app);
    let (link, app) = crate::helpers::TestApp::spawn_with_setup_link(backend).await;
    let link = link.expect("a new install prints a setup link");
    let path = link.split_once("/setup/").map(|(_, t)| format!("/setup/{t}")).unwrap();
    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("创建首个管理员"));
    let token = csrf_in(&page);
    let form = [
        ("_csrf", token.as_str()),
        ("unit_name", "甘肃省总工会"),
        ("unit_code", "GS"),
        ("display_name", "徐俊"),
        ("username", "xujun"),
        ("password", "省总-Lanzhou-2025"),
        ("confirm_password", "省总-Lanzhou-2025"),
    ];
    let res = app.client.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/admin");
    let (status, dash) = app.get_text("/admin").await;
    assert_eq!(status, 200, "signed in by the setup");
    assert!(dash.contains("甘肃省总工会") && dash.contains("徐俊"));
    assert_eq!(app.get(&path).await.status().as_u16(), 404, "the link is dead");
    let again = crate::helpers::browser();
    assert_eq!(again.get(app.url(&path)).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(app.get("/setup/00112233").await.status().as_u16(), 404);
});

db_test!(wrong_passwords_are_throttled_per_account_and_allowed_again_later, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "target").await;
    let (_, page) = app.get_text("/login").await;
    let token = csrf_in(&page);
    let attempt = |password: &'static str| {
        let form = [("_csrf", token.clone()), ("username", "Target".to_owned()), ("password", password.to_owned())];
        app.client.post(app.url("/login")).form(&form).send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess-guess-1").await.unwrap().status().as_u16(), 422);
    }
    let res = attempt(TEST_PASSWORD).await.unwrap();
    assert_eq!(res.status().as_u16(), 429, "even the right password waits");
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("尝试次数过多"));
    app.clock.advance(chrono::Duration::minutes(15) - chrono::Duration::seconds(1));
    assert_eq!(attempt(TEST_PASSWORD).await.unwrap().status().as_u16(), 429, "held for the whole window");
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        attempt(TEST_PASSWORD).await.unwrap().status().as_u16(),
        303,
        "free once the first failure is 15 minutes old"
    );
});

db_test!(one_client_guessing_many_accounts_is_throttled_by_its_address, |app| {
    let (_, page) = app.get_text("/login").await;
    let token = csrf_in(&page);
    let mut statuses = Vec::new();
    for i in 0..21 {
        let form =
            [("_csrf", token.clone()), ("username", format!("user{i}")), ("password", "guess-guess-1".to_owned())];
        statuses.push(app.client.post(app.url("/login")).form(&form).send().await.unwrap().status().as_u16());
    }
    assert!(statuses[..20].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[20], 429);
});

db_test!(changing_the_password_ends_every_other_session, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let desk = app.sign_in(unit, "viewer", "liming").await;
    let phone = crate::helpers::Staff::for_existing(&app, "liming", TEST_PASSWORD);
    assert_eq!(phone.login(TEST_PASSWORD).await.status().as_u16(), 303);
    assert_eq!(phone.get("/admin").await.status().as_u16(), 200);

    let res = desk
        .post_form(
            "/admin/account/password",
            &[
                ("current_password", "wrong-current-1"),
                ("new_password", "新密码-Gansu-2025"),
                ("confirm_password", "新密码-Gansu-2025"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("当前密码不正确"));

    let res = desk
        .post_form(
            "/admin/account/password",
            &[
                ("current_password", TEST_PASSWORD),
                ("new_password", "新密码-Gansu-2025"),
                ("confirm_password", "新密码-Gansu-2025"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let (status, page) = desk.get_text("/admin/account").await;
    assert_eq!(status, 200, "the session that changed it stays");
    assert!(page.contains("其他设备上的登录已全部失效"));
    assert_eq!(phone.get("/admin").await.status().as_u16(), 303, "the other session is dead");
    assert_eq!(phone.login(TEST_PASSWORD).await.status().as_u16(), 422, "the old password is dead");
    assert_eq!(phone.login("新密码-Gansu-2025").await.status().as_u16(), 303);
});

db_test!(a_sign_in_lasts_twelve_hours, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let staff = app.sign_in(unit, "viewer", "liming").await;
    app.clock.advance(chrono::Duration::hours(12) - chrono::Duration::seconds(1));
    assert_eq!(staff.get("/admin").await.status().as_u16(), 200);
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(staff.get("/admin").await.status().as_u16(), 303);
});

db_test!(a_deactivated_user_is_out_at_once_with_their_tokens, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let admin = app.sign_in(unit, "admin", "boss").await;
    let clerk = app.sign_in(unit, "handler", "clerk").await;
    let token = app.api_token(clerk.user_id).await;
    let api = |t: String| app.client.get(app.url("/api/v1/admin/units")).bearer_auth(t).send();
    assert_eq!(api(token.clone()).await.unwrap().status().as_u16(), 200);
    let res = admin
        .post_form(&format!("/admin/users/{}", clerk.user_id), &[("display_name", "测试clerk"), ("role", "handler")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(clerk.get("/admin").await.status().as_u16(), 303);
    assert_eq!(clerk.login(TEST_PASSWORD).await.status().as_u16(), 422);
    assert_eq!(api(token).await.unwrap().status().as_u16(), 401);
    let res = admin
        .post_form(
            &format!("/admin/users/{}", admin.user_id),
            &[("display_name", "x"), ("role", "viewer"), ("is_active", "on")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "nobody demotes themselves");
});

db_test!(an_api_token_works_until_it_is_revoked, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let staff = app.sign_in(unit, "viewer", "reader").await;
    let res = staff.post_form("/admin/tokens", &[("name", "数据同步")]).await;
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.unwrap();
    let secret = page.split("<p class=\"secret\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_owned();
    assert!(secret.starts_with("gst_"));
    let (_, later) = staff.get_text("/admin/tokens").await;
    assert!(!later.contains(&secret), "shown once");
    assert!(later.contains("数据同步"));

    let call = || app.client.get(app.url("/api/v1/admin/units")).bearer_auth(&secret).send();
    let res = call().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let units: serde_json::Value = res.json().await.unwrap();
    assert_eq!(units[0]["unit"]["name"], "甘肃省总工会");

    let id: i32 = later.split("/admin/tokens/").nth(1).and_then(|s| s.split('/').next()).unwrap().parse().unwrap();
    assert_eq!(staff.post_form(&format!("/admin/tokens/{id}/revoke"), &[]).await.status().as_u16(), 303);
    let res = call().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let none = app.client.get(app.url("/api/v1/admin/units")).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 401, "no token, no access");
});

db_test!(staff_actions_are_in_the_audit_log_with_who_when_and_where, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let admin = app.sign_in(unit, "admin", "boss").await;
    admin.post_form("/admin/tokens", &[("name", "审计测试")]).await;
    let (status, log) = admin.get_text("/admin/audit").await;
    assert_eq!(status, 200);
    assert!(log.contains("auth.login") && log.contains("token.create") && log.contains("审计测试"));
    assert!(log.contains("127.0.0.1"));
    assert!(log.contains("测试boss（boss）"));
    let viewer = app.sign_in(unit, "viewer", "reader").await;
    assert_eq!(viewer.get("/admin/audit").await.status().as_u16(), 403);
});

db_test!(the_admin_api_of_units_users_tokens_audit_and_projects_is_in_the_openapi_document, |app| {
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["components"]["securitySchemes"]["bearer_token"]["scheme"], "bearer");
    let ours = [
        "/api/v1/admin/units",
        "/api/v1/admin/users",
        "/api/v1/admin/tokens",
        "/api/v1/admin/audit",
        "/api/v1/admin/projects",
    ];
    let mut missing = Vec::new();
    for route in gongshi::routes::staff_routes().all() {
        if !ours.iter().any(|p| route.pattern.starts_with(p)) {
            continue;
        }
        let op = &doc["paths"][&route.pattern][route.method.to_lowercase()];
        if op.is_null() {
            missing.push(format!("{} {}", route.method, route.pattern));
        } else {
            assert!(
                op["security"][0].get("bearer_token").is_some(),
                "{} {} needs the bearer token",
                route.method,
                route.pattern
            );
        }
    }
    assert!(missing.is_empty(), "admin API routes missing from /api/openapi.json: {missing:?}");
});
