//! The submission package (报送材料): what a recommending unit prints and e-mails up — each
//! recommended project's 登记表, its 推荐汇总表 and the reports the recommendations rest on — read
//! back as the unit above would: PDF text page by page, the QR codes, the zip's files.
use crate::db_test;
use crate::notices_support::{cn, day};
use crate::reports_support::*;
use gongshi::notices::Level;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

fn page_texts(pdf: &[u8]) -> Vec<String> {
    pdf_text(pdf).split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).collect()
}

fn zip_files(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).expect("an entry");
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut out).expect("read");
            (file.name().to_owned(), out)
        })
        .collect()
}

async fn personal_data_prints(app: &crate::helpers::TestApp) -> usize {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("project.personal_data.view"))
        .all(&app.db)
        .await
        .expect("audit rows")
        .len()
}

db_test!(a_city_prints_one_package_with_contents_forms_summary_and_its_report, |app| {
    let c = chain(&app, 3).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    let city = app.sign_in(c.t.city, "admin", "ww-admin").await;
    let res = city.get("/admin/recommendations/package.pdf").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment") && disposition.contains("package.pdf"), "{disposition}");
    let pdf = res.bytes().await.unwrap().to_vec();
    let pages = page_texts(&pdf);
    assert_eq!(pages.len() % 2, 0, "whole sheets for double-sided printing");

    let cover = &pages[0];
    assert!(cover.contains("2025年度甘肃省职工技术成果征集活动报送材料"), "{cover}");
    assert!(cover.contains("推荐单位：武威市总工会") && cover.contains("报送至：甘肃省总工会"), "{cover}");
    assert!(!cover.contains("未列入的项目"), "nothing is left out");
    // Each project's 登记表 starts on a right-hand page that carries its package page number.
    for n in 1..=3 {
        let name = format!("链条测试项目{n}号");
        let entry = format!("登记表：{name}");
        assert!(cover.contains(&entry), "{entry} listed: {cover}");
        let start = pages
            .iter()
            .position(|p| p.contains("甘肃省职工优秀技术创新成果登记表") && p.contains(&name))
            .unwrap_or_else(|| panic!("{name} has a form"));
        assert_eq!(start % 2, 0, "{name}'s form starts on page {}, a right-hand page", start + 1);
        let form = &pages[start];
        assert!(form.contains(&format!("报送材料第{}页", start + 1)), "{form}");
        for field in
            ["武威市农业科学研究院", "张喆", "提出总体方案", "占项目工作量40%", "节水28%", "（三）技术革新和技术攻关"]
        {
            assert!(pages[start..].iter().take(2).any(|p| p.contains(field)), "{name}'s form shows {field}");
        }
        assert!(
            pages[start..]
                .iter()
                .take(2)
                .any(|p| p.contains("存在知识产权争议的") && p.contains("武威市总工会（盖章）"))
        );
        // The sending unit's own admin prints the completers' phone and ID numbers.
        assert!(pages[start..].iter().take(2).any(|p| p.contains("620602198001011234") && p.contains("13909350001")));
    }
    let summary = pages.iter().position(|p| p.contains("推荐汇总表") && p.contains("填表日期")).expect("the summary");
    assert!(pages[summary].contains("链条测试项目3号") && pages[summary].contains("2025年3月24日至2025年3月28日"));
    let sizes = pdf_page_sizes(&pdf);
    assert!(sizes[summary].0 > sizes[summary].1, "the summary is landscape: {:?}", sizes[summary]);
    // The city's own 推荐单位公示 report, whose QR code leads to its verify page.
    let (_, overview) = api(&app, &c.tokens.city, reqwest::Method::GET, "/api/v1/admin/recommendations", None).await;
    let code = overview["sent"][0]["report_code"].as_str().unwrap().to_owned();
    assert!(cover.contains(&format!("公示结果报告（{code}）")), "{cover}");
    assert!(pages.iter().any(|p| p.contains("公示结果的报告") && p.contains(&code)));
    assert!(pdf_qr_codes(&pdf).iter().any(|q| q.ends_with(&format!("/reports/{code}"))), "the report's QR reads back");
    assert_eq!(personal_data_prints(&app).await, 3, "each form's personal data print is audited");
});

db_test!(only_the_sending_units_admins_see_personal_data_and_others_cannot_have_the_package_at_all, |app| {
    let c = chain(&app, 1).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    // The city's handler and the province (above it) may read the package, without ID numbers.
    let handler = app.sign_in(c.t.city, "handler", "ww-handler").await;
    let pdf = handler.get("/admin/recommendations/package.pdf").await.bytes().await.unwrap().to_vec();
    let text = page_texts(&pdf).join("");
    assert!(text.contains("链条测试项目1号") && text.contains("张喆"), "the form is there");
    assert!(!text.contains("620602198001011234") && !text.contains("13909350001"), "but no personal data");
    let province = app.sign_in(c.t.province, "admin", "gs-admin").await;
    let res = province.get(&format!("/admin/recommendations/package.pdf?unit={}", c.t.city)).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(!page_texts(&res.bytes().await.unwrap()).join("").contains("620602198001011234"));
    assert_eq!(personal_data_prints(&app).await, 0);
    // A unit beside or below may not.
    let sibling = app.sign_in(c.t.sibling, "admin", "rl-admin").await;
    let res = sibling.get(&format!("/admin/recommendations/package.pdf?unit={}", c.t.city)).await;
    assert!([403, 404].contains(&res.status().as_u16()), "{}", res.status());
    let county = app.sign_in(c.t.county, "admin", "lz-admin").await;
    let res = county.get(&format!("/admin/recommendations/package.zip?unit={}", c.t.city)).await;
    assert!([403, 404].contains(&res.status().as_u16()), "{}", res.status());
    // Nobody signed in gets nothing.
    let res = app.get("/admin/recommendations/package.pdf").await;
    assert!(!res.status().is_success(), "{}", res.status());
    let (status, _) = app.get_text("/api/v1/admin/recommendations/package.pdf").await;
    assert_eq!(status, 401);
});

db_test!(a_project_whose_report_no_longer_stands_is_left_out_and_named, |app| {
    let t = tree(&app).await;
    let drafts = vec![
        project("HYH-01", "仍然有效的项目", Some(gongshi::projects::Grade::First)),
        project("HYH-02", "公示被撤销的项目", Some(gongshi::projects::Grade::Second)),
    ];
    let ids = declare(&app, &t, t.enterprise, drafts).await;
    let token = admin_token(&app, t.enterprise, "hyh-admin").await;
    let kept = notice_at(&app, &t, t.enterprise, Level::Applicant, &ids[..1], day(2025, 3, 10), app.clock_now()).await;
    let voided =
        notice_at(&app, &t, t.enterprise, Level::Applicant, &ids[1..], day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 15, 9, 0, 0));
    let kept_code = issued(&app, &token, kept).await;
    let voided_code = issued(&app, &token, voided).await;
    recommend_all(&app, &token, &ids).await;
    app.clock.set(cn(2025, 3, 16, 10, 0, 0));
    let path = format!("/api/v1/admin/notices/{voided}/withdraw");
    let (status, body) =
        api(&app, &token, reqwest::Method::POST, &path, Some(json!({ "reason": "误将未审核项目列入" }))).await;
    assert_eq!(status, 204, "{body}");

    let (status, contents) =
        api(&app, &token, reqwest::Method::GET, "/api/v1/admin/recommendations/package", None).await;
    assert_eq!(status, 200, "{contents}");
    assert_eq!(contents["projects"], json!(["仍然有效的项目"]));
    assert_eq!(contents["reports"], json!([kept_code]));
    assert_eq!(contents["left_out"][0]["name"], "公示被撤销的项目");
    let reason = contents["left_out"][0]["reason"].as_str().unwrap().to_owned();
    assert!(reason.contains(&voided_code) && reason.contains("已失效") && reason.contains("撤销"), "{reason}");
    assert_eq!(contents["to_unit"], "凉州区总工会");

    let pdf_url = contents["pdf"].as_str().unwrap();
    let res = app.client.get(app.url(pdf_url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let pages = page_texts(&res.bytes().await.unwrap());
    assert!(
        pages[0].contains("未列入的项目") && pages[0].contains("公示被撤销的项目") && pages[0].contains(&voided_code)
    );
    assert!(!pages[1..].iter().any(|p| p.contains("公示被撤销的项目")), "no form, row or report of it");
    assert!(!pages.iter().any(|p| p.contains("公示结果的报告") && p.contains(&voided_code)));

    // The zip: the same package, each form, the summary as PDF and spreadsheet, the report as
    // issued (byte for byte its download), and what was left out.
    let res = app.client.get(app.url(contents["zip"].as_str().unwrap())).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let files = zip_files(&res.bytes().await.unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "报送材料-E-HYH.pdf",
            "登记表/01-仍然有效的项目.pdf",
            "推荐汇总表-E-HYH.pdf",
            "推荐汇总表-E-HYH.xlsx",
            &format!("公示结果报告/{kept_code}.pdf"),
            "未列入的项目.txt",
        ]
    );
    let (_, _, issued_pdf) = bytes(&app, &format!("/reports/{kept_code}.pdf")).await;
    assert_eq!(files[4].1, issued_pdf, "the report is the file the verify page serves");
    let form = page_texts(&files[1].1);
    assert!(
        form[0].contains("仍然有效的项目") && !form[0].contains("报送材料第"),
        "a form alone has no package number"
    );
    let note = String::from_utf8(files[5].1.clone()).unwrap();
    assert!(note.contains("公示被撤销的项目") && note.contains(&voided_code), "{note}");
});

db_test!(a_unit_that_recommended_nothing_is_told_so_in_chinese, |app| {
    let t = tree(&app).await;
    let token = admin_token(&app, t.enterprise, "hyh-admin").await;
    let (status, body) = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/recommendations/package", None).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["title"].as_str().unwrap_or_default().contains("尚未推荐项目"), "{body}");
    let staff = app.sign_in(t.enterprise, "admin", "hyh-page").await;
    let (status, html) = staff.get_text("/admin/recommendations/package.pdf").await;
    assert_eq!(status, 409);
    assert!(html.contains("尚未推荐项目"), "{html}");
    let (status, _) = staff.get_text("/admin/recommendations/package.pdf?campaign=nope").await;
    assert_eq!(status, 404);
});

/// typst markup and HTML in every field the 登记表 prints.
const MARKUP: &str =
    r#"#set page(paper: "a6") $x^2$ *粗* _斜_ [链] \ <lbl> @ref // 注释 /* c */ ` <script>alert(1)</script>"#;

db_test!(markup_prints_as_typed_and_a_project_name_cannot_climb_out_of_the_zip, |app| {
    let t = tree(&app).await;
    let mut climbing = project("HYH-02", "placeholder", None);
    climbing.name = r#"../../etc/passwd\..\C:*?"<>|名称"#.to_owned();
    let drafts = vec![crate::notices_support::with_text_in_every_field("HYH-01", MARKUP), climbing];
    let ids = declare(&app, &t, t.enterprise, drafts).await;
    let token = admin_token(&app, t.enterprise, "hyh-admin").await;
    let notice = notice_at(&app, &t, t.enterprise, Level::Applicant, &ids, day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 15, 9, 0, 0));
    issued(&app, &token, notice).await;
    recommend_all(&app, &token, &ids).await;

    let res = app.client.get(app.url("/api/v1/admin/recommendations/package.pdf")).bearer_auth(&token).send().await;
    let pdf = res.unwrap().bytes().await.unwrap().to_vec();
    let sizes = pdf_page_sizes(&pdf);
    assert!(sizes.iter().all(|(w, h)| (w.min(*h) - 595.3).abs() < 1.0), "the markup set no page: {sizes:?}");
    let text = page_texts(&pdf).join("");
    let literal: String = MARKUP.chars().filter(|c| !c.is_whitespace()).collect();
    for field in ["名称", "单位", "完成人", "工作单位", "职称", "贡献", "工作量", "关键技术", "简介", "专利", "ZL"]
    {
        assert!(text.contains(&format!("{field}{literal}")), "{field} printed as typed");
    }

    let res = app.client.get(app.url("/api/v1/admin/recommendations/package.zip")).bearer_auth(&token).send().await;
    let files = zip_files(&res.unwrap().bytes().await.unwrap());
    for (name, _) in &files {
        assert!(!name.starts_with('/') && !name.contains('\\'), "{name}");
        assert!(name.split('/').all(|part| part != ".." && part != "." && !part.contains(':')), "{name}");
    }
    let forms: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with("登记表/")).collect();
    assert_eq!(forms.len(), 2, "{forms:?}");
    assert!(forms.iter().all(|n| n.matches('/').count() == 1), "each form directly in 登记表/: {forms:?}");
});
