//! The same project must read the same at every level: name, completing units, completers and
//! their order. Before publishing, each item is compared with the project record and with the
//! project's latest snapshot on another published notice at this level or below; any
//! difference is shown to staff and can only be published with a recorded correction note.
use super::content::Snapshot;
use super::{Level, NoticeState, service};
use crate::error::AppResult;
use entity::{notice_items, notice_revisions, notices};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

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
    let mut out = Vec::new();
    if here.name != there.name {
        out.push(("项目名称", here.name.clone(), there.name.clone()));
    }
    if here.units != there.units {
        out.push(("完成单位及排序", here.units.join("、"), there.units.join("、")));
    }
    if here.completer_names() != there.completer_names() {
        out.push(("完成人及排序", here.completer_names().join("、"), there.completer_names().join("、")));
    }
    out
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
}
