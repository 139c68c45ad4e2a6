//! Building the application: database, state, routes, and a listener bound before the server
//! starts (port 0 in tests), handed to actix so nothing races for the port.
use crate::clock::SharedClock;
use crate::settings::Settings;
use crate::web::AppState;
use crate::{db, demo, routes, secrets, web};
use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware};
use std::net::TcpListener;
use std::sync::Arc;

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    /// The one-time link for the first admin, while the database has no account.
    setup_link: Option<String>,
}

impl Application {
    /// Connects, migrates, seeds the demo if asked, and binds the listener.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated, or the address cannot be bound.
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let test_clock = settings.test_clock.then(|| crate::clock::ManualClock::new(clock.now()));
        let clock: SharedClock = match &test_clock {
            Some(manual) => Arc::new(manual.clone()),
            None => clock,
        };
        web::templates::check().map_err(|e| anyhow::anyhow!("templates: {e}"))?;
        let db = db::connect_and_migrate(&settings.database_url).await?;
        let master = crate::keys::MasterKey::load(settings.master_key.as_deref(), &settings.data_dir)?;
        let secrets = Arc::new(secrets::Secrets::load_or_create(&db, &master, clock.now()).await?);
        let sealed = crate::objections::identity::seal_plain_rows(&db, &secrets.sealer).await?;
        if sealed > 0 {
            tracing::info!("sealed {sealed} objectors' identities stored in plain text by an earlier version");
        }
        if settings.demo {
            demo::seed_if_empty(&db, &settings.base_url, &secrets, clock.now()).await?;
        }
        let limits = Arc::new(web::security::Limits::new(&clock));
        let setup_link = crate::accounts::setup::issue_if_no_users(&db, clock.now())
            .await
            .map_err(|e| anyhow::anyhow!("setup link: {e}"))?
            .map(|secret| settings.absolute_url(&format!("/setup/{secret}")));
        let mail = start_mail(&settings, &db, &secrets, &clock)?;
        if settings.run_jobs {
            crate::jobs::spawn(db.clone(), clock.clone(), mail.clone(), settings.database_url.clone());
            start_webhooks(&settings, &db, &secrets, &clock, &mail)?;
        }
        let staff_routes = routes::staff_routes();
        let metrics = Arc::default();
        let settings = Arc::new(settings);
        let state = AppState { db, clock, settings, secrets, limits, staff_routes, test_clock, metrics, mail };
        let listener = TcpListener::bind(&state.settings.bind)?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        Ok(Self { port, server, state, setup_link })
    }

    /// The one-time link that creates the first admin, when the database has no account yet.
    #[must_use]
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Runs until the process is told to stop.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The postbox, and with `--smtp` the sender that empties it.
fn start_mail(
    settings: &Settings,
    db: &sea_orm::DatabaseConnection,
    secrets: &secrets::Secrets,
    clock: &SharedClock,
) -> anyhow::Result<crate::mail::Postbox> {
    let Some(mail) = &settings.mail else { return Ok(crate::mail::Postbox::closed(&settings.base_url)) };
    let transport = crate::mail::transport::Transport::new(mail).map_err(|e| anyhow::anyhow!(e))?;
    let postbox = crate::mail::Postbox::open(&settings.base_url, secrets.sealer.clone());
    crate::mail::sender::Sender {
        db: db.clone(),
        transport,
        sealer: secrets.sealer.clone(),
        clock: clock.clone(),
        postbox: postbox.clone(),
        settings: mail.clone(),
    }
    .spawn();
    Ok(postbox)
}

/// The webhook sender of this instance.
fn start_webhooks(
    settings: &Settings,
    db: &sea_orm::DatabaseConnection,
    secrets: &secrets::Secrets,
    clock: &SharedClock,
    postbox: &crate::mail::Postbox,
) -> anyhow::Result<()> {
    let reach = crate::webhooks::target::Reach::of(settings);
    let client = crate::webhooks::sender::client(reach).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::webhooks::sender::Sender {
        db: db.clone(),
        client,
        sealer: secrets.sealer.clone(),
        clock: clock.clone(),
        postbox: postbox.clone(),
        reach,
        base_url: settings.base_url.trim_end_matches('/').to_owned(),
        poll: settings.webhook_poll,
    }
    .spawn();
    Ok(())
}

fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    // Without TCP_NODELAY, compressed responses stall ~40 ms on delayed ACKs.
    listener.set_nonblocking(true)?;
    let request_log = state.settings.request_log;
    let workers = state.settings.workers;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(actix_web::web::Data::new(state.clone()))
            .configure(web::security::limits::configure)
            .configure(routes::configure)
            .default_service(actix_web::web::to(routes::not_found))
            .wrap(middleware::from_fn(routes::registrar::refuse_unlisted))
            .wrap(middleware::from_fn(web::security::csrf::guard))
            .wrap(web::session::middleware(&state))
            .wrap(web::headers::security_headers())
            .wrap(middleware::from_fn(web::headers::strict_transport))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(web::precomputed::strip_identity_marker))
            .wrap(middleware::Condition::new(request_log, tracing_actix_web::TracingLogger::default()))
            .wrap(middleware::from_fn(web::precomputed::fast_path))
            .wrap(middleware::from_fn(web::metrics::measure))
    })
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    });
    let server = match workers {
        Some(workers) => server.workers(workers),
        None => server,
    };
    Ok(server.listen(listener)?.run())
}
