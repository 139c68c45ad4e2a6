//! Public pages follow every change to what they show, whoever makes it: the staff pages and
//! API (seen at once), and a write that bypasses this process entirely — another instance, or
//! SQL run by hand — seen within the listing's check interval. A rename that keeps a unit's
//! name the same length is the case a fingerprint of counts and lengths could not see.
use crate::helpers::{TestApp, backends};
use entity::units;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The unit of a notice open on the demo's home page, with its name.
async fn unit_on_home_page(app: &TestApp) -> units::Model {
    let (_, home) = app.get_text("/").await;
    let all = units::Entity::find().all(&app.db).await.unwrap();
    let mut shown: Vec<units::Model> = all.into_iter().filter(|u| home.contains(&u.name)).collect();
    shown.sort_by_key(|u| std::cmp::Reverse(u.name.chars().count()));
    shown.into_iter().find(|u| u.parent_id.is_some()).expect("a unit's name on the home page")
}

/// The same number of characters and bytes, and a name nobody has.
fn renamed(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == '甲' { '乙' } else { '甲' };
    chars.into_iter().collect()
}

#[actix_web::test]
async fn renaming_a_unit_through_the_staff_api_shows_on_the_home_page_at_once() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let unit = unit_on_home_page(&app).await;
        let new_name = renamed(&unit.name);
        assert_eq!(new_name.len(), unit.name.len());
        let root = units::Entity::find().filter(units::Column::ParentId.is_null()).one(&app.db).await.unwrap().unwrap();
        let admin = app.create_user(root.id, "admin", "fresh-admin").await;
        let token = app.api_token(admin).await;
        let body = serde_json::json!({
            "kind": unit.kind, "name": new_name, "short_name": unit.short_name, "code": unit.code,
            "contact_person": unit.contact_person, "contact_phone": unit.contact_phone,
            "contact_email": unit.contact_email, "contact_address": unit.contact_address,
        });
        let res = app
            .client
            .put(app.url(&format!("/api/v1/admin/units/{}", unit.id)))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend:?}: {}", res.text().await.unwrap());

        let (_, home) = app.get_text("/").await;
        assert!(home.contains(&new_name), "{backend:?}: the home page shows the new name at once");
        assert!(!home.contains(&unit.name), "{backend:?}: and no longer the old one");
    }
}

#[actix_web::test]
async fn a_rename_written_by_another_instance_shows_within_the_check_interval() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let unit = unit_on_home_page(&app).await;
        let new_name = renamed(&unit.name);
        let before = gongshi::db::public_generation(&app.db).await.unwrap();
        // As another instance (or an operator's SQL) would: not through this process's writer.
        let sql = format!("UPDATE units SET name = '{new_name}' WHERE id = {}", unit.id);
        app.db.execute_unprepared(&sql).await.unwrap();
        assert!(gongshi::db::public_generation(&app.db).await.unwrap() > before, "{backend:?}: the trigger counted it");

        std::thread::sleep(gongshi::notices::public_listing::CHECK_EVERY + std::time::Duration::from_millis(100));
        let (_, home) = app.get_text("/").await;
        assert!(home.contains(&new_name), "{backend:?}: the home page follows another instance's write");
    }
}

#[actix_web::test]
async fn writes_the_public_never_sees_leave_the_public_generation_alone() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let before = gongshi::db::public_generation(&app.db).await.unwrap();
        let root = units::Entity::find().filter(units::Column::ParentId.is_null()).one(&app.db).await.unwrap().unwrap();
        app.create_user(root.id, "viewer", "quiet").await;
        assert_eq!(
            gongshi::db::public_generation(&app.db).await.unwrap(),
            before,
            "{backend:?}: an account is not public"
        );
    }
}

/// A commit makes this process's public caches read the database again only when it changed
/// something the public sees. The mail sender commits many times a second while a notice's
/// subscribers are told; each commit used to make the next readers wait for that read.
#[actix_web::test]
async fn only_a_commit_that_changes_what_the_public_sees_makes_the_caches_look_again() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let unit = unit_on_home_page(&app).await;

        let txn = gongshi::db::begin_write(&app.db).await.unwrap();
        txn.execute_unprepared("UPDATE users SET session_epoch = session_epoch + 1").await.unwrap();
        assert!(!txn.commit().await.unwrap(), "{backend:?}: accounts are not public");

        let new_name = renamed(&unit.name);
        let txn = gongshi::db::begin_write(&app.db).await.unwrap();
        let sql = format!("UPDATE units SET name = '{new_name}' WHERE id = {}", unit.id);
        txn.execute_unprepared(&sql).await.unwrap();
        assert!(txn.commit().await.unwrap(), "{backend:?}: a unit's name is public");
        let (_, home) = app.get_text("/").await;
        assert!(home.contains(&new_name), "{backend:?}: the home page shows it at once, without waiting for the check");
    }
}

/// A row holding a code this version does not know (corrupt, or written by a newer version)
/// is refused loudly: never shown as something it is not. A notice whose state reads
/// `archived` used to be read as a draft and silently vanish.
#[actix_web::test]
async fn a_stored_code_this_version_does_not_know_is_an_error_not_a_guess() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let notice = entity::notices::Entity::find()
            .filter(entity::notices::Column::State.eq("published"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let (status, _) = app.get_text(&format!("/notices/{}", notice.id)).await;
        assert_eq!(status, 200);
        let sql = format!("UPDATE notices SET state = 'archived' WHERE id = {}", notice.id);
        app.db.execute_unprepared(&sql).await.unwrap();
        std::thread::sleep(gongshi::notices::cache::STATE_TTL + std::time::Duration::from_millis(100));
        let (status, page) = app.get_text(&format!("/notices/{}", notice.id)).await;
        assert_eq!(status, 500, "{backend:?}: not a 404 as if it were a draft");
        assert!(page.contains("服务器内部错误"), "{backend:?}: {page}");
    }
}
