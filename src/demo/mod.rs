//! The demo: the 2025 Gansu campaign from the seed notice, the unit tree down to Wuwei's
//! counties and enterprises, and projects in every state, dated around today so a new user
//! always finds a live site; and the next campaign, just opened, whose deadlines lie weeks
//! ahead, so the dashboard's planner shows days to come and not only days gone by.
mod history;
mod units;

use crate::campaigns::CampaignSettings;
use crate::error::AppError;
use crate::projects::{ProjectDraft, import};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{campaign_deadlines, campaign_quotas, campaigns, units as unit_rows};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use std::collections::HashMap;

const PROJECTS_JSON: &str = include_str!("projects.json");

/// Seeds the demo when the database has no units yet; a database in use is left alone. The
/// reports' QR codes lead to `base_url`; receipts are signed and identities sealed with `keys`.
///
/// # Errors
/// Database failure.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    base_url: &str,
    keys: &crate::secrets::Secrets,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if unit_rows::Entity::find().count(db).await? > 0 {
        tracing::info!("demo: database already has data, not seeding");
        return Ok(());
    }
    // The units and projects were entered before the first notice of the demo's history.
    let entered = now - Duration::days(30);
    let units = units::seed(db, entered).await?;
    let campaign = seed_campaign(db, &units, entered).await?;
    seed_projects(db, campaign.id, &units, entered).await?;
    history::replay(db, campaign.id, base_url, keys, now).await?;
    seed_live_campaign(db, &units, now).await?;
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
        award_grades: Set(r#"["special","first","second","third","merit"]"#.into()),
        created_at: Set(now),
        ..CampaignSettings::DEFAULT.row()
    }
    .insert(db)
    .await?;
    seed_deadlines_and_quotas(db, campaign.id, units, [date(2025, 4, 8), date(2025, 5, 1)]).await?;
    Ok(campaign)
}

/// Days from the demo's today to the live campaign's deadline at the city, and at the province:
/// far enough for every tier's latest start to lie ahead (the province's chain needs about 50).
const LIVE_CITY_DEADLINE_DAYS: i64 = 42;
const LIVE_PROVINCE_DEADLINE_DAYS: i64 = 65;

/// The campaign under way: the rules and unit tree of 2025, deadlines weeks after today, no
/// projects declared yet. Its year is the city deadline's, and never 2025's.
async fn seed_live_campaign(
    db: &DatabaseConnection,
    units: &HashMap<&'static str, i32>,
    now: DateTime<Utc>,
) -> Result<campaigns::Model, AppError> {
    use chrono::Datelike;
    let today = crate::china_time::day_of(now);
    let city_due = today + Duration::days(LIVE_CITY_DEADLINE_DAYS);
    let year = city_due.year().max(2026);
    let campaign = campaigns::ActiveModel {
        code: Set(year.to_string()),
        year: Set(year),
        edition: Set(format!("第{}届", edition_zh(year))),
        title: Set(format!("{year}年度甘肃省职工技术成果征集活动")),
        doc_number: Set(None),
        organizer_unit_id: Set(units.get("GS").copied()),
        award_grades: Set(r#"["special","first","second","third","merit"]"#.into()),
        created_at: Set(now),
        ..CampaignSettings::DEFAULT.row()
    }
    .insert(db)
    .await?;
    let province_due = today + Duration::days(LIVE_PROVINCE_DEADLINE_DAYS);
    seed_deadlines_and_quotas(db, campaign.id, units, [city_due, province_due]).await?;
    Ok(campaign)
}

/// The edition in Chinese numerals: 2025 is the eighteenth (第十八届).
fn edition_zh(year: i32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n = usize::try_from(year - 2007).unwrap_or(18).clamp(1, 99);
    let tens = match n / 10 {
        0 => String::new(),
        1 => "十".to_owned(),
        t => format!("{}十", DIGITS[t]),
    };
    format!("{tens}{}", DIGITS[n % 10])
}

/// Wuwei's deadline toward the city and the province's, and Wuwei's minimums toward the city.
async fn seed_deadlines_and_quotas(
    db: &DatabaseConnection,
    campaign_id: i32,
    units: &HashMap<&'static str, i32>,
    [city_due, province_due]: [NaiveDate; 2],
) -> Result<(), AppError> {
    for (unit, due, what) in
        [("WW", city_due, "书面材料及电子版报武威市总工会"), ("GS", province_due, "书面材料及电子版报省科学技术交流站")]
    {
        campaign_deadlines::ActiveModel {
            campaign_id: Set(campaign_id),
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
            campaign_id: Set(campaign_id),
            unit_id: Set(units[unit]),
            target_unit_id: Set(units["WW"]),
            min_projects: Set(Some(min)),
            max_projects: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn editions_count_from_the_eighteenth_in_2025() {
        assert_eq!(edition_zh(2025), "十八");
        assert_eq!(edition_zh(2026), "十九");
        assert_eq!(edition_zh(2027), "二十");
        assert_eq!(edition_zh(2028), "二十一");
    }

    fn demo_projects() -> Vec<DemoProject> {
        serde_json::from_str(PROJECTS_JSON).expect("projects.json is a list of projects")
    }

    /// The demo goes through the same rules as an imported file; a bad entry would stop `--demo`.
    #[test]
    fn every_demo_project_passes_the_import_rules() {
        let projects = demo_projects();
        assert!(projects.len() >= 18, "only {} demo projects", projects.len());
        let mut keys = HashSet::new();
        for p in projects {
            let key = p.draft.import_key.clone();
            assert!(keys.insert(key.clone()), "{key}: 申报编号 repeated (keys are unique per campaign)");
            let d = p.draft.validate().unwrap_or_else(|e| panic!("{key}: {e:?}"));
            assert!((1..=3).contains(&d.completing_units.len()), "{key}: completing units");
            assert!((2..=6).contains(&d.completers.len()), "{key}: completers");
            for c in &d.completers {
                assert!(c.job_title.is_some(), "{key}: {} has no job title", c.name);
                let unit = c.work_unit.as_deref().unwrap_or_default();
                assert!(d.completing_units.iter().any(|u| u == unit), "{key}: {} works at {unit}", c.name);
            }
            let chars = d.key_technology.chars().count();
            assert!((150..=400).contains(&chars), "{key}: key technology has {chars} characters");
            assert!(d.ip_items.len() <= 3, "{key}: IP items");
            assert!(d.summary.is_some(), "{key}: summary");
        }
    }

    /// The public listing reads the items in pages; the demo's, read three at a time, give the
    /// facts one read gives.
    #[tokio::test]
    async fn the_listing_reads_the_demo_items_a_few_at_a_time_as_at_once() {
        use crate::notices::public_listing::{ITEMS_PER_QUERY, revision_facts};
        use entity::notice_revisions;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = crate::db::connect_and_migrate(&url).await.expect("fresh database");
        let now = Utc::now();
        let master = crate::keys::MasterKey::generate();
        let secrets = crate::secrets::Secrets::load_or_create(&db, &master, now).await.expect("keys");
        seed_if_empty(&db, "http://127.0.0.1", &secrets, now).await.expect("demo");
        let mut revisions: HashMap<i32, Vec<notice_revisions::Model>> = HashMap::new();
        for r in notice_revisions::Entity::find().all(&db).await.expect("revisions") {
            revisions.entry(r.notice_id).or_default().push(r);
        }
        let at_once = revision_facts(&db, &revisions, ITEMS_PER_QUERY).await.expect("facts");
        let by_three = revision_facts(&db, &revisions, 3).await.expect("facts");
        assert!(at_once.values().map(|f| f.names.len()).sum::<usize>() > 9, "the items span pages of three");
        assert_eq!(at_once, by_three);
    }

    /// Every project names an applicant unit of the demo tree, that unit is the first completing
    /// unit, and the spread gives Wuwei's quota dashboard something to show in every county.
    #[tokio::test]
    async fn every_demo_project_belongs_to_an_applicant_unit_of_the_tree() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = crate::db::connect_and_migrate(&url).await.expect("fresh database");
        let now = DateTime::from_timestamp(1_741_564_800, 0).unwrap_or_default();
        let ids = units::seed(&db, now).await.expect("unit tree");
        let rows: HashMap<i32, unit_rows::Model> =
            unit_rows::Entity::find().all(&db).await.expect("units").into_iter().map(|u| (u.id, u)).collect();
        let mut per_parent: HashMap<String, usize> = HashMap::new();
        for p in demo_projects() {
            let id = ids.get(p.unit.as_str()).unwrap_or_else(|| panic!("unit {} is not in units.rs", p.unit));
            let unit = &rows[id];
            assert_eq!(unit.kind, "applicant", "{}", p.unit);
            assert_eq!(p.draft.completing_units.first(), Some(&unit.name), "{}: declaring unit first", p.draft.name);
            let parent = unit.parent_id.and_then(|id| rows.get(&id)).map(|u| u.code.clone()).unwrap_or_default();
            *per_parent.entry(parent).or_default() += 1;
        }
        let count = |code: &str| per_parent.get(code).copied().unwrap_or_default();
        assert!(count("WW-LZ") >= 7, "凉州区 has {}", count("WW-LZ"));
        for county in ["WW-MQ", "WW-GL", "WW-TZ"] {
            assert!(count(county) >= 2, "{county} has {}", count(county));
        }
        assert!(count("WW-SZ") >= 3, "市直 has {}", count("WW-SZ"));
    }
}
