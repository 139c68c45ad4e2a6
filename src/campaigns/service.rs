//! Campaign records: listed and read by every staff member, created, changed, copied from last
//! year and deleted by the root unit's admins (the province runs the campaign). Every write
//! checks the whole record first (`input`), saves it in one transaction with its deadlines and
//! quotas, and is audited.
use super::input::{CampaignInput, DeadlineInput, QuotaInput, Valid, closing_time_text};
use super::{CampaignSettings, Grade};
use crate::access::{Action, Actor, policy};
use crate::audit::Who;
use crate::error::{AppError, AppResult, FieldError};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use entity::{campaign_deadlines, campaign_quotas, campaigns, notices, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use std::collections::HashMap;

/// A campaign in the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignSummary {
    pub code: String,
    pub title: String,
    pub year: i32,
    pub edition: String,
    pub open: bool,
    pub notice_count: u64,
}

/// Every campaign, newest first.
///
/// # Errors
/// Database failure.
pub async fn list<C: ConnectionTrait>(db: &C) -> AppResult<Vec<CampaignSummary>> {
    let mut out = Vec::new();
    for c in super::newest_first(db).await? {
        let notice_count = notices::Entity::find().filter(notices::Column::CampaignId.eq(c.id)).count(db).await?;
        out.push(CampaignSummary {
            code: c.code,
            title: c.title,
            year: c.year,
            edition: c.edition,
            open: c.is_open,
            notice_count,
        });
    }
    Ok(out)
}

async fn units_by_code<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<String, units::Model>> {
    Ok(units::Entity::find().all(db).await?.into_iter().map(|u| (u.code.clone(), u)).collect())
}

/// The campaign as the JSON staff write: what `GET` gives is what `PUT` takes.
///
/// # Errors
/// `NotFound` for an unknown code; database failure.
pub async fn record<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<CampaignInput> {
    let c = super::find_by_code(db, code).await?.ok_or(AppError::NotFound)?;
    let by_id: HashMap<i32, units::Model> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let code_of = |id: i32| by_id.get(&id).map_or_else(String::new, |u| u.code.clone());
    let deadlines = c
        .find_related(campaign_deadlines::Entity)
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DeadlineInput { unit: code_of(d.unit_id), due_on: d.due_on, description: d.description })
        .collect();
    let quotas = campaign_quotas::Entity::find()
        .filter(campaign_quotas::Column::CampaignId.eq(c.id))
        .order_by_asc(campaign_quotas::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|q| QuotaInput { unit: code_of(q.unit_id), min: q.min_projects, max: q.max_projects })
        .collect();
    let s = CampaignSettings::of(&c);
    let award_grades: Vec<String> = serde_json::from_str(&c.award_grades).unwrap_or_default();
    Ok(CampaignInput {
        code: c.code,
        title: c.title,
        year: c.year,
        edition: c.edition,
        doc_number: c.doc_number,
        doc_title: c.doc_title,
        starts_on: c.starts_on,
        open: c.is_open,
        notice_days: s.notice_days,
        closing_time: closing_time_text(s.closing_minute),
        recommend_limit: s.recommend_limit,
        handling_days: s.handling_days,
        deadline_margin_days: s.deadline_margin_days,
        retention_days: s.retention_days,
        require_real_name: s.require_real_name,
        refuse_without_evidence: s.refuse_without_evidence,
        letters_by: s.letters_by,
        award_grades: award_grades.iter().filter_map(|g| Grade::parse(g)).collect(),
        province_min_grade: s.province_min_grade,
        deadlines,
        quotas,
    })
}

/// Only the root unit's admins manage campaigns; asked before the body is even read.
///
/// # Errors
/// `Forbidden` for anyone else.
pub fn require_manager(actor: &Actor) -> AppResult<()> {
    policy::require_role(actor, Action::ManageCampaign)?;
    if actor.is_province { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Creates a campaign with its deadlines and quotas.
///
/// # Errors
/// `Forbidden` for anyone but the root unit's admins; `Validation` for every problem (a code in
/// use included); database failure.
pub async fn create_as(
    db: &DatabaseConnection,
    actor: &Actor,
    input: CampaignInput,
    now: DateTime<Utc>,
) -> AppResult<campaigns::Model> {
    require_manager(actor)?;
    create(db, input, &who(actor), actor.unit_id, now).await
}

/// Creates a campaign organised by `unit_id` (the command line passes the root unit).
///
/// # Errors
/// `Validation` for every problem (a code in use included); database failure.
pub async fn create(
    db: &DatabaseConnection,
    input: CampaignInput,
    by: &Who,
    unit_id: i32,
    now: DateTime<Utc>,
) -> AppResult<campaigns::Model> {
    let txn = crate::db::begin_write(db).await?;
    let valid = checked(&txn, input, None).await?;
    let row = campaigns::ActiveModel { created_at: Set(now), organizer_unit_id: Set(Some(unit_id)), ..fields(&valid) }
        .insert(&txn)
        .await?;
    replace_rules(&txn, row.id, &valid).await?;
    let detail = format!("新建征集活动《{}》（{}）", row.title, row.code);
    by.record(&txn, "campaign.create", "campaign", row.id, unit_id, Some(detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

fn who(actor: &Actor) -> Who {
    Who { user_id: Some(actor.user_id), ip: actor.ip.clone() }
}

/// Replaces a campaign's record (its code stays). Notices already published keep the period
/// they were published with.
///
/// # Errors
/// As [`create_as`]; `NotFound` for an unknown code.
pub async fn update_as(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    input: CampaignInput,
    now: DateTime<Utc>,
) -> AppResult<campaigns::Model> {
    require_manager(actor)?;
    update(db, code, input, &who(actor), actor.unit_id, now).await
}

/// [`update_as`] without the rights check (the command line).
///
/// # Errors
/// As [`create`]; `NotFound` for an unknown code.
pub async fn update(
    db: &DatabaseConnection,
    code: &str,
    input: CampaignInput,
    by: &Who,
    unit_id: i32,
    now: DateTime<Utc>,
) -> AppResult<campaigns::Model> {
    let txn = crate::db::begin_write(db).await?;
    let existing = super::find_by_code(&txn, code).await?.ok_or(AppError::NotFound)?;
    if input.code.trim() != existing.code {
        return Err(AppError::invalid("code", "活动代码创建后不能修改").relabelled(super::input::FIELD_LABELS));
    }
    let valid = checked(&txn, input, Some(existing.id)).await?;
    let row = campaigns::ActiveModel { id: Set(existing.id), ..fields(&valid) }.update(&txn).await?;
    replace_rules(&txn, row.id, &valid).await?;
    let detail = format!("修改征集活动《{}》（{}）", row.title, row.code);
    by.record(&txn, "campaign.update", "campaign", row.id, unit_id, Some(detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a campaign that has no notices; one with notices is closed instead.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Conflict` when it has notices; database failure.
pub async fn delete_as(db: &DatabaseConnection, actor: &Actor, code: &str, now: DateTime<Utc>) -> AppResult<()> {
    require_manager(actor)?;
    let txn = crate::db::begin_write(db).await?;
    let c = super::find_by_code(&txn, code).await?.ok_or(AppError::NotFound)?;
    let noticed = notices::Entity::find().filter(notices::Column::CampaignId.eq(c.id)).count(&txn).await?;
    let projects =
        entity::projects::Entity::find().filter(entity::projects::Column::CampaignId.eq(c.id)).count(&txn).await?;
    if noticed > 0 || projects > 0 {
        return Err(AppError::conflict(format!(
            "征集活动《{}》已有{noticed}个公示、{projects}个项目，不能删除；如不再接收新公示，请关闭该活动",
            c.title
        )));
    }
    let (id, detail) = (c.id, format!("删除征集活动《{}》（{}）", c.title, c.code));
    c.delete(&txn).await?;
    who(actor).record(&txn, "campaign.delete", "campaign", id, actor.unit_id, Some(detail), now).await?;
    txn.commit().await?;
    Ok(())
}

/// "Start from last year's campaign": `from`'s settings, deadlines and quotas under a new code,
/// the year and every date moved on by a year, and the year in the title replaced.
///
/// # Errors
/// As [`create_as`]; `NotFound` for an unknown `from`.
pub async fn copy_as(
    db: &DatabaseConnection,
    actor: &Actor,
    from: &str,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<campaigns::Model> {
    require_manager(actor)?;
    create(db, next_years(db, from, code).await?, &who(actor), actor.unit_id, now).await
}

/// `from`'s record as next year's campaign `code`: the year and every date a year on, the year
/// in the title replaced, open, without a document number yet.
///
/// # Errors
/// `NotFound` for an unknown `from`; database failure.
pub async fn next_years<C: ConnectionTrait>(db: &C, from: &str, code: &str) -> AppResult<CampaignInput> {
    let mut input = record(db, from).await?;
    let old_year = input.year.to_string();
    input.year += 1;
    input.title = input.title.replace(&old_year, &input.year.to_string());
    code.trim().clone_into(&mut input.code);
    input.open = true;
    input.doc_number = None;
    input.starts_on = input.starts_on.map(next_year);
    for d in &mut input.deadlines {
        d.due_on = next_year(d.due_on);
    }
    Ok(input)
}

/// The same day a year later (29 February becomes 28 February).
fn next_year(day: NaiveDate) -> NaiveDate {
    day.checked_add_months(Months::new(12)).unwrap_or_else(|| day.with_day(28).unwrap_or(day))
}

async fn checked<C: ConnectionTrait>(db: &C, input: CampaignInput, id: Option<i32>) -> AppResult<Valid> {
    let units = units_by_code(db).await?;
    let taken = super::find_by_code(db, input.code.trim()).await?.filter(|c| Some(c.id) != id);
    let valid = input.validate(&units);
    match (valid, taken) {
        (Ok(v), None) => Ok(v),
        (Ok(v), Some(_)) => Err(AppError::taken("code", format!("活动代码“{}”已被使用", v.input.code.trim()))
            .relabelled(super::input::FIELD_LABELS)),
        (Err(mut errors), taken) => {
            if let Some(t) = taken {
                errors.insert(0, FieldError::new("code", format!("活动代码“{}”已被使用", t.code)));
            }
            Err(AppError::Validation(errors).relabelled(super::input::FIELD_LABELS))
        }
    }
}

fn fields(v: &Valid) -> campaigns::ActiveModel {
    let i = &v.input;
    let text = |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let grades: Vec<&str> = i.award_grades.iter().map(|g| g.code()).collect();
    campaigns::ActiveModel {
        code: Set(i.code.trim().to_owned()),
        year: Set(i.year),
        edition: Set(i.edition.trim().to_owned()),
        title: Set(i.title.trim().to_owned()),
        doc_number: Set(text(&i.doc_number)),
        doc_title: Set(text(&i.doc_title)),
        starts_on: Set(i.starts_on),
        is_open: Set(i.open),
        award_grades: Set(serde_json::to_string(&grades).unwrap_or_else(|_| "[]".into())),
        ..v.settings.row()
    }
}

async fn replace_rules<C: ConnectionTrait>(db: &C, campaign_id: i32, v: &Valid) -> AppResult<()> {
    campaign_deadlines::Entity::delete_many()
        .filter(campaign_deadlines::Column::CampaignId.eq(campaign_id))
        .exec(db)
        .await?;
    campaign_quotas::Entity::delete_many().filter(campaign_quotas::Column::CampaignId.eq(campaign_id)).exec(db).await?;
    for (unit_id, due_on, description) in &v.deadlines {
        campaign_deadlines::ActiveModel {
            campaign_id: Set(campaign_id),
            unit_id: Set(*unit_id),
            due_on: Set(*due_on),
            description: Set(description.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (unit_id, target, min, max) in &v.quotas {
        campaign_quotas::ActiveModel {
            campaign_id: Set(campaign_id),
            unit_id: Set(*unit_id),
            target_unit_id: Set(*target),
            min_projects: Set(*min),
            max_projects: Set(*max),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
