//! Level-1 notices for the generated employers, made by the real `generate` and `publish` at
//! instants in the past, so periods, revisions, snapshots and ledger entries are exactly what
//! staff would have produced. Start days are spread over the last [`SPAN_DAYS`] days: the
//! most recent few are open, the rest closed.
use super::tree::Applicant;
use crate::china_time::{day_of, instant_on};
use crate::error::{AppError, AppResult};
use crate::notices::generate::{GenerateRequest, generate};
use crate::notices::publish::{PublishRequest, publish};
use crate::notices::{Level, PeriodRules};
use chrono::{DateTime, Duration, Utc};
use entity::{campaigns, notice_revisions};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Start days run from today back this many days.
pub const SPAN_DAYS: i64 = 60;

/// What the objection generator needs to know of a published notice.
#[derive(Debug, Clone)]
pub struct Published {
    pub id: i32,
    pub title: String,
    pub project_ids: Vec<i32>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub handling_due_at: DateTime<Utc>,
}

/// Publishes one notice for each of the first `count` employers.
///
/// # Errors
/// Database failure, or a refusal by the notice rules (which would be a generator bug).
pub async fn publish_all(
    db: &DatabaseConnection,
    campaign: &campaigns::Model,
    applicants: &[Applicant],
    count: usize,
    now: DateTime<Utc>,
) -> AppResult<Vec<Published>> {
    let rules = PeriodRules::of(campaign);
    let today = day_of(now);
    let mut out = Vec::with_capacity(count);
    for (i, a) in applicants.iter().take(count).enumerate() {
        let offset = i64::try_from(i).unwrap_or(0) % (SPAN_DAYS + 1);
        let start = today - Duration::days(offset);
        // Published the morning before the first day, as units do.
        let at = instant_on(start - Duration::days(1), 9 * 60).min(now);
        let project_ids = crate::projects::service::list_ids_for_unit(db, campaign.id, a.id).await?;
        if project_ids.is_empty() {
            continue;
        }
        let req = GenerateRequest {
            campaign_id: campaign.id,
            unit_id: a.id,
            level: Level::Applicant,
            project_ids: project_ids.clone(),
            starts_on: Some(start),
            created_by: None,
        };
        let generated = generate(db, &req, at).await?;
        publish(db, generated.notice_id, &PublishRequest::default(), at).await?;
        let revision = notice_revisions::Entity::find_by_id(generated.revision_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("published revision vanished"))?;
        let period = rules.period(revision.starts_on);
        out.push(Published {
            id: generated.notice_id,
            title: revision.title,
            project_ids,
            opens_at: period.opens_at,
            closes_at: period.closes_at,
            handling_due_at: period.closes_at + Duration::days(i64::from(campaign.handling_days)),
        });
    }
    Ok(out)
}

/// The campaign the demo seeded.
///
/// # Errors
/// No such campaign, or database failure.
pub async fn campaign(db: &DatabaseConnection, code: &str) -> AppResult<campaigns::Model> {
    campaigns::Entity::find()
        .filter(campaigns::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("campaign {code} missing: seed the demo first")))
}
