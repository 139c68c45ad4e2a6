//! The large unit tree and its projects: cities under the province, counties under each city,
//! employers (申报单位) under the counties, each declaring a few projects through the same
//! `projects::service::upsert` the importer uses, so every row is what an import would write.
use super::text::Words;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::units;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// Cities directly under the province, and counties under each city.
const CITIES: usize = 14;
const COUNTIES_PER_CITY: usize = 8;
/// Rows per multi-row insert: well under SQLite's bound-variable limit.
const UNIT_BATCH: usize = 500;
/// Employers whose projects share one write transaction.
const PROJECT_BATCH: usize = 100;

/// One employer of the generated tree.
#[derive(Debug, Clone)]
pub struct Applicant {
    pub id: i32,
    pub name: String,
}

fn unit(parent: i32, kind: &str, code: String, name: String, now: DateTime<Utc>) -> units::ActiveModel {
    units::ActiveModel {
        parent_id: Set(Some(parent)),
        kind: Set(kind.to_owned()),
        name: Set(name),
        code: Set(code),
        contact_person: Set(Some("联络员".to_owned())),
        contact_phone: Set(Some("0931-0000000".to_owned())),
        contact_email: Set(Some("gh@example.cn".to_owned())),
        contact_address: Set(Some("甘肃省兰州市".to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
}

async fn insert_all(db: &DatabaseConnection, rows: Vec<units::ActiveModel>) -> AppResult<()> {
    for chunk in rows.chunks(UNIT_BATCH) {
        units::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

async fn ids_with_prefix(db: &DatabaseConnection, prefix: &str) -> AppResult<Vec<units::Model>> {
    Ok(units::Entity::find()
        .filter(units::Column::Code.starts_with(prefix))
        .order_by_asc(units::Column::Id)
        .all(db)
        .await?)
}

/// Builds cities and counties below `province_id` and `applicants` employers spread over the
/// counties; returns the employers in order.
///
/// # Errors
/// Database failure (including a tree already generated into this database).
pub async fn build(
    db: &DatabaseConnection,
    province_id: i32,
    applicants: usize,
    words: &mut Words,
    now: DateTime<Utc>,
) -> AppResult<Vec<Applicant>> {
    let cities = (0..CITIES)
        .map(|c| unit(province_id, "city", format!("LGC{c:02}"), format!("第{}市州总工会（测试）", c + 1), now))
        .collect();
    insert_all(db, cities).await?;
    let mut counties = Vec::new();
    for city in ids_with_prefix(db, "LGC").await? {
        for k in 0..COUNTIES_PER_CITY {
            let code = format!("{}-{k:02}", city.code);
            counties.push(unit(
                city.id,
                "county",
                code.replace("LGC", "LGK"),
                format!("{}第{}县区总工会", city.name, k + 1),
                now,
            ));
        }
    }
    insert_all(db, counties).await?;
    let counties = ids_with_prefix(db, "LGK").await?;
    let employers = (0..applicants)
        .map(|a| {
            let county = &counties[a % counties.len()];
            unit(county.id, "applicant", format!("LGA{a:06}"), words.company(a), now)
        })
        .collect();
    insert_all(db, employers).await?;
    Ok(ids_with_prefix(db, "LGA").await?.into_iter().map(|u| Applicant { id: u.id, name: u.name }).collect())
}

/// Declares `total` projects spread evenly over the employers, `PROJECT_BATCH` employers per
/// transaction.
///
/// # Errors
/// Database failure or a generated project the importer refuses.
pub async fn declare_projects(
    db: &DatabaseConnection,
    campaign_id: i32,
    applicants: &[Applicant],
    total: usize,
    words: &mut Words,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let units = applicants.len().max(1);
    let mut n = 0;
    for (b, batch) in applicants.chunks(PROJECT_BATCH).enumerate() {
        let txn = crate::db::begin_write(db).await?;
        for (i, a) in batch.iter().enumerate() {
            let index = b * PROJECT_BATCH + i;
            let share = total / units + usize::from(index < total % units);
            for _ in 0..share {
                let draft = words
                    .project(&a.name, n)
                    .validate()
                    .map_err(|e| crate::error::AppError::internal(format!("generated project refused: {e:?}")))?;
                crate::projects::service::upsert(&txn, campaign_id, a.id, &draft, now).await?;
                n += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(())
}
