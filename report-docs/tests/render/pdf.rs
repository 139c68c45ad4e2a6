//! The PDF as a reader meets it: extractable Chinese text, A4 pages, the QR code on paper.
use report_docs::{ReportDocument, Verification, render_pdf, warm_up};

use crate::sample::{self, CODE, HOSTILE_NAME, RARE_COMPLETERS, SHA256, UNIT, URL, squash};
use crate::tools::{decode_qr, page_count, page_image, pdf_text, poppler_info};

fn render(doc: &ReportDocument) -> Vec<u8> {
    render_pdf(doc).unwrap_or_else(|e| panic!("render_pdf: {e}"))
}

#[test]
fn the_pdf_text_contains_every_project_name_the_unit_and_the_verification_code() {
    let doc = sample::report(12);
    let text = squash(&pdf_text(&render(&doc)));
    for i in 1..=12 {
        let name = sample::project_name(i);
        assert!(text.contains(&squash(&name)), "missing project {name}");
    }
    for expected in [UNIT, CODE, SHA256, URL, "武工发〔2025〕7号", "2025年4月8日", "2025年3月10日至2025年3月14日"]
    {
        assert!(text.contains(&squash(expected)), "missing {expected}");
    }
    for expected in ["公示无异议", "有异议，经核查不成立", "异议成立，不予推荐", "（盖章）", "武威日报"]
    {
        assert!(text.contains(expected), "missing {expected}");
    }
}

#[test]
fn the_pdf_reports_objection_counts_and_handling_without_objector_details() {
    let text = squash(&pdf_text(&render(&sample::report(5))));
    assert!(text.contains("公示期间共收到异议4件，其中受理2件，不予受理2件（逾期1件，匿名1件）"));
    assert!(text.contains("核查完成人贡献记录，排序与实际贡献相符，异议不成立。"));
    assert!(text.contains("不予受理（逾期）"));
}

#[test]
fn every_page_is_a4_and_numbered() {
    let pdf = render(&sample::report(50));
    let info = poppler_info("pdfinfo", &pdf);
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap_or_default();
    assert!(size.contains("595.") && size.contains("841.") && size.contains("A4"), "{size}");
    let pages = page_count(&pdf);
    assert!(pages > 1, "fifty projects should not fit on one page");
    let text = squash(&pdf_text(&pdf));
    for page in 1..=pages {
        assert!(text.contains(&format!("第{page}页共{pages}页")), "no number on page {page}");
    }
}

#[test]
fn the_font_is_embedded_as_a_subset() {
    let fonts = poppler_info("pdffonts", &render(&sample::report(2)));
    let row = fonts.lines().find(|l| l.contains("NotoSerifCJK")).unwrap_or_else(|| panic!("no CJK font:\n{fonts}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    // name type encoding emb sub uni object ID: the three yes/no flags are emb, sub and uni.
    let flags: Vec<&str> = cols.iter().copied().filter(|c| *c == "yes" || *c == "no").collect();
    assert_eq!(flags, ["yes", "yes", "yes"], "embedded, subset, with a Unicode map: {row}");
    assert!(cols[0].contains('+'), "a subset font's name carries a tag: {row}");
}

#[test]
fn typst_markup_and_html_in_a_project_name_print_literally() {
    let mut doc = sample::report(2);
    doc.projects[0].name = HOSTILE_NAME.to_owned();
    doc.unit_name = "#set page(width: 1cm) 单位".to_owned();
    let pdf = render(&doc);
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains(&squash(HOSTILE_NAME)), "hostile name altered:\n{text}");
    assert!(text.contains(&squash("#set page(width: 1cm) 单位")));
    let info = poppler_info("pdfinfo", &pdf);
    assert!(info.contains("A4"), "text in data must not change the page");
}

#[test]
fn rare_name_characters_print_as_themselves() {
    let text = squash(&pdf_text(&render(&sample::report(1))));
    for name in RARE_COMPLETERS {
        assert!(text.contains(name), "{name} did not survive");
    }
}

#[test]
fn the_qr_code_on_the_printed_page_leads_to_the_verify_url() {
    let pdf = render(&sample::report(3));
    let last = page_count(&pdf);
    let decoded = decode_qr(&page_image(&pdf, last, 150));
    assert_eq!(decoded, vec![URL.to_owned()]);
}

#[test]
fn a_provincial_report_lists_the_proposed_grades() {
    let text = squash(&pdf_text(&render(&sample::provincial_report())));
    assert!(text.contains("拟授奖等级"));
    assert!(text.contains("一等奖") && text.contains("三等奖"));
    let lower = squash(&pdf_text(&render(&sample::report(3))));
    assert!(!lower.contains("拟授奖等级"), "only level 3 shows grades");
}

#[test]
fn the_same_report_always_gives_the_same_bytes() {
    let doc = sample::report(4);
    assert_eq!(render(&doc), render(&doc));
}

#[test]
fn a_report_without_verification_renders_without_a_qr_code() {
    let mut doc = sample::report(2);
    doc.verification = Verification::default();
    let pdf = render(&doc);
    assert!(decode_qr(&page_image(&pdf, page_count(&pdf), 100)).is_empty());
    assert!(!pdf_text(&pdf).contains("验证码"));
}

#[test]
fn a_quiet_notice_says_so_and_lists_no_handling() {
    let mut doc = sample::report(2);
    doc.objection_counts = report_docs::ObjectionCounts::default();
    doc.objections.clear();
    let text = squash(&pdf_text(&render(&doc)));
    assert!(text.contains("公示期间未收到异议。"));
    assert!(!text.contains("所涉项目"), "no handling table when nothing was received");
}

#[test]
fn reports_render_concurrently() {
    let handles: Vec<_> =
        (1..=4).map(|n| std::thread::spawn(move || render_pdf(&sample::report(n * 3)).map(|pdf| pdf.len()))).collect();
    for handle in handles {
        let size = handle.join().unwrap_or_else(|_| panic!("render thread panicked"));
        assert!(size.unwrap_or(0) > 1000);
    }
}

#[test]
fn warming_up_loads_the_embedded_font_and_lays_out_a_report() {
    assert!(warm_up().is_ok());
}

#[test]
fn very_long_odd_and_empty_texts_still_render_without_losing_any() {
    let mut doc = sample::report(2);
    let long_conclusion = format!("{}结论到此为止。", "经公示无异议，同意推荐。".repeat(400));
    doc.conclusion = long_conclusion.clone();
    doc.projects[0].name = format!("{}末尾", "很长的项目名称".repeat(60));
    doc.projects[1].name = "换行\n制表\t空字符\u{0}表情😀".to_owned();
    doc.projects[1].units = vec![];
    doc.projects[1].completers = vec![];
    doc.notice_number = Some(String::new());
    let pdf = render(&doc);
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("结论到此为止。"), "the end of a long conclusion is on the page");
    assert!(text.contains("末尾"));
    assert!(page_count(&pdf) >= 3);
}
