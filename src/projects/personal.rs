//! Completers' phone numbers and ID numbers: personal data, never published, and among staff
//! shown only to the admins of the unit that holds the project (its own unit). Everyone else
//! who may see the project — its handlers and viewers, the units above it, the province —
//! gets the project with those fields empty (`null` in the API), and no list ever carries
//! them. Each time they are shown, the audit log records who saw whose.
use super::service::ProjectRecord;
use crate::access::{Actor, Role, policy::Relation};
use crate::audit::{self, AuditEntry};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::projects;
use sea_orm::ConnectionTrait;

/// The audit action for showing a project's personal data.
pub const AUDIT_ACTION: &str = "project.personal_data.view";

/// Whether an actor standing in `relation` to a project may see its completers' personal data.
#[must_use]
pub fn may_see(actor: &Actor, relation: Relation) -> bool {
    actor.role == Role::Admin && relation == Relation::Own
}

/// Empties the personal fields of every completer.
pub fn redact(record: &mut ProjectRecord) {
    for c in &mut record.completers {
        c.phone = None;
        c.id_number = None;
    }
}

/// Whether the record holds any personal data to show.
#[must_use]
pub fn present(record: &ProjectRecord) -> bool {
    record.completers.iter().any(|c| c.phone.is_some() || c.id_number.is_some())
}

/// Shows `record` to `actor` as the rule says: redacted for those who may not see personal
/// data; for those who may, recorded in the audit log when there is any.
///
/// # Errors
/// Database failure writing the audit row.
pub async fn show_to<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    relation: Relation,
    record: &mut ProjectRecord,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !may_see(actor, relation) {
        redact(record);
        return Ok(());
    }
    if present(record) {
        audit::record(db, entry(actor, &record.project), now).await?;
    }
    Ok(())
}

fn entry<'a>(actor: &Actor, project: &projects::Model) -> AuditEntry<'a> {
    AuditEntry {
        unit_id: Some(project.holder_unit_id),
        detail: Some(format!("查看完成人联系电话、身份证号：{}", project.name)),
        ..actor.audit(AUDIT_ACTION, "project", Some(project.id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::AuthMethod;

    fn actor(role: Role, is_province: bool) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: 1,
            unit_name: "单位".into(),
            is_province,
            via: AuthMethod::Session,
            ip: None,
        }
    }

    #[test]
    fn only_the_holding_units_admins_see_personal_data() {
        assert!(may_see(&actor(Role::Admin, false), Relation::Own));
        assert!(may_see(&actor(Role::Admin, true), Relation::Own));
        for relation in [Relation::Seen, Relation::Unrelated] {
            assert!(!may_see(&actor(Role::Admin, false), relation));
            assert!(!may_see(&actor(Role::Admin, true), relation), "not even the province above");
        }
        for role in [Role::Handler, Role::Viewer] {
            for relation in [Relation::Own, Relation::Seen] {
                assert!(!may_see(&actor(role, false), relation));
                assert!(!may_see(&actor(role, true), relation));
            }
        }
    }
}
