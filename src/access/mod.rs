//! Access control for staff: who is signed in ([`Actor`]), what their role allows, and which
//! units' things they may see or act on ([`policy`]). Every admin page and admin API call goes
//! through here; docs/ACCESS.md is the guide for adding a protected route.
//!
//! In a handler:
//! ```ignore
//! async fn publish(state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
//!     let notice = notices::service::find(&state.db, *id).await?;
//!     policy::require(&state.db, &actor, Action::ManageNotice, notice.unit_id).await?;
//!     …
//! }
//! ```
//! Lists filter with [`policy::scope`] (units) or [`policy::project_condition`] (projects).
pub mod actor;
pub mod policy;
pub mod role;
pub mod tokens;
pub mod tree;

pub use actor::{Actor, AuthMethod};
pub use policy::{Action, Scope};
pub use role::Role;
