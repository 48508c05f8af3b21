//! What every handler shares.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};

use persistence::Database;

use crate::app::{Act, UseCase, UseCases};
use crate::auth::caller::Caller;
use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::error::ApiResult;
use crate::extract::RequestMeta;
use crate::metrics::Metrics;

pub struct AppState {
    pub db: Database,
    pub use_cases: UseCases,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    pub metrics: Metrics,
    /// The first day each cut-off account may no longer act (a Navigator
    /// whose contract ended): checked on every request, so a token issued
    /// before the ending stops working on that day.
    pub cutoffs: Arc<RwLock<HashMap<String, NaiveDate>>>,
    /// The sessions revoked lately, with when: checked on every request,
    /// so an access token stops on the next request after its session is
    /// revoked (logout, a refresh token reused, a new password). Kept up to
    /// date by [`crate::revocations`].
    pub revoked: Arc<RwLock<HashMap<String, DateTime<Utc>>>>,
    /// The stored progress this server holds in memory for the polls.
    pub held_progress: Arc<crate::held_progress::HeldProgress>,
    /// The FAQ search index this server holds in memory.
    pub faq_index: Arc<crate::app::faq::HeldIndex>,
    /// The staff's identity provider, when single sign-on is configured.
    pub identity_provider: Option<Arc<crate::single_sign_on::IdentityProvider>>,
}

impl AppState {
    /// Today in Europe/Rome, or the day fixed by the settings.
    pub fn today(&self) -> NaiveDate {
        self.settings.today.unwrap_or_else(crate::clock::today)
    }

    /// `caller` acting now on the request `meta` describes.
    pub fn act(&self, caller: &Caller, meta: &RequestMeta) -> Act {
        Act {
            idempotency: meta.idempotency.clone(),
            ..Act::by(
                caller.clone(),
                meta.request_id.clone(),
                Arc::clone(&self.settings),
            )
        }
    }

    /// Runs a use case as `caller`.
    pub async fn run<U: UseCase>(
        &self,
        caller: &Caller,
        meta: &RequestMeta,
        case: U,
    ) -> ApiResult<U::Outcome> {
        self.use_cases.run(self.act(caller, meta), case).await
    }

    /// Runs a use case for someone not signed in.
    pub async fn run_public<U: UseCase>(
        &self,
        meta: &RequestMeta,
        case: U,
    ) -> ApiResult<U::Outcome> {
        let act = Act::anonymous(meta.request_id.clone(), Arc::clone(&self.settings));
        self.use_cases.run(act, case).await
    }

    /// Whether `user_id` is cut off on `day`.
    pub fn cut_off(&self, user_id: &str, day: NaiveDate) -> bool {
        self.cutoffs
            .read()
            .map(|m| m.get(user_id).is_some_and(|from| day >= *from))
            .unwrap_or(false)
    }

    /// Whether the session `sid` was revoked.
    pub fn session_revoked(&self, sid: &str) -> bool {
        self.revoked.read().is_ok_and(|m| m.contains_key(sid))
    }

    /// Records sessions a committed change revoked (this process hears no
    /// announcement of its own changes on SQLite).
    pub fn apply_revoked(&self, families: impl IntoIterator<Item = String>) {
        if let Ok(mut m) = self.revoked.write() {
            let now = Utc::now();
            for f in families {
                m.entry(f).or_insert(now);
            }
        }
    }

    /// Records the cut-off a committed change produced, if any.
    pub fn apply_cutoff(&self, cutoff: Option<(String, NaiveDate)>) {
        if let Some((user, from)) = cutoff {
            self.set_cutoff(&user, Some(from));
        }
    }

    /// Records a cut-off (after the change that causes it has committed).
    pub fn set_cutoff(&self, user_id: &str, from: Option<NaiveDate>) {
        if let Ok(mut m) = self.cutoffs.write() {
            match from {
                Some(d) => m.insert(user_id.to_owned(), d),
                None => m.remove(user_id),
            };
        }
    }
}
