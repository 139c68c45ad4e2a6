//! Group commit for submissions from the web and the API.
//!
//! A durable commit waits for the disk (fsync); one commit per submission caps a busy SQLite
//! server at a few hundred per second. One writer task per application takes every waiting
//! submission, records them in a single write transaction (each inside its own savepoint, so
//! one failure does not sink the others) and answers each only after that transaction has
//! committed. Nobody is ever told "received" before it is on disk.
use super::service::{self, NewCase, Recorded};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use sea_orm::{DatabaseConnection, TransactionTrait};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};
use tokio::sync::{mpsc, oneshot};

/// How many submissions one transaction takes at most: enough to amortise the fsync, few
/// enough that the first in a batch does not wait long for the last.
const MAX_BATCH: usize = 256;

struct Job {
    case: NewCase,
    reply: oneshot::Sender<AppResult<Recorded>>,
}

/// The handle submissions go through. Cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the writer task on the current runtime.
    #[must_use]
    pub fn spawn(db: DatabaseConnection, seed: [u8; 32]) -> Self {
        let (jobs, rx) = mpsc::unbounded_channel();
        actix_web::rt::spawn(run(db, seed, rx));
        Self { jobs }
    }

    /// Records a case and returns once it is durably committed.
    ///
    /// # Errors
    /// Database failure, or the writer has stopped (the server is shutting down).
    pub async fn submit(&self, case: NewCase) -> AppResult<Recorded> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { case, reply }).map_err(|_| AppError::internal("objection writer has stopped"))?;
        answer.await.map_err(|_| AppError::internal("objection writer dropped a submission"))?
    }
}

/// One writer per running application, created on first use. An application is known by its
/// settings allocation, which lives exactly as long as it does.
static WRITERS: LazyLock<Mutex<HashMap<usize, (Weak<crate::settings::Settings>, Writer)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The writer of the application `state` belongs to.
#[must_use]
pub fn for_app(state: &AppState) -> Writer {
    let key = Arc::as_ptr(&state.settings) as usize;
    let mut writers = WRITERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    writers.retain(|_, (owner, _)| owner.strong_count() > 0);
    if let Some((owner, writer)) = writers.get(&key)
        && owner.upgrade().is_some_and(|s| Arc::ptr_eq(&s, &state.settings))
        && !writer.jobs.is_closed()
    {
        return writer.clone();
    }
    let writer = Writer::spawn(state.db.clone(), state.secrets.signing_seed);
    writers.insert(key, (Arc::downgrade(&state.settings), writer.clone()));
    writer
}

async fn run(db: DatabaseConnection, seed: [u8; 32], mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit_batch(&db, &seed, std::mem::take(&mut batch)).await;
    }
}

async fn commit_batch(db: &DatabaseConnection, seed: &[u8; 32], jobs: Vec<Job>) {
    let txn = match crate::db::begin_write(db).await {
        Ok(txn) => txn,
        Err(e) => return fail_all(jobs, &e),
    };
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let outcome = record_in_savepoint(&txn, &job.case, seed).await;
        outcomes.push((job, outcome));
    }
    if let Err(e) = txn.commit().await {
        let err = AppError::internal(format!("group commit failed: {e}"));
        for (job, _) in outcomes {
            let _ = job.reply.send(Err(clone_error(&err)));
        }
        return;
    }
    for (job, outcome) in outcomes {
        let _ = job.reply.send(outcome);
    }
}

async fn record_in_savepoint(
    txn: &sea_orm::DatabaseTransaction,
    case: &NewCase,
    seed: &[u8; 32],
) -> AppResult<Recorded> {
    let savepoint = txn.begin().await?;
    match service::record(&savepoint, case, seed).await {
        Ok(recorded) => {
            savepoint.commit().await?;
            Ok(recorded)
        }
        Err(e) => {
            savepoint.rollback().await.ok();
            Err(e)
        }
    }
}

fn fail_all(jobs: Vec<Job>, cause: &sea_orm::DbErr) {
    let err = AppError::internal(format!("group commit could not begin: {cause}"));
    for job in jobs {
        let _ = job.reply.send(Err(clone_error(&err)));
    }
}

/// The same internal error (one logged id) for every submission of a failed batch.
fn clone_error(e: &AppError) -> AppError {
    match e {
        AppError::Internal { error_id } => AppError::Internal { error_id: error_id.clone() },
        other => AppError::internal(other),
    }
}
