//! Question RdC in words, for the console's and the tablet's pages: a
//! question's status, its topic, the messages of its thread, an instant.

use chrono::NaiveDateTime;
use domain::question::QuestionStatus;
use persistence::questions::{MessageRow, QuestionRow, TopicRow};

use super::Visit;
use crate::app::questions::{ListTopics, RecordServiceUse};
use crate::auth::Caller;
use crate::error::ApiError;

/// A topic as a choice of a form.
pub struct TopicChoice {
    pub code: String,
    pub words: String,
    pub chosen: bool,
}

/// The topics, in their order, in the visit's language; `chosen` marked.
pub async fn topics(
    visit: &Visit,
    caller: &Caller,
    chosen: &str,
) -> Result<Vec<TopicChoice>, ApiError> {
    let rows = visit
        .state
        .use_cases
        .run(visit.act_as(caller), ListTopics)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| TopicChoice {
            chosen: t.code == chosen,
            words: topic_label(visit, &t).to_owned(),
            code: t.code,
        })
        .collect())
}

fn topic_label<'a>(visit: &Visit, t: &'a TopicRow) -> &'a str {
    match visit.lang {
        crate::i18n::Lang::It => &t.label_it,
        crate::i18n::Lang::En => &t.label_en,
    }
}

/// The words of topic `code` among `topics`, or the code itself.
pub fn topic_words(topics: &[TopicChoice], code: &str) -> String {
    topics
        .iter()
        .find(|t| t.code == code)
        .map_or_else(|| code.to_owned(), |t| t.words.clone())
}

/// Notes that the caller opened the service today (what its figures count
/// as a use); a failure is logged, the page is shown all the same.
pub async fn note_use(visit: &Visit, caller: &Caller) {
    let noted = visit
        .state
        .use_cases
        .run(visit.act_as(caller), RecordServiceUse)
        .await;
    if let Err(e) = noted {
        tracing::warn!(error = %e, "cannot note the use of the question service");
    }
}

pub fn status_words(visit: &Visit, q: &QuestionRow) -> &'static str {
    match QuestionStatus::parse(&q.status) {
        Some(QuestionStatus::Open) if q.awaiting_detail => {
            visit.t("In attesa di dettagli", "Waiting for detail")
        }
        Some(QuestionStatus::Open) => visit.t("Aperta", "Open"),
        Some(QuestionStatus::Answered) => visit.t("Con risposta", "Answered"),
        Some(QuestionStatus::Closed) => visit.t("Chiusa", "Closed"),
        Some(QuestionStatus::Merged) => visit.t("Unita a un'altra", "Merged into another"),
        Some(QuestionStatus::Withdrawn) => visit.t("Ritirata", "Withdrawn"),
        None => "",
    }
}

/// What a message of the thread is, in words.
pub fn message_words(visit: &Visit, m: &MessageRow) -> &'static str {
    match m.kind.as_str() {
        "answer" => visit.t("Risposta", "Answer"),
        "detail_request" => visit.t("Richiesta di dettagli", "Request for detail"),
        "detail" => visit.t("Dettagli del Navigator", "The Navigator's detail"),
        _ => "",
    }
}

/// An instant stored in UTC, as read in Rome: `06/12/2026 17:05`.
pub fn moment(at: NaiveDateTime) -> String {
    persistence::time::from_db(at)
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The first `n` characters of `text`, with an ellipsis when cut.
pub fn excerpt(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}
