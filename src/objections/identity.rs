//! Objectors' identities at rest: every field that identifies the objector (name, phone,
//! e-mail, organisation, contact person) is sealed under the master key (`crate::keys`) before
//! it is written, bound to its row and column, and opened only for the staff who may see it.
//! Nothing searches identities by value, so no keyed index of them is kept.
use super::filing::Identity;
use crate::error::{AppError, AppResult};
use crate::keys::Sealer;
use entity::objector_identities;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// How many rows one pass of sealing or resealing holds in memory.
const BATCH: u64 = 1000;

fn place(objection_id: i32, column: &str) -> String {
    format!("objector_identities.{column}#{objection_id}")
}

/// The row to insert for a new case: each present field sealed.
#[must_use]
pub fn sealed_row(sealer: &Sealer, objection_id: i32, id: &Identity) -> objector_identities::ActiveModel {
    let seal = |column: &str, value: &Option<String>| {
        Set(value.as_deref().map(|v| sealer.seal_text(&place(objection_id, column), v)))
    };
    objector_identities::ActiveModel {
        objection_id: Set(objection_id),
        name: seal("name", &id.name),
        phone: seal("phone", &id.phone),
        email: seal("email", &id.email),
        organization: seal("organization", &id.organization),
        contact_person: seal("contact_person", &id.contact_person),
        erased_at: Set(None),
        key_id: Set(Some(sealer.key_id().to_owned())),
    }
}

/// The identity a stored row holds, opened. A row with no `key_id` is plain text (or erased).
///
/// # Errors
/// `Internal` (logged, naming the key) when the row was sealed under another master key or
/// was tampered with.
pub fn open(sealer: &Sealer, row: &objector_identities::Model) -> AppResult<Identity> {
    let id = row.objection_id;
    let open = |column: &str, value: &Option<String>| -> AppResult<Option<String>> {
        match (&row.key_id, value) {
            (Some(_), Some(v)) => sealer
                .open_text(&place(id, column), v)
                .map(Some)
                .map_err(|e| AppError::internal(format!("identity of objection {id}: {e}"))),
            (_, v) => Ok(v.clone()),
        }
    };
    Ok(Identity {
        name: open("name", &row.name)?,
        phone: open("phone", &row.phone)?,
        email: open("email", &row.email)?,
        organization: open("organization", &row.organization)?,
        contact_person: open("contact_person", &row.contact_person)?,
    })
}

/// Seals every row an earlier version stored in plain text; returns how many. Run at start
/// (the migration that made the column cannot: only the application holds the key). Each
/// batch is its own transaction, so a large database is sealed without one huge write.
///
/// # Errors
/// Database failure (rows already sealed stay sealed).
pub async fn seal_plain_rows(db: &sea_orm::DatabaseConnection, sealer: &Sealer) -> AppResult<usize> {
    let mut after = i32::MIN;
    let mut done = 0;
    loop {
        let txn = crate::db::begin_write(db).await?;
        let rows = plain_rows()
            .filter(objector_identities::Column::ObjectionId.gt(after))
            .order_by_asc(objector_identities::Column::ObjectionId)
            .limit(BATCH)
            .all(&txn)
            .await?;
        let Some(last) = rows.last() else { return Ok(done) };
        after = last.objection_id;
        for row in &rows {
            let plain = open(sealer, row)?;
            objector_identities::Entity::update(sealed_row(sealer, row.objection_id, &plain)).exec(&txn).await?;
        }
        txn.commit().await?;
        done += rows.len();
    }
}

fn plain_rows() -> sea_orm::Select<objector_identities::Entity> {
    use objector_identities::Column as C;
    let present = [C::Name, C::Phone, C::Email, C::Organization, C::ContactPerson]
        .into_iter()
        .fold(Condition::any(), |any, column| any.add(column.is_not_null()));
    objector_identities::Entity::find().filter(C::KeyId.is_null()).filter(present)
}

/// Reseals every identity from `old` to `new` in the caller's transaction (plain rows are
/// sealed too); returns how many rows were written.
///
/// # Errors
/// A row `old` cannot open (nothing should then be committed); database failure.
pub async fn reseal<C: ConnectionTrait>(db: &C, old: &Sealer, new: &Sealer) -> AppResult<usize> {
    use objector_identities::Column as C;
    let mut after = i32::MIN;
    let mut count = 0;
    loop {
        let rows = objector_identities::Entity::find()
            .filter(C::ObjectionId.gt(after))
            .filter(Condition::any().add(C::KeyId.ne(new.key_id())).add(C::KeyId.is_null()))
            .filter(C::ErasedAt.is_null())
            .order_by_asc(C::ObjectionId)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { return Ok(count) };
        after = last.objection_id;
        for row in &rows {
            let plain = open(old, row)?;
            objector_identities::Entity::update(sealed_row(new, row.objection_id, &plain)).exec(db).await?;
        }
        count += rows.len();
    }
}
