//! Jobs that must happen on time run inside the server, not in an operator's cron: erasing
//! objectors' identities once their retention has run out, reminding units of handling and
//! submission deadlines, and telling them of reports that stopped standing.
//! Every instance on the database ticks once a minute; a job runs only in the instance that
//! takes its lease (a row in `job_leases`, taken by one conditional UPDATE, so two instances
//! never run it at once), and only when its interval has passed since it last ran — so a job
//! missed while every server was down runs at the next start.
use crate::error::AppResult;
use crate::mail::Postbox;
use chrono::{DateTime, Duration, Utc};
use entity::job_leases;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Statement, Value};

/// How long an instance may hold a job before another may take it over (a crashed holder).
const LEASE: Duration = Duration::minutes(10);

/// A job: its name (the lease row), how often it runs, and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Erase identities whose retention period has passed (`objections::retention`).
    EraseExpiredIdentities,
    /// Remind the handling units of deadlines, and the units above of cases past them
    /// (`objections::reminders`).
    HandlingReminders,
    /// Remind units of the submission deadlines they must meet (`progress::reminders`).
    DeadlineReminders,
    /// Tell units that a report their recommendations rest on stopped standing
    /// (`reports::alerts`).
    ReportAlerts,
    /// Record the public events subscribers are told of (`subscriptions::journal`).
    SubscriptionEvents,
    /// Write subscribers' mail: events as they happen, digests, the quiet week's line
    /// (`subscriptions::delivery`).
    SubscriptionMail,
    /// Erase the addresses of subscriptions ended, unconfirmed or suspended long enough
    /// (`subscriptions::service::erase_due`).
    EraseSubscriptions,
}

impl Job {
    pub const ALL: [Job; 7] = [
        Job::EraseExpiredIdentities,
        Job::HandlingReminders,
        Job::DeadlineReminders,
        Job::ReportAlerts,
        Job::SubscriptionEvents,
        Job::SubscriptionMail,
        Job::EraseSubscriptions,
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::EraseExpiredIdentities => "erase_expired_identities",
            Self::HandlingReminders => "handling_reminders",
            Self::DeadlineReminders => "deadline_reminders",
            Self::ReportAlerts => "report_alerts",
            Self::SubscriptionEvents => "subscription_events",
            Self::SubscriptionMail => "subscription_mail",
            Self::EraseSubscriptions => "erase_subscriptions",
        }
    }

    #[must_use]
    pub fn every(self) -> Duration {
        match self {
            Self::EraseExpiredIdentities | Self::EraseSubscriptions => Duration::hours(1),
            Self::HandlingReminders | Self::DeadlineReminders | Self::ReportAlerts => Duration::minutes(5),
            Self::SubscriptionEvents | Self::SubscriptionMail => Duration::minutes(1),
        }
    }

    /// Runs the job; `last` is when it last ran (`None`: never).
    async fn run(self, on: &On<'_>, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> AppResult<String> {
        let (db, postbox) = (on.db, on.postbox);
        match self {
            Self::EraseExpiredIdentities => {
                let erased = crate::objections::retention::erase_expired(db, now).await?;
                Ok(format!("erased {erased}"))
            }
            Self::HandlingReminders => {
                let reminded = crate::objections::reminders::send_due(db, postbox, now).await?;
                Ok(format!("reminded {reminded}"))
            }
            Self::DeadlineReminders => {
                let reminded = crate::progress::reminders::send_due(db, postbox, now).await?;
                Ok(format!("reminded {reminded}"))
            }
            Self::ReportAlerts => {
                let told = crate::reports::alerts::send_due(db, postbox, last, now).await?;
                Ok(format!("told {told}"))
            }
            Self::SubscriptionEvents if !postbox.enabled() => Ok("mail off".to_owned()),
            Self::SubscriptionEvents => {
                let new = crate::subscriptions::journal::record(db, on.database_url, last, now).await?;
                Ok(format!("recorded {new}"))
            }
            Self::SubscriptionMail => {
                let d = crate::subscriptions::delivery::run(db, postbox, now).await?;
                Ok(format!("events {} digests {} quiet {}", d.events, d.digests, d.quiet))
            }
            Self::EraseSubscriptions => {
                let erased = crate::subscriptions::service::erase_due(db, now).await?;
                let dropped = crate::subscriptions::journal::forget_old(db, now).await?;
                Ok(format!("erased {erased}, events dropped {dropped}"))
            }
        }
    }
}

/// What the jobs work on.
#[derive(Clone, Copy)]
pub struct On<'a> {
    pub db: &'a DatabaseConnection,
    pub postbox: &'a Postbox,
    /// Names the process's cached public listing (`notices::public_listing`).
    pub database_url: &'a str,
}

/// Runs every job that is due and whose lease this instance takes; returns what ran.
///
/// # Errors
/// Database failure taking or releasing a lease. A job's own failure is recorded as its result
/// and logged; the other jobs still run.
pub async fn run_due(on: On<'_>, instance: &str, now: DateTime<Utc>) -> AppResult<Vec<(Job, String)>> {
    let db = on.db;
    let mut ran = Vec::new();
    for job in Job::ALL {
        ensure_row(db, job).await?;
        if !take_lease(db, job, instance, now).await? {
            continue;
        }
        let last = job_leases::Entity::find_by_id(job.name()).one(db).await?.and_then(|l| l.last_run_at);
        if last.is_some_and(|t| t + job.every() > now) {
            finish(db, job, instance, now, None).await?;
            continue;
        }
        let result = match job.run(&on, last, now).await {
            Ok(said) => said,
            Err(e) => {
                tracing::warn!(job = job.name(), "job failed: {e}");
                format!("failed: {e}")
            }
        };
        finish(db, job, instance, now, Some(&result)).await?;
        ran.push((job, result));
    }
    Ok(ran)
}

/// Ticks once at start (a job missed while down runs now) and then every minute, until the
/// process ends.
pub fn spawn(db: DatabaseConnection, clock: crate::clock::SharedClock, postbox: Postbox, database_url: String) {
    let instance = uuid::Uuid::new_v4().to_string();
    tokio::spawn(async move {
        loop {
            let on = On { db: &db, postbox: &postbox, database_url: &database_url };
            if let Err(e) = run_due(on, &instance, clock.now()).await {
                tracing::warn!("jobs: {e}");
            }
            tokio::time::sleep(std::time::Duration::from_mins(1)).await;
        }
    });
}

fn sql(db: &DatabaseConnection, sqlite: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let text = if backend == DbBackend::Postgres {
        // `?1`-style numbered placeholders become PostgreSQL's `$1`.
        sqlite.replace('?', "$")
    } else {
        sqlite.to_owned()
    };
    Statement::from_sql_and_values(backend, text, values)
}

async fn ensure_row(db: &DatabaseConnection, job: Job) -> AppResult<()> {
    let stmt = sql(
        db,
        "INSERT INTO job_leases (name, holder, leased_until) VALUES (?1, '', ?2) ON CONFLICT (name) DO NOTHING",
        vec![job.name().into(), DateTime::<Utc>::UNIX_EPOCH.into()],
    );
    db.execute_raw(stmt).await?;
    Ok(())
}

/// Takes the lease if it is free, expired, or already this instance's.
async fn take_lease(db: &DatabaseConnection, job: Job, instance: &str, now: DateTime<Utc>) -> AppResult<bool> {
    let stmt = sql(
        db,
        "UPDATE job_leases SET holder = ?1, leased_until = ?2 WHERE name = ?3 AND (leased_until < ?4 OR holder = ?1)",
        vec![instance.into(), (now + LEASE).into(), job.name().into(), now.into()],
    );
    Ok(db.execute_raw(stmt).await?.rows_affected() == 1)
}

/// Releases the lease, recording the run when there was one.
async fn finish(
    db: &DatabaseConnection,
    job: Job,
    instance: &str,
    now: DateTime<Utc>,
    result: Option<&str>,
) -> AppResult<()> {
    let stmt = match result {
        Some(result) => sql(
            db,
            "UPDATE job_leases SET leased_until = ?1, last_run_at = ?1, last_result = ?2 WHERE name = ?3 AND holder = ?4",
            vec![now.into(), result.into(), job.name().into(), instance.into()],
        ),
        None => sql(
            db,
            "UPDATE job_leases SET leased_until = ?1 WHERE name = ?2 AND holder = ?3",
            vec![now.into(), job.name().into(), instance.into()],
        ),
    };
    db.execute_raw(stmt).await?;
    Ok(())
}
