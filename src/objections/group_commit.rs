//! Group commit for submissions from the web and the API.
//!
//! A durable commit waits for the disk (fsync); one commit per submission caps a busy SQLite
//! server at a few hundred per second. One writer task per application takes every waiting
//! submission, records them in a single write transaction and answers each only after that
//! transaction has committed. Nobody is ever told "received" before it is on disk.
use super::service::{self, NewCase, Recorded};
use crate::error::{AppError, AppResult};
use crate::mail::Postbox;
use crate::secrets::Secrets;
use crate::web::AppState;
use crate::web::metrics::Metrics;
use sea_orm::DatabaseConnection;
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
    pub fn spawn(db: DatabaseConnection, keys: Arc<Secrets>, postbox: Postbox, metrics: Arc<Metrics>) -> Self {
        let (jobs, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(CaseStore { db, keys, postbox }, metrics, rx));
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
type Registry = HashMap<usize, (Weak<crate::settings::Settings>, Writer)>;
static WRITERS: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(HashMap::new()));

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
    let writer = Writer::spawn(state.db.clone(), state.secrets.clone(), state.mail.clone(), state.metrics.clone());
    writers.insert(key, (Arc::downgrade(&state.settings), writer.clone()));
    writer
}

/// What recording a case needs: the database, the keys that seal and sign it, and the postbox
/// its first message (if the objector asked for mail) goes into.
struct CaseStore {
    db: DatabaseConnection,
    keys: Arc<Secrets>,
    postbox: Postbox,
}

async fn run(store: CaseStore, metrics: Arc<Metrics>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        metrics.commit_batch(batch.len());
        commit_batch(&store, std::mem::take(&mut batch)).await;
        store.postbox.wake();
    }
}

/// Records the batch in one transaction and answers everyone after its commit. Should any
/// submission fail (or the commit itself), nothing of the batch is kept and each submission
/// is tried once more in a transaction of its own, so one bad submission costs the others only
/// time, never their record.
async fn commit_batch(store: &CaseStore, jobs: Vec<Job>) {
    match record_all(store, &jobs).await {
        Ok(recorded) => {
            for (job, r) in jobs.into_iter().zip(recorded) {
                let _ = job.reply.send(Ok(r));
            }
        }
        // Also for a batch of one: a second try finds a twin that another instance committed
        // meanwhile under the same idempotency key, and answers with it.
        Err(_) => {
            for job in jobs {
                let outcome = record_all(store, std::slice::from_ref(&job)).await.and_then(|r| {
                    r.into_iter().next().ok_or_else(|| AppError::internal("a recorded batch of one was empty"))
                });
                let _ = job.reply.send(outcome);
            }
        }
    }
}

async fn record_all(store: &CaseStore, jobs: &[Job]) -> AppResult<Vec<Recorded>> {
    let txn = crate::db::begin_write(&store.db).await?;
    let mut recorded = Vec::with_capacity(jobs.len());
    let mut tail = crate::ledger::Tail::default();
    for job in jobs {
        recorded.push(service::record_in(&txn, &mut tail, &job.case, &store.keys, &store.postbox).await?);
    }
    txn.commit().await?;
    Ok(recorded)
}
