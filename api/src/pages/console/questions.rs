//! The experts' queue of Question RdC: the Navigators' questions oldest
//! first, filtered by topic, status and whether anybody has taken them;
//! one question's page with its thread, where an expert takes, answers,
//! asks for detail, closes or merges it. HR and administrators read the
//! queue and the questions (and promote answered ones to the FAQ); the
//! moves are the experts' alone, as `MoveQuestion` and the rules of
//! `domain::question::decide` say: a page shows only the forms the rules
//! let the caller send.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::question::{decide, Mover, QuestionMove, QuestionState, QuestionStatus, QuestionText};
use openapi::ProblemType;
use persistence::questions::{Filter, QuestionRow};
use serde::Deserialize;

use super::table::{csv_answer, every_row, Listing, DOWNLOAD_BATCH, PAGE_ROWS};
use super::{staff, Frame, Section};
use crate::app::questions::{Action, ListQuestions, MoveQuestion, ReadQuestion, READERS};
use crate::app::UseCase;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::questions::{
    excerpt, message_words, moment, note_use, status_words, topic_words, topics, TopicChoice,
};
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Visit};

pub const HOME: &str = "/console/domande";
const FILTERS: [&str; 3] = ["argomento", "stato", "presa"];

/// The experts, HR and administrators; anyone else on staff finds the
/// section not found.
async fn reader(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match READERS.contains(&caller.role) && caller.role != domain::account::Role::Navigator {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

/// A question as a row of the queue.
pub struct Row {
    pub id: String,
    pub asked: String,
    pub topic: String,
    pub text: String,
    pub status: String,
    pub taken_by: String,
    /// Answered once: it may become a FAQ entry.
    pub answered: bool,
}

fn row_of(visit: &Visit, caller: &Caller, topics: &[TopicChoice], q: &QuestionRow) -> Row {
    Row {
        id: q.id.clone(),
        asked: moment(q.created_at),
        topic: topic_words(topics, &q.topic),
        text: excerpt(&q.text, 140),
        status: status_words(visit, q).to_owned(),
        taken_by: taker_words(visit, caller, q),
        answered: q.first_answered_at.is_some()
            && matches!(
                QuestionStatus::parse(&q.status),
                Some(QuestionStatus::Answered | QuestionStatus::Closed)
            ),
    }
}

fn taker_words(visit: &Visit, caller: &Caller, q: &QuestionRow) -> String {
    match q.taken_by.as_deref() {
        None => visit.t("Nessuno", "Nobody").to_owned(),
        Some(id) if id == caller.user_id => visit.t("Tu", "You").to_owned(),
        Some(id) => id.to_owned(),
    }
}

/// The filters of the address, as the use case takes them; an unknown
/// status or "taken" value reads as no filter (the form offers only
/// known ones), an unknown topic is refused by the use case.
fn filter_of(listing: &Listing, caller: &Caller) -> Filter {
    let status = listing
        .filter("stato")
        .and_then(|s| QuestionStatus::parse(&s))
        .map(|s| s.as_str().to_owned());
    let (taken, taken_by) = match listing.filter("presa").as_deref() {
        Some("nessuno") => (Some(false), None),
        Some("qualcuno") => (Some(true), None),
        Some("mie") => (None, Some(caller.user_id.clone())),
        _ => (None, None),
    };
    Filter {
        author: None,
        status,
        topic: listing.filter("argomento"),
        taken,
        taken_by,
    }
}

/// One page of the queue after `after`, and the next page's cursor.
async fn rows(
    visit: &Visit,
    caller: &Caller,
    listing: &Listing,
    topics: &[TopicChoice],
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let case = ListQuestions {
        filter: filter_of(listing, caller),
        after,
        limit: limit + 1,
    };
    let mut found = visit
        .state
        .use_cases
        .run(visit.act_as(caller), case)
        .await?;
    let more = found.len() as i64 > limit;
    found.truncate(usize::try_from(limit).unwrap_or(0));
    let next = more.then(|| found.last().map(|q| q.id.clone())).flatten();
    let rows = found
        .iter()
        .map(|q| row_of(visit, caller, topics, q))
        .collect();
    Ok((rows, next))
}

/// A status as a choice of the filter.
pub struct StatusChoice {
    pub code: &'static str,
    pub words: &'static str,
}

fn status_choices(visit: &Visit) -> Vec<StatusChoice> {
    QuestionStatus::ALL
        .iter()
        .map(|s| StatusChoice {
            code: s.as_str(),
            words: match s {
                QuestionStatus::Open => visit.t("Aperte", "Open"),
                QuestionStatus::Answered => visit.t("Con risposta", "Answered"),
                QuestionStatus::Closed => visit.t("Chiuse", "Closed"),
                QuestionStatus::Merged => visit.t("Unite ad altre", "Merged"),
                QuestionStatus::Withdrawn => visit.t("Ritirate", "Withdrawn"),
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/questions.html")]
struct QueuePage<'a> {
    page: &'a Visit,
    frame: Frame,
    listing: Listing,
    topics: Vec<TopicChoice>,
    statuses: Vec<StatusChoice>,
    rows: Vec<Row>,
    next: Option<String>,
    /// Whether the caller may write FAQ entries (and so choose questions).
    editor: bool,
    expert: bool,
}

fn is_editor(caller: &Caller) -> bool {
    crate::app::faq::WriteEntry::ROLES.contains(&caller.role)
}

pub async fn list(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    note_use(&visit, &caller).await;
    let listing = Listing::of(&visit, HOME, &FILTERS);
    let chosen_topic = listing.shown("argomento");
    let topics = match topics(&visit, &caller, &chosen_topic).await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let read = rows(
        &visit,
        &caller,
        &listing,
        &topics,
        listing.cursor.clone(),
        PAGE_ROWS,
    )
    .await;
    let (rows, next_cursor) = match read {
        Ok(x) => x,
        Err(e) => return visit.console_error(&e),
    };
    let next = listing.next_page(&next_cursor);
    let page = QueuePage {
        page: &visit,
        frame: Frame::of(Section::Questions, &caller),
        statuses: status_choices(&visit),
        listing,
        topics,
        rows,
        next,
        editor: is_editor(&caller),
        expert: caller.role == domain::account::Role::Expert,
    };
    visit.render(StatusCode::OK, &page)
}

/// Every question of the queue with the same filters, as CSV.
pub async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let listing = Listing::of(&visit, HOME, &FILTERS);
    let topics = match topics(&visit, &caller, "").await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    // The whole text in the file, not the table's excerpt.
    let read = every_row(|after| async {
        let case = ListQuestions {
            filter: filter_of(&listing, &caller),
            after,
            limit: DOWNLOAD_BATCH,
        };
        let found = visit
            .state
            .use_cases
            .run(visit.act_as(&caller), case)
            .await?;
        let next = (found.len() as i64 == DOWNLOAD_BATCH)
            .then(|| found.last().map(|q| q.id.clone()))
            .flatten();
        Ok((found, next))
    })
    .await;
    let all = match read {
        Ok(all) => all,
        Err(e) => return visit.console_error(&e),
    };
    let lines: Vec<Vec<String>> = all
        .iter()
        .map(|q| {
            vec![
                q.id.clone(),
                moment(q.created_at),
                q.topic.clone(),
                topic_words(&topics, &q.topic),
                q.status.clone(),
                q.awaiting_detail.to_string(),
                q.author_id.clone(),
                q.taken_by.clone().unwrap_or_default(),
                q.first_answered_at.map(moment).unwrap_or_default(),
                q.text.clone(),
            ]
        })
        .collect();
    // The columns keep one name whatever the language of the cells.
    let header = [
        "question_id",
        "asked_at",
        "topic",
        "topic_words",
        "status",
        "awaiting_detail",
        "author_id",
        "taken_by",
        "first_answered_at",
        "text",
    ];
    csv_answer(&visit, "domande.csv", &header, &lines)
}

/// A message of the thread, in words.
pub struct Message {
    pub kind: String,
    pub by: String,
    pub at: String,
    pub text: String,
}

/// Which forms the page shows: the moves the rules let the caller make.
pub struct Moves {
    pub take: bool,
    pub release: bool,
    pub answer: bool,
    pub request_detail: bool,
    pub close: bool,
    pub merge: bool,
}

fn moves_of(caller: &Caller, q: &QuestionRow) -> Moves {
    let Some(status) = QuestionStatus::parse(&q.status) else {
        return Moves {
            take: false,
            release: false,
            answer: false,
            request_detail: false,
            close: false,
            merge: false,
        };
    };
    let state = QuestionState {
        status,
        taken: q.taken_by.is_some(),
        awaiting_detail: q.awaiting_detail,
    };
    let who = Mover {
        role: caller.role,
        is_author: q.author_id == caller.user_id,
        is_owner: q.taken_by.as_deref() == Some(caller.user_id.as_str()),
    };
    let may = |mv| decide(state, mv, who).is_ok();
    Moves {
        // Taking one's own again changes nothing: not offered.
        take: may(QuestionMove::Take) && !who.is_owner,
        release: may(QuestionMove::Release),
        answer: may(QuestionMove::Answer),
        request_detail: may(QuestionMove::RequestDetail),
        close: may(QuestionMove::Close),
        merge: may(QuestionMove::Merge),
    }
}

#[derive(Template)]
#[template(path = "console/question.html")]
struct QuestionPage<'a> {
    page: &'a Visit,
    frame: Frame,
    id: String,
    row: Row,
    full_text: String,
    author: String,
    merged_into: Option<String>,
    messages: Vec<Message>,
    moves: Moves,
    editor: bool,
    key: String,
    form: MoveForm,
    done: String,
}

/// What the move forms hold when the page is shown.
#[derive(Default)]
struct MoveForm {
    text: String,
    into: String,
    /// Which form the text belongs to (`rispondi`, `chiedi-dettagli`).
    of: String,
    errors: FieldErrors,
}

impl QuestionPage<'_> {
    /// The text typed into form `of`, when that form was the one refused.
    fn typed(&self, of: &str) -> &str {
        match self.form.of == of {
            true => &self.form.text,
            false => "",
        }
    }

    fn error_of(&self, of: &str) -> &str {
        match self.form.of == of {
            true => self.form.errors.get("testo"),
            false => "",
        }
    }
}

async fn question_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    form: MoveForm,
    done: String,
    status: StatusCode,
) -> HttpResponse {
    let thread = match visit
        .state
        .use_cases
        .run(visit.act_as(caller), ReadQuestion { id: id.to_owned() })
        .await
    {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let topics = match topics(visit, caller, "").await {
        Ok(t) => t,
        Err(e) => return visit.console_error(&e),
    };
    let q = &thread.question;
    let messages = thread
        .messages
        .iter()
        .map(|m| Message {
            kind: message_words(visit, m).to_owned(),
            by: match m.author_id == caller.user_id {
                true => visit.t("Tu", "You").to_owned(),
                false => m.author_id.clone(),
            },
            at: moment(m.created_at),
            text: m.body.clone(),
        })
        .collect();
    let page = QuestionPage {
        page: visit,
        frame: Frame::of(Section::Questions, caller),
        id: q.id.clone(),
        row: row_of(visit, caller, &topics, q),
        full_text: q.text.clone(),
        author: q.author_id.clone(),
        merged_into: q.merged_into.clone(),
        messages,
        moves: moves_of(caller, q),
        editor: is_editor(caller),
        key: uuid::Uuid::new_v4().to_string(),
        form,
        done,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    fatto: Option<String>,
}

fn done_words(visit: &Visit, action: &str) -> String {
    match action {
        "prendi" => visit.t("Hai preso la domanda.", "You took the question."),
        "lascia" => visit.t(
            "Domanda rimessa tra quelle da prendere.",
            "The question is back among those to take.",
        ),
        "rispondi" => visit.t(
            "Risposta inviata: il Navigator ne è avvisato.",
            "Answer sent: the Navigator is told.",
        ),
        "chiedi-dettagli" => visit.t(
            "Richiesta di dettagli inviata al Navigator.",
            "Request for detail sent to the Navigator.",
        ),
        "chiudi" => visit.t("Domanda chiusa.", "Question closed."),
        "unisci" => visit.t("Domanda unita all'altra.", "Question merged."),
        _ => "",
    }
    .to_owned()
}

pub async fn show(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    note_use(&visit, &caller).await;
    let done = query
        .fatto
        .as_deref()
        .map(|a| done_words(&visit, a))
        .unwrap_or_default();
    question_page(
        &visit,
        &caller,
        &id,
        MoveForm::default(),
        done,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct MovePosted {
    csrf: String,
    #[serde(default)]
    chiave: String,
    #[serde(default)]
    testo: String,
    #[serde(default)]
    into: String,
}

/// A move on the question from its page: taking, answering, asking for
/// detail, closing, merging. Each form carries its own key: sent twice, it
/// moves the question once.
pub async fn act(
    req: HttpRequest,
    mut visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<MovePosted>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match reader(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let (id, name) = path.into_inner();
    let refused = |errors: FieldErrors| MoveForm {
        text: posted.testo.clone(),
        into: posted.into.clone(),
        of: name.clone(),
        errors,
    };
    let text = || QuestionText::parse("testo", &posted.testo);
    let action = match name.as_str() {
        "prendi" => Ok(Action::Take),
        "lascia" => Ok(Action::Release),
        "rispondi" => text().map(Action::Answer),
        "chiedi-dettagli" => text().map(Action::RequestDetail),
        "chiudi" => Ok(Action::Close),
        "unisci" => Ok(Action::Merge {
            into: posted.into.trim().to_owned(),
        }),
        _ => return visit.not_found(),
    };
    let action = match action {
        Ok(a) => a,
        Err(v) => {
            let words = crate::i18n::violation_message(&v, visit.lang);
            let form = refused(FieldErrors::one("testo", &words));
            return question_page(
                &visit,
                &caller,
                &id,
                form,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let location = format!("{HOME}/{id}?fatto={name}");
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let claim = match super::claim_form_key(&visit, &caller, &posted.chiave, fingerprint, &location)
        .await
    {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = MoveQuestion {
        id: id.clone(),
        action,
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
        Err(e) => {
            let errors = match FieldErrors::of(&e, visit.lang) {
                // The merge's only field is the other question.
                Some(errors) => errors
                    .iter()
                    .fold(FieldErrors::default(), |acc, (f, m)| match f {
                        "into" => acc.with("into", m),
                        _ => acc.with("testo", m),
                    }),
                None => match &e {
                    ApiError::Conflict { .. } | ApiError::Rule { .. } | ApiError::Contended => {
                        FieldErrors::one("mossa", &crate::i18n::detail(&e, visit.lang))
                    }
                    ApiError::Forbidden => FieldErrors::one(
                        "mossa",
                        visit.t(
                            "Questa mossa non spetta al tuo ruolo.",
                            "This move is not your role's.",
                        ),
                    ),
                    _ => return visit.console_error(&e),
                },
            };
            question_page(
                &visit,
                &caller,
                &id,
                refused(errors),
                String::new(),
                e.status(),
            )
            .await
        }
    }
}
