//! HR's scorrimento desk: a published selection's seats per province
//! (posts, filled, accepted and not signed yet, pending offers, vacant),
//! "call the next candidate" per province, and the province's offers with
//! the actions on them (also as CSV). Every read and change goes through
//! the use cases of the JSON API (seats, offers, calls, outcomes, actions
//! on candidates).
//!
//! A call form carries a key made when the page was shown, claimed in the
//! call's own transaction as an `Idempotency-Key` is: the same form sent
//! twice, or pressed twice at once, makes one offer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::ids::{ApplicationId, OfferId, SelectionId};
use domain::selection::scorrimento::{CandidateAction, OfferStatus, Outcome};
use openapi::ProblemType;
use persistence::offers::OfferFilter;
use persistence::time::from_db;
use serde::Deserialize;

use super::table::{csv_answer, every_row, DOWNLOAD_BATCH};
use super::{hr_officer, Frame, Section};
use crate::app::scorrimento::{ActOnCandidate, CallNext, DecideOffer, ListOffers, OfferRecord};
use crate::app::selection::{ListSeats, ListSelections, ReadSelection, SeatRecord};
use crate::app::IdempotencyClaim;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::session::SignedIn;
use crate::pages::{read_form, Message, Visit};

/// How many selections and provinces a desk page reads: every one there is.
const WHOLE_LIST: i64 = 1000;
/// How many offers of a province the desk lists.
const PROVINCE_OFFERS: i64 = 500;

fn province_of(selection: &str, sigla: &str) -> String {
    format!("/console/scorrimento/{selection}/{sigla}")
}

// ------------------------------------------------------------ selections

/// A published selection, to open its desk.
pub struct Choice {
    pub id: String,
    pub code: String,
    pub title: String,
    pub published: String,
}

#[derive(Template)]
#[template(path = "console/desk_selections.html")]
struct SelectionsPage<'a> {
    page: &'a Visit,
    frame: Frame,
    choices: Vec<Choice>,
}

/// The selections whose rankings are published, newest first.
pub async fn selections(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let case = ListSelections {
        cursor: None,
        limit: WHOLE_LIST,
    };
    let list = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(l) => l,
        Err(e) => return visit.console_error(&e),
    };
    let choices = list
        .items
        .into_iter()
        .filter_map(|r| {
            let s = r.selection;
            s.rankings_published_on.map(|d| Choice {
                published: visit.day(&d),
                id: s.id,
                code: s.code,
                title: s.title,
            })
        })
        .collect();
    let page = SelectionsPage {
        page: &visit,
        frame: Frame::of(Section::Desk, &caller),
        choices,
    };
    visit.render(StatusCode::OK, &page)
}

// ------------------------------------------------------------ seats

/// A province's seats, as a row of the desk.
pub struct SeatRow {
    pub province: String,
    pub posts: i64,
    pub filled: i64,
    pub accepted_unsigned: i64,
    pub pending_offers: i64,
    pub vacant: i64,
    /// The pending offers' deadlines, soonest first, in words.
    pub deadlines: Vec<String>,
}

fn deadline_words(o: &OfferRecord) -> String {
    from_db(o.offer.deadline)
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

fn seat_row(r: SeatRecord, offers: &[OfferRecord]) -> SeatRow {
    let mut pending: Vec<&OfferRecord> = offers
        .iter()
        .filter(|o| o.offer.province_sigla == r.province && o.offer.status == "pending")
        .collect();
    pending.sort_by_key(|o| o.offer.deadline);
    SeatRow {
        vacant: r.seats.vacant(),
        posts: r.seats.posts,
        filled: r.seats.filled,
        accepted_unsigned: r.seats.accepted_unsigned,
        pending_offers: r.seats.pending_offers,
        deadlines: pending.into_iter().map(deadline_words).collect(),
        province: r.province,
    }
}

/// The selection, its seats per province, and the offers of `province`
/// (every province's pending ones when `None`).
async fn read_desk(
    visit: &Visit,
    caller: &Caller,
    selection: &str,
    province: Option<&str>,
) -> Result<
    (
        crate::app::selection::SelectionRecord,
        Vec<SeatRow>,
        Vec<OfferRecord>,
    ),
    ApiError,
> {
    let run = &visit.state.use_cases;
    let id = SelectionId::from_stored(selection.to_owned());
    let record = run
        .run(visit.act_as(caller), ReadSelection { id: id.clone() })
        .await?;
    let seats = run
        .run(
            visit.act_as(caller),
            ListSeats {
                selection_id: id,
                region: None,
                cursor: None,
                limit: WHOLE_LIST,
            },
        )
        .await?;
    let offers = run
        .run(
            visit.act_as(caller),
            ListOffers {
                filter: OfferFilter {
                    selection_id: Some(selection.to_owned()),
                    status: match province {
                        Some(_) => None,
                        None => Some(OfferStatus::Pending.as_str().to_owned()),
                    },
                    province: province.map(str::to_owned),
                    after_id: None,
                    limit: match province {
                        Some(_) => PROVINCE_OFFERS,
                        None => WHOLE_LIST,
                    },
                },
            },
        )
        .await?;
    let rows = seats
        .items
        .into_iter()
        .filter(|r| province.is_none_or(|p| r.province == p))
        .map(|r| seat_row(r, &offers))
        .collect();
    Ok((record, rows, offers))
}

#[derive(Template)]
#[template(path = "console/desk.html")]
struct DeskPage<'a> {
    page: &'a Visit,
    frame: Frame,
    selection_id: String,
    title: String,
    rows: Vec<SeatRow>,
    /// A fresh key for each province's call form.
    key: String,
}

/// A selection's desk: every province's seats, with a call form each.
pub async fn desk(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (record, rows, _) = match read_desk(&visit, &caller, &id, None).await {
        Ok(x) => x,
        Err(e) => return visit.console_error(&e),
    };
    let page = DeskPage {
        page: &visit,
        frame: Frame::of(Section::Desk, &caller),
        selection_id: id.into_inner(),
        title: record.selection.title,
        rows,
        key: uuid::Uuid::new_v4().to_string(),
    };
    visit.render(StatusCode::OK, &page)
}

// ------------------------------------------------------------ a province

/// An offer of the province, as a row with its actions.
pub struct OfferRow {
    pub id: String,
    pub application_no: String,
    pub status: String,
    pub pending: bool,
    pub deadline: String,
    pub called: String,
    /// Called from the Region's reserves, with the reason.
    pub fallback: Option<String>,
    pub outcome: String,
}

fn status_words(visit: &Visit, status: &str) -> String {
    let words = match OfferStatus::parse(status) {
        Some(OfferStatus::Pending) => visit.t("In attesa di risposta", "Awaiting an answer"),
        Some(OfferStatus::Accepted) => visit.t("Accettata", "Accepted"),
        Some(OfferStatus::Declined) => visit.t("Rinuncia", "Declined"),
        Some(OfferStatus::Lapsed) => visit.t("Scaduta senza risposta", "Lapsed unanswered"),
        Some(OfferStatus::Withdrawn) => visit.t("Ritirata", "Withdrawn"),
        None => status,
    };
    words.to_owned()
}

fn offer_row(visit: &Visit, o: &OfferRecord) -> OfferRow {
    let when = |t: chrono::NaiveDateTime| {
        from_db(t)
            .with_timezone(&chrono_tz::Europe::Rome)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    OfferRow {
        id: o.offer.id.clone(),
        application_no: o.application_no.clone(),
        status: status_words(visit, &o.offer.status),
        pending: o.offer.status == OfferStatus::Pending.as_str(),
        deadline: deadline_words(o),
        called: when(o.offer.created_at),
        fallback: o
            .offer
            .fallback
            .then(|| o.offer.reason.clone().unwrap_or_default()),
        outcome: o.offer.outcome_reason.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "console/desk_province.html")]
struct ProvincePage<'a> {
    page: &'a Visit,
    frame: Frame,
    selection_id: String,
    title: String,
    province: String,
    row: Option<SeatRow>,
    offers: Vec<OfferRow>,
    key: String,
    /// What the last form did, in words.
    done: String,
    /// The offer the last call made, highlighted.
    called: String,
    /// The offers, as CSV.
    download: String,
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    chiamata: Option<String>,
    #[serde(default)]
    esito: Option<String>,
    #[serde(default)]
    gia: Option<String>,
}

/// A province's desk: its seats, the call form and its offers.
pub async fn province(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let (record, mut rows, offers) = match read_desk(&visit, &caller, &id, Some(&sigla)).await {
        Ok(x) => x,
        Err(e) => return visit.console_error(&e),
    };
    let Some(row) = rows.pop() else {
        return visit.not_found();
    };
    let called = query.chiamata.clone().unwrap_or_default();
    let done = match (&query.chiamata, query.esito.as_deref(), &query.gia) {
        (_, _, Some(_)) => visit.t(
            "Questo modulo di chiamata era già stato inviato: nessuna nuova offerta. Le offerte sono qui sotto.",
            "This call form had already been sent: no new offer. The offers are below.",
        ),
        (Some(_), _, _) => match offers.iter().find(|o| o.offer.id == called) {
            Some(o) if o.offer.fallback => visit.t(
                "Graduatoria della provincia esaurita: offerta fatta a un candidato delle riserve della Regione e inviata per email.",
                "The province's ranking is exhausted: offer made to a candidate from the Region's reserves and sent by email.",
            ),
            _ => visit.t(
                "Offerta fatta al prossimo candidato e inviata per email.",
                "Offer made to the next candidate and sent by email.",
            ),
        },
        (_, Some(a), _) => action_done(&visit, a),
        _ => "",
    }
    .to_owned();
    let page = ProvincePage {
        page: &visit,
        frame: Frame::of(Section::Desk, &caller),
        title: record.selection.title,
        row: Some(row),
        offers: offers.iter().rev().map(|o| offer_row(&visit, o)).collect(),
        key: uuid::Uuid::new_v4().to_string(),
        download: format!("{}.csv", province_of(&id, &sigla)),
        selection_id: id,
        province: sigla,
        done,
        called,
    };
    visit.render(StatusCode::OK, &page)
}

/// A province's offers as a file (`/scorrimento/{id}/NA.csv`).
pub async fn province_download(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, sigla) = path.into_inner();
    download(&visit, &caller, &id, &sigla.to_ascii_uppercase()).await
}

/// Every offer of the province, newest first as on its page, as CSV.
async fn download(visit: &Visit, caller: &Caller, selection: &str, sigla: &str) -> HttpResponse {
    // A selection or province without seats is not found, as its page.
    match read_desk(visit, caller, selection, Some(sigla)).await {
        Ok((_, rows, _)) if !rows.is_empty() => {}
        Ok(_) => return visit.not_found(),
        Err(e) => return visit.console_error(&e),
    }
    let batch = |after_id: Option<String>| async move {
        let case = ListOffers {
            filter: OfferFilter {
                selection_id: Some(selection.to_owned()),
                status: None,
                province: Some(sigla.to_owned()),
                after_id,
                limit: DOWNLOAD_BATCH,
            },
        };
        let offers = visit
            .state
            .use_cases
            .run(visit.act_as(caller), case)
            .await?;
        // A full batch may have more after it, as the API's pages.
        let next = match offers.len() as i64 == DOWNLOAD_BATCH {
            true => offers.last().map(|o| o.offer.id.clone()),
            false => None,
        };
        Ok((offers, next))
    };
    let offers = match every_row(batch).await {
        Ok(o) => o,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = offers
        .iter()
        .rev()
        .map(|o| {
            let row = offer_row(visit, o);
            let from = match row.fallback {
                Some(why) if why.is_empty() => visit
                    .t("Riserve della Regione", "Region's reserves")
                    .to_owned(),
                Some(why) => format!(
                    "{}: {why}",
                    visit.t("Riserve della Regione", "Region's reserves")
                ),
                None => visit
                    .t("Graduatoria della provincia", "The province's ranking")
                    .to_owned(),
            };
            vec![
                row.id,
                row.application_no,
                row.status,
                row.called,
                row.deadline,
                from,
                row.outcome,
            ]
        })
        .collect();
    let header = [
        "offer_id",
        visit.t("candidatura", "application"),
        visit.t("stato", "status"),
        visit.t("chiamato il", "called on"),
        visit.t("scadenza", "deadline"),
        visit.t("provenienza", "from"),
        visit.t("motivo", "reason"),
    ];
    csv_answer(visit, &format!("offerte-{sigla}.csv"), &header, &lines)
}

// ------------------------------------------------------------ calling

#[derive(Deserialize)]
struct CallForm {
    csrf: String,
    #[serde(default)]
    chiave: String,
    #[serde(default)]
    riserve: Option<String>,
}

/// A refusal of the desk as a short page, with the way back to the province.
fn refusal(visit: &Visit, status: StatusCode, title: &str, text: &str, back: &str) -> HttpResponse {
    let page = Message {
        page: visit,
        title,
        text,
        next: Some((
            back,
            visit.t("Torna alla provincia", "Back to the province"),
        )),
    };
    visit.render(status, &page)
}

/// Calls the next candidate of the province, once per form.
pub async fn call(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<CallForm>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let back = province_of(&id, &sigla);
    let key = match idempotency::key_of(&posted.chiave) {
        Ok(k) => k,
        Err(e) => return visit.error_page(&e),
    };
    let fallback = posted.riserve.is_some();
    let fingerprint =
        idempotency::fingerprint(&[b"POST", req.path().as_bytes(), &[u8::from(fallback)]]);
    let already = format!("{back}?gia=1");
    // A form already sent: its answer again, or the province while the
    // first is still running.
    match idempotency::kept(&visit.state, &caller.user_id, &key).await {
        Err(e) => return visit.error_page(&e),
        Ok(Some(k)) if k.fingerprint != fingerprint => {
            let e = ApiError::rule(ProblemType::IdempotencyKeyReused, key.as_str());
            return visit.error_page(&e);
        }
        Ok(Some(_)) => return visit.see_other(&already),
        Ok(None) => {}
    }
    let claim = IdempotencyClaim::new(caller.user_id.clone(), key.clone(), fingerprint);
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = CallNext::new(
        SelectionId::from_stored(id.clone()),
        &sigla,
        Some(fallback),
        None,
    );
    match visit.state.use_cases.run(act, case).await {
        Ok(called) => {
            let location = format!("{back}?chiamata={}", called.offer.id);
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&already),
        Err(ApiError::Conflict {
            code: ProblemType::NoVacantSeat,
            ..
        }) => refusal(
            &visit,
            StatusCode::CONFLICT,
            visit.t("Nessun posto vacante", "No vacant seat"),
            visit.t(
                "In questa provincia non c'è un posto vacante: ogni posto è coperto o tenuto da un'offerta in attesa. Nessuna offerta è stata fatta.",
                "This province has no vacant seat: every seat is filled or held by a pending offer. No offer was made.",
            ),
            &back,
        ),
        Err(ApiError::Rule {
            code: ProblemType::RankingExhausted,
            ..
        }) => refusal(
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            visit.t("Graduatoria esaurita", "Ranking exhausted"),
            visit.t(
                "Nella graduatoria della provincia non resta nessuno da chiamare. Per chiamare dalle riserve della Regione, spunta la casella delle riserve e chiama di nuovo.",
                "Nobody is left to call in the province's ranking. To call from the Region's reserves, tick the reserves box and call again.",
            ),
            &back,
        ),
        Err(e) => visit.console_error(&e),
    }
}

// ------------------------------------------------------------ actions

#[derive(Deserialize)]
struct ActionForm {
    csrf: String,
    #[serde(default)]
    motivo: String,
}

/// What an action did, in words, for the page it returns to.
fn action_done(visit: &Visit, action: &str) -> &'static str {
    match action {
        "accetta" => visit.t(
            "Accettazione registrata: il posto è coperto, in attesa della firma del contratto.",
            "Acceptance recorded: the seat is taken, awaiting the contract's signature.",
        ),
        "rinuncia" => visit.t(
            "Rinuncia registrata: il posto è di nuovo vacante.",
            "Renuncia recorded: the seat is vacant again.",
        ),
        "escludi" => visit.t(
            "Candidato escluso: la sua offerta aperta è ritirata e il posto torna vacante.",
            "Candidate excluded: their open offer is withdrawn and the seat is vacant again.",
        ),
        "sospendi" => visit.t(
            "Candidato sospeso: la sua offerta aperta è ritirata in attesa della verifica.",
            "Candidate suspended: their open offer is withdrawn pending the check.",
        ),
        "riammetti" => visit.t(
            "Candidato riammesso: torna in graduatoria, chiamabile di nuovo.",
            "Candidate reinstated: back in the ranking, to be called again.",
        ),
        _ => "",
    }
}

/// Accept or decline an offer on the candidate's behalf; exclude, suspend
/// or reinstate its candidate with a reason.
pub async fn act(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String, String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<ActionForm>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, sigla, offer_id, action) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let back = province_of(&id, &sigla);
    // The offer must be this province's of this selection.
    let offers = ListOffers {
        filter: OfferFilter {
            selection_id: Some(id.clone()),
            status: None,
            province: Some(sigla.clone()),
            after_id: None,
            limit: PROVINCE_OFFERS,
        },
    };
    let offers = match visit
        .state
        .use_cases
        .run(visit.act_as(&caller), offers)
        .await
    {
        Ok(o) => o,
        Err(e) => return visit.console_error(&e),
    };
    let Some(offer) = offers.into_iter().find(|o| o.offer.id == offer_id) else {
        return visit.not_found();
    };
    let run = &visit.state.use_cases;
    let decide = |outcome| DecideOffer {
        id: OfferId::from_stored(offer_id.clone()),
        outcome,
    };
    let on_candidate = |action| {
        ActOnCandidate::new(
            ApplicationId::from_stored(offer.offer.application_id.clone()),
            action,
            &posted.motivo,
        )
    };
    let outcome = match action.as_str() {
        "accetta" => run
            .run(visit.act_as(&caller), decide(Outcome::Accept))
            .await
            .map(|_| ()),
        "rinuncia" => run
            .run(visit.act_as(&caller), decide(Outcome::Decline))
            .await
            .map(|_| ()),
        "escludi" | "sospendi" | "riammetti" => {
            let which = match action.as_str() {
                "escludi" => CandidateAction::Exclude,
                "sospendi" => CandidateAction::Suspend,
                _ => CandidateAction::Reinstate,
            };
            match on_candidate(which) {
                Ok(case) => run.run(visit.act_as(&caller), case).await.map(|_| ()),
                Err(e) => Err(e),
            }
        }
        _ => return visit.not_found(),
    };
    match outcome {
        Ok(()) => visit.see_other(&format!("{back}?esito={action}")),
        Err(e @ (ApiError::Conflict { .. } | ApiError::Rule { .. } | ApiError::Validation(_))) => {
            let words = crate::i18n::detail(&e, visit.lang);
            refusal(
                &visit,
                e.status(),
                visit.t("Azione non eseguita", "Action not carried out"),
                &words,
                &back,
            )
        }
        Err(e) => visit.console_error(&e),
    }
}
