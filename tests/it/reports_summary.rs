//! The 推荐汇总表: XLSX read back with calamine, and CSV with a UTF-8 BOM, listing what a unit
//! recommended with each level's 公示期 and 公示结果.
use crate::db_test;
use crate::reports_support::*;
use calamine::{Data, Reader, Xlsx};

fn rows_of(xlsx: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("an xlsx");
    let range = book.worksheet_range("推荐汇总表").expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

db_test!(the_summary_table_lists_each_recommended_project_with_every_level_period_and_result, |app| {
    let c = chain(&app, 3).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    let city = app.sign_in(c.t.city, "admin", "ww-admin").await;
    let res = city.get("/admin/recommendations/summary.xlsx").await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let rows = rows_of(&res.bytes().await.unwrap());
    assert_eq!(rows[0][0], "2025年度甘肃省职工技术成果征集活动推荐汇总表");
    assert!(rows[1][0].contains("武威市总工会"), "{:?}", rows[1]);
    assert_eq!(
        rows[2],
        [
            "序号",
            "项目名称",
            "完成单位",
            "完成人",
            "申报条件",
            "推荐等级",
            "申报单位公示公示期",
            "申报单位公示公示结果",
            "推荐单位公示公示期",
            "推荐单位公示公示结果",
            "省总工会公示公示期",
            "省总工会公示公示结果",
            "推荐至",
            "备注",
        ]
    );
    assert_eq!(rows.len(), 6, "title, unit line, header and three projects");
    let first = &rows[3];
    assert_eq!(first[0], "1");
    assert_eq!(first[1], "链条测试项目1号");
    assert_eq!(first[2], "甘肃农垦黄羊河集团有限责任公司、武威市农业科学研究院");
    assert_eq!(first[3], "张喆、李玥、才让卓玛");
    assert!(first[4].starts_with("（三）技术革新和技术攻关"), "{}", first[4]);
    assert_eq!(first[5], "一等奖");
    assert_eq!((first[6].as_str(), first[7].as_str()), ("2025年3月10日至2025年3月14日", "公示无异议"));
    // The city's own 推荐单位公示 (the latest level-2 notice of the project).
    assert_eq!((first[8].as_str(), first[9].as_str()), ("2025年3月24日至2025年3月28日", "公示无异议"));
    assert_eq!((first[10].as_str(), first[11].as_str()), ("—", "—"));
    assert_eq!(first[12], "甘肃省总工会");
    assert_eq!(rows[5][1], "链条测试项目3号");
    assert_eq!(rows[5][5], "三等奖");

    let res = city.get("/admin/recommendations/summary.csv").await;
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM so Chinese Excel reads UTF-8");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(1), Some("项目名称"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].get(7), Some("公示无异议"));

    // The city may read its county's table too; the county's rows go to the city.
    let (status, county_csv) = city.get_text(&format!("/admin/recommendations/summary.csv?unit={}", c.t.county)).await;
    assert_eq!(status, 200);
    assert!(county_csv.contains("武威市总工会") && county_csv.contains("链条测试项目2号"), "{county_csv}");
    // The same table from the command line.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.xlsx");
    let (ok, said) =
        cli(&app, &["report", "summary-table", "--campaign", "2025", "--unit", "WW", "--out", out.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert_eq!(rows_of(&std::fs::read(&out).unwrap())[3][1], "链条测试项目1号");
});
