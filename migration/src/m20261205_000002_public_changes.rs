//! A counter of changes to what the public pages show. Every insert, update or delete on a
//! table the public side reads bumps it, by a trigger in the database itself, so no write path
//! (a service, an import, another instance, a hand-run SQL fix) can change a public page
//! without the pages' caches seeing it. The public listing compares this one number instead of
//! re-reading the tables.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables public pages, feeds and the public API are built from.
pub const PUBLIC_TABLES: [&str; 7] =
    ["units", "campaigns", "campaign_deadlines", "notices", "notice_revisions", "notice_items", "result_reports"];

const BUMP: &str = "UPDATE public_changes SET generation = generation + 1 WHERE id = 1";

/// Makes every insert, update or delete on `tables` bump the counter (later migrations call
/// this for the public tables they add).
///
/// # Errors
/// Database failure.
pub async fn add_public_triggers(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for table in tables {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_public_change AFTER INSERT OR UPDATE OR DELETE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION public_changes_bump()"
            ))
            .await?;
            continue;
        }
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let name = format!("{table}_public_{}", event.to_lowercase());
            db.execute_unprepared(&format!("CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END")).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE public_changes (id INTEGER NOT NULL PRIMARY KEY, generation BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO public_changes (id, generation) VALUES (1, 0)").await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION public_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {BUMP}; RETURN NULL; END $$"
            ))
            .await?;
        }
        add_public_triggers(manager, &PUBLIC_TABLES).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in PUBLIC_TABLES {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_public_change ON {table}")).await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS public_changes_bump()").await?;
            }
            _ => {
                for table in PUBLIC_TABLES {
                    for event in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_public_{event}")).await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE public_changes").await?;
        Ok(())
    }
}
