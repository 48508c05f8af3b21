//! A call: the next waiting candidate of a province is offered a vacant
//! seat, with a deadline, by a mail with a link to accept or decline. When
//! the province's list is exhausted and HR asks for it, the candidate comes
//! from the neighbouring provinces' lists.

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::neighbours::fallback_neighbours;
use domain::selection::scorrimento::{next_from_neighbours, next_in_ranking};
use domain::selection::settings::{offer_deadline, ranking_open_on};
use openapi::ProblemType;
use persistence::audit;
use persistence::offers::{self, NewOffer, OfferRow};
use persistence::selection::{self, ApplicationRow};
use persistence::{outbox, reference, DbConnection};

use super::ranked_candidates;
use crate::app::selection::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::auth::tokens::{digest, opaque_token};
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;

#[derive(Clone)]
pub struct CallNext {
    pub selection_id: SelectionId,
    /// The province's sigla, in capitals.
    pub province: String,
    /// Whether to call from the neighbouring provinces once the
    /// province's own list is exhausted.
    pub fallback: bool,
    /// Why, in HR's words; blank is none.
    pub reason: Option<String>,
}

impl CallNext {
    pub fn new(
        selection_id: SelectionId,
        province: &str,
        fallback: Option<bool>,
        reason: Option<String>,
    ) -> Self {
        Self {
            selection_id,
            province: province.to_ascii_uppercase(),
            fallback: fallback.unwrap_or(false),
            reason: reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
        }
    }
}

pub struct Called {
    pub offer: OfferRow,
    pub application: ApplicationRow,
}

impl UseCase for CallNext {
    type Outcome = Called;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Called> {
        let sel = load_selection(conn, &self.selection_id)?;
        let province = self.province.as_str();
        let (now, today) = (act.now, act.today);
        crate::app::contracts::settle(conn, now, today)?;
        let ranking = selection::ranking(conn, &sel.id, province, None)?
            .ok_or_else(|| ApiError::conflict(ProblemType::RankingNotPublished, province))?;
        if !ranking_open_on(ranking.valid_until, today) {
            return Err(ApiError::rule(
                ProblemType::RankingExpired,
                ranking.valid_until,
            ));
        }
        // Holding the seat first also queues concurrent calls for this
        // province behind this transaction's lock on the seat row.
        if !selection::hold_seat(conn, &sel.id, province)? {
            return Err(ApiError::conflict(ProblemType::NoVacantSeat, province));
        }
        let own = ranked_candidates(conn, &sel.id, province)?;
        let mut chosen = next_in_ranking(&own).map(|c| (c.entry.application_no.clone(), false));
        if chosen.is_none() && self.fallback {
            let region = reference::get_province(conn, province)?
                .ok_or(ApiError::NotFound { entity: "province" })?;
            let set = persistence::neighbours::of(conn, &sel.id, province)?;
            let region_provinces: Vec<String> =
                reference::list_provinces(conn, Some(&region.region_code))?
                    .into_iter()
                    .map(|p| p.sigla)
                    .collect();
            let mut neighbours = Vec::new();
            for p in fallback_neighbours(province, &set, &region_provinces) {
                neighbours.extend(ranked_candidates(conn, &sel.id, &p)?);
            }
            chosen =
                next_from_neighbours(&neighbours).map(|c| (c.entry.application_no.clone(), true));
        }
        let Some((application_no, from_neighbours)) = chosen else {
            return Err(ApiError::rule(ProblemType::RankingExhausted, province));
        };
        let application = selection::list_applications_by_no(conn, &sel.id, &application_no)?
            .ok_or(ApiError::Internal)?;
        // Conditional: a candidate of another province's list may be called
        // by that province at the same moment; only one call gets them.
        if !selection::change_candidate_state(conn, &application.id, "waiting", "offered", None)? {
            return Err(ApiError::conflict(ProblemType::NoVacantSeat, province));
        }
        let token = opaque_token();
        let deadline = offer_deadline(now, sel.offer_days);
        let default_reason = from_neighbours.then(|| {
            format!(
                "graduatoria di {province} esaurita: scorrimento dalla provincia {}",
                application.province_sigla
            )
        });
        let reason = self.reason.or(default_reason);
        let ctx = act.audit();
        let offer = offers::insert_offer(
            conn,
            &NewOffer {
                selection_id: &sel.id,
                application_id: &application.id,
                province,
                deadline,
                token_hash: &digest(&token),
                fallback: from_neighbours,
                reason: reason.as_deref(),
                created_by: ctx.actor.as_deref(),
                called_on: today,
            },
        )?;
        let deadline_it = deadline
            .with_timezone(&chrono_tz::Europe::Rome)
            .format("%d/%m/%Y alle %H:%M")
            .to_string();
        let text = templates::offer(
            &act.settings.public_url,
            &token,
            &sel.title,
            province,
            &deadline_it,
        );
        outbox::enqueue(
            conn,
            &outbox::NewMail {
                recipient: &application.email,
                subject: &text.subject,
                body: &text.body,
                kind: "offer",
            },
            &act.settings.public_host(),
        )?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "offer.called",
            "offer",
            &offer.id,
            None,
            Some(&offer),
        )?;
        let application =
            selection::get_application(conn, &application.id)?.ok_or(ApiError::Internal)?;
        Ok(Called { offer, application })
    }
}
