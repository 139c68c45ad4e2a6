//! The submission package (报送材料) a unit sends up with its recommendations: the 登记表 of
//! each project it recommended, its 推荐汇总表, and the 公示结果报告 the recommendations rest on,
//! as one PDF to print and as a zip of the separate files for the e-mail.
//!
//! Only what the unit above can rely on goes in: a project whose recommendation no longer rests
//! on a clean report that stands (withdrawn notice, restarted period, late objections…) is left
//! out and named on the contents page with the reason, as the gate words it.
//!
//! Completers' phone and ID numbers are printed only for the admins of the sending unit itself
//! (the 登记表 it declared or received), and each such print is recorded in the audit log;
//! anyone else who may see the package (its handlers, the units above) gets them blank.
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use crate::access::{Action, Actor, Role, policy};
use crate::audit;
use crate::china_time::{date_zh, day_of};
use crate::error::{AppError, AppResult};
use crate::notices::gate;
use crate::projects::service::ProjectRecord;
use crate::projects::{EXCLUSIONS, IpKind};
use crate::reports::document::{self as report_document, Format as ReportFormat};
use crate::summary_table;
use chrono::{DateTime, Utc};
use entity::{campaigns, projects, recommendations, result_reports, units};
use report_docs as docs;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// The form's name when the root unit is not named …总工会.
const FORM_NAME: &str = "职工优秀技术创新成果登记表";

/// One unit's package in one campaign, ready to render.
pub struct Package {
    pub doc: docs::SubmissionPackage,
    pub unit_code: String,
    /// The summary table as the spreadsheet of the same rows.
    pub table: summary_table::Table,
    /// The reports as issued, to ship their own PDFs in the zip.
    reports: Vec<crate::reports::service::Stored>,
}

/// The package of `unit_id` (the actor's own unit when `None`, or one below it they may see).
///
/// # Errors
/// `NotFound`/`Forbidden` by the policy or for an unknown campaign; `Conflict` when the unit
/// has recommended nothing in the campaign; database failure.
pub async fn build(
    db: &DatabaseConnection,
    actor: &Actor,
    campaign_code: Option<&str>,
    unit_id: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<Package> {
    let unit_id = unit_id.unwrap_or(actor.unit_id);
    policy::require(db, actor, Action::ViewUnit, unit_id).await?;
    let campaign = super::campaign(db, campaign_code).await?;
    let unit = units::Entity::find_by_id(unit_id).one(db).await?.ok_or(AppError::NotFound)?;
    let sent = sent_in(db, &campaign, unit_id).await?;
    let Some(first) = sent.first() else {
        return Err(AppError::Conflict {
            message: format!("{}在{}中尚未推荐项目，没有需要报送的材料", unit.name, campaign.title),
            detail: None,
        });
    };
    let to_unit = units::Entity::find_by_id(first.1.to_unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    let with_personal = actor.role == Role::Admin && actor.unit_id == unit_id;
    let form_title = form_title(db).await?;
    let mut forms = Vec::new();
    let mut left_out = Vec::new();
    let mut included = HashSet::new();
    let mut report_rows: BTreeMap<i32, result_reports::Model> = BTreeMap::new();
    for (project, _) in &sent {
        match gate::recommendation_ground(db, project, unit_id).await? {
            Ok(report) => {
                let mut record = crate::projects::service::load(db, project.id).await?;
                if with_personal {
                    audit_personal(db, actor, &record, now).await?;
                } else {
                    crate::projects::personal::redact(&mut record);
                }
                let applicant = unit_name(db, project.applicant_unit_id).await?;
                forms.push(form(&form_title, &campaign, &applicant, &unit.name, &record));
                included.insert(project.id);
                report_rows.insert(report.id, report);
            }
            Err(reason) => left_out.push(docs::LeftOut { name: project.name.clone(), reason }),
        }
    }
    let mut table = summary_table::build(db, campaign.id, unit_id, now).await?;
    table.rows.retain(|r| included.contains(&r.project_id));
    forms.sort_by_key(|f| table.rows.iter().position(|r| r.name == f.name).unwrap_or(usize::MAX));
    let mut reports = Vec::new();
    for row in report_rows.into_values() {
        reports.push(crate::reports::service::stored(db, row).await?);
    }
    let doc = docs::SubmissionPackage {
        title: format!("{}报送材料", campaign.title),
        unit_name: unit.name.clone(),
        to_unit,
        made_on: date_zh(day_of(now)),
        forms,
        summary: summary_sheet(&table),
        reports: reports.iter().map(|s| report_document::to_document(&s.content, &s.row.sha256)).collect(),
        left_out,
    };
    Ok(Package { doc, unit_code: unit.code, table, reports })
}

/// What the unit recommended in the campaign and has not withdrawn, in the order recommended.
async fn sent_in(
    db: &DatabaseConnection,
    campaign: &campaigns::Model,
    unit_id: i32,
) -> AppResult<Vec<(projects::Model, recommendations::Model)>> {
    let rows = recommendations::Entity::find()
        .filter(recommendations::Column::FromUnitId.eq(unit_id))
        .order_by_asc(recommendations::Column::Id)
        .find_also_related(projects::Entity)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(r, p)| p.filter(|p| p.campaign_id == campaign.id).map(|p| (p, r))).collect())
}

async fn unit_name(db: &DatabaseConnection, id: i32) -> AppResult<String> {
    Ok(units::Entity::find_by_id(id).one(db).await?.map(|u| u.name).unwrap_or_default())
}

/// 甘肃省职工优秀技术创新成果登记表: the form is named after the province, the root unit (甘肃省总工会).
async fn form_title(db: &DatabaseConnection) -> AppResult<String> {
    let root =
        units::Entity::find().filter(units::Column::ParentId.is_null()).order_by_asc(units::Column::Id).one(db).await?;
    let region = root.as_ref().and_then(|u| u.name.strip_suffix("总工会")).unwrap_or_default();
    Ok(format!("{region}{FORM_NAME}"))
}

fn form(
    form_title: &str,
    campaign: &campaigns::Model,
    applicant: &str,
    recommending: &str,
    record: &ProjectRecord,
) -> docs::RegistrationForm {
    let p = &record.project;
    docs::RegistrationForm {
        form_title: form_title.to_owned(),
        campaign: campaign.title.clone(),
        reference: p.import_key.clone(),
        name: p.name.clone(),
        applicant_unit: applicant.to_owned(),
        recommending_unit: recommending.to_owned(),
        units: record.unit_names(),
        completers: record
            .completers
            .iter()
            .map(|c| docs::FormCompleter {
                name: c.name.clone(),
                work_unit: c.work_unit.clone(),
                job_title: c.job_title.clone(),
                phone: c.phone.clone(),
                id_number: c.id_number.clone(),
                contribution: c.contribution.clone(),
                workload: c.workload.clone(),
            })
            .collect(),
        eligibility: record.eligibility_label(),
        proposed_grade: p
            .proposed_grade
            .as_deref()
            .and_then(crate::projects::Grade::parse)
            .map(|g| g.label().to_owned()),
        key_technology: p.key_technology.clone(),
        summary: p.summary.clone().filter(|s| !s.trim().is_empty()),
        ip_items: record
            .ip_items
            .iter()
            .map(|i| docs::FormIpItem {
                kind: IpKind::parse(&i.kind).map_or_else(|| i.kind.clone(), |k| k.label().to_owned()),
                title: i.title.clone(),
                reference: i.reference.clone(),
            })
            .collect(),
        exclusions: EXCLUSIONS.map(str::to_owned).to_vec(),
        exclusions_declared: p.exclusions_declared,
    }
}

async fn audit_personal(
    db: &DatabaseConnection,
    actor: &Actor,
    record: &ProjectRecord,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !crate::projects::personal::present(record) {
        return Ok(());
    }
    let entry = audit::AuditEntry {
        unit_id: Some(actor.unit_id),
        detail: Some(format!("报送材料登记表中打印完成人联系电话、身份证号：{}", record.project.name)),
        ..actor.audit(crate::projects::personal::AUDIT_ACTION, "project", Some(record.project.id.to_string()))
    };
    audit::record(db, entry, now).await
}

fn summary_sheet(table: &summary_table::Table) -> docs::SummarySheet {
    docs::SummarySheet {
        title: format!("{}推荐汇总表", table.campaign_title),
        unit_name: table.unit_name.clone(),
        made_on: table.made_on.clone(),
        headers: summary_table::HEADERS.map(str::to_owned).to_vec(),
        rows: table.rows.iter().enumerate().map(|(i, r)| r.cells(i + 1)).collect(),
    }
}

/// The package as one PDF.
///
/// # Errors
/// Internal, when the renderer fails.
pub async fn pdf(package: &Package) -> AppResult<Vec<u8>> {
    let doc = package.doc.clone();
    blocking(move || docs::render_package_pdf(&doc)).await
}

/// The package as a zip: the whole PDF, each 登记表, the 推荐汇总表 as PDF and XLSX, each report
/// as issued (the same file as its download), and a list of what was left out.
///
/// # Errors
/// Internal, when a renderer or the zip writer fails.
pub async fn zip(package: &Package) -> AppResult<Vec<u8>> {
    let whole = pdf(package).await?;
    let forms = package.doc.forms.clone();
    let sheet = package.doc.summary.clone();
    let (form_pdfs, summary_pdf) = blocking(move || {
        let forms = forms.iter().map(docs::render_registration_pdf).collect::<Result<Vec<_>, _>>()?;
        Ok((forms, docs::render_summary_pdf(&sheet)?))
    })
    .await?;
    let mut files: Vec<(String, Vec<u8>)> = vec![(format!("报送材料-{}.pdf", package.unit_code), whole)];
    for (i, (form, bytes)) in package.doc.forms.iter().zip(form_pdfs).enumerate() {
        files.push((format!("登记表/{:02}-{}.pdf", i + 1, file_safe(&form.name)), bytes));
    }
    files.push((format!("推荐汇总表-{}.pdf", package.unit_code), summary_pdf));
    files.push((format!("推荐汇总表-{}.xlsx", package.unit_code), summary_table::to_xlsx(&package.table)?));
    for stored in &package.reports {
        let bytes = report_document::render(&stored.content, &stored.row.sha256, ReportFormat::Pdf).await?;
        files.push((format!("公示结果报告/{}.pdf", stored.row.code), bytes.as_ref().clone()));
    }
    if !package.doc.left_out.is_empty() {
        files.push(("未列入的项目.txt".to_owned(), left_out_text(&package.doc.left_out).into_bytes()));
    }
    write_zip(&files)
}

fn left_out_text(left_out: &[docs::LeftOut]) -> String {
    let mut text = "以下已推荐项目所依据的公示结果报告目前不能作为推荐依据，本材料未列入：\r\n".to_owned();
    for (i, p) in left_out.iter().enumerate() {
        text.push_str(&format!("{}. {}：{}\r\n", i + 1, p.name, p.reason));
    }
    text
}

/// A project name as a file name: path separators and characters Windows refuses become ＿,
/// and it is cut to 60 characters.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() || r#"/\:*?"<>|"#.contains(c) { '＿' } else { c })
        .take(60)
        .collect::<String>()
        .trim_matches(['.', ' '])
        .to_owned()
}

fn write_zip(files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(AppError::internal)?;
        zip.write_all(bytes).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}

async fn blocking<T: Send + 'static>(render: impl FnOnce() -> Result<T, docs::Error> + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(render)
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(format!("submission package: {e}")))
}
