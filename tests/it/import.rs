//! Importing 登记表 data: all or nothing, every bad row named, re-import never duplicates,
//! every field arrives.
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use chrono::Utc;
use entity::{project_completers, project_ip_items, project_units, projects, units};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::process::Command;

const HEADER: &str = "申报编号,项目名称,完成单位,完成人,完成人工作单位,完成人职务职称,第一完成人贡献,第一完成人工作量,第二完成人贡献,第二完成人工作量,第三完成人贡献,第三完成人工作量,关键技术与创新点,知识产权,申报条件,无不得推荐情形声明,拟推荐等级,完成人联系电话,项目简介,超额推荐理由";

fn row(key: &str, name: &str) -> String {
    format!(
        "{key},{name},国网武威供电公司；武威市电力设计院,李明；王芳；赵强；钱伟,供电公司；供电公司；设计院；设计院,高级工程师；工程师；技师；,提出总体方案,40%,传感器选型,30%,现场试验,20%,\"拉力与倾角融合，实时计算覆冰厚度\",专利：一种输电线路覆冰监测装置（ZL202420123456.7）；论文：高寒地区覆冰监测研究（《电力建设》2024年第3期）,2,是,二等奖,13900000001；13900000002；13900000003；13900000004,在海拔2800米线路应用三年"
    )
}

async fn seed_unit(app: &TestApp) {
    let now = Utc::now();
    let unit = units::ActiveModel {
        kind: Set("applicant".into()),
        name: Set("国网武威供电公司".into()),
        code: Set("E-GDGS".into()),
        created_at: Set(now),
        ..Default::default()
    };
    unit.insert(&app.db).await.unwrap();
    CampaignFixture::new("2025").created_at(now).insert(app).await;
}

/// Runs the real `gongshi import` command against the test database.
fn cli_import(app: &TestApp, file: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["import", "--database", &app.database_url, "--campaign", "2025", "--unit", "E-GDGS"])
        .arg(file)
        .env("GONGSHI_LOG", "error")
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn csv_with_empty_name_on_row_7() -> String {
    let mut lines = vec![HEADER.to_owned()];
    for i in 2..=9 {
        let name = if i == 7 { String::new() } else { format!("项目{i}") };
        lines.push(row(&format!("K{i}"), &name));
    }
    lines.join("\n")
}

async fn project_count(app: &TestApp) -> u64 {
    projects::Entity::find().count(&app.db).await.unwrap()
}

db_test!(a_csv_with_an_empty_name_on_row_7_imports_nothing_and_names_row_7, |app| {
    seed_unit(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("projects.csv");
    std::fs::write(&file, csv_with_empty_name_on_row_7()).unwrap();
    let (ok, output) = cli_import(&app, &file);
    assert!(!ok, "{output}");
    assert!(output.contains("第7行 项目名称：不能为空"), "{output}");
    assert!(!output.contains("第6行") && !output.contains("第8行"), "only row 7 is bad: {output}");
    assert_eq!(project_count(&app).await, 0, "nothing imported");
});

fn write_xlsx(path: &std::path::Path, rows: &[String]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in std::iter::once(HEADER.to_owned()).chain(rows.iter().cloned()).enumerate() {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        for (c, cell) in record.iter().enumerate() {
            sheet.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

db_test!(an_xlsx_with_an_empty_name_on_row_7_imports_nothing_and_names_row_7, |app| {
    seed_unit(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("projects.xlsx");
    let rows: Vec<String> = (2..=9).map(|i| row(&format!("K{i}"), if i == 7 { "" } else { "项目" })).collect();
    let rows: Vec<String> =
        rows.into_iter().enumerate().map(|(i, r)| r.replacen(",项目,", &format!(",项目{i},"), 1)).collect();
    write_xlsx(&file, &rows);
    let (ok, output) = cli_import(&app, &file);
    assert!(!ok, "{output}");
    assert!(output.contains("第7行 项目名称：不能为空"), "{output}");
    assert_eq!(project_count(&app).await, 0);
});

db_test!(a_clean_csv_imports_every_field_and_reimporting_does_not_duplicate, |app| {
    seed_unit(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("projects.csv");
    std::fs::write(
        &file,
        format!("\u{feff}{HEADER}\n{}\n{}\n", row("K1", "覆冰在线监测装置研制"), row("K2", "变电站巡检机器人")),
    )
    .unwrap();
    let (ok, output) = cli_import(&app, &file);
    assert!(ok, "{output}");
    assert!(output.contains("新增 2 项"), "{output}");
    let (ok, output) = cli_import(&app, &file);
    assert!(ok, "{output}");
    assert!(output.contains("新增 0 项，更新 2 项"), "{output}");
    assert_eq!(project_count(&app).await, 2);

    let p = projects::Entity::find().filter(projects::Column::ImportKey.eq("K1")).one(&app.db).await.unwrap().unwrap();
    assert_eq!(p.name, "覆冰在线监测装置研制");
    assert_eq!(p.key_technology, "拉力与倾角融合，实时计算覆冰厚度");
    assert_eq!(p.eligibility, 2);
    assert!(p.exclusions_declared);
    assert_eq!(p.proposed_grade.as_deref(), Some("second"));
    assert_eq!(p.summary.as_deref(), Some("在海拔2800米线路应用三年"));
    let units: Vec<_> = project_units::Entity::find()
        .filter(project_units::Column::ProjectId.eq(p.id))
        .order_by_asc(project_units::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        units.iter().map(|u| (u.position, u.name.as_str())).collect::<Vec<_>>(),
        [(1, "国网武威供电公司"), (2, "武威市电力设计院")]
    );
    let people: Vec<_> = project_completers::Entity::find()
        .filter(project_completers::Column::ProjectId.eq(p.id))
        .order_by_asc(project_completers::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(people.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["李明", "王芳", "赵强", "钱伟"]);
    assert_eq!(people[0].contribution.as_deref(), Some("提出总体方案"));
    assert_eq!(people[0].workload.as_deref(), Some("40%"));
    assert_eq!(people[1].contribution.as_deref(), Some("传感器选型"));
    assert_eq!(people[2].workload.as_deref(), Some("20%"));
    assert_eq!(people[3].contribution, None);
    assert_eq!(people[0].work_unit.as_deref(), Some("供电公司"));
    assert_eq!(people[3].work_unit.as_deref(), Some("设计院"));
    assert_eq!(people[0].job_title.as_deref(), Some("高级工程师"));
    assert_eq!(people[2].job_title.as_deref(), Some("技师"));
    assert_eq!(people[3].job_title, None);
    assert_eq!(people[1].phone.as_deref(), Some("13900000002"));
    let ip: Vec<_> = project_ip_items::Entity::find()
        .filter(project_ip_items::Column::ProjectId.eq(p.id))
        .order_by_asc(project_ip_items::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(ip.len(), 2);
    assert_eq!(
        (ip[0].kind.as_str(), ip[0].title.as_str(), ip[0].reference.as_deref()),
        ("patent", "一种输电线路覆冰监测装置", Some("ZL202420123456.7"))
    );
    assert_eq!(
        (ip[1].kind.as_str(), ip[1].title.as_str(), ip[1].reference.as_deref()),
        ("paper", "高寒地区覆冰监测研究", Some("《电力建设》2024年第3期"))
    );
});

db_test!(a_clean_xlsx_and_json_import_too, |app| {
    seed_unit(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("a.xlsx");
    write_xlsx(&xlsx, &[row("X1", "表格导入项目")]);
    let (ok, output) = cli_import(&app, &xlsx);
    assert!(ok, "{output}");
    let json = dir.path().join("b.json");
    std::fs::write(&json, r#"[{"import_key":"J1","name":"JSON导入项目","completing_units":["甲"],"completers":[{"name":"张三","contribution":"设计","workload":"100%"}],"key_technology":"要点","eligibility":1,"exclusions_declared":true,"ip_items":[{"kind":"patent","title":"一种装置","reference":"ZL1"}]}]"#).unwrap();
    let (ok, output) = cli_import(&app, &json);
    assert!(ok, "{output}");
    let names: Vec<String> = projects::Entity::find()
        .order_by_asc(projects::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["表格导入项目", "JSON导入项目"]);
});

db_test!(the_import_template_downloads_with_every_column, |app| {
    let res = app.get("/templates/projects.xlsx").await;
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(header.join(","), HEADER);
});
