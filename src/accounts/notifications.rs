//! Each staff member's own choice of what reaches them by e-mail: the address, the reminders of
//! their unit's handling deadlines, (for admins) a lower unit's case passing its deadline, and
//! the unit's own business: a project recommended to it from below, a submission deadline it
//! must meet.
//! Whatever is not e-mailed still shows on the staff home page.
use crate::access::Actor;
use crate::audit;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::users;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde::{Deserialize, Serialize};

const MAX_EMAIL_CHARS: usize = 254;

/// What the account page shows and the form sends back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    #[serde(default)]
    pub email: String,
    /// A checkbox: present when ticked.
    #[serde(default, deserialize_with = "ticked")]
    pub handling_reminders: bool,
    #[serde(default, deserialize_with = "ticked")]
    pub escalations: bool,
    /// A lower unit's recommendation received, a submission deadline three days ahead.
    #[serde(default, deserialize_with = "ticked")]
    pub unit_events: bool,
}

fn ticked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let value = String::deserialize(d)?;
    Ok(!value.is_empty() && value != "false")
}

/// The same settings as the API reads and writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[expect(clippy::struct_excessive_bools, reason = "independent choices, each a field of the API")]
pub struct NotificationPreferences {
    /// Where the reminders go; empty or absent: the staff home page only. One plain address
    /// (no display name).
    #[serde(default)]
    #[schema(
        max_length = 254,
        pattern = r"^([A-Za-z0-9_%+-]{1,30}(\.[A-Za-z0-9_%+-]{1,15}){0,2}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,2})?$"
    )]
    pub email: Option<String>,
    /// The unit's handling deadlines: 3 days and 1 day before, and when passed
    #[serde(default)]
    pub handling_reminders: bool,
    /// A lower unit's case past its handling deadline (admins)
    #[serde(default)]
    pub escalations: bool,
    /// The unit's business: a project recommended to it, a report under its recommendations
    /// that stopped standing, a submission deadline three days ahead
    #[serde(default)]
    pub unit_events: bool,
    /// Whether this server sends mail at all (read only)
    #[serde(default)]
    pub mail_enabled: bool,
}

impl From<NotificationPreferences> for NotificationSettings {
    fn from(p: NotificationPreferences) -> Self {
        Self {
            email: p.email.unwrap_or_default(),
            handling_reminders: p.handling_reminders,
            escalations: p.escalations,
            unit_events: p.unit_events,
        }
    }
}

impl NotificationSettings {
    /// As the API answers.
    #[must_use]
    pub fn preferences(self, mail_enabled: bool) -> NotificationPreferences {
        NotificationPreferences {
            email: (!self.email.is_empty()).then_some(self.email),
            handling_reminders: self.handling_reminders,
            escalations: self.escalations,
            unit_events: self.unit_events,
            mail_enabled,
        }
    }

    #[must_use]
    pub fn of(user: &users::Model) -> Self {
        Self {
            email: user.notify_email.clone().unwrap_or_default(),
            handling_reminders: user.mail_handling_reminders,
            escalations: user.mail_escalations,
            unit_events: user.mail_unit_events,
        }
    }
}

/// Saves the actor's own settings, and notes the change in the audit log.
///
/// # Errors
/// `Validation` for an address that is not one; database failure.
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &NotificationSettings,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let email = settings.email.trim();
    if email.chars().count() > MAX_EMAIL_CHARS || (!email.is_empty() && !crate::mail::is_address(email)) {
        return Err(AppError::invalid("email", "电子邮箱格式不正确"));
    }
    let txn = crate::db::begin_write(db).await?;
    let user = super::service::find(&txn, actor.user_id).await?;
    let mut row: users::ActiveModel = user.into();
    row.notify_email = Set((!email.is_empty()).then(|| email.to_owned()));
    row.mail_handling_reminders = Set(settings.handling_reminders);
    row.mail_escalations = Set(settings.escalations);
    row.mail_unit_events = Set(settings.unit_events);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    audit::record(&txn, actor.audit("account.notifications", "user", Some(actor.user_id.to_string())), now).await?;
    txn.commit().await?;
    Ok(())
}

/// What a message is about, as each person chooses to get it by e-mail or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// The unit's own cases nearing or past their handling deadline (admins and handlers).
    HandlingReminders,
    /// A lower unit's case past its deadline (admins).
    Escalations,
    /// The unit's business: recommendations received, reports that stopped standing, submission
    /// deadlines (admins and handlers).
    UnitEvents,
    /// The unit's webhook endpoint disabled after a day of failures (admins, with the unit's
    /// business).
    Webhooks,
}

/// The addresses of the unit's active staff who take `topic` by e-mail: its admins, and its
/// handlers too unless the topic is for admins only.
///
/// # Errors
/// Database failure.
pub async fn addresses<C: sea_orm::ConnectionTrait>(db: &C, unit_id: i32, topic: Topic) -> AppResult<Vec<String>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (choice, roles): (users::Column, &[&str]) = match topic {
        Topic::HandlingReminders => (users::Column::MailHandlingReminders, &["admin", "handler"]),
        Topic::Escalations => (users::Column::MailEscalations, &["admin"]),
        Topic::UnitEvents => (users::Column::MailUnitEvents, &["admin", "handler"]),
        Topic::Webhooks => (users::Column::MailUnitEvents, &["admin"]),
    };
    let people = users::Entity::find()
        .filter(users::Column::UnitId.eq(unit_id))
        .filter(users::Column::IsActive.eq(true))
        .filter(users::Column::Role.is_in(roles.iter().copied()))
        .filter(choice.eq(true))
        .all(db)
        .await?;
    Ok(people.into_iter().filter_map(|u| u.notify_email).collect())
}
