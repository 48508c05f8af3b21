//! `/app/contratto`: my contract (the same use case as `GET /me/contract`),
//! and resigning from the app in two steps: choose the day, read what it
//! means, confirm (the same use case as `POST /me/resignation`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::contract::{earliest_resignation, ContractStatus};
use serde::Deserialize;

use super::{navigator, Frame, Section};
use crate::app::contracts::{ContractRecord, ReadOwnContract, ResignOwn};
use crate::auth::Caller;
use crate::extract::RequestMeta;
use crate::pages::offer::euros;
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Message, Visit};

#[derive(Template)]
#[template(path = "app/contract.html")]
struct ContractPage<'a> {
    page: &'a Visit,
    frame: Frame,
    c: Shown,
    /// The day chosen for the resignation, as typed.
    effective_on: &'a str,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "app/resign_confirm.html")]
struct ConfirmPage<'a> {
    page: &'a Visit,
    frame: Frame,
    c: Shown,
    /// `yyyy-mm-dd`, for the form.
    effective_on: String,
    /// As the person reads it.
    effective_day: String,
    last_day: String,
}

/// The contract as the page shows it.
pub struct Shown {
    pub name: String,
    pub status: &'static str,
    pub status_words: String,
    pub province: String,
    pub signed_on: String,
    pub start_date: String,
    pub end_date: String,
    pub operational_start: String,
    pub annual_pay: String,
    pub monthly_expenses: String,
    /// An ending on record: its cause in words and its day.
    pub ending: Option<(String, String)>,
    pub ending_submitted_on: String,
    /// Whether the Navigator may still resign from the app.
    pub may_resign: bool,
    /// The first day a resignation may take effect, and the last.
    pub earliest: String,
    pub latest: String,
}

fn shown(visit: &Visit, r: &ContractRecord) -> Shown {
    let c = &r.contract;
    let status_words = match r.status {
        ContractStatus::Draft => visit.t("da firmare", "to be signed"),
        ContractStatus::Signed => {
            visit.t("firmato, non ancora iniziato", "signed, not started yet")
        }
        ContractStatus::Active => visit.t("in corso", "running"),
        ContractStatus::Suspended => visit.t("sospeso", "suspended"),
        ContractStatus::Ended => visit.t("cessato", "ended"),
        ContractStatus::Cancelled => visit.t("annullato", "cancelled"),
    };
    let ending = match (c.end_cause.as_deref(), c.end_effective_on) {
        (Some(cause), Some(on)) => {
            let words = match cause {
                "resigned" => visit.t("dimissioni", "resignation"),
                "withdrawn" => visit.t("recesso", "withdrawal"),
                "excluded" => visit.t("esclusione", "exclusion"),
                _ => visit.t("scadenza", "expiry"),
            };
            Some((words.to_owned(), visit.day(&on)))
        }
        _ => None,
    };
    let today = visit.state.today();
    let notice = visit.state.settings.resignation_notice_days;
    let earliest = earliest_resignation(today, notice);
    // Never before the contract starts (the use case refuses that too).
    let earliest = c.start_date.map_or(earliest, |s| earliest.max(s));
    let may_resign = ending.is_none()
        && matches!(
            r.status,
            ContractStatus::Signed | ContractStatus::Active | ContractStatus::Suspended
        );
    let day = |d: Option<NaiveDate>| d.map(|d| visit.day(&d)).unwrap_or_default();
    Shown {
        name: format!("{} {}", r.navigator.first_name, r.navigator.last_name),
        status: r.status.as_str(),
        status_words: status_words.to_owned(),
        province: c.province_sigla.clone(),
        signed_on: day(c.signed_on),
        start_date: day(c.start_date),
        end_date: visit.day(&c.end_date),
        operational_start: day(r.operational_start),
        annual_pay: euros(c.annual_pay_cents, visit.lang),
        monthly_expenses: euros(c.monthly_expenses_cents, visit.lang),
        ending,
        ending_submitted_on: day(c.end_submitted_on),
        may_resign,
        earliest: earliest.format("%Y-%m-%d").to_string(),
        latest: c.end_date.format("%Y-%m-%d").to_string(),
    }
}

async fn contract_page(
    visit: &Visit,
    caller: &Caller,
    meta: &RequestMeta,
    effective_on: &str,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let record = match visit.state.run(caller, meta, ReadOwnContract).await {
        Ok(r) => r,
        Err(e) => return visit.error_page(&e),
    };
    let c = shown(visit, &record);
    let effective_on = match effective_on.is_empty() {
        true => c.earliest.clone(),
        false => effective_on.to_owned(),
    };
    visit.render(
        status,
        &ContractPage {
            page: visit,
            frame: Frame::of(Section::Contract, caller),
            c,
            effective_on: &effective_on,
            errors,
        },
    )
}

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
) -> HttpResponse {
    match navigator(&req, &visit, &signed) {
        Ok(caller) => {
            contract_page(
                &visit,
                &caller,
                &meta,
                "",
                FieldErrors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(answer) => *answer,
    }
}

#[derive(Deserialize)]
struct Resignation {
    csrf: String,
    #[serde(default)]
    effective_on: String,
    /// Present on the second step only: the person read the effects.
    #[serde(default)]
    confirm: Option<String>,
}

/// Step one (the day chosen): what resigning on that day means, with the
/// button that confirms. Step two (`confirm`): the resignation.
pub async fn resign(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Resignation>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let typed = posted.effective_on.trim();
    let Ok(effective_on) = NaiveDate::parse_from_str(typed, "%Y-%m-%d") else {
        let errors = FieldErrors::one(
            "effective_on",
            visit.t(
                "Indica il giorno da cui hanno effetto le dimissioni (aaaa-mm-gg).",
                "Give the day the resignation takes effect (yyyy-mm-dd).",
            ),
        );
        return contract_page(
            &visit,
            &caller,
            &meta,
            typed,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if posted.confirm.is_none() {
        let record = match visit.state.run(&caller, &meta, ReadOwnContract).await {
            Ok(r) => r,
            Err(e) => return visit.error_page(&e),
        };
        let last = effective_on.pred_opt().unwrap_or(effective_on);
        return visit.render(
            StatusCode::OK,
            &ConfirmPage {
                page: &visit,
                frame: Frame::of(Section::Contract, &caller),
                c: shown(&visit, &record),
                effective_on: effective_on.format("%Y-%m-%d").to_string(),
                effective_day: visit.day(&effective_on),
                last_day: visit.day(&last),
            },
        );
    }
    match visit
        .state
        .run(&caller, &meta, ResignOwn { effective_on })
        .await
    {
        Ok(change) => {
            let cut_off_now = change
                .cutoff
                .as_ref()
                .is_some_and(|(_, from)| *from <= visit.state.today());
            visit.state.apply_cutoff(change.cutoff);
            let text = format!(
                "{} {}. {}",
                visit.t(
                    "Le tue dimissioni sono registrate, con effetto dal",
                    "Your resignation is recorded, effective from",
                ),
                visit.day(&effective_on),
                match cut_off_now {
                    true => visit.t(
                        "Il tuo accesso all'app è terminato. ANPAL Servizi ti contatterà per la restituzione della dotazione.",
                        "Your access to the app has ended. ANPAL Servizi will contact you to return the equipment.",
                    ),
                    false => visit.t(
                        "Fino ad allora puoi continuare a usare l'app. ANPAL Servizi ti contatterà per la restituzione della dotazione.",
                        "Until then you can keep using the app. ANPAL Servizi will contact you to return the equipment.",
                    ),
                }
            );
            let next = match cut_off_now {
                true => (
                    "/app/accedi",
                    visit.t("Torna all'accesso", "Back to the login"),
                ),
                false => (
                    "/app/contratto",
                    visit.t("Torna al contratto", "Back to the contract"),
                ),
            };
            let page = Message {
                page: &visit,
                title: visit.t("Dimissioni registrate", "Resignation recorded"),
                text: &text,
                next: Some(next),
            };
            visit.render(StatusCode::OK, &page)
        }
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => {
                // A refusal of the contract itself is shown by the day.
                let errors = match errors.has("effective_on") {
                    true => errors,
                    false => FieldErrors::one(
                        "effective_on",
                        errors.iter().map(|(_, m)| m).next().unwrap_or_default(),
                    ),
                };
                contract_page(
                    &visit,
                    &caller,
                    &meta,
                    typed,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => visit.error_page(&e),
        },
    }
}
