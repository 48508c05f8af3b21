//! A ranking's extract for a records request.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExtractQuery {
    /// The requester's application number: their entry is shown in full.
    // Optional to serde so that its absence is a problem naming the field.
    #[param(required = true)]
    pub application_no: Option<String>,
}

/// One position of a records-request extract. The requester's entry has
/// every field; every other entry has its initials and the titles the
/// ranking was decided on, and null where the requester's has who they are.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExtractEntryView {
    pub position: i64,
    /// True on the requester's own entry, the only one shown in full.
    pub requester: bool,
    /// One initial per word of the first and then the last names, e.g.
    /// `M. G. D.` for Maria Grazia D'Amico.
    pub initials: String,
    /// The requester's only: an application number identifies its holder.
    pub application_no: Option<String>,
    /// The requester's only.
    pub full_name: Option<String>,
    /// The requester's only.
    pub codice_fiscale: Option<String>,
    /// The requester's only.
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub birth_date: Option<NaiveDate>,
    /// The requester's only.
    pub email: Option<String>,
    /// The requester's only, when they gave one.
    pub phone: Option<String>,
    /// Points with two decimals, e.g. 81.6.
    pub score: f64,
    pub right: Option<i64>,
    pub wrong: Option<i64>,
    pub blank: Option<i64>,
    pub degree_grade: i64,
    pub degree_honours: bool,
    /// `winner` (vincitore) or `reserve` (idoneo).
    pub status: String,
    /// What put this entry ahead of the next: `score`, `degree_grade`, `honours`, `age`, `application_number`; `last` for the final one.
    pub decided_by: String,
}

/// A records-request extract (accesso agli atti) of the version of a
/// province's ranking in force: the requester in full, everyone else by
/// initials only.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingExtractView {
    pub selection_id: Uuid,
    pub province: String,
    /// The version in force when the extract was made.
    pub version: i64,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub published_on: NaiveDate,
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub valid_until: NaiveDate,
    pub posts: i64,
    /// The reason of a correction (rettifica); null for the first version.
    pub reason: Option<String>,
    /// The application the extract was made for.
    pub application_no: String,
    /// In ranking order.
    pub entries: Vec<ExtractEntryView>,
}
