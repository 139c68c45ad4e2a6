//! The schema goes up and down on both engines and up again, leaving a working database; its
//! column defaults are the application's.
use crate::db_test;
use crate::helpers::{Backend, backends, fresh_database_url};
use gongshi::campaigns::CampaignSettings;
use gongshi::notices::PeriodRules;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Statement};

async fn table_names(db: &sea_orm::DatabaseConnection, backend: Backend) -> Vec<String> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

#[actix_web::test]
async fn migrations_go_up_down_and_up_again_on_every_engine() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let url = fresh_database_url(backend, dir.path()).await;
        let db = gongshi::db::connect(&url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        let tables = table_names(&db, backend).await;
        for expected in [
            "units",
            "campaigns",
            "projects",
            "notices",
            "notice_revisions",
            "objections",
            "objector_identities",
            "result_reports",
            "ledger",
            "audit_log",
            "users",
        ] {
            assert!(tables.iter().any(|t| t == expected), "{backend:?}: {expected} missing from {tables:?}");
        }
        Migrator::down(&db, None).await.unwrap();
        let left = table_names(&db, backend).await;
        assert_eq!(left, vec!["seaql_migrations".to_owned()], "{backend:?}: only the bookkeeping table remains");
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(table_names(&db, backend).await.len(), tables.len(), "{backend:?}");
    }
}

// A campaign row written without its settings gets the schema's column defaults: they must be
// the application's defaults, and the notice period's own default must agree with them.
db_test!(the_schema_and_the_period_rules_default_to_the_campaign_defaults, |app| {
    let stored = entity::campaigns::ActiveModel {
        code: Set("2025".into()),
        year: Set(2025),
        edition: Set("第十八届".into()),
        title: Set("2025年度甘肃省职工技术成果征集活动".into()),
        award_grades: Set("[]".into()),
        created_at: Set(app.clock_now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert_eq!(CampaignSettings::of(&stored), CampaignSettings::DEFAULT, "{:?}", app.backend);
    assert_eq!(PeriodRules::of(&stored), PeriodRules::default());
});
