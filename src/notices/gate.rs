//! The one rule for entering a level (未按要求公示和不能提供公示结果报告的项目不得推荐申报):
//! level 1 is open to the applicant unit's own projects; levels 2 and 3 take only projects
//! recommended to the publishing unit, each resting on a clean result (公示无异议 or 异议不成立)
//! of the unit that recommended it, on its latest result report that covers the project, is
//! not superseded and still stands (`report_standing`: not voided by a withdrawal or a
//! restarted period, not suspended by a late in-time objection); level 3 takes only projects the province proposed (拟评) for 三等奖 or above. Notice generation
//! calls [`check_can_enter`]; recommending a project to the next unit (the recommendation pages,
//! API and the import into a higher unit) calls [`check_can_recommend`], so the rule lives here
//! alone. The rule: docs/RULES.md#the-gate.
use crate::error::{AppError, AppResult, FieldError};
use crate::notices::Level;
use crate::projects::Grade;
use crate::report_standing::{self, Standing};
use entity::{notices, projects, recommendations, report_outcomes, result_reports, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Outcomes that clear a project for the next level.
pub const CLEAN_OUTCOMES: [&str; 2] = ["no_objection", "dismissed"];

/// Whether `project_id` may enter a `level` notice published by `unit_id`.
///
/// # Errors
/// `Validation` (field `projects`) with a Chinese message naming the project and what is
/// missing; database failure.
pub async fn check_can_enter<C: ConnectionTrait>(db: &C, project_id: i32, level: Level, unit_id: i32) -> AppResult<()> {
    let Some(project) = projects::Entity::find_by_id(project_id).one(db).await? else {
        return Err(refuse(format!("项目（编号{project_id}）不存在")));
    };
    check_unit(db, &project, level, unit_id).await?;
    if level == Level::Province {
        // The grade the province proposed after its review (拟评), not the applicant's 拟推荐等级.
        let grade = crate::projects::review_grade::current(db, project.id).await?;
        let lowest = lowest_provincial_grade(db, project.campaign_id).await?;
        if !grade.is_some_and(|g| g.is_at_least(lowest)) {
            let what =
                grade.map_or_else(|| "尚无省总工会评审后的拟评等级".to_owned(), |g| format!("拟评{}", g.label()));
            return Err(refuse(format!(
                "项目《{}》{what}，省总工会公示只列拟评{}以上的项目",
                project.name,
                lowest.label()
            )));
        }
    }
    if level == Level::Applicant {
        return Ok(());
    }
    check_recommended_here(db, &project, level, unit_id).await
}

/// Levels 2 and 3 form one chain: a unit lists only projects recommended to it (it holds them
/// now), each resting on the clean, standing report of the unit that recommended it — that
/// unit's 申报单位公示 when it declared the project, its 推荐单位公示 otherwise.
async fn check_recommended_here<C: ConnectionTrait>(
    db: &C,
    project: &projects::Model,
    level: Level,
    unit_id: i32,
) -> AppResult<()> {
    if project.holder_unit_id != unit_id {
        let holder = unit_name(db, project.holder_unit_id).await?;
        return Err(refuse(format!(
            "项目《{}》尚未推荐至本单位（目前在{holder}），不能列入{}",
            project.name,
            level.label()
        )));
    }
    let recommendation = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(project.id))
        .filter(recommendations::Column::ToUnitId.eq(unit_id))
        .order_by_desc(recommendations::Column::Id)
        .one(db)
        .await?;
    let Some(recommendation) = recommendation else {
        return Err(refuse(format!("项目《{}》没有推荐至本单位的记录，不能列入{}", project.name, level.label())));
    };
    let from = recommendation.from_unit_id;
    let from_name = unit_name(db, from).await?;
    let below = if project.applicant_unit_id == from { Level::Applicant } else { Level::Recommender };
    match latest_result(db, project.id, below, Some(from)).await? {
        Some(r) if !r.standing.clears() => Err(refuse(format!(
            "项目《{}》所依据的{from_name}{}结果报告{}{}：{}，不能进入{}",
            project.name,
            below.label(),
            r.report.code,
            r.standing.label(),
            r.standing.reason(),
            level.label()
        ))),
        Some(r) if CLEAN_OUTCOMES.contains(&r.outcome.as_str()) => Ok(()),
        Some(_) => Err(refuse(format!(
            "项目《{}》在{from_name}的{}中异议成立，须更正后再次公示无异议，方可进入{}",
            project.name,
            below.label(),
            level.label()
        ))),
        None => Err(refuse(format!(
            "项目《{}》尚无{from_name}的{}结果报告（公示无异议或异议不成立），不能进入{}",
            project.name,
            below.label(),
            level.label()
        ))),
    }
}

/// 再次公示 after an upheld objection (异议成立): the unit may notice the project again at the
/// same level only with a recorded correction — a changed project record (its public fields
/// differ from what the upheld notice showed) or a written statement of what was verified and
/// handled (经核实处理情况), published with the notice as its 说明. Asked when a new notice is
/// first published.
///
/// # Errors
/// `Validation` (field `note`) naming each project re-noticed unchanged without a statement;
/// database failure.
pub async fn check_renotice<C: ConnectionTrait>(
    db: &C,
    notice: &notices::Model,
    items: &[crate::notices::service::Item],
    has_statement: bool,
) -> AppResult<()> {
    if has_statement {
        return Ok(());
    }
    let level = Level::try_from(notice)?;
    let mut errors = Vec::new();
    for item in items {
        let Some(latest) = latest_result(db, item.project_id, level, Some(notice.unit_id)).await? else { continue };
        if CLEAN_OUTCOMES.contains(&latest.outcome.as_str()) {
            continue;
        }
        let before = crate::notices::service::items(db, latest.report.revision_id).await?;
        let unchanged = before.iter().any(|b| b.project_id == item.project_id && b.snapshot == item.snapshot);
        if unchanged {
            errors.push(FieldError::new(
                "note",
                format!(
                    "项目《{}》在本单位此前的{}中异议成立（报告{}），再次公示须先更正项目登记表，或填写经核实处理情况（再次公示说明，将随公示公开）",
                    item.snapshot.name,
                    level.label(),
                    latest.report.code
                ),
            ));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// The lowest grade the campaign's provincial notice lists (三等奖以上 unless it says otherwise).
async fn lowest_provincial_grade<C: ConnectionTrait>(db: &C, campaign_id: i32) -> AppResult<Grade> {
    let campaign = entity::campaigns::Entity::find_by_id(campaign_id).one(db).await?;
    Ok(campaign.map_or(crate::campaigns::CampaignSettings::DEFAULT.province_min_grade, |c| {
        crate::campaigns::CampaignSettings::of(&c).province_min_grade
    }))
}

async fn unit_name<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<String> {
    Ok(units::Entity::find_by_id(id).one(db).await?.map_or_else(|| format!("单位{id}"), |u| u.name))
}

fn refuse(message: String) -> AppError {
    AppError::Validation(vec![FieldError::new("projects", message)])
}

/// Level 1 is the applicant's own notice; higher levels are published by a unit above the
/// applicant, and level 3 by the province at the root of the tree.
async fn check_unit<C: ConnectionTrait>(
    db: &C,
    project: &projects::Model,
    level: Level,
    unit_id: i32,
) -> AppResult<()> {
    let ok = match level {
        Level::Applicant => project.applicant_unit_id == unit_id,
        Level::Recommender => is_strict_ancestor(db, unit_id, project.applicant_unit_id).await?,
        Level::Province => {
            let unit = units::Entity::find_by_id(unit_id).one(db).await?;
            unit.is_some_and(|u| u.parent_id.is_none())
        }
    };
    if ok {
        return Ok(());
    }
    Err(refuse(match level {
        Level::Applicant => format!("项目《{}》不是本单位申报的项目，不能列入申报单位公示", project.name),
        Level::Recommender => format!("项目《{}》不在本单位的推荐范围内（申报单位不是本单位的下级）", project.name),
        Level::Province => format!("项目《{}》的省总工会公示只能由省总工会发布", project.name),
    }))
}

async fn is_strict_ancestor<C: ConnectionTrait>(db: &C, ancestor: i32, unit: i32) -> AppResult<bool> {
    let mut current = units::Entity::find_by_id(unit).one(db).await?.and_then(|u| u.parent_id);
    // The tree is shallow (four levels); the bound only guards against a cycle in bad data.
    for _ in 0..32 {
        match current {
            Some(id) if id == ancestor => return Ok(true),
            Some(id) => current = units::Entity::find_by_id(id).one(db).await?.and_then(|u| u.parent_id),
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// The project's latest result at a level: the report, what it says of the project, and
/// whether it still stands.
struct LatestResult {
    report: result_reports::Model,
    outcome: String,
    standing: Standing,
}

/// The outcome for the project on the most recent result report at `level` that no later
/// report replaced (a re-notice, 再次公示, therefore decides over an earlier upheld objection),
/// counting only notices published by `publisher` when given, with that report's standing.
async fn latest_result<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    level: Level,
    publisher: Option<i32>,
) -> AppResult<Option<LatestResult>> {
    let outcomes = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ProjectId.eq(project_id))
        .filter(report_outcomes::Column::Level.eq(level.number()))
        .all(db)
        .await?;
    if outcomes.is_empty() {
        return Ok(None);
    }
    let report_ids: Vec<i32> = outcomes.iter().map(|o| o.report_id).collect();
    let mut live = result_reports::Entity::find()
        .filter(result_reports::Column::Id.is_in(report_ids))
        .filter(result_reports::Column::SupersededBy.is_null())
        .all(db)
        .await?;
    if let Some(unit) = publisher {
        let theirs: Vec<i32> = notices::Entity::find()
            .filter(notices::Column::Id.is_in(live.iter().map(|r| r.notice_id)))
            .filter(notices::Column::UnitId.eq(unit))
            .all(db)
            .await?
            .into_iter()
            .map(|n| n.id)
            .collect();
        live.retain(|r| theirs.contains(&r.notice_id));
    }
    let Some(latest) = live.into_iter().max_by_key(|r| (r.issued_at, r.id)) else { return Ok(None) };
    let Some(outcome) = outcomes.into_iter().find(|o| o.report_id == latest.id) else { return Ok(None) };
    let standing = report_standing::of(db, &latest).await?;
    Ok(Some(LatestResult { report: latest, outcome: outcome.outcome, standing }))
}

/// What a recommendation by `from_unit_id` rests on now: the clean, standing report of that
/// unit's own notice (its 申报单位公示 when it declared the project, its 推荐单位公示 otherwise),
/// or why it no longer rests on one, worded for the unit that sent it.
///
/// # Errors
/// Database failure.
pub async fn recommendation_ground<C: ConnectionTrait>(
    db: &C,
    project: &projects::Model,
    from_unit_id: i32,
) -> AppResult<Result<result_reports::Model, String>> {
    let level = if project.applicant_unit_id == from_unit_id { Level::Applicant } else { Level::Recommender };
    Ok(match latest_result(db, project.id, level, Some(from_unit_id)).await? {
        Some(r) if !r.standing.clears() => Err(format!(
            "所依据的{}结果报告{}{}：{}",
            level.label(),
            r.report.code,
            r.standing.label(),
            r.standing.reason()
        )),
        Some(r) if CLEAN_OUTCOMES.contains(&r.outcome.as_str()) => Ok(r.report),
        Some(r) => Err(format!("在{}中异议成立（公示结果报告{}）", level.label(), r.report.code)),
        None => Err(format!("尚无{}结果报告", level.label())),
    })
}

/// The clean result a recommendation rests on: the report and the level it was issued at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clearance {
    pub report_id: i32,
    pub level: Level,
}

/// Whether `from_unit_id` may recommend `project_id` to `to_unit_id`: the project is held by
/// the recommending unit, goes to the unit directly above it, and has a clean result on the
/// recommending unit's own latest report — its 申报单位公示 (level 1) when it declared the
/// project, its 推荐单位公示 (level 2) otherwise.
///
/// # Errors
/// `Validation` (field `project_id`) with a Chinese message naming the project and what is
/// missing; database failure.
pub async fn check_can_recommend<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    from_unit_id: i32,
    to_unit_id: i32,
) -> AppResult<Clearance> {
    let refuse = |message: String| AppError::Validation(vec![FieldError::new("project_id", message)]);
    let Some(project) = projects::Entity::find_by_id(project_id).one(db).await? else {
        return Err(refuse(format!("项目（编号{project_id}）不存在")));
    };
    let from = units::Entity::find_by_id(from_unit_id).one(db).await?;
    let to = units::Entity::find_by_id(to_unit_id).one(db).await?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(refuse("推荐单位或接收单位不存在".to_owned()));
    };
    if project.holder_unit_id != from.id {
        return Err(refuse(format!("项目《{}》目前不在{}，不能由{}推荐", project.name, from.name, from.name)));
    }
    if from.parent_id != Some(to.id) {
        return Err(refuse(format!(
            "项目《{}》只能由{}推荐至其上一级单位，不能推荐至{}",
            project.name, from.name, to.name
        )));
    }
    let level = if project.applicant_unit_id == from.id { Level::Applicant } else { Level::Recommender };
    match latest_result(db, project.id, level, Some(from.id)).await? {
        Some(r) if !r.standing.clears() => Err(refuse(format!(
            "项目《{}》在{}的{}结果报告{}{}：{}，不能推荐至{}",
            project.name,
            from.name,
            level.label(),
            r.report.code,
            r.standing.label(),
            r.standing.reason(),
            to.name
        ))),
        Some(r) if CLEAN_OUTCOMES.contains(&r.outcome.as_str()) => Ok(Clearance { report_id: r.report.id, level }),
        Some(_) => Err(refuse(format!(
            "项目《{}》在{}的{}中异议成立，须更正后再次公示无异议，方可推荐至{}",
            project.name,
            from.name,
            level.label(),
            to.name
        ))),
        None => Err(refuse(format!(
            "项目《{}》尚无{}的{}结果报告（公示无异议或异议不成立），不能推荐至{}",
            project.name,
            from.name,
            level.label(),
            to.name
        ))),
    }
}
