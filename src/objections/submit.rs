//! Filing from the web form and the public API, the same way: check, decide lateness and
//! anonymity by the server's clock, place the evidence, and record through the group-commit
//! writer. The answer comes only after the case is durably committed.
use super::attachments::Store;
use super::codes::{derived_lookup_key, idempotency_fingerprint, new_lookup_key};
use super::group_commit;
use super::service::{NewCase, NoticeForObjection, ProjectChoice, Recorded};
use super::upload::Submission;
use crate::error::{AppError, AppResult, FieldError};
use crate::notices::PublishedNotice;
use crate::web::AppState;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Longest idempotency key accepted from a client.
const MAX_IDEMPOTENCY_KEY: usize = 200;

/// How a submission ended.
#[derive(Debug)]
pub enum Outcome {
    /// Malformed: nothing recorded; the form is shown again with these messages.
    Invalid(Vec<FieldError>),
    /// Recorded (or, for a repeated submission, found), possibly refused on arrival; for an
    /// anonymous one, what it lacked.
    Recorded { recorded: Box<Recorded>, missing_identity: Vec<FieldError> },
}

/// Files one submission against a notice.
///
/// # Errors
/// `NotFound` for a notice the public cannot see, `Conflict` for a withdrawn one, database
/// or storage failure.
pub async fn file(
    state: &AppState,
    notice_id: i32,
    submission: Submission,
    client_key: Option<&str>,
    address: &str,
) -> AppResult<(Outcome, NoticeForObjection)> {
    let now = state.now();
    let notice = notice_for_filing(state, notice_id, now).await?;
    if notice.published.is_withdrawn() {
        return Err(AppError::conflict("该公示已撤销，不再受理异议"));
    }
    let Submission { input, files, mut file_errors, .. } = submission;
    if client_key.is_some_and(|k| k.len() > MAX_IDEMPOTENCY_KEY) {
        file_errors.push(FieldError::new("idempotency_key", "Idempotency-Key 过长（最多200个字符）"));
    }
    let filing = match input.validate(&notice.project_ids()) {
        Ok(filing) if file_errors.is_empty() => filing,
        Ok(_) => return Ok((Outcome::Invalid(file_errors), notice)),
        Err(mut errors) => {
            errors.append(&mut file_errors);
            return Ok((Outcome::Invalid(errors), notice));
        }
    };
    let sender = format!("{address}|{}", sender_fingerprint(&input));
    crate::web::security::rate_limit::check(&state.limits.objection_sender, &sender)?;
    let digest = submission_digest(&input, files.iter().map(|(f, _)| f.sha256.as_str()));
    let idempotency_key = client_key.map(|k| idempotency_fingerprint(k, notice_id, &digest));
    let lookup_key = idempotency_key
        .as_deref()
        .map_or_else(new_lookup_key, |fp| derived_lookup_key(&state.secrets.signing_seed, fp));
    let store = Store::new(&state.settings.data_dir);
    let placed = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.place(files))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?
    };
    let missing_identity = filing.missing_identity();
    let case = NewCase { idempotency_key, ..NewCase::web(&notice, filing, placed.clone(), lookup_key, now) };
    match group_commit::for_app(state).submit(case).await {
        Ok(recorded) => {
            if recorded.replayed {
                store.remove(&placed);
            } else {
                state.metrics.objection_filed(crate::web::metrics::FiledBy::Public);
            }
            Ok((Outcome::Recorded { recorded: Box::new(recorded), missing_identity }, notice))
        }
        Err(e) => {
            store.remove(&placed);
            Err(e)
        }
    }
}

/// The notice as a filing needs it, from the public side's caches (the same state the notice
/// page is served from, re-read after any write in this process and at most a second late for
/// another's): a flood of submissions then costs no notice queries.
///
/// # Errors
/// `NotFound` when the public cannot see the notice; database failure.
pub async fn notice_for_filing(state: &AppState, notice_id: i32, now: DateTime<Utc>) -> AppResult<NoticeForObjection> {
    use crate::notices::pages::{load_items, load_state};
    let public = load_state(state, notice_id).await?.ok_or(AppError::NotFound)?;
    let revision = public.current(now).cloned().ok_or(AppError::NotFound)?;
    let items = load_items(state, revision.id).await?;
    let projects = items
        .iter()
        .map(|i| ProjectChoice { id: i.project_id, position: i.position, name: i.snapshot.name.clone() })
        .collect();
    let published = PublishedNotice::new(public.notice.clone(), revision)?;
    Ok(NoticeForObjection { published, campaign: public.campaign.clone(), projects })
}

/// A digest of everything submitted, so a repeated idempotency key only replays the very
/// same submission.
/// Who sends a submission, for the per-sender limit: the identity given (case and spacing
/// aside), or for an anonymous one what it says.
fn sender_fingerprint(input: &super::filing::FilingInput) -> String {
    let identity: Vec<String> = [&input.name, &input.phone, &input.email, &input.organization]
        .iter()
        .map(|v| v.split_whitespace().collect::<String>().to_lowercase())
        .collect();
    let mut hasher = Sha256::new();
    if identity.iter().all(String::is_empty) {
        hasher.update(b"content\n");
        hasher.update(input.content.split_whitespace().collect::<String>().as_bytes());
    } else {
        hasher.update(identity.join("\n").as_bytes());
    }
    hex::encode(&hasher.finalize()[..16])
}

fn submission_digest<'a>(input: &super::filing::FilingInput, files: impl Iterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(input).unwrap_or_default());
    for f in files {
        hasher.update(b"\n");
        hasher.update(f.as_bytes());
    }
    hex::encode(hasher.finalize())
}
