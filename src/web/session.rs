//! Staff sessions in a cookie, encrypted and authenticated with the instance's session key, so
//! any app server on the same database accepts it.
//!
//! The cookie holds a random session id, the user id, the user's `session_epoch` at sign-in,
//! the sign-in time and the session's CSRF token. Changing the password, signing out
//! everywhere or deactivating the user moves the epoch on, and every older cookie stops working
//! at its next request. Signing out records the session id in `ended_sessions` until the
//! cookie would have expired ([`record_end`]), so a copy of the cookie kept elsewhere is
//! refused too ([`has_ended`]), while the user's other sign-ins go on.
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use chrono::{DateTime, Duration, Utc};
use entity::{ended_sessions, users};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub const COOKIE_NAME: &str = "gongshi_session";
/// A sign-in lasts a working day; then the password is asked again.
pub const MAX_AGE: Duration = Duration::hours(12);

const SESSION_ID: &str = "sid";
const USER_ID: &str = "uid";
const EPOCH: &str = "epoch";
const SIGNED_IN_AT: &str = "at";
pub(crate) const CSRF: &str = "csrf";

/// The session middleware: HttpOnly, SameSite=Lax, Secure behind HTTPS, contents encrypted.
#[must_use]
pub fn middleware(state: &AppState) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), Key::from(&state.secrets.session_key))
        .cookie_name(COOKIE_NAME.to_owned())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(state.settings.secure_cookies())
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(BrowserSession::default())
        .build()
}

/// What a session says about who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// Random, one per sign-in.
    pub session_id: String,
    pub user_id: i32,
    pub epoch: i32,
    pub at: DateTime<Utc>,
}

/// Reads the sign-in from the session; a damaged or foreign session, or one from before sign-ins
/// had ids, reads as nobody.
#[must_use]
pub fn read(session: &Session) -> Option<SignedIn> {
    let session_id = session.get::<String>(SESSION_ID).ok().flatten()?;
    let user_id = session.get::<i32>(USER_ID).ok().flatten()?;
    let epoch = session.get::<i32>(EPOCH).ok().flatten()?;
    let at = session.get::<i64>(SIGNED_IN_AT).ok().flatten()?;
    Some(SignedIn { session_id, user_id, epoch, at: DateTime::from_timestamp(at, 0)? })
}

/// Whether this sign-in is still good for `user` at `now`.
#[must_use]
pub fn is_current(signed_in: &SignedIn, user: &users::Model, now: DateTime<Utc>) -> bool {
    user.is_active
        && user.id == signed_in.user_id
        && user.session_epoch == signed_in.epoch
        && now - signed_in.at < MAX_AGE
}

/// Starts a fresh session for `user` (a new cookie, so a session fixed before sign-in is
/// useless) with its own CSRF token.
///
/// # Errors
/// Internal, when the session cannot be written.
pub fn start(session: &Session, user: &users::Model, now: DateTime<Utc>) -> AppResult<()> {
    // `clear` then `renew` (not `purge`, after which inserts are ignored): same browser, new cookie.
    session.clear();
    session.renew();
    session.insert(SESSION_ID, new_session_id()).map_err(AppError::internal)?;
    session.insert(USER_ID, user.id).map_err(AppError::internal)?;
    session.insert(EPOCH, user.session_epoch).map_err(AppError::internal)?;
    session.insert(SIGNED_IN_AT, now.timestamp()).map_err(AppError::internal)?;
    session.insert(CSRF, crate::web::security::csrf::new_token()).map_err(AppError::internal)?;
    Ok(())
}

/// Keeps the current session valid after the user's epoch moved on (their own password
/// change): other sessions die, this one continues.
///
/// # Errors
/// Internal, when the session cannot be written.
pub fn follow_epoch(session: &Session, user: &users::Model) -> AppResult<()> {
    session.insert(EPOCH, user.session_epoch).map_err(AppError::internal)
}

/// Ends the session in this browser.
pub fn end(session: &Session) {
    session.purge();
}

fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Records that this sign-in was ended by signing out, until the cookie would have expired, and
/// forgets the records whose cookies have expired.
///
/// # Errors
/// Database failure.
pub async fn record_end<C: ConnectionTrait>(db: &C, signed_in: &SignedIn, now: DateTime<Utc>) -> AppResult<()> {
    ended_sessions::Entity::delete_many().filter(ended_sessions::Column::ExpiresAt.lt(now)).exec(db).await?;
    let row = ended_sessions::ActiveModel {
        session_id: Set(signed_in.session_id.clone()),
        user_id: Set(signed_in.user_id),
        ended_at: Set(now),
        expires_at: Set(signed_in.at + MAX_AGE),
    };
    let conflict = sea_orm::sea_query::OnConflict::column(ended_sessions::Column::SessionId).do_nothing().to_owned();
    match ended_sessions::Entity::insert(row).on_conflict(conflict).exec_without_returning(db).await {
        Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Whether this sign-in was ended by signing out.
///
/// # Errors
/// Database failure.
pub async fn has_ended<C: ConnectionTrait>(db: &C, signed_in: &SignedIn) -> AppResult<bool> {
    Ok(ended_sessions::Entity::find_by_id(signed_in.session_id.clone()).one(db).await?.is_some())
}
