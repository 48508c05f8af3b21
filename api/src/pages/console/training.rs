//! Training for the training office (HR and trainers): classroom sessions,
//! listed a page at a time and as CSV, created once per form however often
//! it is sent; a session's register (also as CSV), recorded from the
//! register file the API takes or one person at a time; and, for HR, the
//! e-learning platform's completions file and mandatory training. Every
//! read and change goes through the use cases of the JSON API, whose roles
//! decide who finds the section (anyone else: not found). A file is recorded
//! whole or not at all, every bad row named by its line.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::ids::{NavigatorId, TrainingSessionId};
use domain::selection::CodiceFiscale;
use domain::training::classroom::{NewSession, SessionInput};
use domain::training::mandatory::MandatoryItem;
use domain::{Violation, Violations};
use openapi::ProblemType;
use serde::Deserialize;

use super::table::{csv_answer, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::training::{
    completions_of_file, register_of_file, CreateSession, ListSessions, ListedSession,
    MandatoryRecords, NavigatorByCodice, Person, ReadRegister, RecordAttendance, RecordCompletions,
    RecordMandatory, RegisterRow,
};
use crate::app::UseCase;
use crate::auth::Caller;
use crate::csv_import::RowAt;
use crate::error::ApiError;
use crate::i18n;
use crate::idempotency;
use crate::pages::session::SignedIn;
use crate::pages::upload::{Upload, UploadRefused};
use crate::pages::{read_form, FieldErrors, Visit};

const HOME: &str = "/console/formazione";

/// This section's addresses, under `/console/formazione`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/formazione", web::get().to(list))
        .route("/formazione.csv", web::get().to(download))
        .route("/formazione/sessioni", web::post().to(create))
        // Before the register's route, whose `{id}` would take `….csv` too.
        .route(
            "/formazione/sessioni/{id}.csv",
            web::get().to(register_download),
        )
        .route("/formazione/sessioni/{id}", web::get().to(register))
        .route(
            "/formazione/sessioni/{id}/registro",
            web::post().to(upload_register),
        )
        .route(
            "/formazione/sessioni/{id}/presenza",
            web::post().to(record_one),
        )
        .service(
            web::resource("/formazione/fad")
                .route(web::get().to(distance))
                .route(web::post().to(import_completions)),
        )
        .service(
            web::resource("/formazione/obbligatoria")
                .route(web::get().to(mandatory))
                .route(web::post().to(record_mandatory)),
        );
}

/// The signed-in staff member when the use case `U` lets their role act;
/// anyone else finds nothing here (not found).
async fn allowed<U: UseCase>(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match U::ROLES.contains(&caller.role) {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

/// Whether HR's parts (completions, mandatory training) are the caller's.
fn is_hr(caller: &Caller) -> bool {
    RecordCompletions::ROLES.contains(&caller.role)
}

fn hours_words(visit: &Visit, minutes: i64) -> String {
    i18n::hours(minutes, visit.lang)
}

/// Hours as the downloads write them: a number (`3.5`), as the register
/// file takes them.
fn hours_number(minutes: i64) -> String {
    format!("{}", minutes as f64 / 60.0)
}

/// A refused row of a file, as the page lists it.
pub struct Refusal {
    /// The line of the file, empty for the file as a whole.
    pub line: String,
    pub field: String,
    pub reason: String,
}

fn refusals(visit: &Visit, v: &Violations) -> Vec<Refusal> {
    v.0.iter()
        .map(|x: &Violation| Refusal {
            line: x.line.map(|l| l.to_string()).unwrap_or_default(),
            field: x.field.clone(),
            reason: i18n::violation_message(x, visit.lang),
        })
        .collect()
}

/// What a refused file shows: its rows, or one reason for the whole of it.
#[derive(Default)]
pub struct FileOutcome {
    pub rows: Vec<Refusal>,
    pub reason: String,
}

impl FileOutcome {
    fn of(visit: &Visit, e: &ApiError) -> Option<Self> {
        match e {
            ApiError::FileRejected(v) | ApiError::Validation(v) => Some(Self {
                rows: refusals(visit, v),
                reason: String::new(),
            }),
            ApiError::Rule { .. } | ApiError::Conflict { .. } => Some(Self {
                rows: Vec::new(),
                reason: i18n::detail(e, visit.lang),
            }),
            _ => None,
        }
    }

    fn reason(words: &str) -> Self {
        Self {
            rows: Vec::new(),
            reason: words.to_owned(),
        }
    }

    pub fn refused(&self) -> bool {
        !self.rows.is_empty() || !self.reason.is_empty()
    }
}

/// The file of a posted form; the page for a form that could not be read
/// or came without the token, else its fields and file (`None` when no
/// file was chosen).
async fn read_upload(
    req: &HttpRequest,
    visit: &Visit,
    payload: web::Payload,
) -> Result<Upload, Box<HttpResponse>> {
    let limit = visit.state.settings.import_limit_bytes;
    match Upload::read(req, payload, limit).await {
        Ok(u) if !visit.forged(&u.field("csrf")) => Ok(u),
        Ok(_) | Err(UploadRefused::NotAForm) => Err(Box::new(visit.forged_page())),
        Err(UploadRefused::TooLarge) => {
            let e = ApiError::PayloadTooLarge { limit };
            Err(Box::new(visit.error_page(&e)))
        }
    }
}

fn no_file(visit: &Visit) -> FileOutcome {
    FileOutcome::reason(visit.t(
        "Scegli il file CSV da caricare.",
        "Choose the CSV file to upload.",
    ))
}

// ------------------------------------------------------------ sessions

/// A session as a row of the table.
pub struct SessionLine {
    pub id: String,
    pub day: String,
    pub iso_day: String,
    pub hours: String,
    pub place: String,
    pub trainer: String,
    pub attended: i64,
}

fn line_of(visit: &Visit, s: &ListedSession) -> SessionLine {
    SessionLine {
        id: s.session.id.clone(),
        day: visit.day(&s.session.day),
        iso_day: s.session.day.format("%Y-%m-%d").to_string(),
        hours: hours_words(visit, s.session.minutes),
        place: s.session.place.clone(),
        trainer: s.session.trainer.clone(),
        attended: s.attended,
    }
}

/// What the creation form holds.
#[derive(Default)]
struct SessionForm {
    day: String,
    hours: String,
    place: String,
    trainer: String,
    errors: FieldErrors,
    /// Shown after a form sent again: it made nothing more.
    already: bool,
}

#[derive(Template)]
#[template(path = "console/training.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    hr: bool,
    listing: Listing,
    rows: Vec<SessionLine>,
    next: Option<String>,
    form: SessionForm,
    /// A fresh key for the creation form.
    key: String,
}

async fn list_page(
    visit: &Visit,
    caller: &Caller,
    form: SessionForm,
    status: StatusCode,
) -> HttpResponse {
    let listing = Listing::of(visit, HOME, &[]);
    let case = ListSessions {
        before_id: listing.cursor.clone(),
        limit: PAGE_ROWS,
    };
    let sessions = match visit.state.use_cases.run(visit.act_as(caller), case).await {
        Ok(s) => s,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&sessions.next_cursor);
    let page = ListPage {
        page: visit,
        frame: Frame::of(Section::Training, caller),
        hr: is_hr(caller),
        listing,
        rows: sessions.items.iter().map(|s| line_of(visit, s)).collect(),
        next,
        form,
        key: uuid::Uuid::new_v4().to_string(),
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct ListShown {
    #[serde(default)]
    gia: Option<String>,
}

/// The sessions, newest first, with the form to create one.
pub async fn list(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    query: web::Query<ListShown>,
) -> HttpResponse {
    let caller = match allowed::<ListSessions>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let form = SessionForm {
        already: query.gia.is_some(),
        ..SessionForm::default()
    };
    list_page(&visit, &caller, form, StatusCode::OK).await
}

/// Every session, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match allowed::<ListSessions>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let mut lines = Vec::new();
    let mut before_id = None;
    loop {
        let case = ListSessions {
            before_id,
            limit: DOWNLOAD_BATCH,
        };
        let page = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
            Ok(p) => p,
            Err(e) => return visit.console_error(&e),
        };
        for s in &page.items {
            let l = line_of(&visit, s);
            lines.push(vec![
                l.id,
                l.iso_day,
                hours_number(s.session.minutes),
                l.place,
                l.trainer,
                l.attended.to_string(),
            ]);
        }
        match page.next_cursor {
            Some(n) => before_id = Some(n),
            None => break,
        }
    }
    // The columns keep one name whatever the language of the page.
    let header = ["session_id", "day", "hours", "place", "trainer", "attended"];
    csv_answer(&visit, "sessioni.csv", &header, &lines)
}

#[derive(Deserialize)]
struct SessionPosted {
    csrf: String,
    #[serde(default)]
    chiave: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    trainer: String,
}

/// Hours as a person types them: `3`, `3.5` or `3,5`.
fn typed_hours(raw: &str) -> Option<f64> {
    raw.trim().replace(',', ".").parse::<f64>().ok()
}

/// Creates a session, once per form: the form's key is claimed in the
/// session's own transaction, so the same form sent twice (or pressed twice
/// at once) makes one session and answers as the first did.
pub async fn create(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<SessionPosted>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match allowed::<CreateSession>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let refused = |errors: FieldErrors| SessionForm {
        day: posted.day.clone(),
        hours: posted.hours.clone(),
        place: posted.place.clone(),
        trainer: posted.trainer.clone(),
        errors,
        already: false,
    };
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    // Sent already: the first answer again, or the list while the first is
    // still running.
    let already = format!("{HOME}?gia=1");
    let claim =
        match super::claim_form_key(&visit, &caller, &posted.chiave, fingerprint, &already).await {
            Ok(c) => c,
            Err(answer) => return answer,
        };
    // The day and the hours are read here; the use case's rules do the rest.
    let mut errors = FieldErrors::default();
    let day = match NaiveDate::parse_from_str(posted.day.trim(), "%Y-%m-%d") {
        Ok(d) => match domain::day::check("day", d) {
            Ok(d) => Some(d),
            Err(v) => {
                errors = errors.with("day", &i18n::violation_message(&v, visit.lang));
                None
            }
        },
        Err(_) => {
            errors = errors.with(
                "day",
                visit.t("Indica un giorno valido.", "Give a valid day."),
            );
            None
        }
    };
    let hours = typed_hours(&posted.hours);
    if hours.is_none() {
        errors = errors.with(
            "hours",
            visit.t(
                "Indica le ore con un numero, ad esempio 3,5.",
                "Give the hours as a number, e.g. 3.5.",
            ),
        );
    }
    let parsed = NewSession::parse(&SessionInput {
        day: day.unwrap_or_default(),
        hours: hours.unwrap_or(1.0),
        place: &posted.place,
        trainer: &posted.trainer,
    });
    let session = match parsed {
        Ok(s) if errors.is_empty() => s,
        Ok(_) => return list_page(&visit, &caller, refused(errors), UNPROCESSABLE).await,
        Err(v) => {
            let more = FieldErrors::of(&ApiError::Validation(v), visit.lang).unwrap_or_default();
            let all = more.iter().fold(errors, |acc, (f, m)| acc.with(f, m));
            return list_page(&visit, &caller, refused(all), UNPROCESSABLE).await;
        }
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit
        .state
        .use_cases
        .run(act, CreateSession { session })
        .await
    {
        Ok(row) => {
            let location = format!("{HOME}/sessioni/{}?creata=1", row.id);
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(&format!("{HOME}?gia=1")),
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => list_page(&visit, &caller, refused(errors), e.status()).await,
            None => visit.console_error(&e),
        },
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

// ------------------------------------------------------------ a register

/// A person of the register, as a row.
pub struct AttendedLine {
    pub name: String,
    pub hours: String,
}

/// What the one-person form holds.
#[derive(Default)]
struct PersonForm {
    codice_fiscale: String,
    hours: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "console/training_session.html")]
struct RegisterPage<'a> {
    page: &'a Visit,
    frame: Frame,
    id: String,
    day: String,
    hours: String,
    place: String,
    trainer: String,
    attended: Vec<AttendedLine>,
    /// The register, as CSV.
    download: String,
    /// What the last form did, in words.
    done: String,
    file: FileOutcome,
    form: PersonForm,
}

async fn register_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    (done, file, form): (String, FileOutcome, PersonForm),
    status: StatusCode,
) -> HttpResponse {
    let case = ReadRegister {
        session_id: TrainingSessionId::from_stored(id.to_owned()),
    };
    let register = match visit.state.use_cases.run(visit.act_as(caller), case).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let s = &register.session;
    let page = RegisterPage {
        page: visit,
        frame: Frame::of(Section::Training, caller),
        id: s.id.clone(),
        day: visit.day(&s.day),
        hours: hours_words(visit, s.minutes),
        place: s.place.clone(),
        trainer: s.trainer.clone(),
        attended: register
            .attended
            .iter()
            .map(|a| AttendedLine {
                name: format!("{} {}", a.navigator.last_name, a.navigator.first_name),
                hours: hours_words(visit, a.minutes),
            })
            .collect(),
        download: format!("{HOME}/sessioni/{}.csv", s.id),
        done,
        file,
        form,
    };
    visit.render(status, &page)
}

/// A session's register, the rows of the page's table, as CSV.
pub async fn register_download(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
) -> HttpResponse {
    let caller = match allowed::<ReadRegister>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let case = ReadRegister {
        session_id: TrainingSessionId::from_stored(id.into_inner()),
    };
    let register = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = register
        .attended
        .iter()
        .map(|a| {
            vec![
                a.navigator.id.clone(),
                format!("{} {}", a.navigator.last_name, a.navigator.first_name),
                hours_number(a.minutes),
            ]
        })
        .collect();
    let header = [
        "navigator_id",
        visit.t("navigator", "navigator"),
        visit.t("ore", "hours"),
    ];
    let file = format!("registro-{}.csv", register.session.day.format("%Y-%m-%d"));
    csv_answer(&visit, &file, &header, &lines)
}

#[derive(Deserialize)]
pub struct RegisterShown {
    #[serde(default)]
    creata: Option<String>,
    #[serde(default)]
    registrate: Option<usize>,
    #[serde(default)]
    corrette: Option<usize>,
}

/// A session and its register, with the forms to record attendance.
pub async fn register(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<RegisterShown>,
) -> HttpResponse {
    let caller = match allowed::<ReadRegister>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = match (&query.creata, query.registrate, query.corrette) {
        (Some(_), _, _) => visit.t("Sessione creata.", "Session created.").to_owned(),
        (_, Some(r), c) => format!(
            "{} {r}; {} {}",
            visit.t("Presenze registrate:", "Attendance recorded:"),
            visit.t("corrette:", "corrected:"),
            c.unwrap_or(0)
        ),
        _ => String::new(),
    };
    let shown = (done, FileOutcome::default(), PersonForm::default());
    register_page(&visit, &caller, &id, shown, StatusCode::OK).await
}

fn recorded_at(id: &str, done: &crate::app::training::Attendance) -> String {
    format!(
        "{HOME}/sessioni/{id}?registrate={}&corrette={}",
        done.recorded, done.corrected
    )
}

/// Records the register file (`codice_fiscale,hours`, as the API takes
/// it): every row or none, each bad row named by its line.
pub async fn upload_register(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let upload = match read_upload(&req, &visit, payload).await {
        Ok(u) => u,
        Err(away) => return *away,
    };
    let caller = match allowed::<RecordAttendance>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some((_, bytes)) = upload.file.as_ref() else {
        let shown = (String::new(), no_file(&visit), PersonForm::default());
        return register_page(&visit, &caller, &id, shown, UNPROCESSABLE).await;
    };
    let (rows, rejected) = register_of_file(bytes);
    let case = RecordAttendance {
        session_id: TrainingSessionId::from_stored(id.clone()),
        rows,
        rejected,
        kind: RowAt::Line(1),
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(done) => visit.see_other(&recorded_at(&id, &done)),
        Err(e) => match FileOutcome::of(&visit, &e) {
            Some(file) => {
                let shown = (String::new(), file, PersonForm::default());
                register_page(&visit, &caller, &id, shown, e.status()).await
            }
            None => visit.console_error(&e),
        },
    }
}

#[derive(Deserialize)]
struct PersonPosted {
    csrf: String,
    #[serde(default)]
    codice_fiscale: String,
    #[serde(default)]
    hours: String,
}

/// Records one person's attendance, named by codice fiscale.
pub async fn record_one(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<PersonPosted>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match allowed::<RecordAttendance>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let refused = |errors: FieldErrors| {
        let form = PersonForm {
            codice_fiscale: posted.codice_fiscale.clone(),
            hours: posted.hours.clone(),
            errors,
        };
        (String::new(), FileOutcome::default(), form)
    };
    let mut errors = FieldErrors::default();
    let codice = match CodiceFiscale::parse("codice_fiscale", &posted.codice_fiscale) {
        Ok(c) => Some(c),
        Err(v) => {
            errors = errors.with("codice_fiscale", &i18n::violation_message(&v, visit.lang));
            None
        }
    };
    let hours = typed_hours(&posted.hours);
    if hours.is_none() {
        errors = errors.with(
            "hours",
            visit.t(
                "Indica le ore con un numero, ad esempio 3,5.",
                "Give the hours as a number, e.g. 3.5.",
            ),
        );
    }
    let (Some(codice), Some(hours)) = (codice, hours) else {
        return register_page(&visit, &caller, &id, refused(errors), UNPROCESSABLE).await;
    };
    let at = RowAt::Index(0);
    let case = RecordAttendance {
        session_id: TrainingSessionId::from_stored(id.clone()),
        rows: vec![RegisterRow {
            at,
            person: Person::Codice(codice),
            hours,
        }],
        rejected: Violations::new(),
        kind: at,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(done) => visit.see_other(&recorded_at(&id, &done)),
        Err(e) => {
            let errors = match &e {
                // The one row's fields are the form's.
                ApiError::Validation(v) => v.0.iter().fold(FieldErrors::default(), |acc, x| {
                    let field = x.field.trim_start_matches("[0].");
                    acc.with(field, &i18n::violation_message(x, visit.lang))
                }),
                ApiError::Rule { .. } | ApiError::Conflict { .. } => {
                    FieldErrors::one("hours", &i18n::detail(&e, visit.lang))
                }
                _ => return visit.console_error(&e),
            };
            register_page(&visit, &caller, &id, refused(errors), e.status()).await
        }
    }
}

// ------------------------------------------------------------ distance learning

#[derive(Template)]
#[template(path = "console/training_distance.html")]
struct DistancePage<'a> {
    page: &'a Visit,
    frame: Frame,
    hr: bool,
    done: String,
    file: FileOutcome,
}

#[derive(Deserialize)]
pub struct DistanceShown {
    #[serde(default)]
    registrati: Option<usize>,
    #[serde(default)]
    superati: Option<usize>,
    #[serde(default)]
    invariati: Option<usize>,
}

fn distance_page(
    visit: &Visit,
    caller: &Caller,
    done: String,
    file: FileOutcome,
    status: StatusCode,
) -> HttpResponse {
    let page = DistancePage {
        page: visit,
        frame: Frame::of(Section::Training, caller),
        hr: true,
        done,
        file,
    };
    visit.render(status, &page)
}

/// The form to import the e-learning platform's completions file (HR).
pub async fn distance(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    query: web::Query<DistanceShown>,
) -> HttpResponse {
    let caller = match allowed::<RecordCompletions>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = match query.registrati {
        Some(n) => format!(
            "{} {n}; {} {}; {} {}",
            visit.t("Completamenti registrati:", "Completions recorded:"),
            visit.t("con test superato:", "with the test passed:"),
            query.superati.unwrap_or(0),
            visit.t("senza modifiche:", "unchanged:"),
            query.invariati.unwrap_or(0),
        ),
        None => String::new(),
    };
    distance_page(
        &visit,
        &caller,
        done,
        FileOutcome::default(),
        StatusCode::OK,
    )
}

/// Records the completions file: every row or none, each bad row named.
pub async fn import_completions(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    payload: web::Payload,
) -> HttpResponse {
    let upload = match read_upload(&req, &visit, payload).await {
        Ok(u) => u,
        Err(away) => return *away,
    };
    let caller = match allowed::<RecordCompletions>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Some((_, bytes)) = upload.file.as_ref() else {
        return distance_page(
            &visit,
            &caller,
            String::new(),
            no_file(&visit),
            UNPROCESSABLE,
        );
    };
    let (rows, rejected) = completions_of_file(bytes);
    let case = RecordCompletions {
        rows,
        rejected,
        kind: RowAt::Line(1),
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(done) => visit.see_other(&format!(
            "{HOME}/fad?registrati={}&superati={}&invariati={}",
            done.recorded, done.passed, done.unchanged
        )),
        Err(e) => match FileOutcome::of(&visit, &e) {
            Some(file) => distance_page(&visit, &caller, String::new(), file, e.status()),
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ mandatory training

/// An item of mandatory training, as the form offers it.
pub struct ItemChoice {
    pub value: &'static str,
    pub words: &'static str,
    pub chosen: bool,
}

#[derive(Default)]
struct MandatoryForm {
    codice_fiscale: String,
    item: String,
    completed_on: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "console/training_mandatory.html")]
struct MandatoryPage<'a> {
    page: &'a Visit,
    frame: Frame,
    hr: bool,
    done: String,
    codice_fiscale: String,
    completed_on: String,
    items: Vec<ItemChoice>,
    errors: FieldErrors,
    kept: Option<Kept>,
}

/// A Navigator's mandatory training as recorded, oldest first.
pub struct Kept {
    pub name: String,
    /// Each completion: what, and on which day.
    pub rows: Vec<(String, String)>,
}

fn item_words(visit: &Visit, item: MandatoryItem) -> &'static str {
    match item {
        MandatoryItem::HealthAndSafety => {
            visit.t("Salute e sicurezza sul lavoro", "Health and safety at work")
        }
        MandatoryItem::DataProtection => {
            visit.t("Protezione dei dati personali", "Personal data protection")
        }
        MandatoryItem::FinalAssessment => visit.t(
            "Valutazione finale del percorso",
            "The path's final assessment",
        ),
    }
}

fn mandatory_page(
    visit: &Visit,
    caller: &Caller,
    (done, kept): (String, Option<Kept>),
    form: MandatoryForm,
    status: StatusCode,
) -> HttpResponse {
    let page = MandatoryPage {
        kept,
        page: visit,
        frame: Frame::of(Section::Training, caller),
        hr: true,
        done,
        codice_fiscale: form.codice_fiscale,
        completed_on: form.completed_on,
        items: MandatoryItem::ALL
            .iter()
            .map(|i| ItemChoice {
                value: i.as_str(),
                words: item_words(visit, *i),
                chosen: form.item == i.as_str(),
            })
            .collect(),
        errors: form.errors,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct MandatoryShown {
    #[serde(default)]
    registrata: Option<String>,
    #[serde(default)]
    il: Option<String>,
    /// Whose records to show: the Navigator just recorded.
    #[serde(default)]
    navigator: Option<String>,
}

/// The form to record a completion of mandatory training (HR).
pub async fn mandatory(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    query: web::Query<MandatoryShown>,
) -> HttpResponse {
    let caller = match allowed::<RecordMandatory>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let done = match (
        query.registrata.as_deref().and_then(MandatoryItem::parse),
        query
            .il
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    ) {
        (Some(item), Some(day)) => format!(
            "{} {} {}",
            visit.t("Registrata:", "Recorded:"),
            item_words(&visit, item),
            format_args!("{} {}", visit.t("il", "on"), visit.day(&day)),
        ),
        _ => String::new(),
    };
    let kept = match &query.navigator {
        None => None,
        Some(id) => {
            let case = MandatoryRecords {
                navigator_id: NavigatorId::from_stored(id.clone()),
            };
            match visit.state.use_cases.run(visit.act_as(&caller), case).await {
                Ok((nav, rows)) => Some(Kept {
                    name: format!("{} {}", nav.last_name, nav.first_name),
                    rows: rows
                        .iter()
                        .map(|r| {
                            let what = MandatoryItem::parse(&r.item)
                                .map_or(r.item.clone(), |i| item_words(&visit, i).to_owned());
                            (what, visit.day(&r.completed_on))
                        })
                        .collect(),
                }),
                Err(e) => return visit.console_error(&e),
            }
        }
    };
    mandatory_page(
        &visit,
        &caller,
        (done, kept),
        MandatoryForm::default(),
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct MandatoryPosted {
    csrf: String,
    #[serde(default)]
    codice_fiscale: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    completed_on: String,
}

/// Records a completion of mandatory training for the Navigator the codice
/// fiscale names.
pub async fn record_mandatory(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<MandatoryPosted>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match allowed::<RecordMandatory>(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let refused = |errors: FieldErrors| MandatoryForm {
        codice_fiscale: posted.codice_fiscale.clone(),
        item: posted.item.clone(),
        completed_on: posted.completed_on.clone(),
        errors,
    };
    let mut errors = FieldErrors::default();
    let codice = match CodiceFiscale::parse("codice_fiscale", &posted.codice_fiscale) {
        Ok(c) => Some(c),
        Err(v) => {
            errors = errors.with("codice_fiscale", &i18n::violation_message(&v, visit.lang));
            None
        }
    };
    let item = MandatoryItem::parse(&posted.item);
    if item.is_none() {
        errors = errors.with(
            "item",
            visit.t("Scegli la formazione svolta.", "Choose the training done."),
        );
    }
    let day = NaiveDate::parse_from_str(posted.completed_on.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| domain::day::check("completed_on", d).ok());
    if day.is_none() {
        errors = errors.with(
            "completed_on",
            visit.t("Indica un giorno valido.", "Give a valid day."),
        );
    }
    let (Some(codice), Some(item), Some(completed_on)) = (codice, item, day) else {
        return mandatory_page(
            &visit,
            &caller,
            (String::new(), None),
            refused(errors),
            UNPROCESSABLE,
        );
    };
    let run = &visit.state.use_cases;
    let navigator = match run
        .run(visit.act_as(&caller), NavigatorByCodice { codice })
        .await
    {
        Ok(n) => n,
        Err(ApiError::NotFound { .. }) => {
            let words = visit.t(
                "Nessun Navigator ha questo codice fiscale.",
                "No Navigator has this codice fiscale.",
            );
            let form = refused(FieldErrors::one("codice_fiscale", words));
            return mandatory_page(&visit, &caller, (String::new(), None), form, UNPROCESSABLE);
        }
        Err(e) => return visit.console_error(&e),
    };
    let case = RecordMandatory {
        navigator_id: NavigatorId::from_stored(navigator.id),
        item,
        completed_on,
    };
    match run.run(visit.act_as(&caller), case).await {
        Ok(row) => visit.see_other(&format!(
            "{HOME}/obbligatoria?registrata={}&il={}&navigator={}",
            row.item, row.completed_on, row.navigator_id
        )),
        Err(e) => {
            let errors = match &e {
                ApiError::Validation(_) => FieldErrors::of(&e, visit.lang).unwrap_or_default(),
                ApiError::Conflict { .. } => {
                    FieldErrors::one("completed_on", &i18n::detail(&e, visit.lang))
                }
                ApiError::Rule { .. } => FieldErrors::one("item", &i18n::detail(&e, visit.lang)),
                _ => return visit.console_error(&e),
            };
            mandatory_page(
                &visit,
                &caller,
                (String::new(), None),
                refused(errors),
                e.status(),
            )
        }
    }
}
