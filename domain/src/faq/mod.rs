//! The FAQ of "Question RdC": answers that experts promote from the
//! Navigators' questions, versioned, retired when outdated, and searched in
//! Italian.

pub mod analysis;
pub mod index;
pub mod ranking;

use std::collections::BTreeSet;

use crate::ids::FaqEntryId;
use crate::violation::{Violation, Violations};
use crate::RuleCode;

pub const MAX_TITLE_LEN: usize = 200;
pub const MAX_ANSWER_LEN: usize = 10_000;
/// Questions one entry may come from.
pub const MAX_QUESTIONS: usize = 50;
/// A search is a question as typed, not a document.
pub const MAX_QUERY_LEN: usize = 200;

/// `raw` as a topic's code, trimmed, or the violation naming `field`. The
/// topics are the `question_topics` reference data: whether the code is
/// one of them is the use case's to check (`unknown-topic`), against the
/// table, so that a topic added there is one here too.
pub fn topic(field: &str, raw: &str) -> Result<String, Violation> {
    let t = raw.trim();
    if t.is_empty() {
        Err(Violation::new(field, RuleCode::Required))
    } else {
        Ok(t.to_owned())
    }
}

/// The text of an entry's version as an expert writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryText {
    pub title: String,
    pub answer: String,
    pub topic: String,
}

impl EntryText {
    /// Trimmed, every broken rule listed with its field; the topic is
    /// checked against the reference data by the use case.
    pub fn validate(title: &str, answer: &str, topic_raw: &str) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let title = title.trim();
        let answer = answer.trim();
        text_field(&mut v, "title", title, MAX_TITLE_LEN);
        text_field(&mut v, "answer", answer, MAX_ANSWER_LEN);
        let topic = topic("topic", topic_raw).map_err(|e| v.push(e)).ok();
        match topic {
            Some(topic) if v.is_empty() => Ok(Self {
                title: title.to_owned(),
                answer: answer.to_owned(),
                topic,
            }),
            _ => Err(v),
        }
    }
}

fn text_field(v: &mut Violations, field: &str, value: &str, max: usize) {
    if value.is_empty() {
        v.push(Violation::new(field, RuleCode::Required));
    } else if value.chars().count() > max {
        v.push(Violation::new(field, RuleCode::TooLong).with_detail(max));
    } else if value.contains('\0') {
        v.push(Violation::new(field, RuleCode::NulCharacter));
    }
}

/// Whether an entry may come from a question that stands at `status` and
/// has (`answered`) or has not had an answer: it must have had one, and
/// still stand on its own (a merged question's point is its target's, a
/// withdrawn one was never answered).
pub fn may_come_from(status: crate::question::QuestionStatus, answered: bool) -> bool {
    use crate::question::QuestionStatus as S;
    answered && matches!(status, S::Answered | S::Closed)
}

/// The questions an entry comes from: at least one when it is written,
/// ids of questions, each once. `required` is false for an edit, which may
/// add questions or none.
pub fn question_ids(raw: &[String], required: bool) -> Result<Vec<String>, Violations> {
    let mut v = Violations::new();
    if raw.is_empty() && required {
        v.push(Violation::new("questions", RuleCode::EmptyList));
    }
    if raw.len() > MAX_QUESTIONS {
        v.push(Violation::new("questions", RuleCode::TooMany).with_detail(MAX_QUESTIONS));
        return Err(v);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, id) in raw.iter().enumerate() {
        let field = format!("questions[{i}]");
        let id = id.trim();
        if uuid::Uuid::parse_str(id).is_err() {
            v.push(Violation::new(field, RuleCode::InvalidField).with_detail(id));
        } else if !seen.insert(id.to_lowercase()) {
            v.push(Violation::new(field, RuleCode::Duplicate).with_detail(id));
        } else {
            out.push(id.to_owned());
        }
    }
    v.into_result(out)
}

/// A search as asked: the question's terms, and the topic it is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// The terms of the question; empty when every word was a stop word,
    /// which finds nothing.
    pub terms: BTreeSet<String>,
    pub topic: Option<String>,
    /// The folded word the question ends in while it is still being typed
    /// ([`analysis::unfinished_word`]): it also finds the indexed words it
    /// begins ("disponib" finds "disponibilità"). None for a finished
    /// question.
    pub unfinished: Option<String>,
}

/// The most indexed words an unfinished word stands for: the ones the most
/// entries have, so that a short beginning stays a quick search.
pub const MAX_WORDS_OF_UNFINISHED: i64 = 10;

impl Search {
    /// `q` must say something and stay a question's length; `topic`, when
    /// given, must say something (whether it is known is the use case's).
    pub fn parse(q: &str, topic_raw: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let q = q.trim();
        if q.is_empty() {
            v.push(Violation::new("q", RuleCode::Required));
        } else if q.chars().count() > MAX_QUERY_LEN {
            v.push(Violation::new("q", RuleCode::TooLong).with_detail(MAX_QUERY_LEN));
        }
        let topic = match topic_raw {
            Some(t) => topic("topic", t).map_err(|e| v.push(e)).ok(),
            None => None,
        };
        v.into_result(Self {
            terms: analysis::terms(q).into_iter().collect(),
            topic,
            unfinished: None,
        })
    }

    /// As [`Search::parse`], for a question still being typed: its last
    /// word, unless a space or punctuation follows it, also finds the
    /// words it begins.
    pub fn parse_typed(q: &str, topic_raw: Option<&str>) -> Result<Self, Violations> {
        let mut search = Self::parse(q, topic_raw)?;
        search.unfinished = analysis::unfinished_word(q);
        Ok(search)
    }
}

/// Where an entry stands: searchable, or retired (still readable by id,
/// never found by a search, no longer edited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    Published,
    Retired,
}

/// Whether an entry in `state` may get a new version or be retired: a
/// retired entry is kept as it was.
pub fn may_change(state: EntryState) -> bool {
    state == EntryState::Published
}

/// The id a new entry gets.
pub fn new_entry_id() -> FaqEntryId {
    FaqEntryId::from_uuid(uuid::Uuid::now_v7())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: Violations) -> Vec<(String, RuleCode)> {
        v.0.into_iter().map(|v| (v.field, v.code)).collect()
    }

    #[test]
    fn an_entry_comes_only_from_questions_that_had_an_answer_and_stand_alone() {
        use crate::question::QuestionStatus as S;
        assert!(may_come_from(S::Answered, true));
        assert!(may_come_from(S::Closed, true), "answered, then closed");
        assert!(!may_come_from(S::Closed, false), "closed with no answer");
        assert!(!may_come_from(S::Open, false));
        assert!(!may_come_from(S::Withdrawn, false));
        assert!(!may_come_from(S::Merged, true), "its point is its target's");
    }

    #[test]
    fn an_entry_needs_a_title_an_answer_and_a_known_topic() {
        let ok = EntryText::validate(" Titolo ", " Risposta ", "privacy").unwrap();
        assert_eq!(
            (ok.title.as_str(), ok.answer.as_str()),
            ("Titolo", "Risposta")
        );
        let err = EntryText::validate(" ", "", " ").unwrap_err();
        assert_eq!(
            fields(err),
            vec![
                ("title".into(), RuleCode::Required),
                ("answer".into(), RuleCode::Required),
                ("topic".into(), RuleCode::Required),
            ]
        );
        let long = "a".repeat(MAX_TITLE_LEN + 1);
        let err = EntryText::validate(&long, "r", "privacy").unwrap_err();
        assert_eq!(fields(err), vec![("title".into(), RuleCode::TooLong)]);
        // Characters, not bytes: 200 accented letters are a valid title.
        assert!(EntryText::validate(&"à".repeat(MAX_TITLE_LEN), "r", "platforms").is_ok());
    }

    #[test]
    fn a_topic_is_a_code_trimmed() {
        assert_eq!(topic("topic", " privacy ").unwrap(), "privacy");
        assert_eq!(topic("topic", " ").unwrap_err().code, RuleCode::Required);
    }

    #[test]
    fn questions_are_ids_each_once_and_at_least_one_for_a_new_entry() {
        let a = "0191e1a4-7c1e-7b0e-8f3a-3c2b1a0f9e8d".to_owned();
        assert_eq!(
            question_ids(std::slice::from_ref(&a), true).unwrap(),
            vec![a.clone()]
        );
        assert!(question_ids(&[], false).unwrap().is_empty());
        assert_eq!(
            fields(question_ids(&[], true).unwrap_err()),
            vec![("questions".into(), RuleCode::EmptyList)]
        );
        assert_eq!(
            fields(question_ids(&[a.clone(), "x".into(), a.to_uppercase()], true).unwrap_err()),
            vec![
                ("questions[1]".into(), RuleCode::InvalidField),
                ("questions[2]".into(), RuleCode::Duplicate),
            ]
        );
        let many = vec![a; MAX_QUESTIONS + 1];
        assert_eq!(
            fields(question_ids(&many, true).unwrap_err()),
            vec![("questions".into(), RuleCode::TooMany)]
        );
    }

    #[test]
    fn a_search_needs_words_of_a_question_s_length_and_a_topic_if_any() {
        let s = Search::parse("  Disponibilità  ", Some("eligibility")).unwrap();
        assert_eq!(s.terms.len(), 1);
        assert_eq!(s.topic.as_deref(), Some("eligibility"));
        assert_eq!(
            fields(Search::parse("   ", Some(" ")).unwrap_err()),
            vec![
                ("q".into(), RuleCode::Required),
                ("topic".into(), RuleCode::Required),
            ]
        );
        let long = "isee ".repeat(MAX_QUERY_LEN);
        assert_eq!(
            fields(Search::parse(&long, None).unwrap_err()),
            vec![("q".into(), RuleCode::TooLong)]
        );
        // Only stop words: a valid question that finds nothing.
        assert!(Search::parse("di la", None).unwrap().terms.is_empty());
        // While typing, the last word also stands for the words it begins.
        assert_eq!(
            Search::parse_typed("requisiti disponib", None)
                .unwrap()
                .unfinished
                .as_deref(),
            Some("disponib")
        );
        assert_eq!(
            Search::parse_typed("requisiti disponib ", None)
                .unwrap()
                .unfinished,
            None
        );
        assert_eq!(Search::parse("disponib", None).unwrap().unfinished, None);
    }

    #[test]
    fn only_a_published_entry_changes() {
        assert!(may_change(EntryState::Published));
        assert!(!may_change(EntryState::Retired));
    }
}
