//! The 推荐汇总表 (recommendation summary table) a recommending unit sends up with its
//! materials: every project it recommended, with each level's 公示期 and 公示结果, as XLSX (for
//! people: title rows, borders, A4 landscape) and as CSV with a UTF-8 BOM (Chinese Excel reads
//! a BOM-less CSV as GBK).
use crate::china_time::date_zh;
use crate::error::{AppError, AppResult};
use crate::notices::{Level, NoticeState, Period};
use crate::projects::{Grade, eligibility_label};
use chrono::{DateTime, Utc};
use entity::{
    campaigns, notice_items, notice_revisions, notices, recommendations, report_outcomes, result_reports, units,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The columns, in order (report-docs prints the same sheet in the 报送材料).
pub const HEADERS: [&str; 14] = report_docs::SUMMARY_HEADERS;

/// One level's notice of a project: when, and what came of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelCell {
    pub period: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub project_id: i32,
    pub name: String,
    pub units: String,
    pub completers: String,
    pub eligibility: String,
    pub grade: String,
    /// Levels 1, 2 and 3.
    pub levels: [LevelCell; 3],
    pub to: String,
    /// The over-limit reason, when there is one.
    pub note: String,
}

impl Row {
    /// The row's cells under [`HEADERS`], numbered `no`.
    #[must_use]
    pub fn cells(&self, no: usize) -> Vec<String> {
        let mut out = vec![
            no.to_string(),
            self.name.clone(),
            self.units.clone(),
            self.completers.clone(),
            self.eligibility.clone(),
            self.grade.clone(),
        ];
        for l in &self.levels {
            out.push(l.period.clone());
            out.push(l.result.clone());
        }
        out.push(self.to.clone());
        out.push(self.note.clone());
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub campaign_title: String,
    pub unit_name: String,
    pub unit_code: String,
    pub made_on: String,
    pub rows: Vec<Row>,
}

/// The table of everything `unit_id` recommended in the campaign, in the order of its own
/// 推荐单位公示 when it published one, else in the order recommended. `now` decides "公示中" and
/// the table's date.
///
/// # Errors
/// `NotFound` for an unknown campaign or unit; database failure.
pub async fn build<C: ConnectionTrait>(db: &C, campaign_id: i32, unit_id: i32, now: DateTime<Utc>) -> AppResult<Table> {
    let campaign = campaigns::Entity::find_by_id(campaign_id).one(db).await?.ok_or(AppError::NotFound)?;
    let unit = units::Entity::find_by_id(unit_id).one(db).await?.ok_or(AppError::NotFound)?;
    let all_units: HashMap<i32, String> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let sent: Vec<recommendations::Model> = recommendations::Entity::find()
        .filter(recommendations::Column::FromUnitId.eq(unit_id))
        .order_by_asc(recommendations::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = sent.iter().map(|r| r.project_id).collect();
    let history = History::load(db, &ids).await?;
    let order = history.order_on_own_notice(unit_id);
    let mut rows = Vec::new();
    for r in &sent {
        let record = crate::projects::service::load(db, r.project_id).await?;
        if record.project.campaign_id != campaign_id {
            continue;
        }
        let p = &record.project;
        rows.push(Row {
            project_id: p.id,
            name: p.name.clone(),
            units: record.unit_names().join("、"),
            completers: record.completer_names().join("、"),
            eligibility: eligibility_label(p.eligibility),
            grade: p.proposed_grade.as_deref().and_then(Grade::parse).map_or("—", Grade::label).to_owned(),
            levels: Level::ALL.map(|l| history.cell(p.id, l, now)),
            to: all_units.get(&r.to_unit_id).cloned().unwrap_or_default(),
            note: r.over_limit_reason.clone().map(|r| format!("超额推荐理由：{r}")).unwrap_or_default(),
        });
    }
    rows.sort_by_key(|r| order.get(&r.project_id).copied().unwrap_or(i32::MAX));
    Ok(Table {
        campaign_title: campaign.title,
        unit_name: unit.name,
        unit_code: unit.code,
        made_on: date_zh(crate::china_time::day_of(now)),
        rows,
    })
}

/// The published notices the projects appeared on and the live results about them.
struct History {
    /// (project, notice, its latest published revision, position there)
    appearances: Vec<(i32, notices::Model, notice_revisions::Model, i32)>,
    /// (project, level) → (issued_at, report id, outcome) of the latest live report.
    results: HashMap<(i32, i32), (DateTime<Utc>, i32, String)>,
}

impl History {
    async fn load<C: ConnectionTrait>(db: &C, project_ids: &[i32]) -> AppResult<Self> {
        let items = notice_items::Entity::find()
            .filter(notice_items::Column::ProjectId.is_in(project_ids.iter().copied()))
            .all(db)
            .await?;
        let revisions: HashMap<i32, notice_revisions::Model> = notice_revisions::Entity::find()
            .filter(notice_revisions::Column::Id.is_in(items.iter().map(|i| i.revision_id)))
            .filter(notice_revisions::Column::PublishedAt.is_not_null())
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let notices: HashMap<i32, notices::Model> = notices::Entity::find()
            .filter(notices::Column::Id.is_in(revisions.values().map(|r| r.notice_id)))
            .filter(notices::Column::State.eq(NoticeState::Published.code()))
            .all(db)
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
        // Only each notice's latest published revision speaks for it.
        let mut latest: HashMap<i32, i32> = HashMap::new();
        for r in revisions.values() {
            let newer = latest.get(&r.notice_id).is_none_or(|no| r.revision_no > *no);
            if newer {
                latest.insert(r.notice_id, r.revision_no);
            }
        }
        let appearances = items
            .iter()
            .filter_map(|i| {
                let rev = revisions.get(&i.revision_id)?;
                let notice = notices.get(&rev.notice_id)?;
                (latest.get(&rev.notice_id) == Some(&rev.revision_no))
                    .then(|| (i.project_id, notice.clone(), rev.clone(), i.position))
            })
            .collect();
        let outcomes = report_outcomes::Entity::find()
            .filter(report_outcomes::Column::ProjectId.is_in(project_ids.iter().copied()))
            .all(db)
            .await?;
        let reports: HashMap<i32, result_reports::Model> = result_reports::Entity::find()
            .filter(result_reports::Column::Id.is_in(outcomes.iter().map(|o| o.report_id)))
            .filter(result_reports::Column::SupersededBy.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut results: HashMap<(i32, i32), (DateTime<Utc>, i32, String)> = HashMap::new();
        for o in outcomes {
            let Some(r) = reports.get(&o.report_id) else { continue };
            let key = (o.project_id, o.level);
            let newer = results.get(&key).is_none_or(|(at, id, _)| (r.issued_at, r.id) > (*at, *id));
            if newer {
                results.insert(key, (r.issued_at, r.id, o.outcome.clone()));
            }
        }
        Ok(Self { appearances, results })
    }

    /// Positions on the unit's own latest level-2 notice.
    fn order_on_own_notice(&self, unit_id: i32) -> HashMap<i32, i32> {
        let own = self
            .appearances
            .iter()
            .filter(|(_, n, _, _)| n.unit_id == unit_id && n.level == Level::Recommender.number())
            .max_by_key(|(_, n, _, _)| n.id);
        let Some((_, notice, _, _)) = own else { return HashMap::new() };
        self.appearances.iter().filter(|(_, n, _, _)| n.id == notice.id).map(|(p, _, _, pos)| (*p, *pos)).collect()
    }

    fn cell(&self, project_id: i32, level: Level, now: DateTime<Utc>) -> LevelCell {
        let latest = self
            .appearances
            .iter()
            .filter(|(p, n, _, _)| *p == project_id && n.level == level.number())
            .max_by_key(|(_, _, rev, _)| (rev.opens_at, rev.id));
        let Some((_, _, rev, _)) = latest else { return LevelCell { period: "—".into(), result: "—".into() } };
        let period = Period::of_revision(rev);
        let result = match self.results.get(&(project_id, level.number())) {
            Some((_, _, outcome)) => {
                crate::reports::Outcome::parse(outcome).map_or(outcome.as_str(), |o| o.label()).to_owned()
            }
            None if period.is_open(now) => "公示中".to_owned(),
            None if now < period.opens_at => "未开始".to_owned(),
            None => "公示期满，待出具公示结果报告".to_owned(),
        };
        LevelCell { period: period.range_text(), result }
    }
}

/// The table as an XLSX workbook.
///
/// # Errors
/// Internal, if the spreadsheet writer fails.
pub fn to_xlsx(table: &Table) -> AppResult<Vec<u8>> {
    xlsx(table).map_err(AppError::internal)
}

fn xlsx(table: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("推荐汇总表")?;
    sheet.set_landscape();
    // 9 = A4 in the spreadsheet paper codes.
    sheet.set_paper_size(9);
    let last = u16::try_from(HEADERS.len() - 1).unwrap_or(0);
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let head = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color("#EEEEEE");
    sheet.merge_range(0, 0, 0, last, &format!("{}推荐汇总表", table.campaign_title), &title)?;
    sheet.merge_range(
        1,
        0,
        1,
        last,
        &format!("推荐单位（盖章）：{}　　填报日期：{}", table.unit_name, table.made_on),
        &Format::new(),
    )?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(2, u16::try_from(c).unwrap_or(0), *h, &head)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(i + 3).unwrap_or(u32::MAX);
        for (c, value) in row.cells(i + 1).iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(0);
            if c == 0 {
                sheet.write_number_with_format(r, c, u32::try_from(i + 1).unwrap_or(0), &cell)?;
            } else {
                sheet.write_string_with_format(r, c, value, &cell)?;
            }
        }
    }
    for (c, width) in
        [6.0, 30.0, 26.0, 22.0, 24.0, 10.0, 16.0, 14.0, 16.0, 14.0, 16.0, 14.0, 14.0, 20.0].iter().enumerate()
    {
        sheet.set_column_width(u16::try_from(c).unwrap_or(0), *width)?;
    }
    sheet.set_repeat_rows(2, 2)?;
    sheet.set_freeze_panes(3, 0)?;
    book.save_to_buffer()
}

/// The table as CSV: a UTF-8 BOM, the header row, one row per project.
///
/// # Errors
/// Internal, if writing fails.
pub fn to_csv(table: &Table) -> AppResult<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(HEADERS).map_err(AppError::internal)?;
        for (i, row) in table.rows.iter().enumerate() {
            let cells = row.cells(i + 1);
            w.write_record(cells.iter().map(|c| crate::web::security::csv_cell::neutralise(c).into_owned()))
                .map_err(AppError::internal)?;
        }
        w.flush().map_err(AppError::internal)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            campaign_title: "2025年度甘肃省职工技术成果征集活动".into(),
            unit_name: "武威市总工会".into(),
            unit_code: "WW".into(),
            made_on: "2025年4月8日".into(),
            rows: vec![Row {
                project_id: 1,
                name: "覆冰监测, \"装置\"".into(),
                units: "甲、乙".into(),
                completers: "李明、赵赟".into(),
                eligibility: "（二）…".into(),
                grade: "二等奖".into(),
                levels: Default::default(),
                to: "甘肃省总工会".into(),
                note: String::new(),
            }],
        }
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let bytes = to_csv(&table()).unwrap_or_default();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap_or_default();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADERS.join(",").as_str()));
        assert!(lines.next().unwrap_or_default().starts_with("1,\"覆冰监测, \"\"装置\"\"\",甲、乙,李明、赵赟"));
    }

    #[test]
    fn a_cell_that_could_start_a_formula_is_text_in_both_files() {
        let mut t = table();
        t.rows[0].name = "=HYPERLINK(\"http://x\",\"y\")".into();
        t.rows[0].completers = "@SUM(A1)".into();
        t.rows[0].note = "-1+2".into();
        let bytes = to_csv(&t).unwrap_or_default();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let row = reader.records().next().and_then(Result::ok).unwrap_or_default();
        assert_eq!(row.get(1), Some("'=HYPERLINK(\"http://x\",\"y\")"));
        assert_eq!(row.get(3), Some("'@SUM(A1)"));
        assert_eq!(row.get(13), Some("'-1+2"));

        use calamine::{Data, Reader, Xlsx};
        let xlsx = to_xlsx(&t).unwrap_or_default();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("a workbook");
        let formulas = book.worksheet_formula("推荐汇总表").expect("the sheet");
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula cells");
        let values = book.worksheet_range("推荐汇总表").expect("the sheet");
        assert_eq!(values.get_value((3, 1)), Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into())));
    }

    #[test]
    fn the_workbook_is_a_zip() {
        assert!(to_xlsx(&table()).unwrap_or_default().starts_with(b"PK"));
    }
}
