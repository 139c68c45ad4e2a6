//! Bringing 登记表 data in from CSV, XLSX (Chinese column headers) or JSON. A file imports
//! whole or not at all: any bad row stops it, and every bad row is reported by its row number
//! (as Excel numbers rows: the header is row 1) and column.
use super::service::{self, Upserted};
use super::{CompleterDraft, Grade, IpItemDraft, IpKind, ProjectDraft};
use crate::error::{AppResult, FieldError};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::collections::{HashMap, HashSet};

/// One column of the import template.
pub struct Column {
    pub header: &'static str,
    pub required: bool,
    pub help: &'static str,
    pub example: &'static str,
}

const fn col(header: &'static str, required: bool, help: &'static str, example: &'static str) -> Column {
    Column { header, required, help, example }
}

/// The columns, in template order. `docs/IMPORT.md` describes the same list.
pub const COLUMNS: &[Column] = &[
    col(
        "申报编号",
        false,
        "本单位的项目编号；留空时以项目名称识别。重复导入同一编号会更新该项目，不会重复",
        "LZ-2025-01",
    ),
    col("项目名称", true, "不超过100字", "高寒地区输电线路覆冰在线监测装置研制"),
    col("完成单位", true, "按排序填写，多个单位用“；”分隔", "国网武威供电公司；武威市电力设计院"),
    col("完成人", true, "按排序填写，多人用“；”分隔", "李明；王芳；赵强"),
    col(
        "完成人工作单位",
        false,
        "与完成人一一对应，用“；”分隔",
        "国网武威供电公司；国网武威供电公司；武威市电力设计院",
    ),
    col("完成人职务职称", false, "与完成人一一对应，用“；”分隔", "高级工程师；工程师；技师"),
    col("第一完成人贡献", true, "前三位完成人须填写", "提出总体方案，主持样机研制"),
    col("第一完成人工作量", true, "前三位完成人须填写", "占项目工作量40%"),
    col("第二完成人贡献", false, "有第二完成人时必填", "负责传感器选型与算法"),
    col("第二完成人工作量", false, "有第二完成人时必填", "30%"),
    col("第三完成人贡献", false, "有第三完成人时必填", "负责现场试验"),
    col("第三完成人工作量", false, "有第三完成人时必填", "20%"),
    col("关键技术与创新点", true, "不超过5000字", "采用拉力与倾角融合算法实时计算覆冰厚度……"),
    col(
        "知识产权",
        false,
        "每项写作“类型：名称（编号）”，多项用“；”分隔；类型为论文、专著、专利或其他",
        "专利：一种输电线路覆冰监测装置（ZL202420123456.7）",
    ),
    col("申报条件", true, "填1至5，对应申报条件（一）至（五）", "2"),
    col("无不得推荐情形声明", true, "确认不存在不得推荐申报的情形，填“是”", "是"),
    col("拟推荐等级", false, "特等奖、一等奖、二等奖、三等奖或优秀奖", ""),
    col("完成人联系电话", false, "不公开；与完成人一一对应，用“；”分隔", "13900000001；13900000002；13900000003"),
    col("项目简介", false, "", ""),
    col("超额推荐理由", false, "仅上级单位导入下级推荐的项目且本单位推荐已达限额时填写；申报单位留空", ""),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    /// By file name, then by content.
    #[must_use]
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<Self> {
        let lower = file_name.to_lowercase();
        if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
            Some(Self::Xlsx)
        } else if lower.ends_with(".json") || bytes.trim_ascii_start().first().is_some_and(|b| *b == b'[' || *b == b'{')
        {
            Some(Self::Json)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") || !bytes.is_empty() {
            Some(Self::Csv)
        } else {
            None
        }
    }
}

/// A parsed file: every row valid, or every problem found.
pub type Parsed = Result<Vec<ProjectDraft>, Vec<FieldError>>;

/// Parses a file into drafts without touching the database.
pub fn parse(format: Format, bytes: &[u8]) -> Parsed {
    let rows = match format {
        Format::Json => return parse_json(bytes),
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
    };
    let rows = rows.map_err(|message| vec![FieldError::new("文件", message)])?;
    drafts_from_rows(&rows)
}

/// The file as text: UTF-8, or else GBK as Chinese Excel saves CSV (GB18030 is its superset).
/// A file that is neither, or that mixes the two — some lines UTF-8, others GBK, as when
/// files are pasted together — is refused rather than imported as mojibake.
fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    if let Some(line) = bytes.split(|b| *b == b'\n').position(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok()) {
        return Err(format!(
            "文件混用了 UTF-8 和 GBK 两种编码（第{}行是 UTF-8，其他行不是），请用 Excel 或 WPS 统一另存为“CSV UTF-8”后再导入",
            line + 1
        ));
    }
    let (text, malformed) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if malformed {
        return Err("文件编码无法识别（既不是 UTF-8 也不是 GBK），请用 Excel 或 WPS 另存为“CSV UTF-8”后再导入".into());
    }
    Ok(text.into_owned())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use crate::projects::xlsx_guard::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS};
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // Each cell costs far more in memory than its comma in the file: hold a CSV to the same
    // grid as an XLSX sheet, row by row as it is read.
    let mut rows = Vec::new();
    let mut cells: u64 = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("CSV 格式有误：{e}"))?;
        cells += record.len() as u64;
        if i as u64 >= MAX_ROWS || record.len() as u64 > MAX_COLUMNS || cells > MAX_CELLS {
            return Err(format!(
                "CSV 文件的范围过大（第{}行有{}列；最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列、共 {MAX_CELLS} 个单元格），请删除多余的行列后重新保存",
                i + 1,
                record.len()
            ));
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    // A small hostile file can make calamine ask for terabytes and abort the process.
    crate::projects::xlsx_guard::check(bytes).map_err(|refused| refused.0)?;
    let mut book: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| format!("无法读取 XLSX 文件：{e}"))?;
    let range =
        book.worksheet_range_at(0).ok_or("XLSX 文件中没有工作表")?.map_err(|e| format!("无法读取第一个工作表：{e}"))?;
    // Rows are numbered from the sheet's first used row; pad so row numbers match Excel's.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = vec![Vec::new(); first_row];
    rows.extend(range.rows().map(|r| r.iter().map(cell_text).collect()));
    Ok(rows)
}

#[expect(clippy::cast_possible_truncation, reason = "only whole numbers under 1e15 are cast, which i64 holds exactly")]
fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        calamine::Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn parse_json(bytes: &[u8]) -> Parsed {
    let text = decode_text(bytes).map_err(|message| vec![FieldError::new("文件", message)])?;
    let drafts: Vec<ProjectDraft> =
        serde_json::from_str(&text).map_err(|e| vec![FieldError::new("文件", format!("JSON 格式有误：{e}"))])?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        match d.validate() {
            Ok(d) => out.push(d),
            Err(es) => errors.extend(es.into_iter().map(|e| at_row(&format!("第{}项", i + 1), &e))),
        }
    }
    check_duplicate_keys(&out, |i| format!("第{}项", i + 1), &mut errors);
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Names the row and the column: `第7行 项目名称：不能为空`.
fn at_row(row: &str, e: &FieldError) -> FieldError {
    let field = super::column(&e.field);
    FieldError { message: format!("{row} {field}：{}", e.message), label: field.clone(), field }
}

fn drafts_from_rows(rows: &[Vec<String>]) -> Parsed {
    let header_index = rows.iter().position(|r| r.iter().any(|c| c.trim() == "项目名称"));
    let Some(header_index) = header_index else {
        return Err(vec![FieldError::new("文件", "找不到表头行（须含“项目名称”列），请使用导入模板")]);
    };
    let columns: HashMap<&str, usize> = rows[header_index]
        .iter()
        .enumerate()
        .filter_map(|(i, h)| COLUMNS.iter().find(|c| c.header == h.trim()).map(|c| (c.header, i)))
        .collect();
    let missing: Vec<_> =
        COLUMNS.iter().filter(|c| c.required && !columns.contains_key(c.header)).map(|c| c.header).collect();
    if !missing.is_empty() {
        return Err(vec![FieldError::new("文件", format!("缺少列：{}", missing.join("、")))]);
    }
    let mut drafts = Vec::new();
    let mut row_numbers = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(header_index + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let label = format!("第{}行", i + 1);
        let view = RowView { columns: &columns, row };
        match draft_from_row(&view).and_then(ProjectDraft::validate) {
            Ok(d) => {
                drafts.push(d);
                row_numbers.push(i + 1);
            }
            Err(es) => errors.extend(es.into_iter().map(|e| at_row(&label, &e))),
        }
    }
    check_duplicate_keys(&drafts, |i| format!("第{}行", row_numbers[i]), &mut errors);
    if errors.is_empty() && drafts.is_empty() {
        errors.push(FieldError::new("文件", "文件中没有项目"));
    }
    if errors.is_empty() { Ok(drafts) } else { Err(errors) }
}

fn check_duplicate_keys(drafts: &[ProjectDraft], label: impl Fn(usize) -> String, errors: &mut Vec<FieldError>) {
    let mut seen = HashSet::new();
    for (i, d) in drafts.iter().enumerate() {
        if !seen.insert(d.import_key.as_str()) {
            errors.push(at_row(&label(i), &FieldError::new("申报编号", format!("“{}”在文件中重复", d.import_key))));
        }
    }
}

/// Splits a list cell on Chinese or ASCII semicolons and line breaks.
fn split_list(cell: &str) -> Vec<String> {
    cell.split(['；', ';', '\n']).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

/// One data row, read by column header.
struct RowView<'a> {
    columns: &'a HashMap<&'static str, usize>,
    row: &'a [String],
}

impl<'a> RowView<'a> {
    fn get(&self, header: &str) -> &'a str {
        self.columns.get(header).and_then(|&c| self.row.get(c)).map_or("", |s| s.trim())
    }
}

fn draft_from_row(view: &RowView<'_>) -> Result<ProjectDraft, Vec<FieldError>> {
    let get = |h: &str| view.get(h);
    let mut errors = Vec::new();
    let names = split_list(get("完成人"));
    let work_units = split_list(get("完成人工作单位"));
    let job_titles = split_list(get("完成人职务职称"));
    let phones = split_list(get("完成人联系电话"));
    let ords = ["第一", "第二", "第三"];
    let completers = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let per =
                |what: &str| ords.get(i).map(|o| get(&format!("{o}完成人{what}")).to_owned()).filter(|s| !s.is_empty());
            CompleterDraft {
                name: name.clone(),
                work_unit: work_units.get(i).cloned(),
                job_title: job_titles.get(i).cloned(),
                contribution: per("贡献"),
                workload: per("工作量"),
                phone: phones.get(i).cloned(),
                id_number: None,
            }
        })
        .collect();
    let ip_items = split_list(get("知识产权")).iter().filter_map(|s| parse_ip_item(s, &mut errors)).collect();
    let eligibility = parse_eligibility(get("申报条件")).unwrap_or_else(|| {
        errors.push(FieldError::new("申报条件", "应为1至5（对应申报条件（一）至（五））"));
        0
    });
    let grade_text = get("拟推荐等级");
    let proposed_grade = if grade_text.is_empty() {
        None
    } else {
        let g = Grade::parse(grade_text);
        if g.is_none() {
            errors.push(FieldError::new("拟推荐等级", "应为特等奖、一等奖、二等奖、三等奖或优秀奖"));
        }
        g
    };
    let draft = ProjectDraft {
        import_key: get("申报编号").to_owned(),
        name: get("项目名称").to_owned(),
        completing_units: split_list(get("完成单位")),
        completers,
        key_technology: get("关键技术与创新点").to_owned(),
        ip_items,
        eligibility,
        exclusions_declared: is_yes(get("无不得推荐情形声明")),
        proposed_grade,
        summary: Some(get("项目简介").to_owned()).filter(|s| !s.is_empty()),
        over_limit_reason: Some(get("超额推荐理由").to_owned()).filter(|s| !s.is_empty()),
    };
    if errors.is_empty() {
        return Ok(draft);
    }
    // Report the cell-level problems together with the draft's own rule violations.
    if let Err(more) = draft.validate() {
        errors.extend(more.into_iter().filter(|e| e.field != "eligibility"));
    }
    Err(errors)
}

fn parse_ip_item(s: &str, errors: &mut Vec<FieldError>) -> Option<IpItemDraft> {
    let (kind, rest) = match s.split_once(['：', ':']) {
        Some((k, rest)) => match IpKind::parse(k) {
            Some(kind) => (kind, rest.trim()),
            None => {
                errors.push(FieldError::new("知识产权", format!("“{k}”不是论文、专著、专利或其他")));
                return None;
            }
        },
        None => (IpKind::Other, s),
    };
    let (title, reference) = match rest.strip_suffix(['）', ')']).and_then(|r| r.rsplit_once(['（', '('])) {
        Some((title, reference)) => (title.trim(), Some(reference.trim().to_owned())),
        None => (rest, None),
    };
    Some(IpItemDraft { kind, title: title.to_owned(), reference })
}

fn parse_eligibility(s: &str) -> Option<i32> {
    let s = s.trim().trim_matches(|c| matches!(c, '（' | '）' | '(' | ')' | ' '));
    let first = s.chars().next()?;
    match first {
        '1'..='5' if s.len() == 1 => first.to_digit(10).and_then(|d| i32::try_from(d).ok()),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        _ => None,
    }
}

fn is_yes(s: &str) -> bool {
    matches!(s.trim(), "是" | "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "TRUE" | "1" | "√" | "✓")
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Projects received from below by a higher unit (see `recommendations::receive`).
    pub received: usize,
    pub project_ids: Vec<i32>,
}

/// Stores validated drafts declared by one applicant unit of one campaign, all in one
/// transaction. (A higher unit's file goes to `recommendations::receive` instead: the `imports` module
/// decides which.)
///
/// # Errors
/// Database failure or a key owned by another unit: nothing is stored.
pub async fn store(
    db: &DatabaseConnection,
    campaign_id: i32,
    unit_id: i32,
    drafts: Vec<ProjectDraft>,
    now: DateTime<Utc>,
) -> AppResult<ImportReport> {
    let txn = crate::db::begin_write(db).await?;
    let mut report = ImportReport::default();
    for d in &drafts {
        let (id, outcome) = service::upsert(&txn, campaign_id, unit_id, d, now).await?;
        report.project_ids.push(id);
        match outcome {
            Upserted::Created => report.created += 1,
            Upserted::Updated => report.updated += 1,
        }
    }
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,知识产权,申报条件,无不得推荐情形声明";

    #[test]
    fn csv_rows_become_drafts() {
        let csv = format!(
            "{HEADER}\nA1,覆冰监测,甲公司；乙院,李明,方案,40%,融合算法,专利：一种装置（ZL1）；论文：覆冰研究,2,是\n"
        );
        let drafts = parse(Format::Csv, csv.as_bytes()).unwrap();
        assert_eq!(drafts.len(), 1);
        let d = &drafts[0];
        assert_eq!(d.completing_units, ["甲公司", "乙院"]);
        assert_eq!(
            d.ip_items[0],
            IpItemDraft { kind: IpKind::Patent, title: "一种装置".into(), reference: Some("ZL1".into()) }
        );
        assert_eq!(d.ip_items[1].kind, IpKind::Paper);
        assert_eq!(d.eligibility, 2);
    }

    #[test]
    fn a_csv_is_held_to_the_sheet_grid() {
        let wide = format!("项目名称{}", ",".repeat(256));
        assert!(parse(Format::Csv, wide.as_bytes()).unwrap_err()[0].message.contains("范围过大"));
        let long = "a\n".repeat(100_001);
        assert!(parse(Format::Csv, long.as_bytes()).unwrap_err()[0].message.contains("范围过大"));
        let ok = format!("项目名称{}", ",".repeat(255));
        assert!(parse(Format::Csv, ok.as_bytes()).unwrap_err()[0].message.contains("缺少列"), "256 columns are read");
    }

    #[test]
    fn mixed_or_unknown_encodings_are_refused() {
        let header = format!("{HEADER}\n");
        let mut bytes = encoding_rs::GBK.encode(&header).0.into_owned();
        bytes.extend_from_slice("A1,覆冰监测,甲公司,李明,方案,40%,融合算法,,2,Y\n".as_bytes());
        let errors = parse(Format::Csv, &bytes).unwrap_err();
        assert!(errors[0].message.contains("混用了 UTF-8 和 GBK") && errors[0].message.contains("第2行"), "{errors:?}");
        assert!(parse(Format::Csv, b"\xff\xfe\xfd,\xff\n").unwrap_err()[0].message.contains("编码无法识别"));
    }

    #[test]
    fn control_characters_in_a_cell_are_refused() {
        let csv = format!("{HEADER}\nA1,覆冰\0监测,甲公司,李明,方案,40%,融合算法,,2,是\n");
        let errors = parse(Format::Csv, csv.as_bytes()).unwrap_err();
        assert_eq!(errors[0].message, "第2行 项目名称：不能包含控制字符（如 NUL），请删除后重试");
    }

    #[test]
    fn gbk_csv_with_bad_row_names_row_and_column() {
        let csv = format!("{HEADER}\nA1,,甲公司,李明,方案,40%,融合算法,,（三）,是\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
        let errors = parse(Format::Csv, &gbk).unwrap_err();
        assert_eq!(errors[0].message, "第2行 项目名称：不能为空");
    }
}
