//! 工作人员账号，属于一个单位。
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
#[expect(clippy::struct_excessive_bools, reason = "a row: each flag is a column of its own")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub is_active: bool,
    pub session_epoch: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    /// Where this person's reminders go; none: the home page only.
    pub notify_email: Option<String>,
    /// E-mail the reminders of the unit's handling deadlines (3 days, 1 day, passed).
    pub mail_handling_reminders: bool,
    /// E-mail when a lower unit's case passes its handling deadline (admins).
    pub mail_escalations: bool,
    /// E-mail the unit's business: a project recommended to it from below, a submission
    /// deadline it must meet three days ahead.
    pub mail_unit_events: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::UnitId", to = "super::units::Column::Id")]
    Unit,
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
