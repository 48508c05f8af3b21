//! `/app/domande` and `/app/faq`: Question RdC on the tablet, over the
//! same use cases as `/questions` and `/faqs`. The Navigator's own
//! questions with their status and answers (an answer not yet seen is
//! marked, and counts as read once its question is opened); a question
//! asked on a topic, with the FAQ entries that match what is being typed
//! (by `app.js` as it is typed, or by the "search the FAQ first" button
//! without script); the FAQ searched; and the whole FAQ as JSON for the
//! copy `app.js` keeps on the device to read without network.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::faq::Search;
use domain::question::{QuestionStatus, QuestionText};
use openapi::ProblemType;
use persistence::faq::EntryRow;
use persistence::questions::Filter;
use serde::Deserialize;
use serde_json::json;

use super::{from_script, json_answer, navigator, Frame, Section};
use crate::app::faq::{ListEntries, SearchEntries};
use crate::app::questions::{Action, AskQuestion, ListQuestions, MoveQuestion, ReadQuestion};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency;
use crate::pages::questions::{
    excerpt, message_words, moment, note_use, status_words, topic_words, topics, TopicChoice,
};
use crate::pages::session::SignedIn;
use crate::pages::{read_form, FieldErrors, Visit};

const HOME: &str = "/app/domande";
/// The FAQ entries shown while a question is typed.
const SUGGESTIONS: i64 = 5;
/// The results a FAQ search shows.
const SEARCH_ROWS: i64 = 20;
/// A Navigator's questions the page lists, newest first.
const OWN_ROWS: i64 = 200;
/// Entries read at a time for the device's copy.
const COPY_BATCH: i64 = 500;
/// At most this many characters of a question are searched for: the
/// search takes a question's words, not a page of text.
const SEARCHED_CHARS: usize = 200;

/// A question of the Navigator, as the list shows it.
pub struct Own {
    pub id: String,
    pub asked: String,
    pub topic: String,
    pub text: String,
    pub status: String,
    pub status_code: String,
    pub unread: bool,
}

/// A FAQ entry as the pages show it.
pub struct Faq {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub answer: String,
}

fn faq_of(topics: &[TopicChoice], r: &EntryRow) -> Faq {
    Faq {
        id: r.id.clone(),
        title: r.title.clone(),
        topic: topic_words(topics, &r.topic),
        answer: r.answer.clone(),
    }
}

/// The published entries matching `text` (its first words), best first;
/// none when it holds no word to search for.
async fn matching(
    visit: &Visit,
    caller: &Caller,
    text: &str,
    topic: Option<&str>,
    limit: i64,
) -> Result<Vec<EntryRow>, ApiError> {
    let cut: String = text.chars().take(SEARCHED_CHARS).collect();
    if cut.trim().is_empty() {
        return Ok(Vec::new());
    }
    let Ok(search) = Search::parse(&cut, topic.filter(|t| !t.is_empty())) else {
        return Ok(Vec::new());
    };
    let found = visit
        .state
        .use_cases
        .run(
            visit.act_as(caller),
            SearchEntries {
                search,
                limit,
                index: Arc::clone(&visit.state.faq_index),
            },
        )
        .await?;
    Ok(found.entries.into_iter().map(|(r, _)| r).collect())
}

/// What the question form holds.
#[derive(Default)]
struct AskForm {
    topic: String,
    text: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "app/questions.html")]
struct QuestionsPage<'a> {
    page: &'a Visit,
    frame: Frame,
    own: Vec<Own>,
    topics: Vec<TopicChoice>,
    form: AskForm,
    /// The FAQ entries matching the text, when searched without script.
    suggested: Vec<Faq>,
    searched: bool,
    key: String,
}

async fn questions_page(
    visit: &Visit,
    caller: &Caller,
    form: AskForm,
    searched: bool,
    status: StatusCode,
) -> HttpResponse {
    let topics = match topics(visit, caller, &form.topic).await {
        Ok(t) => t,
        Err(e) => return visit.error_page(&e),
    };
    let case = ListQuestions {
        filter: Filter::default(),
        after: None,
        limit: OWN_ROWS,
    };
    let rows = match visit.state.use_cases.run(visit.act_as(caller), case).await {
        Ok(r) => r,
        Err(e) => return visit.error_page(&e),
    };
    let own = rows
        .iter()
        .rev()
        .map(|q| Own {
            id: q.id.clone(),
            asked: moment(q.created_at),
            topic: topic_words(&topics, &q.topic),
            text: excerpt(&q.text, 160),
            status: status_words(visit, q).to_owned(),
            status_code: q.status.clone(),
            unread: q.unread_by_author,
        })
        .collect();
    let suggested = match searched {
        true => match matching(visit, caller, &form.text, None, SUGGESTIONS).await {
            Ok(rows) => rows.iter().map(|r| faq_of(&topics, r)).collect(),
            Err(e) => return visit.error_page(&e),
        },
        false => Vec::new(),
    };
    let page = QuestionsPage {
        page: visit,
        frame: Frame::of(Section::Questions, caller),
        own,
        topics,
        form,
        suggested,
        searched,
        key: uuid::Uuid::new_v4().to_string(),
    };
    visit.render(status, &page)
}

pub async fn show(req: HttpRequest, visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    note_use(&visit, &caller).await;
    questions_page(&visit, &caller, AskForm::default(), false, StatusCode::OK).await
}

#[derive(Deserialize)]
struct Asked {
    csrf: String,
    #[serde(default)]
    chiave: String,
    #[serde(default)]
    argomento: String,
    #[serde(default)]
    testo: String,
    /// The "search the FAQ first" button, for a form sent without script:
    /// the page again with the entries matching the text, nothing asked.
    #[serde(default)]
    cerca: Option<String>,
}

/// Asks the question, once per form (its key: pressed twice, one question);
/// or, with the "search the FAQ first" button, shows the FAQ entries that
/// match the text typed, keeping the form as it was.
pub async fn ask(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Asked>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let refused = |errors: FieldErrors| AskForm {
        topic: posted.argomento.clone(),
        text: posted.testo.clone(),
        errors,
    };
    if posted.cerca.is_some() {
        let form = refused(FieldErrors::default());
        return questions_page(&visit, &caller, form, true, StatusCode::OK).await;
    }
    let text = match QuestionText::parse("text", &posted.testo) {
        Ok(t) => t,
        Err(v) => {
            let words = crate::i18n::violation_message(&v, visit.lang);
            let form = refused(FieldErrors::one("testo", &words));
            return questions_page(
                &visit,
                &caller,
                form,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let claim = match crate::pages::console::claim_form_key(
        &visit,
        &caller,
        &posted.chiave,
        fingerprint,
        HOME,
    )
    .await
    {
        Ok(c) => c,
        Err(answer) => return answer,
    };
    let mut act = visit.act_as(&caller);
    act.idempotency = Some(claim.clone());
    let case = AskQuestion {
        topic: posted.argomento.trim().to_owned(),
        text,
    };
    match visit.state.use_cases.run(act, case).await {
        Ok(q) => {
            let location = format!("{HOME}/{}?inviata=1", q.id);
            idempotency::keep_redirect(&visit.state, &claim, &location).await;
            visit.see_other(&location)
        }
        Err(ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }) => visit.see_other(HOME),
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => {
                let errors = errors.iter().fold(FieldErrors::default(), |acc, (f, m)| {
                    acc.with(if f == "topic" { "argomento" } else { "testo" }, m)
                });
                questions_page(&visit, &caller, refused(errors), false, e.status()).await
            }
            None => visit.error_page(&e),
        },
    }
}

/// A message of the thread, as the Navigator reads it.
pub struct Message {
    pub kind: String,
    pub code: String,
    pub at: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "app/question.html")]
struct QuestionPage<'a> {
    page: &'a Visit,
    frame: Frame,
    id: String,
    topic: String,
    text: String,
    asked: String,
    status: String,
    /// The news (an answer, a request for detail) not seen before this opening.
    news: bool,
    awaiting_detail: bool,
    open: bool,
    messages: Vec<Message>,
    sent: bool,
    key: String,
    detail: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(default)]
    inviata: Option<String>,
}

async fn question_page(
    visit: &Visit,
    caller: &Caller,
    id: &str,
    sent: bool,
    detail: String,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let thread = match visit
        .state
        .use_cases
        .run(visit.act_as(caller), ReadQuestion { id: id.to_owned() })
        .await
    {
        Ok(t) => t,
        Err(e) => return visit.error_page(&e),
    };
    let topics = match topics(visit, caller, "").await {
        Ok(t) => t,
        Err(e) => return visit.error_page(&e),
    };
    let q = &thread.question;
    let page = QuestionPage {
        page: visit,
        frame: Frame::of(Section::Questions, caller),
        id: q.id.clone(),
        topic: topic_words(&topics, &q.topic),
        text: q.text.clone(),
        asked: moment(q.created_at),
        status: status_words(visit, q).to_owned(),
        news: q.unread_by_author,
        awaiting_detail: q.awaiting_detail,
        open: QuestionStatus::parse(&q.status) == Some(QuestionStatus::Open),
        messages: thread
            .messages
            .iter()
            .map(|m| Message {
                kind: message_words(visit, m).to_owned(),
                code: m.kind.clone(),
                at: moment(m.created_at),
                text: m.body.clone(),
            })
            .collect(),
        sent,
        key: uuid::Uuid::new_v4().to_string(),
        detail,
        errors,
    };
    visit.render(status, &page)
}

pub async fn question(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    id: web::Path<String>,
    query: web::Query<Shown>,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    note_use(&visit, &caller).await;
    let sent = query.inviata.is_some();
    question_page(
        &visit,
        &caller,
        &id,
        sent,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct Moved {
    csrf: String,
    #[serde(default)]
    chiave: String,
    #[serde(default)]
    testo: String,
}

/// The author's moves: the detail an expert asked for, or withdrawing the
/// question while it is open.
pub async fn act(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(posted) = read_form::<Moved>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let (id, name) = path.into_inner();
    let refused = |errors: FieldErrors, status| {
        question_page(
            &visit,
            &caller,
            &id,
            false,
            posted.testo.clone(),
            errors,
            status,
        )
    };
    let action = match name.as_str() {
        "dettagli" => match QuestionText::parse("testo", &posted.testo) {
            Ok(t) => Action::GiveDetail(t),
            Err(v) => {
                let words = crate::i18n::violation_message(&v, visit.lang);
                return refused(
                    FieldErrors::one("testo", &words),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
        "ritira" => Action::Withdraw,
        _ => return crate::pages::not_found_page(&req),
    };
    let location = format!("{HOME}/{id}");
    let fingerprint = idempotency::fingerprint(&[b"POST", req.path().as_bytes()]);
    let claim = match crate::pages::console::claim_form_key(
        &visit,
        &caller,
        &posted.chiave,
        fingerprint,
        &location,
    )
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
        Err(e @ (ApiError::Conflict { .. } | ApiError::Validation(_))) => {
            let words = match FieldErrors::of(&e, visit.lang) {
                Some(errors) => errors.get("text").to_owned(),
                None => crate::i18n::detail(&e, visit.lang),
            };
            refused(FieldErrors::one("testo", &words), e.status()).await
        }
        Err(e) => visit.error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "app/faq.html")]
struct FaqPage<'a> {
    page: &'a Visit,
    frame: Frame,
    q: String,
    entries: Vec<Faq>,
    /// More published entries than the page lists.
    more: bool,
    error: String,
}

#[derive(Deserialize)]
pub struct FaqQuery {
    #[serde(default)]
    q: String,
}

/// The FAQ: searched with `q`, every published entry without. Asked by
/// `app.js` (JSON), the best few for the question being typed.
pub async fn faq(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    query: web::Query<FaqQuery>,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    note_use(&visit, &caller).await;
    let q = query.into_inner().q;
    let topics = match topics(&visit, &caller, "").await {
        Ok(t) => t,
        Err(e) => return visit.error_page(&e),
    };
    if from_script(&req) {
        return match matching(&visit, &caller, &q, None, SUGGESTIONS).await {
            Ok(rows) => {
                let items: Vec<_> = rows
                    .iter()
                    .map(|r| faq_of(&topics, r))
                    .map(|f| json!({ "id": f.id, "title": f.title, "topic": f.topic, "answer": f.answer }))
                    .collect();
                json_answer(&visit, StatusCode::OK, &json!({ "items": items }))
            }
            Err(e) => json_answer(
                &visit,
                e.status(),
                &json!({ "error": crate::i18n::detail(&e, visit.lang) }),
            ),
        };
    }
    let (rows, more, error) = if q.trim().is_empty() {
        let case = ListEntries {
            topic: None,
            after: None,
            limit: COPY_BATCH + 1,
        };
        match visit.state.use_cases.run(visit.act_as(&caller), case).await {
            Ok(mut rows) => {
                let more = rows.len() as i64 > COPY_BATCH;
                rows.truncate(COPY_BATCH as usize);
                (rows, more, String::new())
            }
            Err(e) => return visit.error_page(&e),
        }
    } else {
        match Search::parse(&q, None) {
            Err(v) => {
                let e = ApiError::Validation(v);
                let words = FieldErrors::of(&e, visit.lang)
                    .map(|f| f.get("q").to_owned())
                    .unwrap_or_default();
                (Vec::new(), false, words)
            }
            Ok(search) => match visit
                .state
                .use_cases
                .run(
                    visit.act_as(&caller),
                    SearchEntries {
                        search,
                        limit: SEARCH_ROWS,
                        index: Arc::clone(&visit.state.faq_index),
                    },
                )
                .await
            {
                Ok(found) => (
                    found.entries.into_iter().map(|(r, _)| r).collect(),
                    false,
                    String::new(),
                ),
                Err(e) => return visit.error_page(&e),
            },
        }
    };
    let status = match error.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = FaqPage {
        page: &visit,
        frame: Frame::of(Section::Faq, &caller),
        q,
        entries: rows.iter().map(|r| faq_of(&topics, r)).collect(),
        more,
        error,
    };
    visit.render(status, &page)
}

/// Every published entry, for the copy kept on the device: read by
/// `app.js` and shown by it when the network is gone.
pub async fn faq_copy(req: HttpRequest, visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let topics = match topics(&visit, &caller, "").await {
        Ok(t) => t,
        Err(e) => return json_answer(&visit, e.status(), &json!({ "error": "unavailable" })),
    };
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let case = ListEntries {
            topic: None,
            after: after.clone(),
            limit: COPY_BATCH,
        };
        let rows = match visit.state.use_cases.run(visit.act_as(&caller), case).await {
            Ok(r) => r,
            Err(e) => return json_answer(&visit, e.status(), &json!({ "error": "unavailable" })),
        };
        let full = rows.len() as i64 == COPY_BATCH;
        after = rows.last().map(|r| r.id.clone());
        all.extend(rows.iter().map(|r| faq_of(&topics, r)));
        if !full {
            break;
        }
    }
    let items: Vec<_> = all
        .iter()
        .map(|f| json!({ "id": f.id, "title": f.title, "topic": f.topic, "answer": f.answer }))
        .collect();
    json_answer(
        &visit,
        StatusCode::OK,
        &json!({ "account": caller.user_id, "items": items }),
    )
}
