//! The unit tree as the access rules need it: who is an ancestor of whom. Loaded whole per
//! decision: a province has hundreds of units, not millions, and a fresh read never goes stale.
use crate::error::AppResult;
use entity::units;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use std::collections::HashMap;

pub struct UnitTree {
    parent_of: HashMap<i32, Option<i32>>,
}

impl UnitTree {
    /// # Errors
    /// Database failure.
    pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        let rows: Vec<(i32, Option<i32>)> = units::Entity::find()
            .select_only()
            .column(units::Column::Id)
            .column(units::Column::ParentId)
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self::from_pairs(rows))
    }

    #[must_use]
    pub fn from_pairs(pairs: impl IntoIterator<Item = (i32, Option<i32>)>) -> Self {
        Self { parent_of: pairs.into_iter().collect() }
    }

    #[must_use]
    pub fn contains(&self, unit_id: i32) -> bool {
        self.parent_of.contains_key(&unit_id)
    }

    /// The units above `unit_id`, nearest first. Stops on a cycle rather than looping.
    #[must_use]
    pub fn ancestors(&self, unit_id: i32) -> Vec<i32> {
        let mut out = Vec::new();
        let mut current = self.parent_of.get(&unit_id).copied().flatten();
        while let Some(id) = current {
            if id == unit_id || out.contains(&id) {
                break;
            }
            out.push(id);
            current = self.parent_of.get(&id).copied().flatten();
        }
        out
    }

    /// True when `ancestor` is strictly above `unit_id`.
    #[must_use]
    pub fn is_above(&self, ancestor: i32, unit_id: i32) -> bool {
        self.ancestors(unit_id).contains(&ancestor)
    }

    /// `unit_id` and every unit below it.
    #[must_use]
    pub fn subtree(&self, unit_id: i32) -> Vec<i32> {
        let mut ids: Vec<i32> =
            self.parent_of.keys().copied().filter(|&id| id == unit_id || self.is_above(unit_id, id)).collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> UnitTree {
        // 1 province → 2 city → 3 county → 4 enterprise; 5 another city.
        UnitTree::from_pairs([(1, None), (2, Some(1)), (3, Some(2)), (4, Some(3)), (5, Some(1))])
    }

    #[test]
    fn ancestors_run_nearest_first_up_to_the_root() {
        assert_eq!(tree().ancestors(4), vec![3, 2, 1]);
        assert!(tree().ancestors(1).is_empty());
    }

    #[test]
    fn a_unit_is_not_above_itself_nor_its_siblings() {
        let t = tree();
        assert!(t.is_above(2, 4));
        assert!(!t.is_above(4, 4));
        assert!(!t.is_above(5, 3));
        assert_eq!(t.subtree(2), vec![2, 3, 4]);
    }

    #[test]
    fn a_cycle_in_bad_data_does_not_hang() {
        let t = UnitTree::from_pairs([(1, Some(2)), (2, Some(1))]);
        assert_eq!(t.ancestors(1), vec![2]);
    }
}
