//! HR's contracts: the list (by Region and state, a page at a time, and as
//! CSV), the drafts to make from accepted offers (also as CSV), one
//! contract's page with its actions (signature, extension, suspension,
//! resignation, withdrawal), and the bulk extension of a Region's
//! contracts. Every change shows its effects first, read only (the same
//! checks as the change itself), then a confirmation form makes it through
//! the JSON API's use case.
//!
//! A confirmation form carries a key made when the page was shown, claimed
//! in the change's own transaction as an `Idempotency-Key` is: the form
//! sent twice makes one change, and the second answer is the first one's.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::contract::ContractStatus;
use domain::ids::{ContractId, OfferId};
use openapi::ProblemType;

use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{hr_officer, Frame, Section};
use crate::app::contracts::{
    ChangeEffects, ContractRecord, DraftContract, ExtendContract, ExtendContracts, ListContracts,
    ListUndrafted, PreviewChange, PreviewExtensions, ProposedChange, ReadContract,
    RegisterResignation, SignContract, SuspendContract, TerminateContract, Termination,
};
use crate::app::reference::ListRegions;
use crate::app::IdempotencyClaim;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

const LIST: &str = "/console/contratti";
const FILTERS: [&str; 2] = ["regione", "stato"];

/// The fields of a form, posted or in the address, in their order (the
/// equipment section reads its forms so too).
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(super) fn of(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).into_owned().collect())
    }

    pub(super) fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

fn day_refused(visit: &Visit) -> &'static str {
    visit.t(
        "Indica un giorno valido (aaaa-mm-gg).",
        "Give a valid day (yyyy-mm-dd).",
    )
}

/// The day in field `name`; its refusal added to `errors` when it is not one.
pub(super) fn day_in(
    visit: &Visit,
    fields: &Fields,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(&fields.get(name), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            *errors = std::mem::take(errors).with(name, day_refused(visit));
            None
        }
    }
}

fn status_words(visit: &Visit, s: ContractStatus) -> &'static str {
    match s {
        ContractStatus::Draft => visit.t("In bozza", "Draft"),
        ContractStatus::Signed => visit.t("Firmato", "Signed"),
        ContractStatus::Active => visit.t("In servizio", "Active"),
        ContractStatus::Suspended => visit.t("Sospeso", "Suspended"),
        ContractStatus::Ended => visit.t("Concluso", "Ended"),
        ContractStatus::Cancelled => visit.t("Annullato", "Cancelled"),
    }
}

fn cause_words(visit: &Visit, cause: &str) -> String {
    match cause {
        "expired" => visit.t("scadenza", "expiry"),
        "resigned" => visit.t("dimissioni", "resignation"),
        "withdrawn" => visit.t("recesso", "withdrawal"),
        "excluded" => visit.t("esclusione", "exclusion"),
        other => other,
    }
    .to_owned()
}

/// A use case's refusal of a form: its fields' messages, or the refusal in
/// words on the form as a whole (`contract`), with the status to answer.
fn refusal_of(
    visit: &Visit,
    e: &ApiError,
    fields: &[&str],
    other: &str,
) -> Option<(FieldErrors, StatusCode)> {
    if let Some(errors) = FieldErrors::of(e, visit.lang) {
        // A field the form does not show (the contract, or one of a bulk
        // extension's contracts) is said next to `other`.
        let errors = errors.iter().fold(FieldErrors::default(), |acc, (f, m)| {
            let f = if fields.contains(&f) { f } else { other };
            match acc.get(f) == m {
                true => acc,
                false => acc.with(f, m),
            }
        });
        return Some((errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    match e {
        ApiError::Conflict { .. } | ApiError::Rule { .. } => Some((
            FieldErrors::one(other, &crate::i18n::detail(e, visit.lang)),
            e.status(),
        )),
        _ => None,
    }
}

/// A form's key as claimed for `caller`, checked; or the answer to give at
/// once (the form already sent, or a key that is not one).
pub(super) async fn claim_of(
    visit: &Visit,
    caller: &Caller,
    req: &HttpRequest,
    posted: &str,
    already: &str,
) -> Result<IdempotencyClaim, HttpResponse> {
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    super::claim_form_key(visit, caller, posted, fingerprint, already).await
}

pub(super) fn fresh_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

// ------------------------------------------------------------ the list

/// A contract as a row of the table.
pub struct Row {
    pub id: String,
    pub name: String,
    pub application_no: String,
    pub region: String,
    pub province: String,
    pub status: String,
    pub start: String,
    pub end: String,
    /// An early ending on record, in words.
    pub ending: String,
}

fn row_of(visit: &Visit, r: &ContractRecord) -> Row {
    let c = &r.contract;
    Row {
        id: c.id.clone(),
        name: format!("{} {}", r.navigator.last_name, r.navigator.first_name),
        application_no: r.application_no.clone(),
        region: c.region_code.clone(),
        province: c.province_sigla.clone(),
        status: status_words(visit, r.status).to_owned(),
        start: c.start_date.map(|d| visit.day(&d)).unwrap_or_default(),
        end: visit.day(&c.end_date),
        ending: match (&c.end_cause, c.end_effective_on) {
            (Some(cause), Some(on)) => format!(
                "{} {} {}",
                cause_words(visit, cause),
                visit.t("dal", "from"),
                visit.day(&on)
            ),
            _ => String::new(),
        },
    }
}

/// A Region, for the filters and the bulk extension.
pub struct RegionChoice {
    pub code: String,
    pub name: String,
}

async fn regions(visit: &Visit, caller: &Caller) -> Result<Vec<RegionChoice>, ApiError> {
    Ok(visit
        .state
        .use_cases
        .run(visit.act_as(caller), ListRegions)
        .await?
        .into_iter()
        .map(|r| RegionChoice {
            code: r.region.code,
            name: r.region.name,
        })
        .collect())
}

/// The states a contract can be filtered by, as the address names them.
const STATES: [ContractStatus; 6] = [
    ContractStatus::Draft,
    ContractStatus::Signed,
    ContractStatus::Active,
    ContractStatus::Suspended,
    ContractStatus::Ended,
    ContractStatus::Cancelled,
];

async fn rows(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    cursor: Option<String>,
    limit: i64,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let case = ListContracts {
        region: listing.filter("regione"),
        province: None,
        status: listing
            .filter("stato")
            .and_then(|s| ContractStatus::parse(&s)),
        cursor,
        limit,
    };
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let rows = page.items.iter().map(|r| row_of(visit, r)).collect();
    Ok((rows, page.next_cursor))
}

#[derive(Template)]
#[template(path = "console/contracts.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
    regions: Vec<RegionChoice>,
    states: Vec<(&'static str, &'static str)>,
    done: String,
}

impl ListPage<'_> {
    /// Whether the state filter is `code`.
    fn is_state(&self, code: &str) -> bool {
        self.listing.shown("stato") == code
    }
}

pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, LIST, &FILTERS);
    let (rows, next_cursor) =
        match rows(&visit, &caller, &listing, listing.cursor.clone(), PAGE_ROWS).await {
            Ok(x) => x,
            Err(e) => return visit.console_error(&e),
        };
    let regions = match regions(&visit, &caller).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let extended = Fields::of(req.query_string().as_bytes()).get("prorogati");
    let done = match extended.is_empty() {
        true => String::new(),
        false => format!(
            "{} {extended}",
            visit.t("Contratti prorogati:", "Contracts extended:")
        ),
    };
    let next = listing.next_page(&next_cursor);
    let page = ListPage {
        page: &visit,
        frame: Frame::of(Section::Contracts, &caller),
        listing,
        rows,
        next,
        regions,
        states: STATES
            .iter()
            .map(|s| (s.as_str(), status_words(&visit, *s)))
            .collect(),
        done,
    };
    visit.render(StatusCode::OK, &page)
}

/// Every row of the list with the same filters, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, LIST, &FILTERS);
    let read = every_row(|after| rows(&visit, &caller, &listing, after, DOWNLOAD_BATCH)).await;
    let all = match read {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| {
            vec![
                r.id,
                r.name,
                r.application_no,
                r.region,
                r.province,
                r.status,
                r.start,
                r.end,
                r.ending,
            ]
        })
        .collect();
    // The columns keep one name whatever the language of the cells.
    let header = [
        "contract_id",
        "name",
        "application_no",
        "region",
        "province",
        "status",
        "start_date",
        "end_date",
        "early_end",
    ];
    csv_answer(&visit, "contratti.csv", &header, &lines)
}

// ------------------------------------------------------------ drafts

/// An accepted offer waiting for its draft.
pub struct Undrafted {
    pub offer_id: String,
    pub application_no: String,
    pub province: String,
    pub accepted: String,
}

#[derive(Template)]
#[template(path = "console/contracts_drafts.html")]
struct DraftsPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    offers: Vec<Undrafted>,
    next: Option<String>,
    /// The offer of the form by offer, as typed.
    offer_id: String,
    errors: FieldErrors,
    key: String,
}

const DRAFTS: &str = "/console/contratti/da-redigere";

/// A page of the accepted offers without a contract after `cursor`, and
/// the next page's cursor.
async fn undrafted(
    visit: &Visit,
    caller: &Caller,
    cursor: Option<String>,
    limit: i64,
) -> Result<(Vec<Undrafted>, Option<String>), ApiError> {
    let case = ListUndrafted { cursor, limit };
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let offers = page
        .items
        .iter()
        .map(|o| Undrafted {
            offer_id: o.offer.id.clone(),
            application_no: o.application_no.clone(),
            province: o.offer.province_sigla.clone(),
            accepted: o
                .offer
                .decided_at
                .map(|t| {
                    persistence::time::from_db(t)
                        .with_timezone(&chrono_tz::Europe::Rome)
                        .format("%d/%m/%Y")
                        .to_string()
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok((offers, page.next_cursor))
}

async fn drafts_page(
    visit: &Visit,
    caller: &Caller,
    offer_id: String,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let listing = Listing::of(visit, DRAFTS, &[]);
    let read = undrafted(visit, caller, listing.cursor.clone(), PAGE_ROWS).await;
    let (offers, next_cursor) = match read {
        Ok(x) => x,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&next_cursor);
    let shown = DraftsPage {
        page: visit,
        frame: Frame::of(Section::Contracts, caller),
        listing,
        offers,
        next,
        offer_id,
        errors,
        key: fresh_key(),
    };
    visit.render(status, &shown)
}

/// Every accepted offer without a contract, as CSV.
pub async fn drafts_download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let all = match every_row(|after| undrafted(&visit, &caller, after, DOWNLOAD_BATCH)).await {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|o| vec![o.offer_id, o.application_no, o.province, o.accepted])
        .collect();
    let header = [
        "offer_id",
        visit.t("candidatura", "application"),
        visit.t("provincia", "province"),
        visit.t("accettata il", "accepted on"),
    ];
    csv_answer(&visit, "contratti-da-redigere.csv", &header, &lines)
}

/// The accepted offers without a contract, and the form by offer.
pub async fn drafts(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let offer = Fields::of(req.query_string().as_bytes()).get("offerta");
    drafts_page(
        &visit,
        &caller,
        offer,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Drafts the contract of an accepted offer, once the requirements are
/// stated verified; once per form.
pub async fn draft(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let fields = Fields::of(&body);
    if visit.forged(&fields.get("csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let offer_id = fields.get("offer_id");
    let claim = match claim_of(&visit, &caller, &req, &fields.get("chiave"), DRAFTS).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let refused = |errors: FieldErrors, status| {
        drafts_page(&visit, &caller, offer_id.clone(), errors, status)
    };
    if offer_id.is_empty() {
        let words = visit.t("Indica l'offerta accettata.", "Give the accepted offer.");
        return refused(
            FieldErrors::one("offer_id", words),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let verified = !fields.get("requirements_verified").is_empty();
    let case = match DraftContract::new(OfferId::from_stored(offer_id.clone()), verified) {
        Ok(c) => c,
        Err(e) => {
            let errors = FieldErrors::of(&e, visit.lang).unwrap_or_default();
            return refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit.state.use_cases.run(act, case).await {
        Ok(drafted) => {
            let location = format!("{LIST}/{}?esito=bozza", drafted.contract.id);
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(DRAFTS),
        Err(ApiError::NotFound { .. }) => {
            let words = visit.t(
                "Nessuna offerta con questo identificativo.",
                "No offer with this identifier.",
            );
            refused(
                FieldErrors::one("offer_id", words),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ ApiError::Conflict { .. }) => {
            let words = crate::i18n::detail(&e, visit.lang);
            refused(FieldErrors::one("offer_id", &words), e.status()).await
        }
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ one contract

/// A contract's details, in words.
pub struct Detail {
    pub id: String,
    pub row: Row,
    pub navigator_id: String,
    pub email: String,
    pub signed: String,
    pub pay: String,
    pub expenses: String,
    pub operational_start: String,
    pub suspensions: Vec<(String, String, String)>,
    pub ending_reason: String,
    pub cancelled: String,
    /// The actions the contract's state allows.
    pub actions: Vec<Action>,
}

fn euros(cents: i64) -> String {
    format!("{},{:02} EUR", cents / 100, (cents % 100).abs())
}

fn detail_of(visit: &Visit, r: &ContractRecord) -> Detail {
    let c = &r.contract;
    let running = matches!(
        r.status,
        ContractStatus::Signed | ContractStatus::Active | ContractStatus::Suspended
    ) && c.end_cause.is_none();
    let actions = match r.status {
        ContractStatus::Draft if c.cancelled_on.is_none() => vec![Action::Sign],
        _ if running => vec![
            Action::Extend,
            Action::Suspend,
            Action::Resign,
            Action::Withdraw,
        ],
        _ => Vec::new(),
    };
    Detail {
        id: c.id.clone(),
        row: row_of(visit, r),
        navigator_id: r.navigator.id.clone(),
        email: r.navigator.email.clone(),
        signed: c.signed_on.map(|d| visit.day(&d)).unwrap_or_default(),
        pay: euros(c.annual_pay_cents),
        expenses: euros(c.monthly_expenses_cents),
        operational_start: r
            .operational_start
            .map(|d| visit.day(&d))
            .unwrap_or_default(),
        suspensions: r
            .suspensions
            .iter()
            .map(|s| {
                (
                    visit.day(&s.from_day),
                    visit.day(&s.to_day),
                    s.reason.clone(),
                )
            })
            .collect(),
        ending_reason: c.end_reason.clone().unwrap_or_default(),
        cancelled: c.cancelled_on.map(|d| visit.day(&d)).unwrap_or_default(),
        actions,
    }
}

#[derive(Template)]
#[template(path = "console/contract.html")]
struct ContractPage<'a> {
    page: &'a Visit,
    frame: Frame,
    c: Detail,
    done: String,
}

/// What an action did, in words, for the contract's page.
fn action_done(visit: &Visit, slug: &str) -> &'static str {
    match slug {
        "bozza" => visit.t(
            "Bozza di contratto redatta: va firmata.",
            "Draft contract made: it is to be signed.",
        ),
        "firma" => visit.t(
            "Contratto firmato: all'indirizzo del Navigator è stata inviata l'attivazione dell'utenza.",
            "Contract signed: the Navigator's account activation was sent to their address.",
        ),
        "proroga" => visit.t("Proroga registrata.", "Extension recorded."),
        "sospensione" => visit.t("Sospensione registrata.", "Suspension recorded."),
        "dimissioni" => visit.t("Dimissioni registrate.", "Resignation recorded."),
        "recesso" => visit.t("Recesso registrato.", "Withdrawal recorded."),
        _ => "",
    }
}

pub async fn show(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let case = ReadContract {
        id: ContractId::from_stored(id.into_inner()),
    };
    let record = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let query = Fields::of(req.query_string().as_bytes());
    let done = match query.get("gia").is_empty() {
        false => visit
            .t(
                "Questo modulo era già stato inviato: nessuna nuova modifica.",
                "This form had already been sent: no new change.",
            )
            .to_owned(),
        true => action_done(&visit, &query.get("esito")).to_owned(),
    };
    let page = ContractPage {
        page: &visit,
        frame: Frame::of(Section::Contracts, &caller),
        c: detail_of(&visit, &record),
        done,
    };
    visit.render(StatusCode::OK, &page)
}

// ------------------------------------------------------------ actions

/// A change HR makes to one contract from the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Sign,
    Extend,
    Suspend,
    Resign,
    Withdraw,
}

impl Action {
    fn of(slug: &str) -> Option<Self> {
        [
            Self::Sign,
            Self::Extend,
            Self::Suspend,
            Self::Resign,
            Self::Withdraw,
        ]
        .into_iter()
        .find(|a| a.slug() == slug)
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Sign => "firma",
            Self::Extend => "proroga",
            Self::Suspend => "sospensione",
            Self::Resign => "dimissioni",
            Self::Withdraw => "recesso",
        }
    }

    pub fn words(self, visit: &Visit) -> &'static str {
        match self {
            Self::Sign => visit.t("Firma", "Signature"),
            Self::Extend => visit.t("Proroga", "Extension"),
            Self::Suspend => visit.t("Sospensione", "Suspension"),
            Self::Resign => visit.t("Dimissioni", "Resignation"),
            Self::Withdraw => visit.t("Recesso", "Withdrawal"),
        }
    }

    /// The form's fields, as the JSON API names them.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Self::Sign => &["signed_on", "start_date", "end_date"],
            Self::Extend => &["new_end_date", "reason"],
            Self::Suspend => &["from", "to", "reason"],
            Self::Resign => &["submitted_on", "effective_on"],
            Self::Withdraw => &["effective_on", "reason"],
        }
    }
}

fn label(visit: &Visit, field: &str) -> &'static str {
    match field {
        "signed_on" => visit.t("Data di firma", "Signed on"),
        "start_date" => visit.t("Data di inizio", "Start date"),
        "end_date" => visit.t(
            "Data di fine (vuota: quella della bozza)",
            "End date (blank: the draft's)",
        ),
        "new_end_date" => visit.t("Nuova data di fine", "New end date"),
        "from" => visit.t("Dal giorno", "From the day"),
        "to" => visit.t("Al giorno (incluso)", "To the day (included)"),
        "submitted_on" => visit.t("Data di presentazione", "Submitted on"),
        "effective_on" => visit.t("Data di decorrenza", "Effective on"),
        "reason" => visit.t("Motivo", "Reason"),
        _ => "",
    }
}

/// A field of an action's form, as shown.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub date: bool,
    pub required: bool,
    pub value: String,
}

/// The proposed change and its reason, read from the form; the fields'
/// refusals when they do not read.
fn proposed(
    visit: &Visit,
    action: Action,
    fields: &Fields,
) -> Result<(ProposedChange, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let reason = fields.get("reason");
    let change = match action {
        Action::Sign => {
            let signed_on = day_in(visit, fields, "signed_on", &mut errors);
            let start_date = day_in(visit, fields, "start_date", &mut errors);
            let end_date = match fields.get("end_date").is_empty() {
                true => None,
                false => day_in(visit, fields, "end_date", &mut errors),
            };
            match (signed_on, start_date) {
                (Some(signed_on), Some(start_date)) => Some(ProposedChange::Signature {
                    signed_on,
                    start_date,
                    end_date,
                }),
                _ => None,
            }
        }
        Action::Extend => day_in(visit, fields, "new_end_date", &mut errors)
            .map(|new_end_date| ProposedChange::Extension { new_end_date }),
        Action::Suspend => {
            let from = day_in(visit, fields, "from", &mut errors);
            let to = day_in(visit, fields, "to", &mut errors);
            from.zip(to)
                .map(|(from, to)| ProposedChange::Suspension { from, to })
        }
        Action::Resign => {
            let submitted = day_in(visit, fields, "submitted_on", &mut errors);
            let effective = day_in(visit, fields, "effective_on", &mut errors);
            submitted
                .zip(effective)
                .map(|(submitted_on, effective_on)| ProposedChange::Resignation {
                    submitted_on,
                    effective_on,
                })
        }
        Action::Withdraw => {
            day_in(visit, fields, "effective_on", &mut errors).map(|effective_on| {
                ProposedChange::Termination {
                    cause: Termination::Withdrawn,
                    effective_on,
                }
            })
        }
    };
    // The reason the change's use case requires, checked as it checks it.
    if action.fields().contains(&"reason") {
        if let Err(e) = domain::violation::reason(&reason) {
            let e = ApiError::from(e);
            if let Some(refused) = FieldErrors::of(&e, visit.lang) {
                errors = refused.iter().fold(errors, |acc, (f, m)| acc.with(f, m));
            }
        }
    }
    match (change, errors.is_empty()) {
        (Some(c), true) => Ok((c, reason)),
        _ => Err(errors),
    }
}

/// An effect of a change, with the id a page gives it.
pub struct Effect {
    pub id: &'static str,
    pub words: String,
}

/// An item to recover at the end, as a row.
pub struct Held {
    pub kind: String,
    pub name: String,
}

fn effects_of(visit: &Visit, action: Action, e: &ChangeEffects, fields: &Fields) -> Vec<Effect> {
    let day = |d: Option<NaiveDate>| d.map(|d| visit.day(&d)).unwrap_or_default();
    let typed = |name: &str| {
        let raw = fields.get(name);
        NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_or(raw, |d| visit.day(&d))
    };
    let c = &e.contract.contract;
    let mut out = Vec::new();
    let mut say = |id, words: String| out.push(Effect { id, words });
    match action {
        Action::Sign => {
            say(
                "effetto-contratto",
                format!(
                    "{} {}; {} {} {} {}.",
                    visit.t("Contratto firmato il", "Contract signed on"),
                    typed("signed_on"),
                    visit.t("in vigore dal", "in force from"),
                    typed("start_date"),
                    visit.t("al", "to"),
                    day(e.last_day)
                ),
            );
            say(
                "effetto-posto",
                format!(
                    "{} {} {}",
                    visit.t("Il posto della provincia", "The seat of province"),
                    c.province_sigla,
                    visit.t(
                        "risulta coperto dal contratto firmato.",
                        "is filled by the signed contract."
                    )
                ),
            );
            if e.account_created {
                say(
                    "effetto-accesso",
                    format!(
                        "{} {}.",
                        visit.t(
                            "Viene creata l'utenza del Navigator e inviata l'email di attivazione a",
                            "The Navigator's account is created and the activation email sent to"
                        ),
                        e.contract.navigator.email
                    ),
                );
            }
        }
        Action::Extend => {
            say(
                "effetto-contratto",
                format!(
                    "{} {} {} {}.",
                    visit.t("La data di fine passa dal", "The end date moves from"),
                    visit.day(&c.end_date),
                    visit.t("al", "to"),
                    day(e.last_day)
                ),
            );
            say(
                "effetto-accesso",
                format!(
                    "{} {}.",
                    visit.t(
                        "L'accesso del Navigator resta attivo; si interrompe dal",
                        "The Navigator's login stays open; it stops from"
                    ),
                    day(e.login_stops_on)
                ),
            );
        }
        Action::Suspend => {
            say(
                "effetto-contratto",
                format!(
                    "{} {} {} {}.",
                    visit.t("Contratto sospeso dal", "Contract suspended from"),
                    typed("from"),
                    visit.t("al", "to"),
                    typed("to"),
                ),
            );
            say(
                "effetto-posto",
                visit
                    .t(
                        "Il posto resta coperto e l'accesso del Navigator resta attivo.",
                        "The seat stays filled and the Navigator's login stays open.",
                    )
                    .to_owned(),
            );
        }
        Action::Resign | Action::Withdraw => {
            say(
                "effetto-contratto",
                format!(
                    "{} {}.",
                    visit.t("Ultimo giorno di contratto:", "Last day of the contract:"),
                    day(e.last_day)
                ),
            );
            say(
                "effetto-accesso",
                format!(
                    "{} {}.",
                    visit.t(
                        "L'accesso del Navigator si interrompe dal",
                        "The Navigator's login stops from"
                    ),
                    day(e.login_stops_on)
                ),
            );
            say(
                "effetto-posto",
                format!(
                    "{} {} {} {}: {}",
                    visit.t("Il posto della provincia", "The seat of province"),
                    c.province_sigla,
                    visit.t("torna vacante dal", "is vacant from"),
                    day(e.seat_vacated_on),
                    visit.t(
                        "da allora si può chiamare il prossimo candidato.",
                        "from then the next candidate can be called."
                    )
                ),
            );
            say(
                "effetto-cpi",
                match &e.assignment_closes {
                    Some(cpi) => format!(
                        "{} {cpi} {} {}; {}",
                        visit.t("L'assegnazione al CPI", "The assignment to CPI"),
                        visit.t("si chiude il", "closes on"),
                        day(e.last_day),
                        visit.t(
                            "le ore on the job non si registrano più dopo l'ultimo giorno.",
                            "on-the-job hours can no longer be logged after the last day."
                        )
                    ),
                    None => visit
                        .t(
                            "Nessuna assegnazione a un CPI da chiudere; le ore on the job non si registrano più dopo l'ultimo giorno.",
                            "No CPI assignment to close; on-the-job hours can no longer be logged after the last day.",
                        )
                        .to_owned(),
                },
            );
            say(
                "effetto-dotazioni",
                match e.equipment.len() {
                    0 => visit
                        .t(
                            "Nessuna dotazione da recuperare: la pratica di riconsegna si chiude subito.",
                            "No equipment to recover: the offboarding closes at once.",
                        )
                        .to_owned(),
                    n => format!(
                        "{} {n}. {}",
                        visit.t(
                            "Dotazioni da recuperare (restituzione, o denuncia di smarrimento o furto):",
                            "Equipment to recover (return, or report of loss or theft):"
                        ),
                        visit.t(
                            "Si apre la pratica di riconsegna; la casella di posta viene disattivata.",
                            "The offboarding opens; the mailbox is deprovisioned."
                        )
                    ),
                },
            );
        }
    }
    out
}

fn kind_words(visit: &Visit, kind: &str) -> String {
    match kind {
        "smartphone" => visit.t("Smartphone", "Smartphone"),
        "tablet" => visit.t("Tablet", "Tablet"),
        "sim" => visit.t("SIM", "SIM"),
        "mailbox" => visit.t("Casella di posta", "Mailbox"),
        other => other,
    }
    .to_owned()
}

fn held_of(visit: &Visit, e: &ChangeEffects) -> Vec<Held> {
    e.equipment
        .iter()
        .map(|i| {
            let it = &i.item;
            let name = [
                &it.model,
                &it.imei,
                &it.serial,
                &it.iccid,
                &it.phone_number,
                &it.mailbox,
            ]
            .iter()
            .filter_map(|x| x.as_deref())
            .collect::<Vec<_>>()
            .join(" · ");
            Held {
                kind: kind_words(visit, &it.kind),
                name,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/contracts_action.html")]
struct ActionPage<'a> {
    page: &'a Visit,
    frame: Frame,
    c: Detail,
    action: Action,
    inputs: Vec<Input>,
    errors: FieldErrors,
    /// The effects, once the form reads and the change would be accepted.
    effects: Vec<Effect>,
    held: Vec<Held>,
    confirming: bool,
    /// The form's values again, for the confirmation and the way back.
    values: Vec<(&'static str, String)>,
    edit: String,
    key: String,
}

/// What a form of `action` holds before anything is typed.
fn defaults(visit: &Visit, action: Action, c: &ContractRecord) -> Fields {
    let today = visit.state.today().format("%Y-%m-%d").to_string();
    let mut f = Vec::new();
    for name in action.fields() {
        let v = match *name {
            "signed_on" | "start_date" | "submitted_on" | "effective_on" | "from" => today.clone(),
            "end_date" => c.contract.end_date.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        };
        f.push(((*name).to_owned(), v));
    }
    Fields(f)
}

async fn read(visit: &Visit, caller: &Caller, id: &str) -> Result<ContractRecord, ApiError> {
    let case = ReadContract {
        id: ContractId::from_stored(id.to_owned()),
    };
    visit.state.use_cases.run(visit.act_as(caller), case).await
}

/// The form of `action` on contract `id` with `fields`: with the effects
/// and the confirmation when `confirming`, else editable with `errors`.
#[allow(clippy::too_many_arguments)]
fn action_page(
    visit: &Visit,
    caller: &Caller,
    record: &ContractRecord,
    action: Action,
    fields: &Fields,
    errors: FieldErrors,
    effects: Option<&ChangeEffects>,
    status: StatusCode,
) -> HttpResponse {
    let values: Vec<(&'static str, String)> = action
        .fields()
        .iter()
        .map(|n| (*n, fields.get(n)))
        .collect();
    let mut edit = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &values {
        edit.append_pair(k, v);
    }
    let shown = ActionPage {
        page: visit,
        frame: Frame::of(Section::Contracts, caller),
        c: detail_of(visit, record),
        action,
        inputs: values
            .iter()
            .map(|(name, value)| Input {
                name,
                label: label(visit, name),
                date: *name != "reason",
                required: *name != "end_date",
                value: value.clone(),
            })
            .collect(),
        errors,
        effects: effects
            .map(|e| effects_of(visit, action, e, fields))
            .unwrap_or_default(),
        held: effects.map(|e| held_of(visit, e)).unwrap_or_default(),
        confirming: effects.is_some(),
        edit: format!(
            "{LIST}/{}/{}?{}",
            record.contract.id,
            action.slug(),
            edit.finish()
        ),
        values,
        key: fresh_key(),
    };
    visit.render(status, &shown)
}

/// An action's page: its form; with `anteprima`, the effects of what the
/// form holds and the confirmation, or the form's refusals (422).
pub async fn action(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, slug) = path.into_inner();
    let Some(action) = Action::of(&slug) else {
        return visit.not_found();
    };
    let record = match read(&visit, &caller, &id).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let query = Fields::of(req.query_string().as_bytes());
    let show = |fields: &Fields, errors, effects, status| {
        action_page(
            &visit, &caller, &record, action, fields, errors, effects, status,
        )
    };
    if query.get("anteprima").is_empty() {
        let fields = match action.fields().iter().any(|f| !query.get(f).is_empty()) {
            true => query,
            false => defaults(&visit, action, &record),
        };
        return show(&fields, FieldErrors::default(), None, StatusCode::OK);
    }
    let change = match proposed(&visit, action, &query) {
        Ok((change, _)) => change,
        Err(errors) => return show(&query, errors, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let case = PreviewChange {
        id: ContractId::from_stored(id.clone()),
        change,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(effects) => show(
            &query,
            FieldErrors::default(),
            Some(&effects),
            StatusCode::OK,
        ),
        Err(e) => match refusal_of(&visit, &e, action.fields(), "contract") {
            Some((errors, status)) => show(&query, errors, None, status),
            None => visit.console_error(&e),
        },
    }
}

/// Makes the change the confirmation form holds, once per form.
pub async fn confirm(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let fields = Fields::of(&body);
    if visit.forged(&fields.get("csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, slug) = path.into_inner();
    let Some(action) = Action::of(&slug) else {
        return visit.not_found();
    };
    let record = match read(&visit, &caller, &id).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let page_of = format!("{LIST}/{id}");
    let claim = match claim_of(
        &visit,
        &caller,
        &req,
        &fields.get("chiave"),
        &format!("{page_of}?gia=1"),
    )
    .await
    {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let (change, reason) = match proposed(&visit, action, &fields) {
        Ok(x) => x,
        Err(errors) => {
            return action_page(
                &visit,
                &caller,
                &record,
                action,
                &fields,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let cid = ContractId::from_stored(id.clone());
    let run = &visit.state.use_cases;
    let outcome: Result<(), ApiError> = match change {
        ProposedChange::Signature {
            signed_on,
            start_date,
            end_date,
        } => {
            let case = SignContract {
                id: cid,
                signed_on,
                start_date,
                end_date,
            };
            run.run(act, case)
                .await
                .map(|c| visit.state.apply_cutoff(c.cutoff))
        }
        ProposedChange::Extension { new_end_date } => {
            match ExtendContract::new(cid, new_end_date, &reason) {
                Ok(case) => run
                    .run(act, case)
                    .await
                    .map(|c| visit.state.apply_cutoff(c.cutoff)),
                Err(e) => Err(e),
            }
        }
        ProposedChange::Suspension { from, to } => {
            match SuspendContract::new(cid, from, to, &reason) {
                Ok(case) => run.run(act, case).await.map(|_| ()),
                Err(e) => Err(e),
            }
        }
        ProposedChange::Resignation {
            submitted_on,
            effective_on,
        } => {
            let case = RegisterResignation {
                id: cid,
                submitted_on,
                effective_on,
            };
            run.run(act, case)
                .await
                .map(|c| visit.state.apply_cutoff(c.cutoff))
        }
        ProposedChange::Termination {
            cause,
            effective_on,
        } => match TerminateContract::new(cid, cause, effective_on, &reason) {
            Ok(case) => run
                .run(act, case)
                .await
                .map(|c| visit.state.apply_cutoff(c.cutoff)),
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(()) => {
            let location = format!("{page_of}?esito={}", action.slug());
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&format!("{page_of}?gia=1")),
        Err(e) => match refusal_of(&visit, &e, action.fields(), "contract") {
            Some((errors, status)) => action_page(
                &visit, &caller, &record, action, &fields, errors, None, status,
            ),
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ bulk extension

#[derive(Template)]
#[template(path = "console/contracts_bulk.html")]
struct BulkPage<'a> {
    page: &'a Visit,
    frame: Frame,
    regions: Vec<RegionChoice>,
    region: String,
    new_end_date: String,
    reason: String,
    errors: FieldErrors,
    /// How many contracts the extension would extend, once previewed.
    count: Option<usize>,
    edit: String,
    key: String,
}

const BULK_FIELDS: [&str; 3] = ["region", "new_end_date", "reason"];

async fn bulk_page(
    visit: &Visit,
    caller: &Caller,
    fields: &Fields,
    errors: FieldErrors,
    count: Option<usize>,
    status: StatusCode,
) -> HttpResponse {
    let regions = match regions(visit, caller).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let mut edit = form_urlencoded::Serializer::new(String::new());
    for k in BULK_FIELDS {
        edit.append_pair(k, &fields.get(k));
    }
    let shown = BulkPage {
        page: visit,
        frame: Frame::of(Section::Contracts, caller),
        regions,
        region: fields.get("region"),
        new_end_date: fields.get("new_end_date"),
        reason: fields.get("reason"),
        errors,
        count,
        edit: format!("{LIST}/proroga?{}", edit.finish()),
        key: fresh_key(),
    };
    visit.render(status, &shown)
}

/// The bulk extension's Region (all of them when blank), its new end and
/// reason; the fields' refusals when they do not read.
fn bulk_fields(
    visit: &Visit,
    fields: &Fields,
) -> Result<(Option<String>, NaiveDate, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let new_end = day_in(visit, fields, "new_end_date", &mut errors);
    let reason = fields.get("reason");
    if let Err(e) = domain::violation::reason(&reason) {
        if let Some(refused) = FieldErrors::of(&ApiError::from(e), visit.lang) {
            errors = refused.iter().fold(errors, |acc, (f, m)| acc.with(f, m));
        }
    }
    let region = Some(fields.get("region")).filter(|r| !r.is_empty());
    match (new_end, errors.is_empty()) {
        (Some(d), true) => Ok((region, d, reason)),
        _ => Err(errors),
    }
}

/// The bulk extension's form; with `anteprima`, how many contracts it
/// would extend and the confirmation, or its refusals (422).
pub async fn bulk(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let query = Fields::of(req.query_string().as_bytes());
    if query.get("anteprima").is_empty() {
        return bulk_page(
            &visit,
            &caller,
            &query,
            FieldErrors::default(),
            None,
            StatusCode::OK,
        )
        .await;
    }
    let (region, new_end_date, _) = match bulk_fields(&visit, &query) {
        Ok(x) => x,
        Err(errors) => {
            return bulk_page(
                &visit,
                &caller,
                &query,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let case = PreviewExtensions {
        region,
        new_end_date,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(n) => {
            bulk_page(
                &visit,
                &caller,
                &query,
                FieldErrors::default(),
                Some(n),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => match refusal_of(&visit, &e, &BULK_FIELDS, "new_end_date") {
            Some((errors, status)) => {
                bulk_page(&visit, &caller, &query, errors, None, status).await
            }
            None => visit.console_error(&e),
        },
    }
}

/// Extends the contracts the confirmation holds, once per form.
pub async fn extend_all(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let fields = Fields::of(&body);
    if visit.forged(&fields.get("csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let claim = match claim_of(&visit, &caller, &req, &fields.get("chiave"), LIST).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let (region, new_end_date, reason) = match bulk_fields(&visit, &fields) {
        Ok(x) => x,
        Err(errors) => {
            return bulk_page(
                &visit,
                &caller,
                &fields,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let case = match ExtendContracts::new(region.clone(), new_end_date, &reason) {
        Ok(c) => c,
        Err(e) => return visit.console_error(&e),
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit.state.use_cases.run(act, case).await {
        Ok(done) => {
            for cutoff in done.cutoffs {
                visit.state.apply_cutoff(Some(cutoff));
            }
            let mut query = form_urlencoded::Serializer::new(String::new());
            if let Some(r) = &region {
                query.append_pair("regione", r);
            }
            query.append_pair("prorogati", &done.extended.to_string());
            let location = format!("{LIST}?{}", query.finish());
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(LIST),
        Err(e) => match refusal_of(&visit, &e, &BULK_FIELDS, "new_end_date") {
            Some((errors, status)) => {
                bulk_page(&visit, &caller, &fields, errors, None, status).await
            }
            None => visit.console_error(&e),
        },
    }
}

/// This section's addresses, under `/console/contratti`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contratti", web::get().to(list))
        .route("/contratti.csv", web::get().to(download))
        .service(
            web::resource("/contratti/da-redigere")
                .route(web::get().to(drafts))
                .route(web::post().to(draft)),
        )
        // Before a contract's route, whose `{id}` would take it too.
        .route("/contratti/da-redigere.csv", web::get().to(drafts_download))
        .service(
            web::resource("/contratti/proroga")
                .route(web::get().to(bulk))
                .route(web::post().to(extend_all)),
        )
        .route("/contratti/{id}", web::get().to(show))
        .service(
            web::resource("/contratti/{id}/{azione}")
                .route(web::get().to(action))
                .route(web::post().to(confirm)),
        );
}
