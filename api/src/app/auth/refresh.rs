//! A refresh token for a new pair. The old token is spent; if a spent token
//! comes back after the grace window, every token of its family is revoked.

use std::sync::Arc;

use chrono::Utc;
use domain::account::{decide_refresh, RefreshDecision, Role};
use persistence::accounts::{self, Account};
use persistence::{audit, sessions, DbConnection};

use crate::accounts::{open_session, Session};
use crate::app::auth::second_factor::enrolment_only;
use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::{digest, JwtKeys};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Refresh {
    pub refresh_token: String,
    pub jwt: Arc<JwtKeys>,
}

/// What became of the token. A refusal is an outcome, not an error, so that
/// the revocation it caused commits although the caller is refused.
pub enum Refreshed {
    Rotated(Box<(Session, Account)>),
    /// A spent token came back: its session is revoked.
    Reused {
        family: String,
    },
    /// Refused; `revoked` is the session ended on the way, if any.
    Refused {
        revoked: Option<String>,
    },
}

impl UseCase for Refresh {
    type Outcome = Refreshed;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Refreshed> {
        let hash = digest(self.refresh_token.trim());
        let Some(token) = accounts::find_refresh_token(conn, &hash)? else {
            return Ok(Refreshed::Refused { revoked: None });
        };
        let ctx = audit::AuditContext {
            actor: Some(token.user_id.clone()),
            ..act.audit()
        };
        let revoke = |conn: &mut DbConnection| -> ApiResult<Refreshed> {
            let n = accounts::revoke_family(conn, &token.family_id)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "session.refresh-token-reused",
                "user",
                &token.user_id,
                None,
                Some(&serde_json::json!({ "family": token.family_id, "revoked": n })),
            )?;
            tracing::warn!(user = %token.user_id, family = %token.family_id, "refresh token reused: family revoked");
            Ok(Refreshed::Reused {
                family: token.family_id.clone(),
            })
        };
        let now = Utc::now();
        let mut decision = decide_refresh(token.state(), token.expires_at_utc(), now);
        if decision == RefreshDecision::Rotate && !accounts::spend_refresh_token(conn, &token.id)? {
            // A parallel refresh with the same token spent it first: decide
            // again on the token as it is now (a retry within the grace
            // window gets a pair too).
            let again =
                accounts::find_refresh_token(conn, &hash)?.ok_or(ApiError::RefreshTokenInvalid)?;
            decision = match decide_refresh(again.state(), again.expires_at_utc(), now) {
                RefreshDecision::Rotate => RefreshDecision::RevokeFamily,
                other => other,
            };
        }
        match decision {
            RefreshDecision::Refuse => Ok(Refreshed::Refused { revoked: None }),
            RefreshDecision::RevokeFamily => revoke(conn),
            RefreshDecision::Rotate | RefreshDecision::RotateAgain => {
                let account = accounts::find_by_id(conn, &token.user_id)?
                    .ok_or(ApiError::RefreshTokenInvalid)?;
                // A session opened through the identity provider needs no
                // password on the account, only that it is not cut off.
                let by_provider = sessions::opened_by_single_sign_on(conn, &token.family_id)?;
                let may_go_on = if by_provider {
                    account.user.not_cut_off_on(act.today)
                } else {
                    account.user.can_log_in_on(act.today)
                };
                if !may_go_on {
                    accounts::revoke_family(conn, &token.family_id)?;
                    return Ok(Refreshed::Refused {
                        revoked: Some(token.family_id.clone()),
                    });
                }
                let refresh_days = act.settings.refresh_token_days;
                // Decided again at each refresh: a session limited to
                // enrolment becomes a full one once enrolment is confirmed.
                // The provider's sign-in stands for the second factor.
                let enrolment_only = !by_provider && enrolment_only(conn, act, &account)?;
                let session = open_session(
                    conn,
                    &self.jwt,
                    &account,
                    refresh_days,
                    Some(&token.family_id),
                    enrolment_only,
                )?;
                Ok(Refreshed::Rotated(Box::new((session, account))))
            }
        }
    }
}
