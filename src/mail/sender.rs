//! The sender: in every instance with `--smtp`, a task that claims due messages and hands
//! them to the SMTP server, one at a time, oldest first. It runs when woken by a new message
//! in this instance and otherwise every few seconds, so messages written by other instances,
//! retries that fall due and claims left by a dead instance are all picked up.
use super::Postbox;
use super::outbox;
use super::transport::Transport;
use crate::clock::SharedClock;
use crate::error::AppResult;
use crate::keys::Sealer;
use crate::settings::MailSettings;
use chrono::Duration;
use sea_orm::DatabaseConnection;

/// How many messages one pass sends. After a full pass the next starts at once; after a shorter
/// one the sender waits to be woken, or for the next poll.
const BATCH: usize = 20;

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
                    Ok(taken) => taken == BATCH,
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

    /// Sends due messages one at a time, up to [`BATCH`]; returns how many it took.
    ///
    /// # Errors
    /// Database failure claiming or recording (the claim then runs out and the message is
    /// taken again).
    pub async fn pass(&self, instance: &str) -> AppResult<usize> {
        let lease = Duration::from_std(self.settings.claim).unwrap_or(Duration::minutes(3));
        let mut taken = 0;
        while taken < BATCH {
            let Some(row) = outbox::claim_next(&self.db, instance, self.clock.now(), lease).await? else { break };
            taken += 1;
            let result = match outbox::recipient(&self.sealer, &row) {
                Ok(to) => self.transport.send(&row, &to).await,
                Err(e) => Err(super::transport::SendError { message: e.to_string(), permanent: true }),
            };
            let now = self.clock.now();
            match result {
                Ok(reply) => outbox::mark_sent(&self.db, row.id, instance, &reply, now).await?,
                Err(e) => {
                    tracing::warn!(message = %row.message_id, attempt = row.attempts, "mail not sent: {}", e.message);
                    outbox::mark_failed(&self.db, &row, instance, &e.message, e.permanent, now).await?;
                }
            }
        }
        Ok(taken)
    }
}
