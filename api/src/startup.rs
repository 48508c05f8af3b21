//! Building and running the service: database, seeds, the first admin, the
//! HTTP server and the mail sender.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ResourceDef;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use persistence::{migrations, seed, Database, Engine};
use tokio::sync::watch;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::app::contracts::ReleaseEndedContracts;
use crate::app::operations::ForgetIdempotencyKeys;
use crate::app::scorrimento::LapseOffers;
use crate::app::Act;
use crate::auth::tokens::{random_secret, JwtKeys};
use crate::bootstrap::{self, BootstrapAdmin};
use crate::config::Settings;
use crate::error::ApiError;
use crate::held_progress::HeldProgress;
use crate::idempotency::idempotent_posts;
use crate::mail::sender::Sender;
use crate::mail::{self, Mailer};
use crate::metrics::{task, Metrics};
use crate::middleware::finish_response;
use crate::progress_polls::ProgressPolls;
use crate::revocations::Revocations;
use crate::telemetry::RequestSpan;
use crate::{handlers, state::AppState};

/// The OpenAPI document: the base of the `openapi` crate plus every
/// registered operation.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::BaseDoc::openapi())
        .service(scope::scope("/api/v1").configure(handlers::api_v1))
        .configure(handlers::operations)
        .split_for_parts();
    describe_bare_responses(&mut doc);
    crate::openapi_answers::document(&mut doc);
    crate::openapi_requests::document(&mut doc);
    crate::idempotency::document(&mut doc);
    doc
}

/// OpenAPI 3.1 requires every response to have a description, and utoipa
/// leaves an empty one out: a response documented without words gets the
/// reason phrase of its status ("Not Found").
fn describe_bare_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in doc.paths.paths.values_mut() {
        let methods = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
            &mut item.query,
        ];
        let operations = methods
            .into_iter()
            .flatten()
            .chain(item.additional_operations.values_mut());
        for operation in operations {
            for (status, response) in &mut operation.responses.responses {
                if let RefOr::T(response) = response {
                    if response.description.is_empty() {
                        response.description = status
                            .parse()
                            .ok()
                            .and_then(|code| actix_web::http::StatusCode::from_u16(code).ok())
                            .and_then(|code| code.canonical_reason())
                            .unwrap_or("Response")
                            .to_owned();
                    }
                }
            }
        }
    }
}

/// Connects, migrates and loads missing reference data.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Database> {
    let db = Database::connect(&settings.database_url, settings.database_pool_size)?;
    let applied = migrations::run(&db)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    let mut conn = db.get()?;
    let report = seed::seed_reference(&mut conn)?;
    if report.inserted_anything() {
        tracing::info!(?report, "reference data loaded");
    }
    let entries = crate::app::faq::index_earlier_words(&mut conn)?;
    if entries > 0 {
        tracing::info!(entries, "FAQ words indexed for the search as one types");
    }
    Ok(db)
}

/// The documented paths with their methods, to answer 405 rather than 404
/// when only the method is wrong.
pub struct KnownRoutes(Vec<(ResourceDef, Vec<String>)>);

impl KnownRoutes {
    fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let value = serde_json::to_value(item).unwrap_or_default();
                let methods = value
                    .as_object()
                    .map(|o| o.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    fn methods_for(&self, path: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.as_slice())
    }
}

async fn not_found(
    req: HttpRequest,
    routes: web::Data<KnownRoutes>,
) -> Result<HttpResponse, ApiError> {
    if crate::pages::wants_page(&req) && !req.path().starts_with("/api-docs/") {
        return Ok(crate::pages::not_found_page(&req));
    }
    match routes.methods_for(req.path()) {
        Some(methods) => Err(ApiError::MethodNotAllowed {
            allowed: methods.join(", "),
        }),
        None => Err(ApiError::RouteNotFound),
    }
}

/// Every `every`, until `stop` turns true: overdue offers lapse, ended
/// contracts release their seats, and old idempotency keys are forgotten.
/// (The cut-off accounts are kept current by [`Revocations`].)
async fn settle_in_background(
    state: web::Data<AppState>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let act = Act::system(Arc::clone(&state.settings));
        let lapsed = state.use_cases.run(act, LapseOffers).await;
        state.metrics.task_ran(task::LAPSE_OFFERS, lapsed.is_err());
        if let Err(e) = lapsed {
            tracing::warn!(error = %e, "cannot lapse overdue offers");
        }
        let act = Act::system(Arc::clone(&state.settings));
        let released = state.use_cases.run(act, ReleaseEndedContracts).await;
        state
            .metrics
            .task_ran(task::RELEASE_ENDED_CONTRACTS, released.is_err());
        if let Err(e) = released {
            tracing::warn!(error = %e, "cannot release the seats of ended contracts");
        }
        let act = Act::system(Arc::clone(&state.settings));
        let forget = ForgetIdempotencyKeys {
            kept_for: crate::idempotency::KEPT_FOR,
        };
        let forgotten = state.use_cases.run(act, forget).await;
        state
            .metrics
            .task_ran(task::FORGET_IDEMPOTENCY_KEYS, forgotten.is_err());
        if let Err(e) = forgotten {
            tracing::warn!(error = %e, "cannot forget old idempotency keys");
        }
    }
}

pub struct Application {
    port: u16,
    server: Server,
    /// The listener of `/metrics` alone (`NAVIGATOR_METRICS_LISTEN`) and its port.
    metrics_server: Option<(Server, u16)>,
    db: Database,
    stop_sender: watch::Sender<bool>,
    /// The first administrator, when this start created one.
    pub bootstrap_admin: Option<BootstrapAdmin>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let mailer = mail::from_settings(&settings)?;
        Self::build_with_mailer(settings, mailer).await
    }

    /// As `build`, delivering mail through `mailer`.
    pub async fn build_with_mailer(
        settings: Settings,
        mailer: Arc<dyn Mailer>,
    ) -> anyhow::Result<Self> {
        let settings = Arc::new(settings);
        // Replicas starting together on an empty database take turns.
        let (db, bootstrap_admin) = {
            let s = Arc::clone(&settings);
            tokio::task::spawn_blocking(move || {
                migrations::while_starting(&s.database_url, || -> anyhow::Result<_> {
                    let db = prepare_database(&s)?;
                    let admin = bootstrap::ensure_admin(&db, &s)?;
                    Ok((db, admin))
                })
            })
            .await??
        };

        let secret = match &settings.jwt_secret {
            Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
            Some(_) => anyhow::bail!("NAVIGATOR_JWT_SECRET must be at least 32 characters"),
            None => {
                tracing::warn!("NAVIGATOR_JWT_SECRET is not set: tokens are signed with a random key and die with this process");
                random_secret()
            }
        };
        let jwt = Arc::new(JwtKeys::new(
            &secret,
            &settings.jwt_issuer,
            &settings.jwt_audience,
            chrono::Duration::minutes(settings.access_token_minutes),
        ));
        // On SQLite this process applies every change itself; on
        // PostgreSQL nothing is held until the announcements are heard.
        let held_progress = Arc::new(HeldProgress::new(db.engine() == Engine::Sqlite));
        let revocations = Revocations {
            db: db.clone(),
            database_url: settings.database_url.clone(),
            revoked: Arc::default(),
            cutoffs: Arc::default(),
            remember: persistence::sessions::remembered_for(jwt.access_ttl),
            progress: Arc::clone(&held_progress),
            reread_every: Duration::from_secs(settings.reread_every_seconds),
        };
        let revocations =
            tokio::task::spawn_blocking(move || revocations.read_all().map(|()| revocations))
                .await??;
        let state = web::Data::new(AppState {
            db: db.clone(),
            use_cases: crate::app::UseCases::holding(db.clone(), Arc::clone(&held_progress)),
            settings: Arc::clone(&settings),
            jwt,
            metrics: Metrics::new()?,
            cutoffs: Arc::clone(&revocations.cutoffs),
            revoked: Arc::clone(&revocations.revoked),
            held_progress: Arc::clone(&held_progress),
            faq_index: Arc::default(),
            identity_provider: crate::single_sign_on::IdentityProvider::from_settings(&settings)?
                .map(Arc::new),
        });

        let background_state = state.clone();
        let metrics_state = state.clone();
        let listener = TcpListener::bind(&settings.listen)?;
        let port = listener.local_addr()?.port();
        let doc = openapi_document();
        let routes = web::Data::new(KnownRoutes::from_document(&doc));
        let mut server = HttpServer::new(move || {
            // Made on each worker's thread, so each worker reads its own.
            let polls = web::Data::new(ProgressPolls::start(
                state.db.clone(),
                Arc::clone(&state.held_progress),
            ));
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(polls)
                .app_data(routes.clone())
                .service(scope::scope("/api/v1").configure(handlers::api_v1))
                .configure(handlers::operations)
                .split_for_parts();
            let app = match state.settings.swagger_ui {
                true => app.service(
                    SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", doc.clone()),
                ),
                false => {
                    let doc = doc.clone();
                    app.route(
                        "/api-docs/openapi.json",
                        web::get().to(move || {
                            let doc = doc.clone();
                            async move { HttpResponse::Ok().json(doc) }
                        }),
                    )
                }
            };
            app.service(
                web::scope("")
                    .wrap(from_fn(crate::pages::refuse_nul))
                    .wrap(Compress::default())
                    .configure(crate::pages::routes),
            )
            .default_service(web::to(not_found))
            .wrap(from_fn(idempotent_posts))
            .wrap(from_fn(finish_response))
            .wrap(TracingLogger::<RequestSpan>::new())
        })
        .shutdown_timeout(10)
        // A client that sends its head or body slowly is dropped after 10 s
        // instead of holding a connection (and a worker's memory) for as
        // long as it likes.
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(10));
        // Zero means one worker per core, as actix does by default.
        let workers = match settings.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        // No more blocking threads than the pool has connections, split
        // between the workers: nearly every blocking task takes a
        // connection. With actix's default (512 threads) a busy service
        // parks dozens of threads on the pool and wakes one for each
        // connection handed back, and those thread switches cost a sixth of
        // the server's time on a poll of the progress; with as many threads
        // as connections, a thread that finishes a task takes the next
        // queued one without sleeping. Password hashing also runs on these
        // threads; more threads would not hash faster than the cores allow.
        server = server.workers(workers).worker_max_blocking_threads(
            (settings.database_pool_size as usize)
                .div_ceil(workers)
                .max(1),
        );
        let server = server.listen(listener)?.run();
        tracing::info!(
            port,
            engine = db.engine().name(),
            "listening on {}",
            settings.listen
        );

        let metrics_server = match settings.metrics_listen.as_deref().filter(|a| !a.is_empty()) {
            Some(address) => Some(metrics_server(address, metrics_state)?),
            None => None,
        };

        let (stop_sender, stop) = watch::channel(false);
        if settings.mail_sender {
            let instance = settings.instance_name(port);
            let sender = Arc::new(
                Sender::new(db.clone(), mailer, settings.mail_max_attempts)
                    .known_as(&instance)
                    .delivering_at_once(settings.mail_connections)
                    .counted_in(background_state.metrics.clone()),
            );
            // What this instance claimed before a crash goes out now, not
            // after the lease.
            let taking = Arc::clone(&sender);
            match tokio::task::spawn_blocking(move || taking.take_back_own_claims()).await {
                Ok(Ok(0)) => {}
                Ok(Ok(mails)) => tracing::warn!(
                    %instance,
                    mails,
                    "mails claimed by this instance before it stopped are due again"
                ),
                Ok(Err(e)) => tracing::warn!(
                    %instance,
                    error = %e,
                    "cannot take back this instance's mail claims: they wait out their lease"
                ),
                Err(e) => tracing::error!(error = %e, "taking back mail claims failed"),
            }
            tokio::spawn(sender.run(Duration::from_millis(settings.mail_poll_millis), stop));
        }
        revocations.spawn(stop_sender.subscribe())?;
        if settings.retention_in_background {
            tokio::spawn(crate::app::retention::run_in_background(
                db.clone(),
                Arc::clone(&settings),
                stop_sender.subscribe(),
            ));
        }
        tokio::spawn(settle_in_background(
            background_state,
            Duration::from_secs(settings.offer_lapse_seconds.max(1)),
            stop_sender.subscribe(),
        ));
        Ok(Self {
            port,
            server,
            metrics_server,
            db,
            stop_sender,
            bootstrap_admin,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// A handle to stop the server from elsewhere (tests, signals).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The port of the separate metrics listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let result = self.server.await;
        if let Some(handle) = metrics {
            handle.stop(true).await;
        }
        let _ = self.stop_sender.send(true);
        result
    }
}

/// One worker serving `/metrics` alone on `address`, without the token.
fn metrics_server(address: &str, state: web::Data<AppState>) -> std::io::Result<(Server, u16)> {
    let listener = TcpListener::bind(address)?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route(
                "/metrics",
                web::get().to(handlers::ops::metrics_on_own_address),
            )
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(ApiError::RouteNotFound)
            }))
    })
    .workers(1)
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    tracing::info!(port, "metrics on {address}");
    Ok((server, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_response_has_a_description() {
        let doc = serde_json::to_value(openapi_document()).unwrap();
        let mut bare = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    let described = response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty());
                    if !described {
                        bare.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(bare.is_empty(), "responses without a description: {bare:?}");
    }
}
