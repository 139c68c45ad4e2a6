//! The sender: in every instance with `--smtp`, a task that claims due messages and hands
//! them to the SMTP server in the order they fell due. It runs when woken by a new message
//! in this instance and otherwise every few seconds, so messages written by other instances,
//! retries that fall due and claims left by a dead instance are all picked up.
use super::Postbox;
use super::outbox;
use super::transport::{SendError, Transport};
use crate::clock::SharedClock;
use crate::error::AppResult;
use crate::keys::Sealer;
use crate::settings::MailSettings;
use chrono::Duration;
use entity::mail_outbox;
use sea_orm::DatabaseConnection;

/// How many messages one pass claims (one write), and how many are with the SMTP server at once,
/// each over a connection of lettre's pool. Several at once because lettre 0.11.23 leaves Nagle's
/// algorithm on: every message waits for the server's delayed ACK (40 ms on Linux), so one
/// connection carries about 22 messages a second whatever the server. A full pass is followed by
/// the next at once; after a shorter one the sender waits to be woken, or for the next poll.
const BATCH: u64 = 32;
const AT_ONCE: usize = 8;

/// What the sender needs.
pub struct Sender {
    pub db: DatabaseConnection,
    pub transport: Transport,
    pub sealer: Sealer,
    pub clock: SharedClock,
    pub postbox: Postbox,
    pub settings: MailSettings,
}

impl Sender {
    /// Runs until the process ends.
    pub fn spawn(self) {
        let instance = uuid::Uuid::new_v4().simple().to_string();
        tokio::spawn(async move {
            loop {
                let more = match self.pass(&instance).await {
                    Ok(taken) => taken as u64 == BATCH,
                    Err(e) => {
                        tracing::warn!("mail sender: {e}");
                        false
                    }
                };
                if !more {
                    let _ = tokio::time::timeout(self.settings.poll, self.postbox.woken()).await;
                }
            }
        });
    }

    /// Claims up to [`BATCH`] due messages, hands them to the SMTP server [`AT_ONCE`] at a
    /// time, and records each outcome as it comes: the outcomes that arrive while a commit is
    /// under way go into the next one, so a commit is shared by many messages and a message's
    /// `250` is on disk a few milliseconds after the server gave it. Returns how many it took.
    ///
    /// # Errors
    /// Database failure claiming or recording (the claims then run out and the messages not
    /// recorded are taken again).
    pub async fn pass(&self, instance: &str) -> AppResult<usize> {
        use futures_util::StreamExt;
        let lease = Duration::from_std(self.settings.claim).unwrap_or(Duration::minutes(3));
        let claimed = outbox::claim_batch(&self.db, instance, self.clock.now(), lease, BATCH).await?;
        let taken = claimed.len();
        let (done, mut outcomes) = tokio::sync::mpsc::unbounded_channel();
        let sending = async move {
            futures_util::stream::iter(claimed)
                .map(|row| async move {
                    let result = match outbox::recipient(&self.sealer, &row) {
                        Ok(to) => self.transport.send(&row, &to).await,
                        Err(e) => Err(SendError { message: e.to_string(), permanent: true }),
                    };
                    (row, result)
                })
                .buffer_unordered(AT_ONCE)
                .for_each(|outcome| {
                    let _ = done.send(outcome);
                    std::future::ready(())
                })
                .await;
            // `done` drops here: the recorder ends once it has recorded the last outcome.
        };
        let recording = async {
            while let Some(first) = outcomes.recv().await {
                let mut batch = vec![first];
                while let Ok(more) = outcomes.try_recv() {
                    batch.push(more);
                }
                self.record(instance, batch).await?;
            }
            AppResult::Ok(())
        };
        let ((), recorded) = tokio::join!(sending, recording);
        recorded?;
        Ok(taken)
    }

    /// Records outcomes in one transaction.
    async fn record(
        &self,
        instance: &str,
        outcomes: Vec<(mail_outbox::Model, Result<String, SendError>)>,
    ) -> AppResult<()> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        for (row, result) in outcomes {
            match result {
                Ok(reply) => outbox::mark_sent(&txn, row.id, instance, &reply, now).await?,
                Err(e) => {
                    tracing::warn!(message = %row.message_id, attempt = row.attempts, "mail not sent: {}", e.message);
                    outbox::mark_failed(&txn, &row, instance, &e.message, e.permanent, now).await?;
                }
            }
        }
        txn.commit().await?;
        Ok(())
    }
}
