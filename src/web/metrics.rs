//! `GET /metrics` for Prometheus (text format 0.0.4): requests by method, route pattern and
//! status, their latency, objections filed, and the database pool. Answered only to clients in
//! `--metrics-from` (loopback by default); anyone else gets the ordinary 404 page, so the
//! endpoint does not show from outside.
use crate::error::AppError;
use crate::web::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::{CONTENT_TYPE, encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::DbBackend;
use std::sync::Arc;
use std::time::Instant;

/// Route a request that matched no route is counted under, so probes for random paths do not
/// make a series each.
const UNMATCHED: &str = "unmatched";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FiledLabels {
    /// `public` (web form and public API) or `staff` (registered by phone, letter, e-mail…).
    by: &'static str,
}

/// Who put an objection on record.
#[derive(Debug, Clone, Copy)]
pub enum FiledBy {
    Public,
    Staff,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The counters every worker shares.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    objections_filed: Family<FiledLabels, Counter>,
    batch_sizes: Histogram,
    pool_connections: Gauge,
    pool_idle: Gauge,
    stored_answer_bytes: Gauge,
    brotli_pending: Gauge,
}

/// 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("gongshi");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        let objections_filed = Family::<FiledLabels, Counter>::default();
        // 1 to 256 submissions (the group commit's largest batch), doubling.
        let batch_sizes = Histogram::new(exponential_buckets(1.0, 2.0, 9));
        let pool_connections = Gauge::default();
        let pool_idle = Gauge::default();
        registry.register("http_requests", "HTTP requests answered, by route pattern and status", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request (until the response head), by route pattern",
            latency.clone(),
        );
        registry.register(
            "objections_filed",
            "Objections put on record, by whom: the public (web form, API) or staff registering one",
            objections_filed.clone(),
        );
        registry.register(
            "objection_commit_batch_size",
            "Submissions recorded per group-commit transaction",
            batch_sizes.clone(),
        );
        registry.register("db_pool_connections", "Database connections open in the pool", pool_connections.clone());
        registry.register("db_pool_idle_connections", "Open database connections not in use", pool_idle.clone());
        let stored_answer_bytes = Gauge::default();
        let brotli_pending = Gauge::default();
        registry.register(
            "stored_answer_bytes",
            "Bytes of public answers kept in memory (identity, gzip and brotli), held under 256 MiB",
            stored_answer_bytes.clone(),
        );
        registry.register(
            "brotli_builds_pending",
            "Stored answers whose brotli bytes are waiting to be built or being built",
            brotli_pending.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            objections_filed,
            batch_sizes,
            pool_connections,
            pool_idle,
            stored_answer_bytes,
            brotli_pending,
        }
    }
}

impl Metrics {
    /// One objection durably recorded (not a replayed submission).
    pub fn objection_filed(&self, by: FiledBy) {
        let by = match by {
            FiledBy::Public => "public",
            FiledBy::Staff => "staff",
        };
        self.objections_filed.get_or_create(&FiledLabels { by }).inc();
    }

    /// One group-commit transaction of `size` submissions.
    pub fn commit_batch(&self, size: usize) {
        #[expect(clippy::cast_precision_loss, reason = "a batch holds at most 256")]
        self.batch_sizes.observe(size as f64);
    }

    fn observe(&self, method: &'static str, route: String, status: u16, seconds: f64) {
        let labels = RequestLabels { method, route, status };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&RouteLabels { route: labels.route }).observe(seconds);
    }

    /// The text a scrape gets, the pool and the stored answers read now.
    fn render(&self, state: &AppState) -> String {
        let db = &state.db;
        let (size, idle) = match db.get_database_backend() {
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        self.pool_connections.set(i64::from(size));
        self.pool_idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
        let stored = crate::web::precomputed::for_database(&state.settings.database_url).bytes();
        self.stored_answer_bytes.set(i64::try_from(stored).unwrap_or(i64::MAX));
        let pending = crate::web::precomputed::brotli_builds_pending();
        self.brotli_pending.set(i64::try_from(pending).unwrap_or(i64::MAX));
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

/// The route pattern of an answer that did not pass the router (a stored public answer sent
/// again), in the answer's extensions.
#[derive(Debug, Clone)]
pub struct AnsweredRoute(pub Arc<str>);

/// Counts and times every request under its route pattern, read once the request has been
/// routed: matching the path against every route beforehand costs more than a stored answer.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<Data<AppState>>().cloned();
    let method = method_label(req.method());
    let result = next.call(req).await;
    if let Some(state) = state {
        // An error answer is counted under the status it will be sent with; an error that
        // escaped every handler and middleware has lost its request, and so its route.
        let (status, route) = match &result {
            Ok(res) => (res.status(), route_of(res)),
            Err(e) => (e.as_response_error().status_code(), None),
        };
        let route = route.unwrap_or_else(|| UNMATCHED.to_owned());
        state.metrics.observe(method, route, status.as_u16(), started.elapsed().as_secs_f64());
    }
    result
}

fn route_of<B>(res: &ServiceResponse<B>) -> Option<String> {
    if let Some(AnsweredRoute(route)) = res.response().extensions().get::<AnsweredRoute>() {
        return Some(route.to_string());
    }
    res.request().match_pattern()
}

/// The method as a label; methods no route takes are counted together.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// `GET /metrics`.
pub async fn metrics(state: Data<AppState>, req: HttpRequest) -> HttpResponse {
    let client = crate::web::security::client_ip(&req).parse().ok();
    let allowed = client.is_some_and(|ip| crate::settings::in_ranges(&state.settings.metrics_from, ip));
    if !allowed {
        return AppError::NotFound.to_page_response();
    }
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(state.metrics.render(&state))
}
