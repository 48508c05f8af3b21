//! The FAQ of Question RdC in the console, for those who write it (the
//! experts, HR and administrators): the published entries, searched as the
//! Navigators search them; a new entry promoted from answered questions;
//! an entry's page, where it is edited into a new version (the earlier
//! ones stay readable below) or retired.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::faq::{question_ids, EntryText, Search};
use domain::ids::FaqEntryId;
use openapi::ProblemType;
use persistence::faq::EntryRow;
use serde::Deserialize;

use super::selections::{field, fields_of};
use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::faq::{
    EditEntry, ListEntries, ReadEntry, ReadVersions, RetireEntry, SearchEntries, WriteEntry,
};
use crate::app::questions::ReadQuestion;
use crate::app::UseCase;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::questions::{excerpt, moment, note_use, topic_words, topics, TopicChoice};
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

pub const HOME: &str = "/console/faq";
const FILTERS: [&str; 2] = ["argomento", "q"];
/// Results a search shows (it gives one page).
const SEARCH_ROWS: i64 = 50;

/// Those who write the FAQ; anyone else on staff finds it not found.
async fn editor(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match WriteEntry::ROLES.contains(&caller.role) {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

/// An entry as a row of the list.
pub struct Row {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub answer: String,
    pub version: i64,
    pub updated: String,
}

fn row_of(topics: &[TopicChoice], r: &EntryRow) -> Row {
    Row {
        id: r.id.clone(),
        title: r.title.clone(),
        topic: topic_words(topics, &r.topic),
        answer: excerpt(&r.answer, 160),
        version: r.version,
        updated: moment(r.updated_at),
    }
}

/// One page of the entries (or a search's results), and the next page's
/// cursor; a search's broken rule names its field.
async fn entries(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<EntryRow>, Option<String>), ApiError> {
    let topic = listing.filter("argomento");
    if let Some(q) = listing.filter("q") {
        let search = Search::parse(&q, topic.as_deref()).map_err(ApiError::Validation)?;
        let found = visit
            .state
            .use_cases
            .run(
                visit.act_as(caller),
                SearchEntries {
                    search,
                    limit: SEARCH_ROWS,
                    index: Arc::clone(&visit.state.faq_index),
                },
            )
            .await?;
        return Ok((found.entries.into_iter().map(|(r, _)| r).collect(), None));
    }
    if let Some(t) = &topic {
        domain::faq::topic("argomento", t).map_err(|v| {
            let mut all = domain::Violations::new();
            all.push(v);
            ApiError::Validation(all)
        })?;
    }
    let case = ListEntries {
        topic,
        after,
        limit: limit + 1,
    };
    let mut rows = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = more.then(|| rows.last().map(|r| r.id.clone())).flatten();
    Ok((rows, next))
}

#[derive(Template)]
#[template(path = "console/faq.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    topics: Vec<TopicChoice>,
    rows: Vec<Row>,
    next: Option<String>,
    errors: FieldErrors,
}

pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    note_use(&visit, &caller).await;
    let listing = Listing::of(&visit, HOME, &FILTERS);
    let topics = match topics(&visit, &caller, &listing.shown("argomento")).await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let (rows, next_cursor, errors, status) =
        match entries(&visit, &caller, &listing, listing.cursor.clone(), PAGE_ROWS).await {
            Ok((rows, next)) => (rows, next, FieldErrors::default(), StatusCode::OK),
            Err(e) => match FieldErrors::of(&e, visit.lang) {
                // A search refused (stop words only, too long) or an
                // unknown topic: said next to the filters.
                Some(errors) => (Vec::new(), None, errors, StatusCode::UNPROCESSABLE_ENTITY),
                None => return visit.console_error(&e),
            },
        };
    let next = listing.next_page(&next_cursor);
    let page = ListPage {
        page: &visit,
        frame: Frame::of(Section::Faq, &caller),
        rows: rows.iter().map(|r| row_of(&topics, r)).collect(),
        listing,
        topics,
        next,
        errors,
    };
    visit.render(status, &page)
}

/// Every published entry (or a search's results) as CSV, whole answers.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, HOME, &FILTERS);
    let read = every_row(|after| entries(&visit, &caller, &listing, after, DOWNLOAD_BATCH)).await;
    let all = match read {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| {
            vec![
                r.id,
                r.version.to_string(),
                r.topic,
                r.title,
                r.answer,
                moment(r.updated_at),
            ]
        })
        .collect();
    let header = [
        "faq_id",
        "version",
        "topic",
        "title",
        "answer",
        "updated_at",
    ];
    csv_answer(&visit, "faq.csv", &header, &lines)
}

/// A question an entry comes from, as the form shows it.
pub struct Source {
    pub id: String,
    pub text: String,
    pub answer: String,
}

/// What the entry form holds.
#[derive(Default)]
struct EntryForm {
    title: String,
    answer: String,
    topic: String,
    questions: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "console/faq_new.html")]
struct NewPage<'a> {
    page: &'a Visit,
    frame: Frame,
    topics: Vec<TopicChoice>,
    sources: Vec<Source>,
    form: EntryForm,
    key: String,
}

/// The ids typed in the form's list: one per line, or separated by
/// spaces or commas.
fn typed_ids(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The chosen questions with their last answer, those the caller may read.
async fn sources(visit: &Visit, caller: &Caller, ids: &[String]) -> Vec<Source> {
    let mut out = Vec::new();
    for id in ids.iter().take(domain::faq::MAX_QUESTIONS) {
        let read = ReadQuestion { id: id.clone() };
        if let Ok(t) = visit.state.use_cases.run(visit.act_as(caller), read).await {
            let answer = t
                .messages
                .iter()
                .rev()
                .find(|m| m.kind == "answer")
                .map(|m| m.body.clone())
                .unwrap_or_default();
            out.push(Source {
                id: t.question.id.clone(),
                text: t.question.text.clone(),
                answer,
            });
        }
    }
    out
}

async fn new_page(
    visit: &Visit,
    caller: &Caller,
    form: EntryForm,
    status: StatusCode,
) -> HttpResponse {
    let topics = match topics(visit, caller, &form.topic).await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let sources = sources(visit, caller, &typed_ids(&form.questions)).await;
    let page = NewPage {
        page: visit,
        frame: Frame::of(Section::Faq, caller),
        topics,
        sources,
        form,
        key: uuid::Uuid::new_v4().to_string(),
    };
    visit.render(status, &page)
}

/// The form of a new entry, with the questions chosen in the queue: the
/// topic and the answer of the first are offered to start from.
pub async fn new(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let ids: Vec<String> = visit
        .query
        .iter()
        .filter(|(k, _)| k == "domande")
        .flat_map(|(_, v)| typed_ids(v))
        .collect();
    let first = match ids.first() {
        Some(id) => visit
            .state
            .use_cases
            .run(visit.act_as(&caller), ReadQuestion { id: id.clone() })
            .await
            .ok(),
        None => None,
    };
    let form = EntryForm {
        topic: first
            .as_ref()
            .map(|t| t.question.topic.clone())
            .unwrap_or_default(),
        answer: first
            .as_ref()
            .and_then(|t| t.messages.iter().rev().find(|m| m.kind == "answer"))
            .map(|m| m.body.clone())
            .unwrap_or_default(),
        questions: ids.join("\n"),
        ..EntryForm::default()
    };
    new_page(&visit, &caller, form, StatusCode::OK).await
}

/// The fields of the form, by the names the pages use.
fn page_field(f: &str) -> &str {
    match f {
        "title" => "titolo",
        "answer" => "risposta",
        "topic" => "argomento",
        f if f.starts_with("questions") => "domande",
        "version" => "versione",
        _ => "voce",
    }
}

/// The refusals of `e` by the form's fields; `None` when it is no refusal
/// of what was typed.
fn refusals(visit: &Visit, e: &ApiError) -> Option<FieldErrors> {
    if let Some(errors) = FieldErrors::of(e, visit.lang) {
        return Some(errors.iter().fold(FieldErrors::default(), |acc, (f, m)| {
            let f = page_field(f);
            match acc.has(f) {
                true => acc,
                false => acc.with(f, m),
            }
        }));
    }
    match e {
        ApiError::Conflict { .. } | ApiError::Rule { .. } => Some(FieldErrors::one(
            "voce",
            &crate::i18n::detail(e, visit.lang),
        )),
        _ => None,
    }
}

/// Writes the entry from the chosen questions, once per form.
pub async fn write(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let posted = fields_of(&body);
    if visit.forged(&field(&posted, "csrf")) {
        return visit.forged_page();
    }
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let form = EntryForm {
        title: field(&posted, "titolo"),
        answer: field(&posted, "risposta"),
        topic: field(&posted, "argomento"),
        questions: field(&posted, "domande"),
        errors: FieldErrors::default(),
    };
    let text = EntryText::validate(&form.title, &form.answer, &form.topic);
    let ids = question_ids(&typed_ids(&form.questions), true);
    let (text, questions) = match (text, ids) {
        (Ok(t), Ok(q)) => (t, q),
        (t, q) => {
            let mut all = domain::Violations::new();
            if let Err(v) = t {
                all.extend(v);
            }
            if let Err(v) = q {
                all.extend(v);
            }
            let e = ApiError::Validation(all);
            let errors = refusals(&visit, &e).unwrap_or_default();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return new_page(&visit, &caller, EntryForm { errors, ..form }, status).await;
        }
    };
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let already = HOME.to_owned();
    let key = field(&posted, "chiave");
    let claim = match super::claim_form_key(&visit, &caller, &key, fingerprint, &already).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit
        .state
        .use_cases
        .run(act, WriteEntry { text, questions })
        .await
    {
        Ok(entry) => {
            let location = format!("{HOME}/{}?scritta=1", entry.row.id);
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&already),
        Err(e) => match refusals(&visit, &e) {
            Some(errors) => {
                new_page(&visit, &caller, EntryForm { errors, ..form }, e.status()).await
            }
            None => visit.console_error(&e),
        },
    }
}

/// An earlier version of the entry, as the page lists it.
pub struct Version {
    pub version: i64,
    pub title: String,
    pub answer: String,
    pub written: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "console/faq_entry.html")]
struct EntryPage<'a> {
    page: &'a Visit,
    frame: Frame,
    id: String,
    version: i64,
    retired: bool,
    topic_words: String,
    topics: Vec<TopicChoice>,
    questions: Vec<String>,
    versions: Vec<Version>,
    form: EntryForm,
    key: String,
    done: String,
}

async fn entry_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    form: Option<EntryForm>,
    refused: FieldErrors,
    done: String,
    status: StatusCode,
) -> HttpResponse {
    let fid = FaqEntryId::from_stored(id.to_owned());
    let run = &visit.state.use_cases;
    let entry = match run
        .run(visit.act_as(caller), ReadEntry { id: fid.clone() })
        .await
    {
        Ok(e) => e,
        Err(e) => return visit.console_error(&e),
    };
    let versions = match run
        .run(visit.act_as(caller), ReadVersions { id: fid })
        .await
    {
        Ok(v) => v,
        Err(e) => return visit.console_error(&e),
    };
    let form = form.unwrap_or_else(|| EntryForm {
        title: entry.row.title.clone(),
        answer: entry.row.answer.clone(),
        topic: entry.row.topic.clone(),
        questions: String::new(),
        errors: refused,
    });
    let topics = match topics(visit, caller, &form.topic).await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let page = EntryPage {
        page: visit,
        frame: Frame::of(Section::Faq, caller),
        id: entry.row.id.clone(),
        version: entry.row.version,
        retired: entry.row.retired_at.is_some(),
        topic_words: topic_words(&topics, &entry.row.topic),
        questions: entry.questions.clone(),
        versions: versions
            .iter()
            .rev()
            .map(|v| Version {
                version: v.version,
                title: v.title.clone(),
                answer: v.answer.clone(),
                written: moment(v.written_at),
                by: v.written_by.clone().unwrap_or_default(),
            })
            .collect(),
        topics,
        form,
        key: uuid::Uuid::new_v4().to_string(),
        done,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    scritta: Option<String>,
    #[serde(default)]
    modificata: Option<String>,
    #[serde(default)]
    ritirata: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = if query.scritta.is_some() {
        visit.t("FAQ pubblicata.", "FAQ entry published.")
    } else if query.modificata.is_some() {
        visit.t(
            "Nuova versione pubblicata; le precedenti restano qui sotto.",
            "New version published; the earlier ones stay below.",
        )
    } else if query.ritirata.is_some() {
        visit.t(
            "FAQ ritirata: la ricerca non la trova più.",
            "FAQ entry retired: the search no longer finds it.",
        )
    } else {
        ""
    };
    entry_page(
        &visit,
        &caller,
        &id,
        None,
        FieldErrors::default(),
        done.to_owned(),
        StatusCode::OK,
    )
    .await
}

/// Edits the entry into its next version, from the version the form showed.
pub async fn edit(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let posted = fields_of(&body);
    if visit.forged(&field(&posted, "csrf")) {
        return visit.forged_page();
    }
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let form = EntryForm {
        title: field(&posted, "titolo"),
        answer: field(&posted, "risposta"),
        topic: field(&posted, "argomento"),
        questions: String::new(),
        errors: FieldErrors::default(),
    };
    let refused = |e: &ApiError, form: EntryForm| match refusals(&visit, e) {
        Some(errors) => Ok(EntryForm { errors, ..form }),
        None => Err(Box::new(visit.console_error(e))),
    };
    let version = field(&posted, "versione")
        .trim()
        .parse::<i64>()
        .unwrap_or(0);
    let text = match EntryText::validate(&form.title, &form.answer, &form.topic) {
        Ok(t) => t,
        Err(v) => {
            let e = ApiError::Validation(v);
            return match refused(&e, form) {
                Ok(form) => {
                    entry_page(
                        &visit,
                        &caller,
                        &id,
                        Some(form),
                        FieldErrors::default(),
                        String::new(),
                        e.status(),
                    )
                    .await
                }
                Err(answer) => *answer,
            };
        }
    };
    let location = format!("{HOME}/{}?modificata=1", id.as_str());
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let key = field(&posted, "chiave");
    let claim = match super::claim_form_key(&visit, &caller, &key, fingerprint, &location).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = EditEntry {
        id: FaqEntryId::from_stored(id.clone()),
        version,
        text,
        questions: Vec::new(),
    };
    match visit.state.use_cases.run(act, case).await {
        Ok(_) => {
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&location),
        Err(e) => match refused(&e, form) {
            Ok(form) => {
                entry_page(
                    &visit,
                    &caller,
                    &id,
                    Some(form),
                    FieldErrors::default(),
                    String::new(),
                    e.status(),
                )
                .await
            }
            Err(answer) => *answer,
        },
    }
}

/// Retires the entry: the search no longer finds it.
pub async fn retire(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let posted = fields_of(&body);
    if visit.forged(&field(&posted, "csrf")) {
        return visit.forged_page();
    }
    let caller = match editor(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let location = format!("{HOME}/{}?ritirata=1", id.as_str());
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let key = field(&posted, "chiave");
    let claim = match super::claim_form_key(&visit, &caller, &key, fingerprint, &location).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = RetireEntry {
        id: FaqEntryId::from_stored(id.clone()),
    };
    match visit.state.use_cases.run(act, case).await {
        Ok(_) => {
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&location),
        Err(e) => match refusals(&visit, &e) {
            Some(errors) => {
                entry_page(
                    &visit,
                    &caller,
                    &id,
                    None,
                    errors,
                    String::new(),
                    e.status(),
                )
                .await
            }
            None => visit.console_error(&e),
        },
    }
}
