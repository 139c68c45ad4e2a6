//! The same project must read the same at every level: name, completing units, completers and
//! their order. Before publishing, each item is compared with the project record and with the
//! project's latest snapshot on another published notice at this level or below; any
//! difference is shown to staff and can only be published with a recorded correction note.
//!
//! On levels 2 and 3 the difference from the lower-level notice a project rests on is also
//! public ([`changes_from_lower`], "原为 … 现为 …"), read from the published snapshots as they
//! stood when the revision was published, so an old notice keeps reading as it did. Adding or
//! removing a completer is not a wording change: it is refused ([`completer_refusals`]) until
//! the lower-level notice is corrected and noticed first.
use super::content::Snapshot;
use super::{Level, NoticeState, service};
use crate::error::{AppResult, FieldError};
use chrono::{DateTime, Utc};
use entity::{notice_items, notice_revisions, notices, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// What the item was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Against {
    /// The project's current record (登记表 data).
    Record,
    /// A published snapshot on another notice.
    Notice { notice_id: i32, revision_id: i32, level: i32, title: String },
}

impl Against {
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Record => "项目登记信息".to_owned(),
            Self::Notice { title, level, .. } => {
                let level = Level::from_number(*level).map_or("", Level::label);
                format!("已发布的{level}《{title}》")
            }
        }
    }
}

/// One field of one project that reads differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub project_id: i32,
    pub project_name: String,
    pub against: Against,
    pub against_text: String,
    /// 项目名称 / 完成单位及排序 / 完成人及排序
    pub field: &'static str,
    /// What this notice says.
    pub here: String,
    /// What the other source says.
    pub there: String,
}

/// The fields that differ between two snapshots, as (field, here, there).
#[must_use]
pub fn compare(here: &Snapshot, there: &Snapshot) -> Vec<(&'static str, String, String)> {
    compare_keyed(here, there).into_iter().map(|(_, label, here, there)| (label, here, there)).collect()
}

/// As [`compare`], with each field's key (`name`, `units`, `completers`) first.
fn compare_keyed(here: &Snapshot, there: &Snapshot) -> Vec<(&'static str, &'static str, String, String)> {
    let mut out = Vec::new();
    if here.name != there.name {
        out.push(("name", "项目名称", here.name.clone(), there.name.clone()));
    }
    if here.units != there.units {
        out.push(("units", "完成单位及排序", here.units.join("、"), there.units.join("、")));
    }
    if here.completer_names() != there.completer_names() {
        let (here_names, there_names) = (here.completer_names(), there.completer_names());
        out.push(("completers", "完成人及排序", here_names.join("、"), there_names.join("、")));
    }
    out
}

/// The lower-level notice a project's listing is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LowerNotice {
    pub id: i32,
    pub revision_no: i32,
    pub title: String,
    pub level: i32,
    pub level_label: &'static str,
    pub unit_name: String,
}

/// One field that reads differently from the lower-level notice: what it was there, what it
/// is now here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `name`, `units` or `completers`
    pub field: &'static str,
    /// 项目名称 / 完成单位及排序 / 完成人及排序
    pub label: &'static str,
    pub was: String,
    pub now: String,
    pub lower_notice: LowerNotice,
}

/// The changes of `here` from the lower-level snapshot `lower`, published on `notice`.
#[must_use]
pub fn changes(here: &Snapshot, lower: &Snapshot, notice: &LowerNotice) -> Vec<Change> {
    compare_keyed(here, lower)
        .into_iter()
        .map(|(field, label, now, was)| Change { field, label, was, now, lower_notice: notice.clone() })
        .collect()
}

/// Completers `here` lists that `lower` does not (added), and those `lower` lists that `here`
/// does not (removed), each in its own order. A reorder adds and removes nobody.
#[must_use]
pub fn completers_added_removed(here: &Snapshot, lower: &Snapshot) -> (Vec<String>, Vec<String>) {
    let (here, lower) = (here.completer_names(), lower.completer_names());
    let added = here.iter().filter(|n| !lower.contains(n)).cloned().collect();
    let removed = lower.iter().filter(|n| !here.contains(n)).cloned().collect();
    (added, removed)
}

/// The refusal for a project whose completers were added or removed above `lower`, or `None`
/// when the set is the same.
#[must_use]
pub fn completer_refusal(here: &Snapshot, lower: &Snapshot, notice: &LowerNotice) -> Option<FieldError> {
    let (added, removed) = completers_added_removed(here, lower);
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let mut what = Vec::new();
    if !added.is_empty() {
        what.push(format!("增加{}", added.join("、")));
    }
    if !removed.is_empty() {
        what.push(format!("减少{}", removed.join("、")));
    }
    Some(FieldError::new(
        "projects",
        format!(
            "项目《{}》的完成人与所依据的{}{}《{}》不一致（{}）。增加或减少完成人，须先由{}对该公示作出更正并公示，再列入本公示",
            here.name,
            notice.unit_name,
            notice.level_label,
            notice.title,
            what.join("；"),
            notice.unit_name
        ),
    ))
}

/// A refusal for each project of a `level` notice of `unit_id` whose completers differ from
/// the lower-level notice it rests on, as published at `now`.
///
/// # Errors
/// Database failure.
pub async fn completer_refusals<C: ConnectionTrait>(
    db: &C,
    level: Level,
    unit_id: i32,
    listed: &[(i32, &Snapshot)],
    now: DateTime<Utc>,
) -> AppResult<Vec<FieldError>> {
    let ids: Vec<i32> = listed.iter().map(|(id, _)| *id).collect();
    let lower = lower_snapshots(db, level, unit_id, &ids, now).await?;
    Ok(listed
        .iter()
        .filter_map(|(id, here)| lower.get(id).and_then(|(notice, there)| completer_refusal(here, there, notice)))
        .collect())
}

/// Each item's changes from the lower-level notice it rests on, by project id, as published
/// at `as_of` (the revision's publication): empty on level 1.
///
/// # Errors
/// Database failure.
pub async fn changes_from_lower<C: ConnectionTrait>(
    db: &C,
    notice: &notices::Model,
    items: &[service::Item],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i32, Vec<Change>>> {
    let level = Level::try_from(notice)?;
    let ids: Vec<i32> = items.iter().map(|i| i.project_id).collect();
    let lower = lower_snapshots(db, level, notice.unit_id, &ids, as_of).await?;
    Ok(items
        .iter()
        .filter_map(|i| {
            let (lower_notice, there) = lower.get(&i.project_id)?;
            Some((i.project_id, changes(&i.snapshot, there, lower_notice)))
        })
        .filter(|(_, found)| !found.is_empty())
        .collect())
}

/// Whether `other` lies below a `level` notice of `unit_id` on a project's way up: a lower
/// level, or the same level published by another unit (a county's 推荐单位公示 under the city's).
fn is_lower(other: &notices::Model, level: Level, unit_id: i32) -> bool {
    other.level < level.number() || (other.level == level.number() && other.unit_id != unit_id)
}

/// Whether `other` was withdrawn at `as_of`.
fn withdrawn_by(other: &notices::Model, as_of: DateTime<Utc>) -> bool {
    match other.withdrawn_at {
        Some(at) => at <= as_of,
        None => other.state == NoticeState::Withdrawn.code(),
    }
}

/// For each project, the latest snapshot published at or before `as_of` on a lower-level
/// notice not withdrawn by then: four queries, whatever the number of projects.
///
/// # Errors
/// Database failure.
pub async fn lower_snapshots<C: ConnectionTrait>(
    db: &C,
    level: Level,
    unit_id: i32,
    project_ids: &[i32],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i32, (LowerNotice, Snapshot)>> {
    if level == Level::Applicant || project_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = notice_items::Entity::find()
        .filter(notice_items::Column::ProjectId.is_in(project_ids.iter().copied()))
        .all(db)
        .await?;
    let revisions: HashMap<i32, notice_revisions::Model> = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::Id.is_in(rows.iter().map(|r| r.revision_id)))
        .filter(notice_revisions::Column::PublishedAt.lte(as_of))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let notices: HashMap<i32, notices::Model> = notices::Entity::find()
        .filter(notices::Column::Id.is_in(revisions.values().map(|r| r.notice_id)))
        .all(db)
        .await?
        .into_iter()
        .filter(|n| is_lower(n, level, unit_id) && !withdrawn_by(n, as_of))
        .map(|n| (n.id, n))
        .collect();
    let unit_names: HashMap<i32, String> = units::Entity::find()
        .filter(units::Column::Id.is_in(notices.values().map(|n| n.unit_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut latest: HashMap<i32, (&notice_revisions::Model, &notices::Model, &notice_items::Model)> = HashMap::new();
    for row in &rows {
        let Some(rev) = revisions.get(&row.revision_id) else { continue };
        let Some(notice) = notices.get(&rev.notice_id) else { continue };
        let newer = latest
            .get(&row.project_id)
            .is_none_or(|(seen, ..)| (rev.published_at, rev.id) > (seen.published_at, seen.id));
        if newer {
            latest.insert(row.project_id, (rev, notice, row));
        }
    }
    let mut out = HashMap::with_capacity(latest.len());
    for (project_id, (rev, notice, row)) in latest {
        let Ok(snapshot) = Snapshot::from_json(&row.snapshot) else { continue };
        let level_label = Level::from_number(notice.level).map_or("", Level::label);
        let lower = LowerNotice {
            id: notice.id,
            revision_no: rev.revision_no,
            title: rev.title.clone(),
            level: notice.level,
            level_label,
            unit_name: unit_names.get(&notice.unit_id).cloned().unwrap_or_default(),
        };
        out.insert(project_id, (lower, snapshot));
    }
    Ok(out)
}

/// Every difference for the items of a revision of `notice`.
///
/// # Errors
/// Database failure.
pub async fn differences<C: ConnectionTrait>(
    db: &C,
    notice: &notices::Model,
    items: &[service::Item],
) -> AppResult<Vec<Difference>> {
    let level = Level::try_from(notice)?;
    let mut out = Vec::new();
    for item in items {
        let record = crate::projects::service::load(db, item.project_id).await?;
        let from_record = super::content::snapshot(level, &record).unwrap_or_else(|_| item.snapshot.clone());
        push(&mut out, item, &Against::Record, compare(&item.snapshot, &from_record));
        if let Some((against, there)) = other_published(db, notice, item.project_id).await? {
            push(&mut out, item, &against, compare(&item.snapshot, &there));
        }
    }
    Ok(out)
}

fn push(
    out: &mut Vec<Difference>,
    item: &service::Item,
    against: &Against,
    found: Vec<(&'static str, String, String)>,
) {
    for (field, here, there) in found {
        out.push(Difference {
            project_id: item.project_id,
            project_name: item.snapshot.name.clone(),
            against_text: against.describe(),
            against: against.clone(),
            field,
            here,
            there,
        });
    }
}

/// The project's most recently published snapshot on another live notice at this level or
/// below.
async fn other_published<C: ConnectionTrait>(
    db: &C,
    notice: &notices::Model,
    project_id: i32,
) -> AppResult<Option<(Against, Snapshot)>> {
    let rows = notice_items::Entity::find()
        .filter(notice_items::Column::ProjectId.eq(project_id))
        .order_by_desc(notice_items::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        let Some(rev) = notice_revisions::Entity::find_by_id(row.revision_id).one(db).await? else { continue };
        if rev.notice_id == notice.id || rev.published_at.is_none() {
            continue;
        }
        let Some(other) = notices::Entity::find_by_id(rev.notice_id).one(db).await? else { continue };
        if other.level > notice.level || NoticeState::try_from(&other)? != NoticeState::Published {
            continue;
        }
        let Ok(snapshot) = Snapshot::from_json(&row.snapshot) else { continue };
        let against =
            Against::Notice { notice_id: other.id, revision_id: rev.id, level: other.level, title: rev.title.clone() };
        return Ok(Some((against, snapshot)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::content::{snapshot, tests::record};

    #[test]
    fn the_same_project_at_two_levels_reads_the_same() {
        let one = snapshot(Level::Applicant, &record(None)).unwrap();
        let two = snapshot(Level::Recommender, &record(None)).unwrap();
        assert!(compare(&two, &one).is_empty(), "contribution fields are not compared");
    }

    #[test]
    fn a_changed_order_of_completers_is_named() {
        let one = snapshot(Level::Applicant, &record(None)).unwrap();
        let mut two = snapshot(Level::Recommender, &record(None)).unwrap();
        two.completers.swap(0, 1);
        two.name.push('Ⅱ');
        let found = compare(&two, &one);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), ["项目名称", "完成人及排序"]);
        assert_eq!(found[1].1, "李四、张三、王五、赵六");
    }

    fn lower_notice() -> LowerNotice {
        LowerNotice {
            id: 7,
            revision_no: 1,
            title: "申报公示".into(),
            level: 1,
            level_label: "申报单位公示",
            unit_name: "某公司".into(),
        }
    }

    #[test]
    fn a_change_reads_was_and_now() {
        let one = snapshot(Level::Applicant, &record(None)).unwrap();
        let mut two = snapshot(Level::Recommender, &record(None)).unwrap();
        two.completers.swap(0, 1);
        let found = changes(&two, &one, &lower_notice());
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].field, found[0].label), ("completers", "完成人及排序"));
        assert_eq!(found[0].was, "张三、李四、王五、赵六");
        assert_eq!(found[0].now, "李四、张三、王五、赵六");
    }

    #[test]
    fn a_reorder_is_no_completer_added_or_removed() {
        let one = snapshot(Level::Applicant, &record(None)).unwrap();
        let mut two = snapshot(Level::Recommender, &record(None)).unwrap();
        two.completers.reverse();
        assert!(completer_refusal(&two, &one, &lower_notice()).is_none());
        let added = two.completers[0].clone();
        two.completers.remove(1);
        two.completers.push(crate::notices::content::PublicCompleter { name: "钱七".into(), ..added });
        let refusal = completer_refusal(&two, &one, &lower_notice()).unwrap();
        assert!(refusal.message.contains("（增加钱七；减少王五）"), "{}", refusal.message);
        assert!(refusal.message.contains("须先由某公司对该公示作出更正并公示"), "{}", refusal.message);
    }
}
