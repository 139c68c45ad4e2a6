//! How much evidence may still be stored: per notice and in all (`Settings::evidence_notice_bytes`,
//! `evidence_total_bytes`), besides the per-file and per-objection limits of
//! [`super::attachments`]. Asked only when a submission carries a file, before a byte of it is
//! written, and worked out once per submission. When the store is full the file is refused
//! with the unit's contacts, so the objector can file without it and send the evidence another
//! way.
use crate::error::AppResult;
use crate::settings::Settings;
use entity::{notices, objection_attachments, objections, units};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

/// The evidence room left for one notice, worked out on first use.
pub struct Quota<'a> {
    db: &'a DatabaseConnection,
    notice_id: i32,
    notice_cap: u64,
    total_cap: u64,
    room: Option<u64>,
}

impl<'a> Quota<'a> {
    #[must_use]
    pub fn new(db: &'a DatabaseConnection, notice_id: i32, settings: &Settings) -> Self {
        Self {
            db,
            notice_id,
            notice_cap: settings.evidence_notice_bytes,
            total_cap: settings.evidence_total_bytes,
            room: None,
        }
    }

    /// Bytes that may still be stored for this notice: the smaller of what is left of its
    /// own cap and of the global one.
    ///
    /// # Errors
    /// Database failure.
    pub async fn room(&mut self) -> AppResult<u64> {
        if let Some(room) = self.room {
            return Ok(room);
        }
        let for_notice = stored_bytes(self.db, Some(self.notice_id)).await?;
        let in_all = stored_bytes(self.db, None).await?;
        let room = self.notice_cap.saturating_sub(for_notice).min(self.total_cap.saturating_sub(in_all));
        self.room = Some(room);
        Ok(room)
    }

    /// Why `file_name` was not stored, and where else to send it: the publishing unit's
    /// contacts.
    ///
    /// # Errors
    /// Database failure.
    pub async fn full_message(&self, file_name: &str) -> AppResult<String> {
        let unit = match notices::Entity::find_by_id(self.notice_id).one(self.db).await? {
            Some(notice) => units::Entity::find_by_id(notice.unit_id).one(self.db).await?,
            None => None,
        };
        Ok(full_message(file_name, unit.as_ref()))
    }
}

/// Stored evidence bytes: of one notice's objections, or of all.
async fn stored_bytes(db: &DatabaseConnection, notice_id: Option<i32>) -> AppResult<u64> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast it back so both engines answer an integer.
    let mut query = objection_attachments::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(objection_attachments.size_bytes), 0) AS BIGINT)"), "bytes");
    if let Some(id) = notice_id {
        query = query.inner_join(objections::Entity).filter(objections::Column::NoticeId.eq(id));
    }
    let bytes: Option<i64> = query.into_tuple().one(db).await?;
    Ok(u64::try_from(bytes.unwrap_or(0)).unwrap_or(0))
}

/// The refusal, in the objector's words: what happened, that the objection itself can still be
/// filed, and whom to send the evidence to.
#[must_use]
pub fn full_message(file_name: &str, unit: Option<&units::Model>) -> String {
    let mut message = format!(
        "证据材料存储空间已满，“{file_name}”未能保存。您可以不附文件提交异议（异议照常登记），证据材料请另行提交"
    );
    let Some(unit) = unit else {
        message.push_str("给发布公示的单位。");
        return message;
    };
    let contacts: Vec<String> = [
        ("联系人", &unit.contact_person),
        ("电话", &unit.contact_phone),
        ("电子邮箱", &unit.contact_email),
        ("地址", &unit.contact_address),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| format!("{label}：{v}"))
    })
    .collect();
    if contacts.is_empty() {
        message.push_str(&format!("给{}（可邮寄或当面递交）。", unit.name));
    } else {
        message.push_str(&format!("给{}（{}）。", unit.name, contacts.join("，")));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(phone: Option<&str>) -> units::Model {
        units::Model {
            id: 1,
            parent_id: None,
            kind: "applicant".into(),
            name: "国网武威供电公司".into(),
            short_name: None,
            code: "E".into(),
            contact_person: Some("张三".into()),
            contact_phone: phone.map(Into::into),
            contact_email: None,
            contact_address: Some(" ".into()),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_message_names_the_unit_and_its_contacts() {
        let m = full_message("证据.pdf", Some(&unit(Some("0935-1234567"))));
        assert!(m.starts_with("证据材料存储空间已满，“证据.pdf”未能保存"), "{m}");
        assert!(m.contains("不附文件提交异议"), "{m}");
        assert!(m.ends_with("给国网武威供电公司（联系人：张三，电话：0935-1234567）。"), "{m}");
        assert!(full_message("a", None).ends_with("给发布公示的单位。"));
    }
}
