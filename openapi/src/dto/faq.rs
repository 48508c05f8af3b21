//! The FAQ of "Question RdC": entries, their versions, and the Italian search.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

/// A FAQ entry promoted from one or more answered questions.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFaqRequest {
    /// At most 200 characters.
    pub title: String,
    /// At most 10,000 characters.
    pub answer: String,
    /// A topic of the questions (`GET /question-topics`): `eligibility`,
    /// `patto_per_il_lavoro`, `conditionality`, `platforms` or `privacy`.
    pub topic: String,
    /// The ids of the questions the entry comes from (1 to 50).
    pub questions: Vec<String>,
}

/// A new version of an entry, written over the version the editor read.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqEditRequest {
    /// The version the edit starts from: 409 `faq-changed` when the entry
    /// has moved on since.
    pub version: i64,
    pub title: String,
    pub answer: String,
    pub topic: String,
    /// More questions the entry answers; the links it has stay.
    #[serde(default)]
    pub questions: Vec<String>,
}

/// `published` (found by the search) or `retired` (readable by id only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaqState {
    Published,
    Retired,
}

/// A FAQ entry in its current version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaqView {
    pub id: Uuid,
    /// 1 when written, one more with each edit.
    pub version: i64,
    pub state: FaqState,
    pub topic: String,
    pub title: String,
    pub answer: String,
    /// The questions it came from, in the order they were linked.
    pub questions: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// One version of an entry, as it was written.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaqVersionView {
    pub version: i64,
    pub topic: String,
    pub title: String,
    pub answer: String,
    pub written_at: DateTime<Utc>,
    /// The user who wrote it.
    pub written_by: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FaqQuery {
    /// The question, as typed (1-200 characters). Without it, the published
    /// entries in id order, page by page (for reading the FAQ offline).
    pub q: Option<String>,
    /// Only entries of this topic.
    pub topic: Option<String>,
    /// `true` while the question is being typed (search as you type): the
    /// last word of `q`, when no space or punctuation follows it and it has
    /// at least 3 letters, also finds the words it begins, so "disponib"
    /// finds "disponibilità" (the 10 such words the most entries have).
    /// Default `false`: every word of `q` is taken as finished. With `q`
    /// only.
    pub typing: Option<bool>,
    /// At most this many entries: 1-50, default 10, with `q`; 1-500, default
    /// 100, without.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; without `q` only (a search
    /// gives its best entries, in one page).
    pub cursor: Option<Cursor>,
}

/// Which text of an entry a highlight is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaqField {
    Title,
    Answer,
}

/// A word of an entry that matches the question: `start` and `end` count
/// characters (Unicode code points) from the start of `field`, `end`
/// excluded, so `[...title].slice(start, end)` is the word. Plain numbers
/// rather than markup in the text: nothing to escape, and the client
/// chooses how to show them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FaqHighlight {
    pub field: FaqField,
    pub start: u32,
    pub end: u32,
}

/// A published entry in a list or a search's results.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaqHit {
    pub id: Uuid,
    pub version: i64,
    pub topic: String,
    pub title: String,
    pub answer: String,
    pub updated_at: DateTime<Utc>,
    /// Relevance to the question (BM25; the same on every engine); absent
    /// when listing.
    pub score: Option<f64>,
    /// The words that match the question, title first; empty when listing.
    pub highlights: Vec<FaqHighlight>,
}

/// A search's results, most relevant first, or a page of the FAQ.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FaqPage {
    pub items: Vec<FaqHit>,
    /// How many published entries match the question (of which `items`
    /// are the first); absent when listing.
    pub matches: Option<i64>,
    pub next_cursor: Option<Cursor>,
}
