//! The demo: the 2025 Gansu campaign from the seed notice, the unit tree down to Wuwei's
//! counties and enterprises, and projects in every state, dated around today so a new user
//! always finds a live site.
mod units;

use crate::error::AppError;
use crate::projects::{ProjectDraft, import};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{campaign_deadlines, campaign_quotas, campaigns, units as unit_rows};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use std::collections::HashMap;

const PROJECTS_JSON: &str = include_str!("projects.json");

/// Seeds the demo when the database has no units yet; a database in use is left alone.
///
/// # Errors
/// Database failure.
pub async fn seed_if_empty(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    if unit_rows::Entity::find().count(db).await? > 0 {
        tracing::info!("demo: database already has data, not seeding");
        return Ok(());
    }
    let units = units::seed(db, now).await?;
    let campaign = seed_campaign(db, &units, now).await?;
    seed_projects(db, campaign.id, &units, now).await?;
    tracing::info!("demo data loaded");
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

async fn seed_campaign(
    db: &DatabaseConnection,
    units: &HashMap<&'static str, i32>,
    now: DateTime<Utc>,
) -> Result<campaigns::Model, AppError> {
    let campaign = campaigns::ActiveModel {
        code: Set("2025".into()),
        year: Set(2025),
        edition: Set("第十八届".into()),
        title: Set("2025年度甘肃省职工技术成果征集活动".into()),
        doc_number: Set(Some("甘总工办发〔2025〕8号".into())),
        organizer_unit_id: Set(units.get("GS").copied()),
        notice_days: Set(5),
        closing_minute: Set(1440),
        recommend_limit: Set(5),
        handling_days: Set(10),
        retention_days: Set(365),
        require_real_name: Set(true),
        refuse_without_evidence: Set(false),
        award_grades: Set(r#"["special","first","second","third","merit"]"#.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (unit, due, what) in [
        ("WW", date(2025, 4, 8), "书面材料及电子版报武威市总工会"),
        ("GS", date(2025, 5, 1), "书面材料及电子版报省科学技术交流站"),
    ] {
        campaign_deadlines::ActiveModel {
            campaign_id: Set(campaign.id),
            unit_id: Set(units[unit]),
            due_on: Set(due),
            description: Set(Some(what.into())),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (unit, min) in [("WW-LZ", 10), ("WW-MQ", 5), ("WW-GL", 5), ("WW-TZ", 5), ("WW-SZ", 1)] {
        campaign_quotas::ActiveModel {
            campaign_id: Set(campaign.id),
            unit_id: Set(units[unit]),
            target_unit_id: Set(units["WW"]),
            min_projects: Set(Some(min)),
            max_projects: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(campaign)
}

#[derive(serde::Deserialize)]
struct DemoProject {
    unit: String,
    #[serde(flatten)]
    draft: ProjectDraft,
}

async fn seed_projects(
    db: &DatabaseConnection,
    campaign_id: i32,
    units: &HashMap<&'static str, i32>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let projects: Vec<DemoProject> = serde_json::from_str(PROJECTS_JSON).map_err(AppError::internal)?;
    for p in projects {
        let unit_id =
            *units.get(p.unit.as_str()).ok_or_else(|| AppError::internal(format!("demo unit {} missing", p.unit)))?;
        let draft = p.draft.validate().map_err(|e| AppError::internal(format!("demo project invalid: {e:?}")))?;
        import::store(db, campaign_id, unit_id, vec![draft], now).await?;
    }
    Ok(())
}
