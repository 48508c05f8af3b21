//! HR's selections: create one with its rules and posts per province, import applications and results (every refused row shown by line and reason, nothing written when one is bad), admission, publishing the rankings, a ranking with each position's `decided_by` in words, corrections side by side, the records-request extract.
//!
//! Every step runs the use case the JSON API runs: the CSV files are handed
//! whole to the import use cases, which parse and check them (one parser).
//! A form that makes something new (a selection, a correction) carries a
//! key made when the page was shown, claimed in the change's transaction as
//! an `Idempotency-Key` is: sent twice, it makes one.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use domain::ids::SelectionId;
use domain::selection::ranking::DecidedBy;
use domain::{RuleCode, Violation, Violations};
use openapi::dto::SelectionRequest;
use openapi::ProblemType;
use persistence::selection::{ApplicationRow, EntryRow, SelectionRow};

use super::table::{csv_answer, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{hr_officer, Frame, Section};
use crate::app::selection::{
    settings_of, ComputeAdmission, CorrectRanking, CorrectedResult, CreateSelection, ExtractFormat,
    ExtractRanking, ImportApplications, ImportResults, ListSelections, PostsChange,
    ProvinceProgress, PublishRankings, RankingRecord, ReadProgress, ReadRanking, ReadSelection,
    SelectionRecord, SetPosts,
};
use crate::app::{IdempotencyClaim, UseCase};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::idempotency;
use crate::pages::session::SignedIn;
use crate::pages::upload::{Upload, UploadRefused};
use crate::pages::{FieldErrors, Visit};

const HOME: &str = "/console/selezioni";
/// Empty rows the posts form offers for provinces not listed yet.
const NEW_POST_ROWS: usize = 3;

/// This section's addresses, under `/console/selezioni`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/selezioni")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .route("/selezioni.csv", web::get().to(download))
    .route("/selezioni/{id}", web::get().to(show))
    .route("/selezioni/{id}/posti", web::post().to(set_posts))
    .route(
        "/selezioni/{id}/domande",
        web::post().to(import_applications),
    )
    .route("/selezioni/{id}/ammissione", web::post().to(admission))
    .route("/selezioni/{id}/risultati", web::post().to(import_results))
    .route("/selezioni/{id}/pubblicazione", web::post().to(publish))
    // Before the page's route, whose `{sigla}` would take `NA.csv` too.
    .route(
        "/selezioni/{id}/graduatorie/{sigla}.csv",
        web::get().to(ranking_download),
    )
    .route(
        "/selezioni/{id}/graduatorie/{sigla}",
        web::get().to(ranking),
    )
    .route(
        "/selezioni/{id}/graduatorie/{sigla}/rettifiche",
        web::post().to(correct),
    )
    .route(
        "/selezioni/{id}/graduatorie/{sigla}/estratto",
        web::get().to(extract),
    );
}

fn selection_of(id: &str) -> String {
    format!("{HOME}/{id}")
}

fn ranking_of(id: &str, sigla: &str) -> String {
    format!("{HOME}/{id}/graduatorie/{sigla}")
}

/// A selection's stage, in words.
fn state_words(visit: &Visit, s: &SelectionRow) -> String {
    match (s.rankings_published_on, s.admission_done_at) {
        (Some(d), _) => format!(
            "{} {}",
            visit.t("Graduatorie pubblicate il", "Rankings published on"),
            visit.day(&d)
        ),
        (None, Some(_)) => visit
            .t(
                "Ammissione calcolata: in attesa dei risultati e della pubblicazione",
                "Admission computed: awaiting the results and the publication",
            )
            .to_owned(),
        (None, None) => visit
            .t("Aperta: posti e domande", "Open: posts and applications")
            .to_owned(),
    }
}

/// Points with two decimals, with the visit's decimal sign.
fn points(visit: &Visit, hundredths: i64) -> String {
    let text = format!("{:.2}", hundredths as f64 / 100.0);
    match visit.lang {
        Lang::It => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A posted form's fields, in order (some repeat), values as typed.
pub(super) fn fields_of(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// A field's first value, or empty when the form has none.
pub(super) fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// What a form's hidden key already did, if anything: the answer to give
/// again, or `None` when the form is sent for the first time (with the
/// claim to make in the change's transaction).
async fn claim_form(
    visit: &Visit,
    caller: &Caller,
    req: &HttpRequest,
    key: &str,
    fields: &[(String, String)],
    already: &str,
) -> Result<IdempotencyClaim, HttpResponse> {
    // The same key with other values is another form, not a second press.
    let mut parts: Vec<&[u8]> = vec![b"POST", req.path().as_bytes()];
    for (k, v) in fields.iter().filter(|(k, _)| k != "csrf" && k != "chiave") {
        parts.push(k.as_bytes());
        parts.push(v.as_bytes());
    }
    let fingerprint = idempotency::fingerprint(&parts);
    super::claim_form_key(visit, caller, key, fingerprint, already).await
}

fn in_flight(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }
    )
}

// ------------------------------------------------------------ the list

/// A selection as a row of the list.
pub struct Row {
    pub id: String,
    pub code: String,
    pub title: String,
    pub published_on: String,
    pub state: String,
}

fn row_of(visit: &Visit, r: &SelectionRecord) -> Row {
    let s = &r.selection;
    Row {
        id: s.id.clone(),
        code: s.code.clone(),
        title: s.title.clone(),
        published_on: visit.day(&s.published_on),
        state: state_words(visit, s),
    }
}

/// The create form as typed, every field by the name the rules give it.
#[derive(Default)]
pub struct CreateForm {
    values: HashMap<String, String>,
    pub decline_is_final: bool,
    pub key: String,
}

impl CreateForm {
    fn fresh() -> Self {
        Self {
            values: HashMap::new(),
            decline_is_final: true,
            key: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// The value typed in `name`, empty when none.
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

/// A field of the create form, with its words, value and refusal.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub hint: &'static str,
    pub value: String,
    pub error: String,
}

fn inputs(visit: &Visit, form: &CreateForm, errors: &FieldErrors) -> Vec<Input> {
    let input =
        |name: &'static str, kind: &'static str, label: &'static str, hint: &'static str| Input {
            name,
            label,
            kind,
            hint,
            value: form.value(name).to_owned(),
            error: errors.get(name).to_owned(),
        };
    let t = |it, en| visit.t(it, en);
    vec![
        input(
            "code",
            "text",
            t("Codice", "Code"),
            t(
                "Lettere, cifre, - _ /; per esempio ANPAL-NAV-2019.",
                "Letters, digits, - _ /; for example ANPAL-NAV-2019.",
            ),
        ),
        input(
            "title",
            "text",
            t("Titolo dell'avviso", "Title of the notice"),
            "",
        ),
        input(
            "published_on",
            "date",
            t(
                "Data di pubblicazione dell'avviso",
                "Publication day of the notice",
            ),
            "",
        ),
        input(
            "questions",
            "text",
            t("Domande della prova", "Questions of the test"),
            t("Se vuoto: 100.", "If empty: 100."),
        ),
        input(
            "pass_mark",
            "text",
            t("Punteggio minimo per l'idoneità", "Pass mark"),
            t("Se vuoto: 60.", "If empty: 60."),
        ),
        input(
            "wrong_penalty",
            "text",
            t(
                "Penalità per risposta errata (punti)",
                "Penalty per wrong answer (points)",
            ),
            t(
                "Al massimo due decimali. Se vuoto: 0,40.",
                "At most two decimals. If empty: 0.40.",
            ),
        ),
        input(
            "admission_multiplier",
            "text",
            t(
                "Ammessi alla prova per posto",
                "Admitted to the test per post",
            ),
            t("Se vuoto: 20.", "If empty: 20."),
        ),
        input(
            "offer_days",
            "text",
            t(
                "Giorni per rispondere a un'offerta",
                "Days to answer an offer",
            ),
            t("Da 1 a 90. Se vuoto: 7.", "1 to 90. If empty: 7."),
        ),
        input(
            "ranking_valid_months",
            "text",
            t(
                "Validità delle graduatorie (mesi)",
                "Validity of the rankings (months)",
            ),
            t("Da 1 a 120. Se vuoto: 24.", "1 to 120. If empty: 24."),
        ),
        input(
            "annual_pay_cents",
            "text",
            t("Compenso lordo annuo (euro)", "Gross annual pay (euros)"),
            t("Se vuoto: 27.338,76.", "If empty: 27,338.76."),
        ),
        input(
            "monthly_expenses_cents",
            "text",
            t(
                "Rimborso spese mensile forfettario (euro)",
                "Flat monthly expenses (euros)",
            ),
            t("Se vuoto: 300,00.", "If empty: 300.00."),
        ),
        input(
            "contract_end",
            "date",
            t("Fine dei contratti", "End of the contracts"),
            t("Se vuoto: 30/04/2021.", "If empty: 2021-04-30."),
        ),
        input(
            "training_path",
            "text",
            t("Percorso formativo (codice)", "Training path (code)"),
            t(
                "Se vuoto: il percorso del 2019.",
                "If empty: the 2019 path.",
            ),
        ),
    ]
}

#[derive(Template)]
#[template(path = "console/selections.html")]
struct ListPage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    rows: Vec<Row>,
    next: Option<String>,
    inputs: Vec<Input>,
    form: CreateForm,
    errors: FieldErrors,
    /// The form had been sent already.
    again: bool,
}

async fn list_page(
    visit: &Visit,
    caller: &Caller,
    form: CreateForm,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let listing = Listing::of(visit, HOME, &[]);
    let case = ListSelections {
        cursor: listing.cursor.clone(),
        limit: PAGE_ROWS,
    };
    let found = match visit.state.use_cases.run(visit.act_as(caller), case).await {
        Ok(p) => p,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&found.next_cursor);
    let page = ListPage {
        page: visit,
        frame: Frame::of(Section::Selections, caller),
        rows: found.items.iter().map(|r| row_of(visit, r)).collect(),
        listing,
        next,
        inputs: inputs(visit, &form, &errors),
        form,
        errors,
        again: visit.query.iter().any(|(k, _)| k == "gia"),
    };
    visit.render(status, &page)
}

/// Every selection, newest first, and the form to create one.
pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    list_page(
        &visit,
        &caller,
        CreateForm::fresh(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Every selection as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let mut lines = Vec::new();
    let mut cursor = None;
    loop {
        let case = ListSelections {
            cursor,
            limit: DOWNLOAD_BATCH,
        };
        let found = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
            Ok(p) => p,
            Err(e) => return visit.console_error(&e),
        };
        for r in &found.items {
            let s = &r.selection;
            lines.push(vec![
                s.id.clone(),
                s.code.clone(),
                s.title.clone(),
                s.published_on.to_string(),
                s.admission_done_at.is_some().to_string(),
                s.rankings_published_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                r.training_path.clone().unwrap_or_default(),
            ]);
        }
        match found.next_cursor {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    // The columns keep one name whatever the language of the page.
    let header = [
        "selection_id",
        "code",
        "title",
        "published_on",
        "admission_done",
        "rankings_published_on",
        "training_path",
    ];
    csv_answer(&visit, "selezioni.csv", &header, &lines)
}

/// The create form's numbers and days as the API's request; what cannot
/// be read is named with the rules' other refusals.
fn request_of(form: &CreateForm, today: NaiveDate) -> (SelectionRequest, Violations) {
    let mut bad = Violations::new();
    let text = |name: &str| form.value(name).trim().to_owned();
    let mut whole = |name: &str| -> Option<i64> {
        let t = text(name);
        if t.is_empty() {
            return None;
        }
        t.parse::<i64>()
            .map_err(|_| bad.push(Violation::new(name, RuleCode::NotANumber).with_detail(&t)))
            .ok()
    };
    let questions = whole("questions");
    let pass_mark = whole("pass_mark");
    let admission_multiplier = whole("admission_multiplier");
    let offer_days = whole("offer_days");
    let ranking_valid_months = whole("ranking_valid_months");
    // Euros as written, with a comma or a point: the rules take cents.
    let mut cents = |name: &str| -> Option<i64> {
        let t = text(name);
        if t.is_empty() {
            return None;
        }
        let n = t.replace('.', "").replace(',', ".");
        let plain = t.replace(',', ".");
        let read = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
        // "27.338,76" (Italian) or "27338.76".
        let value = match t.contains(',') {
            true => read(&n),
            false => read(&plain),
        };
        match value.map(|v| (v * 100.0).round()) {
            Some(c) if c.abs() < 1e15 => Some(c as i64),
            _ => {
                bad.push(Violation::new(name, RuleCode::NotANumber).with_detail(&t));
                None
            }
        }
    };
    let annual_pay_cents = cents("annual_pay_cents");
    let monthly_expenses_cents = cents("monthly_expenses_cents");
    let wrong_penalty = {
        let t = text("wrong_penalty");
        match t.is_empty() {
            true => None,
            false => match t.replace(',', ".").parse::<f64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    bad.push(Violation::new("wrong_penalty", RuleCode::NotANumber).with_detail(&t));
                    None
                }
            },
        }
    };
    let mut day = |name: &str, required: bool| -> Option<NaiveDate> {
        let t = text(name);
        if t.is_empty() {
            if required {
                bad.push(Violation::new(name, RuleCode::Required));
            }
            return None;
        }
        match NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .ok()
            .and_then(|d| domain::day::check(name, d).ok())
        {
            Some(d) => Some(d),
            None => {
                bad.push(Violation::new(name, RuleCode::InvalidDate).with_detail(&t));
                None
            }
        }
    };
    let published_on = day("published_on", true);
    let contract_end = day("contract_end", false);
    let training_path = Some(text("training_path")).filter(|t| !t.is_empty());
    let request = SelectionRequest {
        code: form.value("code").to_owned(),
        title: form.value("title").to_owned(),
        // A day is needed to check the other rules; its own refusal is named.
        published_on: published_on.unwrap_or(today),
        questions,
        pass_mark,
        wrong_penalty,
        admission_multiplier,
        offer_days,
        ranking_valid_months,
        annual_pay_cents,
        monthly_expenses_cents,
        contract_end,
        decline_is_final: Some(form.decline_is_final),
        training_path,
    };
    (request, bad)
}

/// The create form's fields, by the names the rules give them.
const CREATE_FIELDS: [&str; 13] = [
    "code",
    "title",
    "published_on",
    "questions",
    "pass_mark",
    "wrong_penalty",
    "admission_multiplier",
    "offer_days",
    "ranking_valid_months",
    "annual_pay_cents",
    "monthly_expenses_cents",
    "contract_end",
    "training_path",
];

/// Opens a selection with the rules given (the 2019 defaults for those
/// left empty); a refusal is shown next to its field.
pub async fn create(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let fields = fields_of(&body);
    if visit.forged(&field(&fields, "csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let form = CreateForm {
        values: CREATE_FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), field(&fields, f)))
            .collect(),
        decline_is_final: !field(&fields, "decline_is_final").is_empty(),
        key: field(&fields, "chiave"),
    };
    let (request, mut bad) = request_of(&form, visit.state.today());
    let training_path = request.training_path.clone();
    let settings = match settings_of(request) {
        Ok(s) if bad.is_empty() => Some(s),
        Ok(_) => None,
        Err(v) => {
            bad.extend(v);
            None
        }
    };
    let Some(settings) = settings else {
        let errors = FieldErrors::of(&ApiError::Validation(bad), visit.lang).unwrap_or_default();
        return list_page(
            &visit,
            &caller,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let claim = match claim_form(
        &visit,
        &caller,
        &req,
        &form.key,
        &fields,
        &format!("{HOME}?gia=1"),
    )
    .await
    {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = CreateSelection {
        settings,
        training_path,
    };
    match visit.state.use_cases.run(act, case).await {
        Ok(made) => {
            let location = format!("{}?esito=creata", selection_of(&made.selection.id));
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(e) if in_flight(&e) => visit.see_other(&format!("{HOME}?gia=1")),
        Err(
            e @ ApiError::Conflict {
                code: ProblemType::SelectionExists,
                ..
            },
        ) => {
            let words = i18n::detail(&e, visit.lang);
            let errors = FieldErrors::one("code", &words);
            list_page(&visit, &caller, form, errors, e.status()).await
        }
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => list_page(&visit, &caller, form, errors, e.status()).await,
            None => visit.console_error(&e),
        },
    }
}

// ------------------------------------------------------------ a selection

/// A province of the selection, as a row.
pub struct ProvinceRow {
    pub province: String,
    pub posts: i64,
    pub applications: i64,
    pub admitted: i64,
    pub with_result: i64,
    /// The ranking in force: its version and publication day.
    pub ranking: Option<(i64, String)>,
}

/// A row of the posts form, as typed.
pub struct PostsLine {
    pub province: String,
    pub posts: String,
    pub error: String,
}

/// A refused row of a file: its line, its field and the reason.
pub struct Refused {
    pub line: String,
    pub field: String,
    pub reason: String,
}

/// A step of the selection, in order: its name, whether it is done and
/// what it did.
pub struct Step {
    pub id: &'static str,
    pub name: &'static str,
    pub done: bool,
    pub words: String,
}

/// What the selection page shows besides the selection: the last form's
/// values and refusals.
#[derive(Default)]
struct Shown {
    /// Which form was refused (`posti`, `domande`, `ammissione`,
    /// `risultati`, `pubblicazione`), and the refusal in words.
    refused_form: &'static str,
    refusal: String,
    /// A refused file's rows.
    rows: Vec<Refused>,
    posts: Option<Vec<PostsLine>>,
    published_on: String,
    errors: FieldErrors,
    done: String,
}

#[derive(Template)]
#[template(path = "console/selections_show.html")]
struct SelectionPage<'a> {
    page: &'a Visit,
    frame: Frame,
    s: SelectionRow,
    training_path: String,
    state: String,
    penalty: String,
    pay: String,
    expenses: String,
    contract_end: String,
    notice_day: String,
    provinces: Vec<ProvinceRow>,
    steps: Vec<Step>,
    lines: Vec<PostsLine>,
    admitted: bool,
    published: bool,
    shown: Shown,
    import_limit: String,
    /// A fresh key for each file form.
    key: String,
}

impl SelectionPage<'_> {
    fn refused(&self, form: &str) -> bool {
        self.shown.refused_form == form
    }
}

/// An amount in euros with thousands grouped: 27.338,76 € or €27,338.76.
fn euros(lang: Lang, cents: i64) -> String {
    let (group, decimal) = match lang {
        Lang::It => ('.', ','),
        Lang::En => (',', '.'),
    };
    let whole = (cents / 100).unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    let amount = format!(
        "{sign}{grouped}{decimal}{:02}",
        (cents % 100).unsigned_abs()
    );
    match lang {
        Lang::It => format!("{amount} €"),
        Lang::En => format!("€{amount}"),
    }
}

fn steps(visit: &Visit, s: &SelectionRow, provinces: &[ProvinceRow]) -> Vec<Step> {
    let sum = |f: fn(&ProvinceRow) -> i64| provinces.iter().map(f).sum::<i64>();
    let (posts, applied, admitted, scored) = (
        sum(|p| p.posts),
        sum(|p| p.applications),
        sum(|p| p.admitted),
        sum(|p| p.with_result),
    );
    let with_posts = provinces.iter().filter(|p| p.posts > 0).count();
    vec![
        Step {
            id: "passo-posti",
            name: visit.t("Posti per provincia", "Posts per province"),
            done: posts > 0,
            words: format!(
                "{posts} {} {with_posts} {}",
                visit.t("posti in", "posts in"),
                visit.t("province", "provinces")
            ),
        },
        Step {
            id: "passo-domande",
            name: visit.t("Importazione delle domande", "Import of the applications"),
            done: applied > 0,
            words: format!(
                "{applied} {}",
                visit.t("domande importate", "applications imported")
            ),
        },
        Step {
            id: "passo-ammissione",
            name: visit.t("Ammissione alla prova", "Admission to the test"),
            done: s.admission_done_at.is_some(),
            words: match s.admission_done_at {
                Some(_) => format!(
                    "{admitted} {}",
                    visit.t("ammessi alla prova", "admitted to the test")
                ),
                None => visit
                    .t("Non ancora calcolata", "Not computed yet")
                    .to_owned(),
            },
        },
        Step {
            id: "passo-risultati",
            name: visit.t(
                "Importazione dei risultati della prova",
                "Import of the test results",
            ),
            done: scored > 0,
            words: format!(
                "{scored} {}",
                visit.t("risultati importati", "results imported")
            ),
        },
        Step {
            id: "passo-pubblicazione",
            name: visit.t(
                "Pubblicazione delle graduatorie",
                "Publication of the rankings",
            ),
            done: s.rankings_published_on.is_some(),
            words: match s.rankings_published_on {
                Some(d) => format!(
                    "{} {}",
                    visit.t("Pubblicate il", "Published on"),
                    visit.day(&d)
                ),
                None => visit
                    .t("Non ancora pubblicate", "Not published yet")
                    .to_owned(),
            },
        },
    ]
}

async fn selection_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    shown: Shown,
    status: StatusCode,
) -> HttpResponse {
    let sid = SelectionId::from_stored(id.to_owned());
    let run = &visit.state.use_cases;
    let record = match run
        .run(visit.act_as(caller), ReadSelection { id: sid.clone() })
        .await
    {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let progress = match run
        .run(visit.act_as(caller), ReadProgress { selection_id: sid })
        .await
    {
        Ok(p) => p,
        Err(e) => return visit.console_error(&e),
    };
    let provinces: Vec<ProvinceRow> = progress
        .into_iter()
        .map(|p: ProvinceProgress| ProvinceRow {
            posts: p.posts,
            applications: p.counts.applications,
            admitted: p.counts.admitted,
            with_result: p.counts.with_result,
            ranking: p.ranking.map(|r| (r.version, visit.day(&r.published_on))),
            province: p.province,
        })
        .collect();
    let s = record.selection;
    let mut lines: Vec<PostsLine> = provinces
        .iter()
        .filter(|p| p.posts > 0)
        .map(|p| PostsLine {
            province: p.province.clone(),
            posts: p.posts.to_string(),
            error: String::new(),
        })
        .collect();
    lines.extend((0..NEW_POST_ROWS).map(|_| PostsLine {
        province: String::new(),
        posts: String::new(),
        error: String::new(),
    }));
    let mut shown = shown;
    if let Some(typed) = shown.posts.take() {
        lines = typed;
    }
    if shown.published_on.is_empty() {
        shown.published_on = visit.state.today().format("%Y-%m-%d").to_string();
    }
    let limit = visit.state.settings.import_limit_bytes;
    let page = SelectionPage {
        page: visit,
        frame: Frame::of(Section::Selections, caller),
        steps: steps(visit, &s, &provinces),
        state: state_words(visit, &s),
        penalty: points(visit, s.wrong_penalty_hundredths),
        pay: euros(visit.lang, s.annual_pay_cents),
        expenses: euros(visit.lang, s.monthly_expenses_cents),
        contract_end: visit.day(&s.contract_end),
        notice_day: visit.day(&s.published_on),
        training_path: record.training_path.unwrap_or_default(),
        admitted: s.admission_done_at.is_some(),
        published: s.rankings_published_on.is_some(),
        s,
        provinces,
        lines,
        shown,
        import_limit: format!("{:.1} MB", limit as f64 / 1_048_576.0),
        key: uuid::Uuid::new_v4().to_string(),
    };
    visit.render(status, &page)
}

/// What the last step did, from the address it sent the browser to.
fn done_words(visit: &Visit) -> String {
    let value = |name: &str| {
        visit
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let n = value("n");
    let words = match value("esito").as_str() {
        "creata" => visit.t("Selezione creata.", "Selection created."),
        "posti" => visit.t("Posti per provincia salvati.", "Posts per province saved."),
        "domande" => visit.t("Domande importate:", "Applications imported:"),
        "ammissione" => visit.t(
            "Ammissione calcolata. Ammessi alla prova:",
            "Admission computed. Admitted to the test:",
        ),
        "risultati" => visit.t("Risultati importati:", "Results imported:"),
        "pubblicate" => visit.t("Graduatorie pubblicate:", "Rankings published:"),
        _ => return String::new(),
    };
    match n.parse::<u64>() {
        Ok(n) => format!("{words} {n}"),
        Err(_) => words.to_owned(),
    }
}

/// A selection: its rules, its provinces and its steps in order.
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
    let shown = Shown {
        done: done_words(&visit),
        ..Shown::default()
    };
    selection_page(&visit, &caller, &id, shown, StatusCode::OK).await
}

/// A refusal of a step as the selection page shows it: a refused file's
/// rows by line, the fields' refusals, or the reason in words.
async fn refused_step(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    form: &'static str,
    e: ApiError,
    mut shown: Shown,
) -> HttpResponse {
    shown.refused_form = form;
    match &e {
        ApiError::FileRejected(v) => {
            shown.refusal = visit
                .t(
                    "File rifiutato: nessuna riga è stata importata. Correggi le righe elencate e importa di nuovo il file intero.",
                    "File rejected: no row was imported. Correct the rows listed and import the whole file again.",
                )
                .to_owned();
            shown.rows =
                v.0.iter()
                    .map(|x| Refused {
                        line: x.line.map(|l| l.to_string()).unwrap_or_default(),
                        field: x.field.clone(),
                        reason: i18n::violation_message(x, visit.lang),
                    })
                    .collect();
        }
        ApiError::Validation(_) => {
            shown.errors = FieldErrors::of(&e, visit.lang).unwrap_or_default();
        }
        ApiError::Conflict { .. } | ApiError::Rule { .. } => {
            shown.refusal = i18n::detail(&e, visit.lang);
        }
        _ => return visit.console_error(&e),
    }
    selection_page(visit, caller, id, shown, e.status()).await
}

/// Sets the posts of the provinces filled in (the others keep theirs).
pub async fn set_posts(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let fields = fields_of(&body);
    if visit.forged(&field(&fields, "csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let of = |name: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    };
    let (provinces, counts) = (of("provincia"), of("posti"));
    let mut lines: Vec<PostsLine> = provinces
        .iter()
        .enumerate()
        .map(|(i, p)| PostsLine {
            province: p.to_ascii_uppercase(),
            posts: counts.get(i).cloned().unwrap_or_default(),
            error: String::new(),
        })
        .collect();
    // The rows filled in, each with its row on the form.
    let mut changes = Vec::new();
    let mut at = Vec::new();
    let mut unreadable = false;
    for (i, line) in lines.iter_mut().enumerate() {
        if line.province.is_empty() && line.posts.is_empty() {
            continue;
        }
        match line.posts.parse::<i64>() {
            Ok(posts) => {
                changes.push(PostsChange {
                    province: line.province.clone(),
                    posts,
                });
                at.push(i);
            }
            Err(_) => {
                let v = Violation::new("posts", RuleCode::NotANumber).with_detail(&line.posts);
                line.error = i18n::violation_message(&v, visit.lang);
                unreadable = true;
            }
        }
    }
    let refused = |lines: Vec<PostsLine>| Shown {
        posts: Some(lines),
        ..Shown::default()
    };
    if unreadable {
        let shown = Shown {
            refused_form: "posti",
            ..refused(lines)
        };
        return selection_page(
            &visit,
            &caller,
            &id,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let case = SetPosts {
        selection_id: SelectionId::from_stored(id.clone()),
        changes,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(_) => visit.see_other(&format!("{}?esito=posti", selection_of(&id))),
        Err(ApiError::Validation(v)) => {
            // `[i].province`, `[i].posts`: the i-th row filled in.
            for x in &v.0 {
                let row = x
                    .field
                    .strip_prefix('[')
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| at.get(n).copied());
                if let Some(line) = row.and_then(|r| lines.get_mut(r)) {
                    line.error = i18n::violation_message(x, visit.lang);
                }
            }
            let shown = Shown {
                refused_form: "posti",
                ..refused(lines)
            };
            selection_page(
                &visit,
                &caller,
                &id,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => refused_step(&visit, &caller, &id, "posti", e, refused(lines)).await,
    }
}

/// A step's form with its file, as posted.
struct PostedFile {
    caller: Caller,
    bytes: Vec<u8>,
    /// The form's hidden key.
    key: String,
}

/// The file posted with a step's form, its csrf checked; or the answer.
async fn posted_file(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
    payload: web::Payload,
    id: &str,
    form: &'static str,
) -> Result<PostedFile, HttpResponse> {
    let upload = Upload::read(req, payload, visit.state.settings.import_limit_bytes).await;
    // Too large: nothing of the form is read, its token neither; nothing
    // is done either.
    let (file, key, too_large) = match upload {
        Ok(u) if visit.forged(&u.field("csrf")) => return Err(visit.forged_page()),
        Ok(u) => {
            let key = u.field("chiave");
            (u.file, key, false)
        }
        Err(UploadRefused::NotAForm) => return Err(visit.forged_page()),
        Err(UploadRefused::TooLarge) => (None, String::new(), true),
    };
    let caller = hr_officer(req, visit, signed).await.map_err(|away| *away)?;
    let (words, status) = match file {
        Some((_, bytes)) if !bytes.is_empty() => return Ok(PostedFile { caller, bytes, key }),
        Some(_) => (
            visit.t("Il file scelto è vuoto.", "The file chosen is empty."),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None if too_large => (
            visit.t(
                "Il file supera la dimensione massima di un'importazione: nulla è stato importato.",
                "The file is larger than an import may be: nothing was imported.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        None => (
            visit.t(
                "Scegli il file CSV da importare.",
                "Choose the CSV file to import.",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let shown = Shown {
        refused_form: form,
        refusal: words.to_owned(),
        ..Shown::default()
    };
    Err(selection_page(visit, &caller, id, shown, status).await)
}

/// Runs an import once per form: the same form sent again (pressed twice,
/// or sent again from the history) answers as the first did, instead of
/// refusing every row as already there. A refused file claims nothing, so
/// the corrected file goes with the same form.
async fn import_once<U: UseCase>(
    req: &HttpRequest,
    visit: &Visit,
    id: &str,
    form: &'static str,
    posted: PostedFile,
    case: impl FnOnce(Vec<u8>) -> U,
    done: impl FnOnce(&U::Outcome) -> String,
) -> HttpResponse {
    let PostedFile { caller, bytes, key } = posted;
    let back = selection_of(id);
    let file = vec![(
        "file".to_owned(),
        idempotency::fingerprint(&[bytes.as_slice()]),
    )];
    let claim = match claim_form(visit, &caller, req, &key, &file, &back).await {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit.state.use_cases.run(act, case(bytes)).await {
        Ok(outcome) => {
            let location = format!("{back}?{}", done(&outcome));
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(e) if in_flight(&e) => visit.see_other(&back),
        Err(e) => refused_step(visit, &caller, id, form, e, Shown::default()).await,
    }
}

/// Imports the applications of a CSV file: all of them or, when one row is
/// bad, none, with every bad row listed by line.
pub async fn import_applications(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let posted = match posted_file(&req, &mut visit, &signed, payload, &id, "domande").await {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let selection_id = SelectionId::from_stored(id.clone());
    import_once(
        &req,
        &visit,
        &id,
        "domande",
        posted,
        |csv| ImportApplications { selection_id, csv },
        |n| format!("esito=domande&n={n}"),
    )
    .await
}

/// Imports the test results of a CSV file, all rows or none.
pub async fn import_results(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let posted = match posted_file(&req, &mut visit, &signed, payload, &id, "risultati").await {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let selection_id = SelectionId::from_stored(id.clone());
    import_once(
        &req,
        &visit,
        &id,
        "risultati",
        posted,
        |csv| ImportResults { selection_id, csv },
        |r| format!("esito=risultati&n={}", r.imported),
    )
    .await
}

/// Computes who sits the test; again until the rankings are published.
pub async fn admission(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let fields = fields_of(&body);
    if visit.forged(&field(&fields, "csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let case = ComputeAdmission {
        selection_id: SelectionId::from_stored(id.clone()),
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(a) => visit.see_other(&format!(
            "{}?esito=ammissione&n={}",
            selection_of(&id),
            a.admitted
        )),
        Err(e) => refused_step(&visit, &caller, &id, "ammissione", e, Shown::default()).await,
    }
}

/// Builds and publishes every province's ranking on the day given.
pub async fn publish(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let fields = fields_of(&body);
    if visit.forged(&field(&fields, "csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let typed = field(&fields, "published_on");
    let shown = || Shown {
        published_on: typed.clone(),
        ..Shown::default()
    };
    let day = NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| domain::day::check("published_on", d).ok());
    let Some(published_on) = day else {
        let v = match typed.trim().is_empty() {
            true => Violation::new("published_on", RuleCode::Required),
            false => Violation::new("published_on", RuleCode::InvalidDate).with_detail(&typed),
        };
        let e = ApiError::Validation(Violations::from(v));
        return refused_step(&visit, &caller, &id, "pubblicazione", e, shown()).await;
    };
    let case = PublishRankings {
        selection_id: SelectionId::from_stored(id.clone()),
        published_on,
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(r) => visit.see_other(&format!(
            "{}?esito=pubblicate&n={}",
            selection_of(&id),
            r.len()
        )),
        Err(e) => refused_step(&visit, &caller, &id, "pubblicazione", e, shown()).await,
    }
}

// ------------------------------------------------------------ a ranking

/// The criterion that put a position ahead of the next one, in words.
fn decided_words(visit: &Visit, raw: &str) -> String {
    let words = match DecidedBy::parse(raw) {
        Some(DecidedBy::Score) => visit.t(
            "Punteggio della prova più alto del successivo",
            "Higher test score than the next",
        ),
        Some(DecidedBy::DegreeGrade) => visit.t(
            "A parità di punteggio, voto di laurea più alto",
            "Same score: higher degree grade",
        ),
        Some(DecidedBy::Honours) => visit.t(
            "A parità di punteggio e di voto (110), la lode",
            "Same score and grade (110): honours",
        ),
        Some(DecidedBy::Age) => visit.t(
            "A parità di punteggio e di voto di laurea, il più giovane",
            "Same score and degree grade: the younger",
        ),
        Some(DecidedBy::ApplicationNumber) => visit.t(
            "A parità di tutto il resto, il numero di domanda più basso",
            "Equal in everything else: the lower application number",
        ),
        Some(DecidedBy::Last) => visit.t(
            "Ultima posizione: nessuno la segue",
            "Last position: nobody follows",
        ),
        None => raw,
    };
    words.to_owned()
}

fn status_words(visit: &Visit, status: &str) -> String {
    match status {
        "winner" => visit.t("Vincitore", "Winner"),
        "reserve" => visit.t("Idoneo", "Eligible reserve"),
        other => other,
    }
    .to_owned()
}

/// A position of a ranking, as a row.
pub struct Place {
    pub position: i64,
    pub application_no: String,
    pub candidate: String,
    pub score: String,
    pub degree: String,
    pub status: String,
    pub decided_by: String,
}

fn place_of(visit: &Visit, e: &EntryRow, a: &ApplicationRow) -> Place {
    Place {
        position: e.position,
        application_no: a.application_no.clone(),
        candidate: format!("{} {}", a.last_name, a.first_name),
        score: points(visit, e.score_hundredths),
        degree: match e.degree_honours {
            true => format!("{} {}", e.degree_grade, visit.t("e lode", "with honours")),
            false => e.degree_grade.to_string(),
        },
        status: status_words(visit, &e.status),
        decided_by: decided_words(visit, &e.decided_by),
    }
}

/// A position where a correction changed something: before and after.
pub struct Change {
    pub position: i64,
    pub before: Option<Place>,
    pub after: Option<Place>,
}

/// A correction: the version it made, when, why, and what changed.
pub struct Correction {
    pub version: i64,
    pub published_on: String,
    pub reason: String,
    pub changes: Vec<Change>,
}

fn same(a: &Place, b: &Place) -> bool {
    (&a.application_no, &a.score, &a.status, &a.decided_by)
        == (&b.application_no, &b.score, &b.status, &b.decided_by)
}

fn correction_of(visit: &Visit, before: &RankingRecord, after: &RankingRecord) -> Correction {
    let places = |r: &RankingRecord| -> Vec<Place> {
        r.entries
            .iter()
            .map(|(e, a)| place_of(visit, e, a))
            .collect()
    };
    let (mut old, mut new) = (places(before).into_iter(), places(after).into_iter());
    let mut changes = Vec::new();
    loop {
        match (old.next(), new.next()) {
            (None, None) => break,
            (Some(b), Some(a)) if same(&b, &a) => {}
            (b, a) => changes.push(Change {
                position: a.as_ref().or(b.as_ref()).map_or(0, |p| p.position),
                before: b,
                after: a,
            }),
        }
    }
    Correction {
        version: after.ranking.version,
        published_on: visit.day(&after.ranking.published_on),
        reason: after.ranking.reason.clone().unwrap_or_default(),
        changes,
    }
}

/// The correction form and the extract form, as typed.
#[derive(Default)]
struct RankingForms {
    reason: String,
    application_no: String,
    right: String,
    wrong: String,
    blank: String,
    requester: String,
    errors: FieldErrors,
    /// The correction form's general refusal.
    refusal: String,
}

#[derive(Template)]
#[template(path = "console/selections_ranking.html")]
struct RankingPage<'a> {
    page: &'a Visit,
    frame: Frame,
    selection_id: String,
    title: String,
    province: String,
    version: i64,
    newest: i64,
    published_on: String,
    valid_until: String,
    posts: i64,
    reason: String,
    /// The first page, when another is shown.
    first: Option<String>,
    places: Vec<Place>,
    next: Option<String>,
    versions: Vec<i64>,
    corrections: Vec<Correction>,
    forms: RankingForms,
    /// The corrected result's fields.
    result_fields: Vec<Input>,
    key: String,
    done: bool,
}

async fn ranking_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    sigla: &str,
    forms: RankingForms,
    status: StatusCode,
) -> HttpResponse {
    let run = &visit.state.use_cases;
    let sid = SelectionId::from_stored(id.to_owned());
    let record = match run
        .run(visit.act_as(caller), ReadSelection { id: sid.clone() })
        .await
    {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let read = |version: Option<i64>| ReadRanking {
        selection_id: sid.clone(),
        province: sigla.to_owned(),
        version,
        status: None,
    };
    let newest = match run.run(visit.act_as(caller), read(None)).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    // Every version, oldest first: the corrections compare each with the one before.
    let mut all: Vec<RankingRecord> = Vec::new();
    for v in newest.versions.clone() {
        if v == newest.ranking.version {
            continue;
        }
        match run.run(visit.act_as(caller), read(Some(v))).await {
            Ok(r) => all.push(r),
            Err(e) => return visit.console_error(&e),
        }
    }
    all.push(newest);
    let corrections: Vec<Correction> = all
        .windows(2)
        .map(|w| correction_of(visit, &w[0], &w[1]))
        .rev()
        .collect();
    let query = |name: &str| {
        visit
            .query
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    };
    let newest_version = all.last().map_or(1, |r| r.ranking.version);
    let Some(shown) = all
        .iter()
        .find(|r| r.ranking.version == query("versione").unwrap_or(newest_version))
    else {
        return visit.not_found();
    };
    // Pages by position: the cursor is the last position shown.
    let after = query("cursore").unwrap_or(0);
    let mut places: Vec<Place> = shown
        .entries
        .iter()
        .filter(|(e, _)| e.position > after)
        .take(PAGE_ROWS as usize + 1)
        .map(|(e, a)| place_of(visit, e, a))
        .collect();
    let more = places.len() > PAGE_ROWS as usize;
    places.truncate(PAGE_ROWS as usize);
    let base = format!(
        "{}?versione={}",
        ranking_of(id, sigla),
        shown.ranking.version
    );
    let next = more
        .then(|| {
            places
                .last()
                .map(|p| format!("{base}&cursore={}", p.position))
        })
        .flatten();
    let first = (after > 0).then(|| base.clone());
    let r = &shown.ranking;
    let page = RankingPage {
        page: visit,
        frame: Frame::of(Section::Selections, caller),
        selection_id: id.to_owned(),
        title: record.selection.title,
        province: sigla.to_owned(),
        version: r.version,
        newest: newest_version,
        published_on: visit.day(&r.published_on),
        valid_until: visit.day(&r.valid_until),
        posts: r.posts,
        reason: r.reason.clone().unwrap_or_default(),
        first,
        places,
        next,
        versions: shown.versions.clone(),
        corrections,
        result_fields: result_fields(visit, &forms),
        forms,
        key: uuid::Uuid::new_v4().to_string(),
        done: visit.query.iter().any(|(k, _)| k == "rettificata"),
    };
    visit.render(status, &page)
}

/// A province's ranking: its positions with the criterion that decided
/// each, its corrections, and the forms to correct it and to extract it.
pub async fn ranking(
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
    let sigla = sigla.to_ascii_uppercase();
    ranking_page(
        &visit,
        &caller,
        &id,
        &sigla,
        RankingForms::default(),
        StatusCode::OK,
    )
    .await
}

/// A version of a province's ranking (the newest, or `versione`), every
/// position, as CSV.
pub async fn ranking_download(
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
    let sigla = sigla.to_ascii_uppercase();
    let version = visit
        .query
        .iter()
        .find(|(k, _)| k == "versione")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let read = ReadRanking {
        selection_id: SelectionId::from_stored(id),
        province: sigla.clone(),
        version,
        status: None,
    };
    let shown = match visit.state.use_cases.run(visit.act_as(&caller), read).await {
        Ok(r) => r,
        Err(e) => return visit.console_error(&e),
    };
    let header = [
        visit.t("posizione", "position"),
        visit.t("domanda", "application"),
        visit.t("candidato", "candidate"),
        visit.t("punteggio", "score"),
        visit.t("voto di laurea", "degree grade"),
        visit.t("esito", "outcome"),
        visit.t("deciso da", "decided by"),
    ];
    let lines: Vec<Vec<String>> = shown
        .entries
        .iter()
        .map(|(e, a)| {
            let p = place_of(&visit, e, a);
            vec![
                p.position.to_string(),
                p.application_no,
                p.candidate,
                p.score,
                p.degree,
                p.status,
                p.decided_by,
            ]
        })
        .collect();
    let file = format!("graduatoria-{sigla}-v{}.csv", shown.ranking.version);
    csv_answer(&visit, &file, &header, &lines)
}

/// A correction (rettifica) with its reason, and a candidate's corrected
/// result when one is given: a new version of the ranking.
pub async fn correct(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let fields = fields_of(&body);
    if visit.forged(&field(&fields, "csrf")) {
        return visit.forged_page();
    }
    let caller = match hr_officer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let mut forms = RankingForms {
        reason: field(&fields, "motivo"),
        application_no: field(&fields, "domanda").trim().to_owned(),
        right: field(&fields, "giuste").trim().to_owned(),
        wrong: field(&fields, "sbagliate").trim().to_owned(),
        blank: field(&fields, "omesse").trim().to_owned(),
        ..RankingForms::default()
    };
    // A corrected result needs its three counts; without a candidate the
    // correction only rebuilds the ranking, with its reason.
    let mut errors = FieldErrors::default();
    let mut results = Vec::new();
    if !forms.application_no.is_empty() {
        let mut count = |name: &str, typed: &str| -> i64 {
            typed.parse::<i64>().unwrap_or_else(|_| {
                let v = match typed.is_empty() {
                    true => Violation::new(name, RuleCode::Required),
                    false => Violation::new(name, RuleCode::NotANumber).with_detail(typed),
                };
                errors = std::mem::take(&mut errors)
                    .with(name, &i18n::violation_message(&v, visit.lang));
                0
            })
        };
        let right = count("giuste", &forms.right);
        let wrong = count("sbagliate", &forms.wrong);
        let blank = count("omesse", &forms.blank);
        results.push(CorrectedResult {
            application_no: forms.application_no.clone(),
            right,
            wrong,
            blank,
        });
    }
    let case = match CorrectRanking::new(
        SelectionId::from_stored(id.clone()),
        &sigla,
        &forms.reason,
        results,
        None,
    ) {
        Ok(c) if errors.is_empty() => Ok(c),
        Ok(_) => Err(ApiError::Validation(Violations::new())),
        Err(e) => Err(e),
    };
    let case = match case {
        Ok(c) => c,
        Err(e) => {
            if let Some(more) = FieldErrors::of(&e, visit.lang) {
                for (f, m) in more.iter() {
                    errors = errors.with(correction_field(f), m);
                }
            }
            forms.errors = errors;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return ranking_page(&visit, &caller, &id, &sigla, forms, status).await;
        }
    };
    let back = ranking_of(&id, &sigla);
    let claim = match claim_form(
        &visit,
        &caller,
        &req,
        &field(&fields, "chiave"),
        &fields,
        &back,
    )
    .await
    {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    match visit.state.use_cases.run(act, case).await {
        Ok(_) => {
            let location = format!("{back}?rettificata=1#rettifiche");
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(e) if in_flight(&e) => visit.see_other(&back),
        Err(e) => {
            match FieldErrors::of(&e, visit.lang) {
                Some(more) => {
                    forms.errors = more.iter().fold(FieldErrors::default(), |acc, (f, m)| {
                        acc.with(correction_field(f), m)
                    });
                }
                None => match e {
                    ApiError::Conflict { .. } | ApiError::Rule { .. } => {
                        forms.refusal = i18n::detail(&e, visit.lang);
                    }
                    e => return visit.console_error(&e),
                },
            }
            ranking_page(&visit, &caller, &id, &sigla, forms, e.status()).await
        }
    }
}

fn result_fields(visit: &Visit, forms: &RankingForms) -> Vec<Input> {
    let input = |name: &'static str, label: &'static str, value: &str| Input {
        name,
        label,
        kind: "text",
        hint: "",
        value: value.to_owned(),
        error: forms.errors.get(name).to_owned(),
    };
    vec![
        input(
            "domanda",
            visit.t("Numero di domanda", "Application number"),
            &forms.application_no,
        ),
        input(
            "giuste",
            visit.t("Risposte esatte", "Right answers"),
            &forms.right,
        ),
        input(
            "sbagliate",
            visit.t("Risposte errate", "Wrong answers"),
            &forms.wrong,
        ),
        input(
            "omesse",
            visit.t("Risposte omesse", "Blank answers"),
            &forms.blank,
        ),
    ]
}

/// The form's field for a correction's refused field
/// (`results[0].right` is the right answers typed).
fn correction_field(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "reason" => "motivo",
        "right" => "giuste",
        "wrong" => "sbagliate",
        "blank" | "answers" => "omesse",
        _ => "domanda",
    }
}

/// The records-request extract of the ranking in force for a candidate
/// (accesso agli atti), as the API's CSV file; recorded in the audit log.
pub async fn extract(
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
    let sigla = sigla.to_ascii_uppercase();
    let requester = visit
        .query
        .iter()
        .find(|(k, _)| k == "domanda")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let refused = |words: &str| RankingForms {
        requester: requester.clone(),
        errors: FieldErrors::one("richiedente", words),
        ..RankingForms::default()
    };
    if requester.is_empty() {
        let v = Violation::new("application_no", RuleCode::Required);
        let forms = refused(&i18n::violation_message(&v, visit.lang));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return ranking_page(&visit, &caller, &id, &sigla, forms, status).await;
    }
    let case = ExtractRanking {
        selection_id: SelectionId::from_stored(id.clone()),
        province: sigla.clone(),
        application_no: requester.clone(),
        format: ExtractFormat::Csv,
    };
    let made = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(x) => x,
        Err(ApiError::NotFound {
            entity: "ranking entry",
        }) => {
            let words = visit.t(
                "Nessuna domanda con questo numero nella graduatoria in vigore.",
                "No application with this number in the ranking in force.",
            );
            let forms = refused(words);
            let status = StatusCode::NOT_FOUND;
            return ranking_page(&visit, &caller, &id, &sigla, forms, status).await;
        }
        Err(e) => return visit.console_error(&e),
    };
    match crate::handlers::selection::extract::extract_file(made) {
        Ok((name, bytes)) => visit
            .answer(StatusCode::OK)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ))
            .body(bytes),
        Err(e) => visit.console_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_in_each_language() {
        assert_eq!(euros(Lang::It, 2_733_876), "27.338,76 €");
        assert_eq!(euros(Lang::En, 2_733_876), "€27,338.76");
        assert_eq!(euros(Lang::It, 30_000), "300,00 €");
        assert_eq!(euros(Lang::It, 5), "0,05 €");
        assert_eq!(euros(Lang::En, 100_000_000), "€1,000,000.00");
    }

    #[test]
    fn a_corrections_refused_field_is_named_on_the_form() {
        assert_eq!(correction_field("reason"), "motivo");
        assert_eq!(correction_field("results[0].right"), "giuste");
        assert_eq!(correction_field("results[0].answers"), "omesse");
        assert_eq!(correction_field("results[0].application_no"), "domanda");
    }
}
