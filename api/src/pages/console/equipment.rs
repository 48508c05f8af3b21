//! HR's equipment: the inventory (filtered, a page at a time, and as CSV),
//! a procurement batch imported from a CSV file (all rows or none, every
//! bad row named by line and reason), an item's page with its movements
//! (personalisation, return, write-off, retirement), a Navigator's kit (also
//! as CSV) with the assignment of items and the SIMs put into their
//! devices, and the offboarding checklist. Every read and change goes
//! through the JSON API's use cases; the file is read by the same code as
//! its import.
//!
//! Every form carries a key made when its page was shown, claimed in the
//! change's own transaction as an `Idempotency-Key` is: the same file sent
//! twice is imported once, the same movement sent twice answers as the
//! first. (The item's state machine refuses a repeat made from a new form:
//! an item personalised, assigned, returned or written off cannot be so
//! again, a SIM paired cannot be paired again.)

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::equipment::{ItemKind, ItemState, ReturnCondition, WriteOff};
use domain::ids::{EquipmentItemId, NavigatorId};
use openapi::ProblemType;
use persistence::assignments::NavigatorFilter;
use persistence::equipment::ItemFilter;

use super::contracts::{claim_of, day_in, fresh_key, Fields};
use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{hr_officer, Frame, Section};
use crate::app::contracts::ListOffboarding;
use crate::app::equipment::{
    AssignItem, ImportBatch, ItemRecord, ListItems, MoveItem, PairSim, PlainMovement, ReadItem,
    ReadKit, ReturnItem, WriteOffItem,
};
use crate::app::navigators::{ListNavigators, ReadNavigator};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::session::SignedIn;
use crate::pages::upload::{Upload, UploadRefused};
use crate::pages::{FieldErrors, Visit};

const LIST: &str = "/console/dotazioni";
const FILTERS: [&str; 4] = ["tipo", "stato", "navigator", "lotto"];

fn kind_words(visit: &Visit, kind: &str) -> &'static str {
    match ItemKind::parse(kind) {
        Some(ItemKind::Smartphone) => visit.t("Smartphone", "Smartphone"),
        Some(ItemKind::Tablet) => visit.t("Tablet", "Tablet"),
        Some(ItemKind::Sim) => visit.t("SIM", "SIM"),
        Some(ItemKind::Mailbox) => visit.t("Casella di posta", "Mailbox"),
        None => "",
    }
}

fn state_words(visit: &Visit, state: &str) -> &'static str {
    match ItemState::parse(state) {
        Some(ItemState::InStock) => visit.t("In magazzino", "In stock"),
        Some(ItemState::Personalised) => visit.t("Personalizzato", "Personalised"),
        Some(ItemState::Assigned) => visit.t("Assegnato", "Assigned"),
        Some(ItemState::Returned) => visit.t("Restituito", "Returned"),
        Some(ItemState::Lost) => visit.t("Smarrito", "Lost"),
        Some(ItemState::Stolen) => visit.t("Rubato", "Stolen"),
        Some(ItemState::Broken) => visit.t("Guasto", "Broken"),
        Some(ItemState::Retired) => visit.t("Dismesso", "Retired"),
        None => "",
    }
}

const KINDS: [ItemKind; 4] = [
    ItemKind::Smartphone,
    ItemKind::Tablet,
    ItemKind::Sim,
    ItemKind::Mailbox,
];

const STATES: [ItemState; 8] = [
    ItemState::InStock,
    ItemState::Personalised,
    ItemState::Assigned,
    ItemState::Returned,
    ItemState::Lost,
    ItemState::Stolen,
    ItemState::Broken,
    ItemState::Retired,
];

/// An item as a row of a table.
pub struct Row {
    pub id: String,
    pub kind: String,
    /// IMEI, serial, ICCID or address: what the item is known by.
    pub identifier: String,
    pub model: String,
    pub plan: String,
    pub batch: String,
    pub state: String,
    pub holder: String,
    pub paired_with: String,
}

fn row_of(visit: &Visit, r: &ItemRecord) -> Row {
    let i = &r.item;
    let identifier = [&i.imei, &i.serial, &i.iccid, &i.mailbox]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join(" · ");
    let plan = match (&i.plan, &i.phone_number) {
        (Some(p), Some(n)) => format!("{p} · {n}"),
        (Some(p), None) => p.clone(),
        _ => String::new(),
    };
    Row {
        id: i.id.clone(),
        kind: kind_words(visit, &i.kind).to_owned(),
        identifier,
        model: i.model.clone().unwrap_or_default(),
        plan,
        batch: i.batch.clone().unwrap_or_default(),
        state: state_words(visit, &i.state).to_owned(),
        holder: i.holder_id.clone().unwrap_or_default(),
        paired_with: r.paired_with.clone().unwrap_or_default(),
    }
}

// ------------------------------------------------------------ the list

fn filter_of(listing: &Listing, after_id: Option<String>, limit: i64) -> ItemFilter {
    ItemFilter {
        // A kind or state the service does not know filters nothing away.
        kind: listing
            .filter("tipo")
            .filter(|k| ItemKind::parse(k).is_some()),
        state: listing
            .filter("stato")
            .filter(|s| ItemState::parse(s).is_some()),
        holder_id: listing.filter("navigator"),
        batch: listing.filter("lotto"),
        after_id,
        limit,
    }
}

async fn rows(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    after_id: Option<String>,
    limit: i64,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let case = ListItems {
        filter: filter_of(listing, after_id, limit),
    };
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    Ok((
        page.items.iter().map(|r| row_of(visit, r)).collect(),
        page.next_cursor,
    ))
}

/// A Navigator to choose, for the kit page.
pub struct NavigatorChoice {
    pub id: String,
    pub name: String,
}

async fn navigators(visit: &Visit, caller: &Caller) -> Result<Vec<NavigatorChoice>, ApiError> {
    let case = ListNavigators {
        region: None,
        filter: NavigatorFilter {
            limit: 1000,
            order: persistence::assignments::NavigatorOrder::Name,
            ..NavigatorFilter::default()
        },
        status: None,
    };
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|r| NavigatorChoice {
            name: format!(
                "{} {} ({})",
                r.navigator.last_name, r.navigator.first_name, r.navigator.province_sigla
            ),
            id: r.navigator.id,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "console/equipment.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    navigators: Vec<NavigatorChoice>,
    done: String,
}

impl ListPage<'_> {
    fn is(&self, filter: &str, code: &str) -> bool {
        self.listing.shown(filter) == code
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
    let navigators = match navigators(&visit, &caller).await {
        Ok(n) => n,
        Err(e) => return visit.console_error(&e),
    };
    let imported = Fields::of(req.query_string().as_bytes()).get("importati");
    let done = match imported.is_empty() {
        true => String::new(),
        false => format!(
            "{} {imported}",
            visit.t("Dotazioni importate:", "Items imported:")
        ),
    };
    let next = listing.next_page(&next_cursor);
    let page = ListPage {
        page: &visit,
        frame: Frame::of(Section::Equipment, &caller),
        listing,
        rows,
        next,
        kinds: KINDS
            .iter()
            .map(|k| (k.as_str(), kind_words(&visit, k.as_str())))
            .collect(),
        states: STATES
            .iter()
            .map(|s| (s.as_str(), state_words(&visit, s.as_str())))
            .collect(),
        navigators,
        done,
    };
    visit.render(StatusCode::OK, &page)
}

/// Every item with the same filters, as CSV.
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
                r.kind,
                r.identifier,
                r.model,
                r.plan,
                r.batch,
                r.state,
                r.holder,
                r.paired_with,
            ]
        })
        .collect();
    // The columns keep one name whatever the language of the cells.
    let header = [
        "item_id",
        "kind",
        "identifier",
        "model",
        "plan",
        "batch",
        "state",
        "navigator_id",
        "paired_with",
    ];
    csv_answer(&visit, "dotazioni.csv", &header, &lines)
}

// ------------------------------------------------------------ import

/// A rejected row of a file: its line, the column and why.
pub struct Rejected {
    pub line: String,
    pub field: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "console/equipment_import.html")]
struct ImportPage<'a> {
    page: &'a Visit,
    frame: Frame,
    header: String,
    rejected: Vec<Rejected>,
    /// A refusal of the form itself (no file, not a form, too large).
    error: String,
    key: String,
}

fn import_page(
    visit: &Visit,
    caller: &Caller,
    rejected: Vec<Rejected>,
    error: &str,
    status: StatusCode,
) -> HttpResponse {
    let shown = ImportPage {
        page: visit,
        frame: Frame::of(Section::Equipment, caller),
        header: crate::app::equipment::CSV_HEADER.join(","),
        rejected,
        error: error.to_owned(),
        key: fresh_key(),
    };
    visit.render(status, &shown)
}

pub async fn import_form(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    import_page(&visit, &caller, Vec::new(), "", StatusCode::OK)
}

fn rejected_rows(visit: &Visit, e: &ApiError) -> Vec<Rejected> {
    let ApiError::FileRejected(v) = e else {
        return Vec::new();
    };
    v.0.iter()
        .map(|x| Rejected {
            line: x.line.map(|l| l.to_string()).unwrap_or_default(),
            field: x.field.clone(),
            reason: crate::i18n::violation_message(x, visit.lang),
        })
        .collect()
}

/// Imports the chosen file: every row, or none with each bad row named.
pub async fn import(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    payload: web::Payload,
) -> HttpResponse {
    let limit = visit.state.settings.import_limit_bytes;
    let upload = Upload::read(&req, payload, limit).await;
    let upload = match upload {
        Ok(u) => u,
        Err(UploadRefused::NotAForm) => return visit.forged_page(),
        // Refused unread (its token with it): nothing is changed.
        Err(UploadRefused::TooLarge) => {
            let caller = match hr_officer(&req, &mut visit, &signed).await {
                Ok(c) => c,
                Err(away) => return *away,
            };
            let words = visit.t(
                "Il file supera la dimensione massima consentita.",
                "The file is larger than allowed.",
            );
            return import_page(
                &visit,
                &caller,
                Vec::new(),
                words,
                StatusCode::PAYLOAD_TOO_LARGE,
            );
        }
    };
    if visit.forged(&upload.field("csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some((_, bytes)) = &upload.file else {
        let words = visit.t("Scegli un file CSV.", "Choose a CSV file.");
        return import_page(
            &visit,
            &caller,
            Vec::new(),
            words,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let claim = match claim_of(&visit, &caller, &req, &upload.field("chiave"), LIST).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let case = match ImportBatch::from_csv(bytes) {
        Ok(c) => c,
        Err(e) => {
            return import_page(
                &visit,
                &caller,
                rejected_rows(&visit, &e),
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit.state.use_cases.run(act, case).await {
        Ok(n) => {
            let location = format!("{LIST}?importati={n}");
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(LIST),
        Err(e @ ApiError::FileRejected(_)) => import_page(
            &visit,
            &caller,
            rejected_rows(&visit, &e),
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => visit.console_error(&e),
    }
}

// ------------------------------------------------------------ one item

#[derive(Template)]
#[template(path = "console/equipment_item.html")]
struct ItemPage<'a> {
    page: &'a Visit,
    frame: Frame,
    row: Row,
    state: String,
    is_device: bool,
    holder_name: String,
    errors: FieldErrors,
    today: String,
    done: String,
    /// A fresh key for the page's forms, each with its own suffix.
    key: String,
}

async fn holder_name(visit: &Visit, caller: &Caller, id: &str) -> Result<String, ApiError> {
    if id.is_empty() {
        return Ok(String::new());
    }
    let read = ReadNavigator {
        id: NavigatorId::from_stored(id.to_owned()),
    };
    let r = visit
        .state
        .use_cases
        .run(visit.act_as(caller), read)
        .await?;
    Ok(format!(
        "{} {}",
        r.navigator.last_name, r.navigator.first_name
    ))
}

async fn item_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    errors: FieldErrors,
    done: &str,
    status: StatusCode,
) -> HttpResponse {
    let read = ReadItem {
        id: EquipmentItemId::from_stored(id.to_owned()),
    };
    let record = match visit.state.use_cases.run(visit.act_as(caller), read).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let row = row_of(visit, &record);
    let holder_name = match holder_name(visit, caller, &row.holder).await {
        Ok(n) => n,
        Err(e) => return visit.console_error(&e),
    };
    let shown = ItemPage {
        page: visit,
        frame: Frame::of(Section::Equipment, caller),
        state: record.item.state.clone(),
        is_device: matches!(
            ItemKind::parse(&record.item.kind),
            Some(ItemKind::Smartphone | ItemKind::Tablet)
        ),
        row,
        holder_name,
        errors,
        today: visit.state.today().format("%Y-%m-%d").to_string(),
        done: done.to_owned(),
        key: fresh_key(),
    };
    visit.render(status, &shown)
}

/// What a movement did, in words.
fn movement_done(visit: &Visit, slug: &str) -> &'static str {
    match slug {
        "personalizza" => visit.t("Personalizzazione registrata.", "Personalisation recorded."),
        "restituisci" => visit.t("Restituzione registrata.", "Return recorded."),
        "denuncia" => visit.t(
            "Smarrimento o furto registrato; una SIM è segnalata per il blocco.",
            "Loss or theft recorded; a SIM is marked for blocking.",
        ),
        "dismetti" => visit.t("Dotazione dismessa.", "Item retired."),
        "assegna" => visit.t("Dotazione assegnata.", "Item assigned."),
        "abbina" => visit.t("SIM inserita nel dispositivo.", "SIM put into the device."),
        _ => "",
    }
}

pub async fn item(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = movement_done(
        &visit,
        &Fields::of(req.query_string().as_bytes()).get("esito"),
    );
    item_page(
        &visit,
        &caller,
        &id,
        FieldErrors::default(),
        done,
        StatusCode::OK,
    )
    .await
}

/// A use case's refusal of a form, in words next to the field it concerns
/// (`other` for the form as a whole), with the status to answer.
fn refusal_of(
    visit: &Visit,
    e: &ApiError,
    fields: &[&str],
    other: &str,
) -> Option<(FieldErrors, StatusCode)> {
    if let Some(errors) = FieldErrors::of(e, visit.lang) {
        // A field the form does not show is said next to `other`.
        let errors = errors.iter().fold(FieldErrors::default(), |acc, (f, m)| {
            acc.with(if fields.contains(&f) { f } else { other }, m)
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

/// The fields of an item's forms.
const MOVEMENT_FIELDS: [&str; 5] = ["condition", "wiped", "on", "how", "reported_on"];

/// Personalises, returns, writes off or retires the item, once per form.
pub async fn movement(
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
    let back = format!("{LIST}/{id}");
    let claim = match claim_of(&visit, &caller, &req, &fields.get("chiave"), &back).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let item_id = EquipmentItemId::from_stored(id.clone());
    let mut errors = FieldErrors::default();
    let run = &visit.state.use_cases;
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let outcome = match slug.as_str() {
        "personalizza" | "dismetti" => {
            let case = MoveItem {
                id: item_id,
                movement: match slug.as_str() {
                    "personalizza" => PlainMovement::Personalise,
                    _ => PlainMovement::Retire,
                },
                on: None,
            };
            Some(run.run(act, case).await.map(|_| ()))
        }
        "restituisci" => {
            let on = day_in(&visit, &fields, "on", &mut errors);
            let condition = match fields.get("condition").as_str() {
                "good" => Some(ReturnCondition::Good),
                "damaged" => Some(ReturnCondition::Damaged),
                "broken" => Some(ReturnCondition::Broken),
                _ => None,
            };
            if condition.is_none() {
                errors = errors.with(
                    "condition",
                    visit.t("Indica le condizioni.", "Give the condition."),
                );
            }
            match (on, condition) {
                (Some(on), Some(condition)) if errors.is_empty() => {
                    let case = ReturnItem {
                        id: item_id,
                        condition,
                        wiped: !fields.get("wiped").is_empty(),
                        on: Some(on),
                    };
                    Some(run.run(act, case).await.map(|_| ()))
                }
                _ => None,
            }
        }
        "denuncia" => {
            let reported_on = day_in(&visit, &fields, "reported_on", &mut errors);
            let how = match fields.get("how").as_str() {
                "lost" => Some(WriteOff::Lost),
                "stolen" => Some(WriteOff::Stolen),
                _ => None,
            };
            if how.is_none() {
                errors = errors.with(
                    "how",
                    visit.t(
                        "Indica se smarrito o rubato.",
                        "Say whether lost or stolen.",
                    ),
                );
            }
            match (reported_on, how) {
                (Some(reported_on), Some(how)) if errors.is_empty() => {
                    let case = WriteOffItem {
                        id: item_id,
                        how,
                        reported_on,
                    };
                    Some(run.run(act, case).await.map(|_| ()))
                }
                _ => None,
            }
        }
        _ => return visit.not_found(),
    };
    // The fields did not read: refused next to them, nothing run.
    let Some(outcome) = outcome else {
        return item_page(
            &visit,
            &caller,
            &id,
            errors,
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match outcome {
        Ok(()) => {
            let location = format!("{back}?esito={slug}");
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&back),
        Err(e) => match refusal_of(&visit, &e, &MOVEMENT_FIELDS, "item") {
            Some((errors, status)) => item_page(&visit, &caller, &id, errors, "", status).await,
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ a kit

#[derive(Template)]
#[template(path = "console/equipment_kit.html")]
struct KitPage<'a> {
    page: &'a Visit,
    frame: Frame,
    navigator_id: String,
    name: String,
    complete: bool,
    missing: Vec<String>,
    held: Vec<Row>,
    /// Personalised items ready to assign.
    ready: Vec<Row>,
    sims: Vec<Row>,
    devices: Vec<Row>,
    acknowledged: String,
    errors: FieldErrors,
    done: String,
    /// A fresh key for the page's forms, each with its own suffix.
    key: String,
    /// The items held, as CSV.
    download: String,
}

const KIT: &str = "/console/dotazioni/kit";

/// The address of `navigator`'s kit, at `path` (the page or its CSV).
fn kit_address(path: &str, navigator: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("navigator", navigator);
    format!("{path}?{}", query.finish())
}

fn part_words(visit: &Visit, part: &str) -> &'static str {
    match part {
        "smartphone" => visit.t("Smartphone", "Smartphone"),
        "sim_voice_data" => visit.t("SIM voce e dati", "Voice and data SIM"),
        "tablet" => visit.t("Tablet", "Tablet"),
        "sim_data" => visit.t("SIM dati", "Data SIM"),
        "mailbox" => visit.t("Casella di posta", "Mailbox"),
        _ => "",
    }
}

async fn kit_page(
    visit: &Visit,
    caller: &Caller,
    navigator: &str,
    errors: FieldErrors,
    done: &str,
    status: StatusCode,
) -> HttpResponse {
    let run = &visit.state.use_cases;
    let name = match holder_name(visit, caller, navigator).await {
        Ok(n) => n,
        Err(e) => return visit.console_error(&e),
    };
    let kit = match run
        .run(
            visit.act_as(caller),
            ReadKit {
                navigator_id: NavigatorId::from_stored(navigator.to_owned()),
            },
        )
        .await
    {
        Ok(k) => k,
        Err(e) => return visit.console_error(&e),
    };
    let ready = ListItems {
        filter: ItemFilter {
            state: Some(ItemState::Personalised.as_str().to_owned()),
            limit: 500,
            ..ItemFilter::default()
        },
    };
    let ready = match run.run(visit.act_as(caller), ready).await {
        Ok(p) => p.items,
        Err(e) => return visit.console_error(&e),
    };
    let unpaired = |kind: ItemKind| {
        kit.items
            .iter()
            .filter(|r| r.paired_with.is_none() && ItemKind::parse(&r.item.kind) == Some(kind))
            .map(|r| row_of(visit, r))
            .collect::<Vec<_>>()
    };
    let mut devices = unpaired(ItemKind::Smartphone);
    devices.extend(unpaired(ItemKind::Tablet));
    let shown = KitPage {
        page: visit,
        frame: Frame::of(Section::Equipment, caller),
        navigator_id: navigator.to_owned(),
        name,
        complete: kit.status.complete,
        missing: kit
            .status
            .missing
            .iter()
            .map(|p| part_words(visit, p.as_str()).to_owned())
            .collect(),
        held: kit.items.iter().map(|r| row_of(visit, r)).collect(),
        ready: ready.iter().map(|r| row_of(visit, r)).collect(),
        sims: unpaired(ItemKind::Sim),
        devices,
        acknowledged: kit
            .acknowledged_at
            .map(|t| {
                persistence::time::from_db(t)
                    .with_timezone(&chrono_tz::Europe::Rome)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
        errors,
        done: done.to_owned(),
        key: fresh_key(),
        download: kit_address(&format!("{KIT}.csv"), navigator),
    };
    visit.render(status, &shown)
}

/// The items a Navigator holds (`?navigator=`), the rows of their kit's
/// table, as CSV.
pub async fn kit_download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let navigator = Fields::of(req.query_string().as_bytes()).get("navigator");
    if navigator.is_empty() {
        return visit.not_found();
    }
    // Someone unknown is not found, as on the page.
    if let Err(e) = holder_name(&visit, &caller, &navigator).await {
        return visit.console_error(&e);
    }
    let read = ReadKit {
        navigator_id: NavigatorId::from_stored(navigator.clone()),
    };
    let kit = match visit.state.use_cases.run(visit.act_as(&caller), read).await {
        Ok(k) => k,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = kit
        .items
        .iter()
        .map(|r| {
            let r = row_of(&visit, r);
            vec![
                r.id,
                r.kind,
                r.identifier,
                r.model,
                r.plan,
                r.state,
                r.paired_with,
            ]
        })
        .collect();
    let header = [
        "item_id",
        visit.t("tipo", "kind"),
        visit.t("identificativo", "identifier"),
        visit.t("modello", "model"),
        visit.t("piano", "plan"),
        visit.t("stato", "state"),
        visit.t("abbinata a", "paired with"),
    ];
    // Named after the Navigator's id: nothing else of the address reaches
    // the header.
    let file: String = navigator
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    csv_answer(&visit, &format!("dotazione-{file}.csv"), &header, &lines)
}

/// A Navigator's kit (`?navigator=`): what they hold, what is missing, and
/// the forms to assign an item and to put a SIM into a device.
pub async fn kit(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let query = Fields::of(req.query_string().as_bytes());
    let navigator = query.get("navigator");
    if navigator.is_empty() {
        return visit.not_found();
    }
    let done = movement_done(&visit, &query.get("esito"));
    kit_page(
        &visit,
        &caller,
        &navigator,
        FieldErrors::default(),
        done,
        StatusCode::OK,
    )
    .await
}

/// Assigns an item to the Navigator, or puts one of their SIMs into one of
/// their devices, once per form.
pub async fn kit_change(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<String>,
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
    let navigator = fields.get("navigator_id");
    let slug = path.into_inner();
    let back = kit_address(KIT, &navigator);
    let claim = match claim_of(&visit, &caller, &req, &fields.get("chiave"), &back).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let act = || {
        let mut act = visit.act_as(&caller);
        act.idempotency = Some(claim.clone());
        act
    };
    let run = &visit.state.use_cases;
    let chosen = |name: &str| -> Result<EquipmentItemId, FieldErrors> {
        match fields.get(name) {
            v if v.is_empty() => Err(FieldErrors::one(
                name,
                visit.t("Scegli una dotazione.", "Choose an item."),
            )),
            v => Ok(EquipmentItemId::from_stored(v)),
        }
    };
    let (outcome, field) = match slug.as_str() {
        "assegna" => match chosen("item_id") {
            Ok(id) => {
                let case = AssignItem {
                    id,
                    navigator_id: NavigatorId::from_stored(navigator.clone()),
                    on: None,
                };
                (run.run(act(), case).await.map(|_| ()), "item_id")
            }
            Err(errors) => {
                return kit_page(
                    &visit,
                    &caller,
                    &navigator,
                    errors,
                    "",
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        },
        "abbina" => match chosen("sim_id").and_then(|s| chosen("device_id").map(|d| (s, d))) {
            Ok((sim_id, device_id)) => {
                let case = PairSim { sim_id, device_id };
                (run.run(act(), case).await.map(|_| ()), "sim_id")
            }
            Err(errors) => {
                return kit_page(
                    &visit,
                    &caller,
                    &navigator,
                    errors,
                    "",
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        },
        _ => return visit.not_found(),
    };
    match outcome {
        Ok(()) => {
            let location = format!("{back}&esito={slug}");
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&back),
        Err(e) => match refusal_of(&visit, &e, &["item_id", "sim_id", "device_id"], field) {
            Some((errors, status)) => {
                kit_page(&visit, &caller, &navigator, errors, "", status).await
            }
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ offboarding

/// An offboarding record as a row of the checklist.
pub struct Offboarding {
    pub navigator_id: String,
    pub name: String,
    pub contract_id: String,
    pub ended_on: String,
    pub closed: bool,
    pub outstanding: Vec<Row>,
}

#[derive(Template)]
#[template(path = "console/equipment_offboarding.html")]
struct OffboardingPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    records: Vec<Offboarding>,
    next: Option<String>,
}

/// The offboarding checklist: the records still open (all with `tutte`),
/// each with the items still to return or write off.
const OFFBOARDING: &str = "/console/dotazioni/riconsegne";

/// A page of the offboarding records (open ones, or all with `tutte`), each
/// with its Navigator's name and the items still to recover.
async fn offboarding_rows(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    cursor: Option<String>,
    limit: i64,
) -> Result<(Vec<Offboarding>, Option<String>), ApiError> {
    let case = ListOffboarding {
        open: listing.filter("tutte").is_none(),
        cursor,
        limit,
    };
    let page = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    for cutoff in page.cutoffs {
        visit.state.apply_cutoff(Some(cutoff));
    }
    let mut names: HashMap<String, String> = HashMap::new();
    let mut records = Vec::new();
    for r in &page.items {
        let o = &r.offboarding;
        if !names.contains_key(&o.navigator_id) {
            let name = holder_name(visit, caller, &o.navigator_id).await?;
            names.insert(o.navigator_id.clone(), name);
        }
        records.push(Offboarding {
            navigator_id: o.navigator_id.clone(),
            name: names.get(&o.navigator_id).cloned().unwrap_or_default(),
            contract_id: o.contract_id.clone(),
            ended_on: visit.day(&o.ended_on),
            closed: o.closed_at.is_some(),
            outstanding: r.outstanding.iter().map(|i| row_of(visit, i)).collect(),
        });
    }
    Ok((records, page.next_cursor))
}

pub async fn offboarding(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, OFFBOARDING, &["tutte"]);
    let read = offboarding_rows(&visit, &caller, &listing, listing.cursor.clone(), PAGE_ROWS);
    let (records, next_cursor) = match read.await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&next_cursor);
    let shown = OffboardingPage {
        page: &visit,
        frame: Frame::of(Section::Equipment, &caller),
        listing,
        records,
        next,
    };
    visit.render(StatusCode::OK, &shown)
}

/// The checklist as CSV: a line per item still to recover, and a line for
/// each record with none left.
pub async fn offboarding_download(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, OFFBOARDING, &["tutte"]);
    let read =
        every_row(|after| offboarding_rows(&visit, &caller, &listing, after, DOWNLOAD_BATCH)).await;
    let records = match read {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let mut lines = Vec::new();
    for r in records {
        let state = match r.closed {
            true => visit.t("chiusa", "closed"),
            false => visit.t("aperta", "open"),
        };
        let record = vec![
            r.navigator_id.clone(),
            r.name.clone(),
            r.contract_id.clone(),
            r.ended_on.clone(),
            state.to_owned(),
        ];
        if r.outstanding.is_empty() {
            lines.push([record.clone(), vec![String::new(); 4]].concat());
        }
        for i in r.outstanding {
            lines.push([record.clone(), vec![i.id, i.kind, i.identifier, i.state]].concat());
        }
    }
    let header = [
        "navigator_id",
        visit.t("navigator", "navigator"),
        "contract_id",
        visit.t("fine del contratto", "contract ended"),
        visit.t("pratica", "record"),
        "item_id",
        visit.t("tipo", "kind"),
        visit.t("identificativo", "identifier"),
        visit.t("stato", "state"),
    ];
    csv_answer(&visit, "riconsegne.csv", &header, &lines)
}

/// This section's addresses, under `/console/dotazioni`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dotazioni", web::get().to(list))
        .route("/dotazioni.csv", web::get().to(download))
        .service(
            web::resource("/dotazioni/importa")
                .route(web::get().to(import_form))
                .route(web::post().to(import)),
        )
        .route("/dotazioni/kit", web::get().to(kit))
        .route("/dotazioni/kit.csv", web::get().to(kit_download))
        .route("/dotazioni/kit/{azione}", web::post().to(kit_change))
        .route("/dotazioni/riconsegne", web::get().to(offboarding))
        .route(
            "/dotazioni/riconsegne.csv",
            web::get().to(offboarding_download),
        )
        .route("/dotazioni/{id}", web::get().to(item))
        .route("/dotazioni/{id}/{azione}", web::post().to(movement));
}
