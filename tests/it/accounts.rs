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
