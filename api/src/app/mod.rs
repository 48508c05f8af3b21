//! Use cases: what the service does, one file per action under
//! `app/<area>/`, called alike by the JSON handlers, the pages, the
//! background tasks and the `navigator` command.
//!
//! A use case is a plain function of the transaction it runs in, the [`Act`]
//! (who acts, when, on which request) and its command, returning an outcome
//! or a typed error. It knows nothing of HTTP or HTML. This room is the only
//! one that opens transactions ([`UseCases::run`]), appends audit and outbox
//! entries, and refreshes derived tables; a change that ends someone's login
//! returns the cut-off as data for the caller to apply once committed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use domain::account::Role;
use persistence::audit::AuditContext;
use persistence::{read_snapshot, write_transaction, Database, DbConnection, Engine};

use crate::auth::caller::Caller;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::held_progress::HeldProgress;

pub mod audit;
pub mod auth;
pub mod contracts;
pub mod equipment;
pub mod faq;
pub mod navigators;
pub mod operations;
pub mod questions;
pub mod reference;
pub mod reports;
pub mod retention;
pub mod scope;
pub mod scorrimento;
pub mod selection;
pub mod subjects;
pub mod training;
pub mod users;

/// Who acts, when, and on which request: what every use case needs besides
/// its command and its transaction.
#[derive(Debug, Clone)]
pub struct Act {
    /// The authenticated caller; `None` when the system acts (background
    /// tasks, the command line, the demo programme).
    pub caller: Option<Caller>,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
    /// The calendar day in Europe/Rome (or the one the settings fix).
    pub today: NaiveDate,
    pub settings: Arc<Settings>,
    /// The retry key the request came with, claimed by its first change.
    pub idempotency: Option<IdempotencyClaim>,
    /// The Navigators whose stored progress this act rewrote.
    pub rewritten_progress: RewrittenProgress,
}

/// The Navigators whose stored progress an act rewrote: once the act is
/// done, the server forgets what it holds of them (`HeldProgress`), so the
/// writer's next poll reads the new progress.
#[derive(Debug, Clone, Default)]
pub struct RewrittenProgress(Arc<Mutex<Vec<String>>>);

impl RewrittenProgress {
    pub fn note(&self, navigator_id: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(navigator_id.to_owned());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A request's `Idempotency-Key`: claimed in the transaction of the first
/// change the request makes, so that of any number of requests with one
/// key (retries, or the same request sent twice at once) exactly one
/// changes anything.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub caller_id: String,
    pub key: String,
    /// What the key was sent with (method, path, query, body), so a key
    /// reused for another request is recognised.
    pub fingerprint: String,
    claimed: Arc<AtomicBool>,
}

impl IdempotencyClaim {
    pub fn new(caller_id: String, key: String, fingerprint: String) -> Self {
        Self {
            caller_id,
            key,
            fingerprint,
            claimed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether a change of this request has committed with the claim.
    pub fn is_claimed(&self) -> bool {
        self.claimed.load(Ordering::Acquire)
    }

    fn mark_claimed(&self) {
        self.claimed.store(true, Ordering::Release);
    }
}

impl Act {
    /// The system acting now, outside any request.
    pub fn system(settings: Arc<Settings>) -> Self {
        let today = settings.today.unwrap_or_else(crate::clock::today);
        Self {
            caller: None,
            request_id: None,
            now: Utc::now(),
            today,
            settings,
            idempotency: None,
            rewritten_progress: RewrittenProgress::default(),
        }
    }

    /// `caller` acting now, on request `request_id`.
    pub fn by(caller: Caller, request_id: String, settings: Arc<Settings>) -> Self {
        Self {
            caller: Some(caller),
            request_id: Some(request_id),
            ..Self::system(settings)
        }
    }

    /// Someone not signed in (logging in, following a mailed link), on
    /// request `request_id`.
    pub fn anonymous(request_id: String, settings: Arc<Settings>) -> Self {
        Self {
            request_id: Some(request_id),
            ..Self::system(settings)
        }
    }

    /// Who and which request, as the audit log records them.
    pub fn audit(&self) -> AuditContext {
        AuditContext {
            actor: self.caller.as_ref().map(|c| c.user_id.clone()),
            request_id: self.request_id.clone(),
        }
    }
}

/// How a use case meets the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads, each statement on its own: a single lookup or list.
    Read,
    /// Reads that must agree with each other: one consistent snapshot.
    Snapshot,
    /// Changes: one write transaction, all of it lands or none.
    Write,
    /// Steps that must not hold a transaction between them (a password is
    /// checked or hashed in between): the use case opens its own short
    /// transactions, each whole or absent.
    Steps,
}

/// One action of the service. A command is `Clone` so that a write that
/// lost a race on PostgreSQL can run again (see [`UseCases::run`]).
pub trait UseCase: Clone + Send + 'static {
    type Outcome: Send + 'static;
    const ACCESS: Access;
    /// The roles that may ask for it; the system may always.
    const ROLES: &'static [Role];
    /// Whether a session that may only enrol a second factor may ask for
    /// it: the enrolment's own steps only.
    const ENROLMENT: bool = false;

    fn run(self, tx: &mut DbConnection, act: &Act) -> ApiResult<Self::Outcome>;
}

/// Runs use cases against the database, each in the transaction its
/// [`Access`] asks for, off the async threads (diesel is synchronous).
#[derive(Clone)]
pub struct UseCases {
    db: Database,
    /// What this server holds of the stored progress, forgotten where an
    /// act rewrote it.
    held_progress: Arc<HeldProgress>,
}

impl UseCases {
    /// Use cases holding nothing in memory: the command line's.
    pub fn new(db: Database) -> Self {
        Self::holding(db, Arc::default())
    }

    /// Use cases of a server holding `held_progress`.
    pub fn holding(db: Database, held_progress: Arc<HeldProgress>) -> Self {
        Self { db, held_progress }
    }

    pub async fn run<U: UseCase>(&self, act: Act, case: U) -> ApiResult<U::Outcome> {
        let cases = self.clone();
        tokio::task::spawn_blocking(move || cases.run_blocking(&act, case))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "use case task failed");
                ApiError::Internal
            })?
    }

    /// As [`UseCases::run`], on the calling thread: for the command line
    /// and the background tasks that already run off the async threads.
    pub fn run_blocking<U: UseCase>(&self, act: &Act, case: U) -> ApiResult<U::Outcome> {
        let outcome = run_on(&self.db, act, case);
        // Failed or not: a failure after a committed step leaves it done.
        self.held_progress.forget(act.rewritten_progress.take());
        outcome
    }
}

fn run_on<U: UseCase>(db: &Database, act: &Act, case: U) -> ApiResult<U::Outcome> {
    if act
        .caller
        .as_ref()
        .is_some_and(|c| !U::ROLES.contains(&c.role))
    {
        return Err(ApiError::Forbidden);
    }
    // Beside the extractors' check: whatever door a use case is reached
    // by, a session limited to enrolment reaches only the enrolment.
    if !U::ENROLMENT && act.caller.as_ref().is_some_and(|c| c.enrolment_only) {
        return Err(ApiError::SecondFactor(
            domain::second_factor::SecondFactorRefusal::EnrolmentRequired,
        ));
    }
    let mut conn = db.get().map_err(ApiError::from)?;
    match U::ACCESS {
        Access::Read | Access::Steps => case.run(&mut conn, act),
        Access::Snapshot => read_snapshot(&mut conn, |tx| case.run(tx, act)),
        Access::Write => run_writing(db, &mut conn, act, case),
    }
}

/// How many times a write runs when it keeps losing races.
const WRITE_ATTEMPTS: u32 = 3;

/// Runs a write use case in its transaction, again when it lost a race.
///
/// On PostgreSQL two requests may check that a serial, an offer's draft or
/// a code is free and both insert it: the loser's insert waits for the
/// winner to commit and fails on the unique key. Run again, its check sees
/// the winner's row and answers the same 409 as a sequential duplicate, so
/// a race needs no mapping of its own at each insert. A serialization
/// failure or a deadlock is handled alike; still lost after the last
/// attempt, it is a 503 with `Retry-After`. SQLite's `BEGIN IMMEDIATE`
/// queues writers, so nothing there races and nothing is copied.
fn run_writing<U: UseCase>(
    db: &Database,
    conn: &mut DbConnection,
    act: &Act,
    mut case: U,
) -> ApiResult<U::Outcome> {
    let mut attempt = 1;
    loop {
        let again =
            (db.engine() == Engine::Postgres && attempt < WRITE_ATTEMPTS).then(|| case.clone());
        let claim = act.idempotency.as_ref().filter(|c| !c.is_claimed());
        let outcome = write_transaction(conn, |tx| {
            if let Some(claim) = claim {
                claim_idempotency_key(tx, claim)?;
            }
            case.run(tx, act)
        });
        match (outcome, again) {
            (Err(ApiError::Contended), Some(next)) => {
                case = next;
                attempt += 1;
            }
            (outcome, _) => {
                if let (Ok(_), Some(claim)) = (&outcome, claim) {
                    claim.mark_claimed();
                }
                return outcome;
            }
        }
    }
}

/// Claims the request's idempotency key in the change's transaction.
fn claim_idempotency_key(tx: &mut DbConnection, claim: &IdempotencyClaim) -> ApiResult<()> {
    persistence::idempotency::claim(tx, &claim.caller_id, &claim.key, &claim.fingerprint).map_err(
        |e| match e.is_unique_violation() {
            // Another request with this key got there first: not a race
            // to run again, the kept answer will be there to replay.
            true => ApiError::conflict(
                openapi::ProblemType::IdempotencyKeyInFlight,
                claim.key.as_str(),
            ),
            false => ApiError::from(e),
        },
    )
}

/// The calling Navigator's own record id.
pub(crate) fn own_navigator_id(act: &Act) -> ApiResult<&str> {
    act.caller
        .as_ref()
        .and_then(|c| c.navigator_id.as_deref())
        .ok_or(ApiError::NotFound {
            entity: "navigator",
        })
}
