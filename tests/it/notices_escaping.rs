//! A `<script>` typed into every project field comes back escaped on every public page, the
//! poster, both feeds and the API.
use crate::db_test;
use crate::notices_support::{cn, day, projects, published, result, with_text_in_every_field, world};
use gongshi::notices::Level;
use gongshi::projects::ProjectDraft;

const EVIL: &str = "<script>alert(1)</script>";

fn evil_project() -> ProjectDraft {
    with_text_in_every_field("X1", EVIL)
}

db_test!(a_script_in_every_project_field_comes_back_escaped_everywhere, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![evil_project()]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    let n2 = published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    result(&app, n2, Level::Recommender, &[(ids[0], "no_objection")]).await;
    let n3 = published(&app, &w, w.province, Level::Province, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let mut paths = vec![
        "/".to_owned(),
        "/?q=%E5%90%8D%E7%A7%B0".to_owned(),
        "/units/E-GDGS".to_owned(),
        "/campaigns/2025".to_owned(),
        "/feeds/notices.rss".to_owned(),
        "/feeds/notices.atom".to_owned(),
        "/api/v1/notices".to_owned(),
        "/api/v1/notices?q=%E5%90%8D%E7%A7%B0".to_owned(),
    ];
    for id in [n1, n2, n3] {
        paths.extend([
            format!("/notices/{id}"),
            format!("/notices/{id}/revisions/1"),
            format!("/notices/{id}/poster"),
            format!("/api/v1/notices/{id}"),
        ]);
    }
    for path in &paths {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("<script"), "{path} returns a raw script tag");
        let lists_projects = !(matches!(path.as_str(), "/" | "/units/E-GDGS" | "/campaigns/2025")
            || path.starts_with("/api/v1/notices?")
            || path == "/api/v1/notices");
        if !lists_projects {
            continue;
        }
        assert!(body.contains("名称"), "{path} shows the project: {body}");
        let escaped = body.contains("&lt;script&gt;") || body.contains("\\u003cscript\\u003e");
        assert!(escaped, "{path} does not show the text escaped");
    }
    let (_, l1) = app.get_text(&format!("/notices/{n1}")).await;
    for field in [
        "单位&lt;script",
        "完成人&lt;script",
        "贡献&lt;script",
        "工作量&lt;script",
        "关键技术&lt;script",
        "专利&lt;script",
        "ZL&lt;script",
    ] {
        assert!(l1.contains(field), "level 1 page escapes {field}");
    }
});
