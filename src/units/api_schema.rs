//! The shapes of units in the staff API document, for rows read straight from the database.
use super::KINDS;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Type};

/// A unit's kind, from the kinds the units module knows; `province` only for the root, which
/// stays what it is (so does every other unit: asking to make one the province keeps its kind).
fn unit_kind(with_province: bool) -> utoipa::openapi::Object {
    let kinds = KINDS.iter().map(|(code, _)| *code).filter(|code| with_province || *code != "province");
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(kinds)).build()
}

fn child_unit_kind() -> utoipa::openapi::Object {
    unit_kind(false)
}

fn any_unit_kind() -> utoipa::openapi::Object {
    unit_kind(true)
}

/// A new unit below `parent_id`. Text is trimmed before it is checked (a name must not be
/// blank); blank optional fields are stored as absent. A code already in use answers 409.
#[derive(ToSchema)]
pub struct NewUnitSchema {
    /// The unit it belongs to (one the caller may create units in)
    pub parent_id: i32,
    /// A kind below the province
    #[schema(schema_with = child_unit_kind)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetailsSchema,
}

/// A unit's details and contacts; its place in the tree does not change.
#[derive(ToSchema)]
pub struct UnitChangeSchema {
    #[schema(schema_with = any_unit_kind)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetailsSchema,
}

/// What a unit is called and how objections reach it, as created and as changed.
#[derive(ToSchema)]
pub struct UnitDetailsSchema {
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 20)]
    pub short_name: Option<String>,
    /// Stored in upper case, e.g. `WW-LZ`
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    #[schema(max_length = 40)]
    pub contact_person: Option<String>,
    #[schema(max_length = 40, pattern = r"^\s*[0-9+() （）转,，、-]*\s*$")]
    pub contact_phone: Option<String>,
    #[schema(max_length = 100, pattern = r"^\s*([^@\s]+@[^\s.]\S*\.\S*[^\s.])?\s*$")]
    pub contact_email: Option<String>,
    #[schema(max_length = 200)]
    pub contact_address: Option<String>,
}

/// A unit.
#[derive(ToSchema)]
pub struct UnitSchema {
    pub id: i32,
    pub parent_id: Option<i32>,
    /// province, city, new_area, industry, organs, enterprise, county, grassroots_group, applicant
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A unit in tree order.
#[derive(ToSchema)]
pub struct TreeRowSchema {
    pub unit: UnitSchema,
    /// Depth below the first listed unit
    pub depth: usize,
    pub kind_label: String,
}
