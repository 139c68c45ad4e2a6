//! Who may do what to which unit's things: the one place the scope rules live.
//!
//! A thing belongs to a unit (a notice to its publishing unit, an objection to its notice's
//! unit, a report to its issuing unit, a project to its holder). Seen from the signed-in staff
//! member, that unit is their **own**, one they **see** (it lies below theirs in the tree, or,
//! for a project, it was recommended to them), or **unrelated**. Then:
//!
//! | action | roles | allowed where |
//! |---|---|---|
//! | `ViewUnit`, `ViewNotice`, `ViewReport`, `ViewProject` | all | own and seen |
//! | `ViewObjection` | all | own; the province everywhere |
//! | `ViewUsers`, `ManageUsers`, `ViewAudit`, `EditUnit` | admin | own; the province everywhere |
//! | `CreateUnit` | admin | the province only |
//! | `EditProject`, `ManageNotice`, `IssueReport`, `Recommend` | admin | own only |
//! | `HandleObjection`, `ViewObjectorIdentity` | admin, handler | own only |
//!
//! A refusal is `Forbidden` when the actor may at least see the thing, and `NotFound` when
//! they may not, so a refusal never confirms that something exists.
use super::Actor;
use super::role::Role;
use super::tree::UnitTree;
use crate::error::{AppError, AppResult};
use entity::{projects, recommendations};
use sea_orm::sea_query::{IntoColumnRef, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ViewUnit,
    /// Change a unit's details and its contacts for objections.
    EditUnit,
    /// Create a unit below the target unit.
    CreateUnit,
    ViewUsers,
    /// Create users, change roles, deactivate, reset passwords.
    ManageUsers,
    ViewAudit,
    ViewProject,
    /// Edit or import the 登记表 data.
    EditProject,
    /// Recommend a project to the next unit up.
    Recommend,
    ViewNotice,
    /// Generate, schedule, publish, correct, withdraw.
    ManageNotice,
    ViewObjection,
    /// Transitions, assignment, registering phone/letter/e-mail objections.
    HandleObjection,
    ViewObjectorIdentity,
    ViewReport,
    IssueReport,
    /// Set the grade the province proposes after review (拟评等级).
    ProposeGrade,
    /// Create, change, copy and delete campaigns (the province runs them).
    ManageCampaign,
    /// Register, change and delete webhook endpoints, read their delivery log, replay.
    ManageWebhooks,
}

/// How far an action reaches from the actor's own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The actor's unit only.
    Own,
    /// The actor's unit and what they see below it.
    Seen,
    /// The actor's unit; a province actor everywhere.
    OwnOrProvince,
    /// A province actor only.
    Province,
}

/// Where the target stands from the actor's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Own,
    Seen,
    Unrelated,
}

impl Action {
    fn roles(self) -> &'static [Role] {
        match self {
            Self::ViewUnit | Self::ViewProject | Self::ViewNotice | Self::ViewObjection | Self::ViewReport => {
                &[Role::Admin, Role::Handler, Role::Viewer]
            }
            Self::HandleObjection | Self::ViewObjectorIdentity => &[Role::Admin, Role::Handler],
            Self::EditUnit
            | Self::CreateUnit
            | Self::ViewUsers
            | Self::ManageUsers
            | Self::ViewAudit
            | Self::EditProject
            | Self::Recommend
            | Self::ManageNotice
            | Self::IssueReport
            | Self::ProposeGrade
            | Self::ManageCampaign
            | Self::ManageWebhooks => &[Role::Admin],
        }
    }

    fn reach(self) -> Reach {
        match self {
            Self::ViewUnit | Self::ViewProject | Self::ViewNotice | Self::ViewReport => Reach::Seen,
            Self::ViewObjection
            | Self::EditUnit
            | Self::ViewUsers
            | Self::ManageUsers
            | Self::ViewAudit
            | Self::ManageWebhooks => Reach::OwnOrProvince,
            Self::CreateUnit | Self::ProposeGrade | Self::ManageCampaign => Reach::Province,
            Self::EditProject
            | Self::Recommend
            | Self::ManageNotice
            | Self::IssueReport
            | Self::HandleObjection
            | Self::ViewObjectorIdentity => Reach::Own,
        }
    }

    /// The seeing counterpart: refusing an action on a thing one may see is 403, not 404.
    fn seeing(self) -> Action {
        match self {
            Self::EditUnit
            | Self::CreateUnit
            | Self::ViewUsers
            | Self::ManageUsers
            | Self::ViewAudit
            | Self::ManageCampaign
            | Self::ManageWebhooks => Self::ViewUnit,
            Self::EditProject | Self::Recommend | Self::ProposeGrade => Self::ViewProject,
            Self::ManageNotice => Self::ViewNotice,
            Self::HandleObjection | Self::ViewObjectorIdentity => Self::ViewObjection,
            Self::IssueReport => Self::ViewReport,
            other => other,
        }
    }
}

/// The pure rule: may someone with this role and province standing do `action` where the
/// target stands in `relation`?
#[must_use]
pub fn allows(role: Role, is_province: bool, action: Action, relation: Relation) -> bool {
    if !action.roles().contains(&role) {
        return false;
    }
    match action.reach() {
        Reach::Own => relation == Relation::Own,
        Reach::Seen => relation != Relation::Unrelated,
        Reach::OwnOrProvince => relation == Relation::Own || (is_province && relation != Relation::Unrelated),
        Reach::Province => is_province && relation != Relation::Unrelated,
    }
}

/// The answer for a refused or allowed action, with the right kind of refusal.
///
/// # Errors
/// `Forbidden` when the actor may see the target, otherwise `NotFound`.
pub fn decide(actor: &Actor, action: Action, relation: Relation) -> AppResult<()> {
    if allows(actor.role, actor.is_province, action, relation) {
        return Ok(());
    }
    let seeing = action.seeing();
    if seeing != action && allows(actor.role, actor.is_province, seeing, relation) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Where `unit_id` stands from the actor.
///
/// # Errors
/// Database failure.
pub async fn unit_relation<C: ConnectionTrait>(db: &C, actor: &Actor, unit_id: i32) -> AppResult<Relation> {
    if unit_id == actor.unit_id {
        return Ok(Relation::Own);
    }
    let tree = UnitTree::load(db).await?;
    Ok(if tree.is_above(actor.unit_id, unit_id) { Relation::Seen } else { Relation::Unrelated })
}

/// Checks that the actor may do `action` on a thing belonging to `unit_id`. Call it in the
/// service wrapper before touching the thing; an unknown unit answers like a hidden one.
///
/// # Errors
/// `Forbidden` or `NotFound` as [`decide`] says; database failure.
pub async fn require<C: ConnectionTrait>(db: &C, actor: &Actor, action: Action, unit_id: i32) -> AppResult<()> {
    decide(actor, action, unit_relation(db, actor, unit_id).await?)
}

/// Checks an action that needs no particular target yet (e.g. showing the "new notice" form
/// for one's own unit): the role alone decides.
///
/// # Errors
/// `Forbidden` when the role may not do this anywhere.
pub fn require_role(actor: &Actor, action: Action) -> AppResult<()> {
    if action.roles().contains(&actor.role) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Where a project stands from the actor: own when the actor's unit holds it; seen when the
/// actor's unit declared it or it was recommended to or by the actor's unit (the province sees
/// every project). A project merely held by a unit below is not seen until it is recommended.
///
/// # Errors
/// Database failure.
pub async fn project_relation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project: &projects::Model,
) -> AppResult<Relation> {
    if project.holder_unit_id == actor.unit_id {
        return Ok(Relation::Own);
    }
    if project.applicant_unit_id == actor.unit_id {
        return Ok(Relation::Seen);
    }
    let recommended = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(project.id))
        .filter(
            Condition::any()
                .add(recommendations::Column::ToUnitId.eq(actor.unit_id))
                .add(recommendations::Column::FromUnitId.eq(actor.unit_id)),
        )
        .one(db)
        .await?;
    if recommended.is_some() || actor.is_province {
        return Ok(Relation::Seen);
    }
    Ok(Relation::Unrelated)
}

/// Loads a project and checks the action on it in one step.
///
/// # Errors
/// `NotFound` for a missing or hidden project, `Forbidden` for a visible one the actor may not
/// act on; database failure.
pub async fn require_project<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: Action,
    project_id: i32,
) -> AppResult<projects::Model> {
    let project = projects::Entity::find_by_id(project_id).one(db).await?.ok_or(AppError::NotFound)?;
    decide(actor, action, project_relation(db, actor, &project).await?)?;
    Ok(project)
}

/// The units in which the actor may do `action`: for filtering lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(Vec<i32>),
}

impl Scope {
    #[must_use]
    pub fn contains(&self, unit_id: i32) -> bool {
        match self {
            Self::All => true,
            Self::Units(ids) => ids.contains(&unit_id),
        }
    }

    /// A condition on a unit-id column: `col IN (…)`, or nothing for [`Scope::All`].
    #[must_use]
    pub fn condition<Col: ColumnTrait>(&self, column: Col) -> Condition {
        match self {
            Self::All => Condition::all(),
            Self::Units(ids) => Condition::all().add(column.is_in(ids.clone())),
        }
    }
}

/// # Errors
/// Database failure.
pub async fn scope<C: ConnectionTrait>(db: &C, actor: &Actor, action: Action) -> AppResult<Scope> {
    if !action.roles().contains(&actor.role) {
        return Ok(Scope::Units(Vec::new()));
    }
    let tree = UnitTree::load(db).await?;
    let seen_all = actor.is_province && action.reach() != Reach::Own;
    if seen_all {
        return Ok(Scope::All);
    }
    let units = match action.reach() {
        Reach::Own | Reach::OwnOrProvince => vec![actor.unit_id],
        Reach::Seen => tree.subtree(actor.unit_id),
        Reach::Province => Vec::new(),
    };
    Ok(Scope::Units(units))
}

/// A filter for `projects` queries: the projects on which the actor may do `action`, the same
/// answer [`require_project`] gives one project at a time.
#[must_use]
pub fn project_condition(actor: &Actor, action: Action) -> Condition {
    if !action.roles().contains(&actor.role) {
        return Condition::all().add(projects::Column::Id.is_in(Vec::<i32>::new()));
    }
    if action.reach() == Reach::Own {
        return Condition::all().add(projects::Column::HolderUnitId.eq(actor.unit_id));
    }
    if actor.is_province {
        return Condition::all();
    }
    let recommended = Query::select()
        .column(recommendations::Column::ProjectId.into_column_ref())
        .from(recommendations::Entity)
        .cond_where(
            Condition::any()
                .add(recommendations::Column::ToUnitId.eq(actor.unit_id))
                .add(recommendations::Column::FromUnitId.eq(actor.unit_id)),
        )
        .to_owned();
    Condition::any()
        .add(projects::Column::HolderUnitId.eq(actor.unit_id))
        .add(projects::Column::ApplicantUnitId.eq(actor.unit_id))
        .add(projects::Column::Id.in_subquery(recommended))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Relation::*;

    #[test]
    fn a_unit_admin_acts_only_on_its_own_unit() {
        assert!(allows(Role::Admin, false, ManageNotice, Own));
        assert!(!allows(Role::Admin, false, ManageNotice, Seen));
        assert!(!allows(Role::Admin, true, ManageNotice, Seen), "not even the province acts for a city");
    }

    #[test]
    fn a_recommending_unit_sees_below_but_does_not_act() {
        assert!(allows(Role::Viewer, false, ViewNotice, Seen));
        assert!(allows(Role::Viewer, false, ViewProject, Seen));
        assert!(!allows(Role::Handler, false, HandleObjection, Seen));
        assert!(!allows(Role::Admin, false, ViewObjection, Seen), "objections stay with their unit");
    }

    #[test]
    fn the_province_sees_all_and_its_admins_manage_the_tree() {
        assert!(allows(Role::Viewer, true, ViewObjection, Seen));
        assert!(allows(Role::Admin, true, ManageUsers, Seen));
        assert!(allows(Role::Admin, true, CreateUnit, Own));
        assert!(!allows(Role::Admin, false, CreateUnit, Own));
        assert!(!allows(Role::Handler, true, ManageUsers, Seen));
    }

    #[test]
    fn roles_limit_what_can_be_done_even_at_home() {
        assert!(!allows(Role::Viewer, false, HandleObjection, Own));
        assert!(allows(Role::Handler, false, HandleObjection, Own));
        assert!(!allows(Role::Handler, false, ManageNotice, Own));
        assert!(!allows(Role::Viewer, false, ViewAudit, Own));
        assert!(!allows(Role::Viewer, false, ViewObjectorIdentity, Own));
    }

    #[test]
    fn nothing_reaches_an_unrelated_unit() {
        for action in [ViewUnit, ViewProject, ViewNotice, ViewObjection, ViewReport, ManageUsers, CreateUnit] {
            assert!(!allows(Role::Admin, false, action, Unrelated), "{action:?}");
        }
    }
}
