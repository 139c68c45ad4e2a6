//! Timed jobs run inside the server, once across instances: the instance that takes a job's
//! lease runs it, another finds it taken or not yet due, and a server that starts after a job
//! was missed runs it at once — erasing identities whose retention ran out while it was down.
use crate::db_test;
use crate::helpers::TestApp;
use crate::objections_support::*;
use chrono::Duration;
use entity::{job_leases, objector_identities};
use gongshi::jobs::{Job, run_due};
use sea_orm::EntityTrait;
use serde_json::json;
use std::sync::Arc;

/// One objection concluded (withdrawn) on 3月12日: its identity is due for erasure a year later.
async fn concluded_case(app: &TestApp) -> (i32, chrono::DateTime<chrono::Utc>) {
    let s = scene(app).await;
    file_api(app, s.notice, &objection(s.projects[0])).await;
    let case = objections(app).await[0].id;
    let user = app.create_user(s.unit, "handler", "job-handler").await;
    let token = app.api_token(user).await;
    let concluded = cn(2025, 3, 12, 10, 0, 0);
    app.clock.set(concluded);
    let path = format!("/api/v1/admin/objections/{case}/transitions");
    let res =
        app.client.post(app.url(&path)).bearer_auth(&token).json(&json!({ "to": "withdrawn" })).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    (case, concluded)
}

async fn erased(app: &TestApp, case: i32) -> bool {
    objector_identities::Entity::find_by_id(case).one(&app.db).await.unwrap().unwrap().erased_at.is_some()
}

/// What the identity erasure did in a run (the other jobs keep their own leases and times).
fn erasure(ran: Vec<(Job, String)>) -> Vec<(Job, String)> {
    ran.into_iter().filter(|(job, _)| *job == Job::EraseExpiredIdentities).collect()
}

db_test!(a_job_runs_in_the_one_instance_holding_its_lease_and_only_when_due, |app| {
    let (case, concluded) = concluded_case(&app).await;
    let year_on = concluded + Duration::days(365);
    let ran = erasure(run_due(app.jobs_on(), "instance-a", year_on).await.unwrap());
    assert_eq!(ran, vec![(Job::EraseExpiredIdentities, "erased 1".to_owned())]);
    assert!(erased(&app, case).await);
    // The same instant from another instance: the job ran, and is not due for an hour.
    assert!(erasure(run_due(app.jobs_on(), "instance-b", year_on).await.unwrap()).is_empty());
    let too_soon = run_due(app.jobs_on(), "instance-b", year_on + Duration::minutes(59)).await.unwrap();
    assert!(erasure(too_soon).is_empty());
    let ran = erasure(run_due(app.jobs_on(), "instance-b", year_on + Duration::hours(1)).await.unwrap());
    assert_eq!(ran, vec![(Job::EraseExpiredIdentities, "erased 0".to_owned())]);
    let lease = job_leases::Entity::find_by_id("erase_expired_identities").one(&app.db).await.unwrap().unwrap();
    assert_eq!(lease.last_result.as_deref(), Some("erased 0"));

    // An instance holding the lease (say, mid-run) keeps others out until the lease expires.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let held = year_on + Duration::hours(3);
    let mut row: job_leases::ActiveModel = lease.into();
    row.holder = Set("instance-c".into());
    row.leased_until = Set(held + Duration::minutes(10));
    row.update(&app.db).await.unwrap();
    assert!(erasure(run_due(app.jobs_on(), "instance-a", held).await.unwrap()).is_empty(), "held by another");
    let taken_over = erasure(run_due(app.jobs_on(), "instance-a", held + Duration::minutes(11)).await.unwrap());
    assert_eq!(taken_over.len(), 1, "a lease left by a crashed holder is taken over once it expires");
});

db_test!(a_server_that_starts_after_a_missed_job_runs_it_at_once, |app| {
    let (case, concluded) = concluded_case(&app).await;
    // Every server was down when the year ran out; one starts a day later.
    let clock = gongshi::clock::ManualClock::new(concluded + Duration::days(366));
    let mut settings = gongshi::settings::Settings::new(app.database_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.data_dir = app.state.settings.data_dir.clone();
    settings.cheap_password_hashing = true;
    settings.request_log = false;
    let second = gongshi::startup::Application::build(settings, Arc::new(clock)).await.unwrap();
    let started = std::time::Instant::now();
    while !erased(&app, case).await {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the job ran at start");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(second);
});
