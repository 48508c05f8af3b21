//! `/app/kit`: the items I hold and the parts my kit lacks, with the button
//! that acknowledges receipt (the same use cases as `GET /me/kit` and
//! `POST /me/kit/acknowledge`; repeating the acknowledgement changes
//! nothing).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::equipment::KitPart;
use openapi::ProblemType;
use serde::Deserialize;

use super::{navigator, Frame, Section};
use crate::app::equipment::{AcknowledgeKit, ItemRecord, KitRecord, ReadOwnKit};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::RequestMeta;
use crate::pages::session::SignedIn;
use crate::pages::{read_form, Visit};

/// An item as the page shows it: what it is, and what identifies it.
pub struct Held {
    pub what: String,
    pub details: Vec<(String, String)>,
    pub since: String,
    pub acknowledged: bool,
}

#[derive(Template)]
#[template(path = "app/kit.html")]
struct KitPage<'a> {
    page: &'a Visit,
    frame: Frame,
    items: Vec<Held>,
    missing: Vec<String>,
    complete: bool,
    /// When receipt of every item held was confirmed; empty until then.
    acknowledged_on: String,
    /// Something held whose receipt is not confirmed yet.
    to_acknowledge: bool,
    /// After the button: `done`, or why nothing was done.
    notice: &'a str,
}

fn part_words(visit: &Visit, part: KitPart) -> String {
    match part {
        KitPart::Smartphone => visit.t("smartphone", "smartphone"),
        KitPart::VoiceDataSim => visit.t("SIM voce e dati", "voice and data SIM"),
        KitPart::Tablet => visit.t("tablet", "tablet"),
        KitPart::DataSim => visit.t("SIM solo dati", "data-only SIM"),
        KitPart::Mailbox => visit.t("casella di posta", "mailbox"),
    }
    .to_owned()
}

fn held(visit: &Visit, r: &ItemRecord) -> Held {
    let i = &r.item;
    let what = KitPart::parse(&i.kit_part)
        .map(|p| part_words(visit, p))
        .unwrap_or_else(|| i.kind.clone());
    let mut details = Vec::new();
    let mut add = |label: &str, value: &Option<String>| {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            details.push((label.to_owned(), v.clone()));
        }
    };
    add(visit.t("Modello", "Model"), &i.model);
    add(visit.t("Numero di serie", "Serial number"), &i.serial);
    add("IMEI", &i.imei);
    add("ICCID", &i.iccid);
    add(visit.t("Numero", "Number"), &i.phone_number);
    add(visit.t("Indirizzo", "Address"), &i.mailbox);
    Held {
        what: capitalised(&what),
        details,
        since: i.assigned_on.map(|d| visit.day(&d)).unwrap_or_default(),
        acknowledged: i.acknowledged_at.is_some(),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn page(
    visit: &Visit,
    caller: &Caller,
    kit: &KitRecord,
    notice: &str,
    status: StatusCode,
) -> HttpResponse {
    let items: Vec<Held> = kit.items.iter().map(|r| held(visit, r)).collect();
    let to_acknowledge = items.iter().any(|h| !h.acknowledged);
    let acknowledged_on = kit
        .acknowledged_at
        .map(|t| {
            visit.day(
                &t.and_utc()
                    .with_timezone(&chrono_tz::Europe::Rome)
                    .date_naive(),
            )
        })
        .unwrap_or_default();
    visit.render(
        status,
        &KitPage {
            page: visit,
            frame: Frame::of(Section::Kit, caller),
            items,
            missing: kit
                .status
                .missing
                .iter()
                .map(|p| part_words(visit, *p))
                .collect(),
            complete: kit.status.complete,
            acknowledged_on,
            to_acknowledge,
            notice,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    confermato: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    match visit.state.run(&caller, &meta, ReadOwnKit).await {
        Ok(kit) => {
            let notice = match query.confermato.is_some() {
                true => "done",
                false => "",
            };
            page(&visit, &caller, &kit, notice, StatusCode::OK)
        }
        Err(e) => visit.error_page(&e),
    }
}

#[derive(Deserialize)]
struct Confirmed {
    csrf: String,
}

pub async fn acknowledge(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Confirmed>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    match visit.state.run(&caller, &meta, AcknowledgeKit).await {
        Ok(_) => visit.see_other("/app/kit?confermato=1"),
        Err(ApiError::Conflict {
            code: ProblemType::NothingToAcknowledge,
            ..
        }) => match visit.state.run(&caller, &meta, ReadOwnKit).await {
            Ok(kit) => page(&visit, &caller, &kit, "nothing", StatusCode::CONFLICT),
            Err(e) => visit.error_page(&e),
        },
        Err(e) => visit.error_page(&e),
    }
}
