//! The submission package (报送材料): the 登记表, the 推荐汇总表 and the reports, read back page
//! by page as a printer would see them.
use report_docs::{
    FormCompleter, FormIpItem, LeftOut, RegistrationForm, SubmissionPackage, SummarySheet, render_package_pdf,
    render_registration_pdf, render_summary_pdf,
};

use crate::sample::{self, HOSTILE_NAME, URL, squash};
use crate::tools::{decode_qr, page_count, page_image, page_sizes, page_text, pdf_text};

fn completer(i: usize) -> FormCompleter {
    FormCompleter {
        name: ["张建国", "李𬱖", "王堃", "赵晓明"][i % 4].to_owned(),
        work_unit: Some("国网武威供电公司运维检修部".to_owned()),
        job_title: Some("高级工程师".to_owned()),
        phone: Some(format!("1380931{i:04}")),
        id_number: Some(format!("62060119800101{i:04}")),
        contribution: (i < 3).then(|| format!("第{}完成人：负责系统总体设计与现场试验", i + 1)),
        workload: (i < 3).then(|| format!("{}%", 40 - i * 10)),
    }
}

pub fn form(i: usize) -> RegistrationForm {
    RegistrationForm {
        form_title: "甘肃省职工优秀技术创新成果登记表".to_owned(),
        campaign: "2025年度甘肃省职工技术成果征集".to_owned(),
        reference: format!("WW-2025-{i:03}"),
        name: sample::project_name(i),
        applicant_unit: "国网武威供电公司工会".to_owned(),
        recommending_unit: "武威市总工会".to_owned(),
        units: vec!["国网武威供电公司".to_owned(), "武威职业学院".to_owned()],
        completers: (0..4).map(completer).collect(),
        eligibility: "（三）技术革新和技术攻关取得显著成效".to_owned(),
        proposed_grade: Some("二等奖".to_owned()),
        key_technology: "一、采用多源数据融合的缺陷识别算法。\n二、研制便携式巡检终端，现场识别准确率达97%。".repeat(6),
        summary: Some("项目针对山区输电线路巡检难的问题，研制了智能巡检系统。".to_owned()),
        ip_items: vec![
            FormIpItem {
                kind: "专利".to_owned(),
                title: "一种输电线路缺陷识别装置".to_owned(),
                reference: Some("ZL202410000001.2".to_owned()),
            },
            FormIpItem {
                kind: "论文".to_owned(), title: "山区输电线路智能巡检实践".to_owned(), reference: None
            },
        ],
        exclusions: vec!["已获得省职工技术成果奖励的".to_owned(), "存在知识产权争议的".to_owned()],
        exclusions_declared: true,
    }
}

fn summary(rows: usize) -> SummarySheet {
    let headers: Vec<String> = report_docs::SUMMARY_HEADERS.map(str::to_owned).to_vec();
    let row = |i: usize| {
        let mut cells = vec![
            (i + 1).to_string(),
            sample::project_name(i),
            "国网武威供电公司".to_owned(),
            "张建国、李𬱖".to_owned(),
        ];
        cells.extend(["（三）技术革新".to_owned(), "二等奖".to_owned()]);
        for _ in 0..2 {
            cells.extend(["2025年3月10日至2025年3月14日".to_owned(), "公示无异议".to_owned()]);
        }
        cells.extend(["—".to_owned(), "—".to_owned(), "甘肃省总工会".to_owned(), String::new()]);
        cells
    };
    SummarySheet {
        title: "2025年度甘肃省职工技术成果征集推荐汇总表".to_owned(),
        unit_name: "武威市总工会".to_owned(),
        made_on: "2025年4月20日".to_owned(),
        headers,
        rows: (0..rows).map(row).collect(),
    }
}

fn package(forms: usize) -> SubmissionPackage {
    let mut second = sample::report(2);
    "R2SECOND9".clone_into(&mut second.verification.code);
    SubmissionPackage {
        title: "2025年度甘肃省职工技术成果征集报送材料".to_owned(),
        unit_name: "武威市总工会".to_owned(),
        to_unit: "甘肃省总工会".to_owned(),
        made_on: "2025年4月20日".to_owned(),
        forms: (0..forms).map(form).collect(),
        summary: summary(forms),
        reports: vec![sample::report(3), second],
        left_out: vec![LeftOut {
            name: "退回的项目".to_owned(),
            reason: "该公示已被撤销，本报告不再作为推荐依据".to_owned(),
        }],
    }
}

fn render(p: &SubmissionPackage) -> Vec<u8> {
    render_package_pdf(p).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_registration_form_prints_every_field_of_the_record_and_the_seal_spaces() {
    let f = form(1);
    let pdf = render_registration_pdf(&f).unwrap_or_else(|e| panic!("{e}"));
    let text = squash(&pdf_text(&pdf));
    let mut expected = vec![
        f.form_title.clone(),
        f.name.clone(),
        f.reference.clone(),
        f.applicant_unit.clone(),
        f.eligibility.clone(),
        "二等奖".to_owned(),
        "武威职业学院".to_owned(),
        "ZL202410000001.2".to_owned(),
        "山区输电线路智能巡检实践".to_owned(),
        "项目简介".to_owned(),
        "研制便携式巡检终端".to_owned(),
        "存在知识产权争议的".to_owned(),
        "第一完成人意见".to_owned(),
        "申报单位意见".to_owned(),
        "武威市总工会（盖章）".to_owned(),
        "第1页共".to_owned(),
    ];
    for c in &f.completers {
        expected.extend([c.name.clone(), c.phone.clone().unwrap_or_default(), c.id_number.clone().unwrap_or_default()]);
    }
    expected.extend(["第3完成人：负责系统总体设计与现场试验".to_owned(), "20%".to_owned()]);
    for e in expected {
        assert!(text.contains(&squash(&e)), "missing {e}");
    }
    assert!(!text.contains("第4完成人"), "only the first three state a contribution");
    assert!(page_sizes(&pdf).iter().all(|s| s.contains("(A4)")), "A4: {:?}", page_sizes(&pdf));
}

#[test]
fn markup_in_a_form_prints_literally() {
    let mut f = form(1);
    f.name = HOSTILE_NAME.to_owned();
    f.key_technology = "#set page(width: 20pt)\n= 标题 <lbl>".to_owned();
    let text = squash(&pdf_text(&render_registration_pdf(&f).unwrap_or_else(|e| panic!("{e}"))));
    assert!(text.contains(&squash(HOSTILE_NAME)));
    assert!(text.contains(&squash("#set page(width: 20pt)")) && text.contains(&squash("= 标题 <lbl>")));
}

#[test]
fn the_summary_is_a4_landscape_with_every_row() {
    let pdf = render_summary_pdf(&summary(30)).unwrap_or_else(|e| panic!("{e}"));
    let text = squash(&pdf_text(&pdf));
    for i in 0..30 {
        assert!(text.contains(&squash(&sample::project_name(i))), "row {i}");
    }
    assert!(page_count(&pdf) >= 2, "30 rows take more than a page");
    for size in page_sizes(&pdf) {
        assert!(size.starts_with("841.89 x 595.2"), "landscape A4: {size}");
    }
    // The header row repeats on each page.
    let last = page_count(&pdf);
    assert!(squash(&page_text(&pdf, last)).contains("推荐单位公示公示期"));
}

#[test]
fn the_contents_give_each_part_its_first_page_and_every_part_starts_on_a_right_hand_page() {
    let p = package(3);
    let pdf = render(&p);
    let total = page_count(&pdf);
    assert_eq!(total % 2, 0, "whole sheets");
    let raw_cover = page_text(&pdf, 1);
    let cover = squash(&raw_cover);
    let mut titles: Vec<String> = p.forms.iter().map(|f| format!("登记表：{}", f.name)).collect();
    titles.push("推荐汇总表1份".to_owned());
    titles.extend(p.reports.iter().map(|r| format!("公示结果报告（{}）", r.verification.code)));
    for t in &titles {
        assert!(cover.contains(&squash(t)), "{t} is listed: {cover}");
    }
    let starts: Vec<(String, usize)> = titles.into_iter().zip(first_pages(&raw_cover)).collect();
    assert_eq!(starts.len(), 3 + 1 + 2, "every part listed: {cover}");
    for (title, first) in &starts {
        assert_eq!(first % 2, 1, "{title} starts on page {first}, a left-hand page");
        let page = squash(&page_text(&pdf, *first));
        assert!(page.contains(&format!("报送材料第{first}页")), "{title}: page {first} says so:\n{page}");
        let heading = if let Some(name) = title.strip_prefix("登记表：") {
            squash(name)
        } else if title.contains("推荐汇总表") {
            "推荐汇总表".to_owned()
        } else {
            "公示结果的报告".to_owned()
        };
        assert!(page.contains(&heading), "page {first} begins {title}:\n{page}");
    }
    assert!(cover.contains("退回的项目") && cover.contains("未列入的项目"), "the left-out project is named");
    assert!(cover.contains("该公示已被撤销"), "with the reason");
    assert!(cover.contains("2份"), "登记表 go in two copies");
    // The reports keep their QR code to the verify page.
    let report_start = starts.iter().find(|(t, _)| t.contains("R7KQ4M2XD")).map(|(_, f)| *f).unwrap_or_default();
    let report_pages = (report_start..=total).find(|n| squash(&page_text(&pdf, *n)).contains(&squash(URL)));
    let qr_page = report_pages.unwrap_or_else(|| panic!("the verify address is printed"));
    assert_eq!(decode_qr(&page_image(&pdf, qr_page, 150)), vec![URL.to_owned()]);
    let sizes = page_sizes(&pdf);
    let summary_start = starts.iter().find(|(t, _)| t.contains("推荐汇总表")).map(|(_, f)| *f).unwrap_or_default();
    assert!(sizes[summary_start - 1].starts_with("841.89 x 595.2"), "the summary is landscape in the package too");
}

/// The first page of each entry of the contents, in order: the number after each 份数
/// (`2 份 3–4` → 3).
fn first_pages(cover: &str) -> Vec<usize> {
    let words: Vec<&str> = cover.split_whitespace().collect();
    words
        .windows(3)
        .filter(|w| w[1] == "份" && w[0].parse::<u8>().is_ok())
        .filter_map(|w| w[2].split('–').next()?.parse().ok())
        .collect()
}

#[test]
fn a_package_without_left_out_projects_does_not_mention_them() {
    let mut p = package(1);
    p.left_out.clear();
    let cover = page_text(&render(&p), 1);
    assert!(!cover.contains("未列入的项目"));
}
