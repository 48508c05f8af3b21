//! The records-request extract (accesso agli atti) of a province's ranking:
//! the requester's own entry in full and everyone else's by initials only
//! (the rule is `domain::selection::extract`), each one recorded in the
//! audit log in the same transaction, so no extract leaves without its
//! record.

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::extract::{extract, Answers, ExtractEntry, Person, Placement, RankedPerson};
use domain::selection::Score;
use openapi::ProblemType;
use persistence::selection::{self, ApplicationRow, EntryRow, RankingRow};
use persistence::{audit, reference, DbConnection, PersistenceError};

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The representation asked for, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractFormat {
    Json,
    Csv,
}

impl ExtractFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
        }
    }
}

#[derive(Clone)]
pub struct ExtractRanking {
    pub selection_id: SelectionId,
    /// The province's sigla, in capitals.
    pub province: String,
    /// The requester's application number, trimmed.
    pub application_no: String,
    pub format: ExtractFormat,
}

/// The version of the ranking in force, and its lines as the requester
/// may see them.
pub struct RankingExtract {
    pub ranking: RankingRow,
    pub application_no: String,
    pub entries: Vec<ExtractEntry>,
}

/// A stored ranking entry and its application, in the domain's words. The
/// ranking was checked when it was built, so a value that does not parse
/// is a damaged database, not a bad request.
fn ranked_person(entry: EntryRow, application: ApplicationRow) -> ApiResult<RankedPerson> {
    let damaged = |e: PersistenceError| {
        tracing::error!(ranking = %entry.ranking_id, position = entry.position, "stored ranking entry is damaged");
        ApiError::from(e)
    };
    let degree_grade = entry.degree_grade().map_err(damaged)?;
    let status = entry.status().map_err(damaged)?;
    let decided_by = entry.decided_by().map_err(damaged)?;
    let answers = match (
        application.answers_right,
        application.answers_wrong,
        application.answers_blank,
    ) {
        (Some(right), Some(wrong), Some(blank)) => Some(Answers {
            right,
            wrong,
            blank,
        }),
        _ => None,
    };
    Ok(RankedPerson {
        position: entry.position,
        application_no: application.application_no,
        person: Person {
            first_name: application.first_name,
            last_name: application.last_name,
            codice_fiscale: application.codice_fiscale,
            birth_date: application.birth_date,
            email: application.email,
            phone: application.phone,
        },
        placement: Placement {
            score: Score::from_hundredths(entry.score_hundredths),
            answers,
            degree_grade,
            status,
            decided_by,
        },
    })
}

impl UseCase for ExtractRanking {
    type Outcome = RankingExtract;
    /// A write: the extract and its audit line are one transaction.
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<RankingExtract> {
        let (sigla, application_no) = (self.province, self.application_no);
        let sel = load_selection(conn, &self.selection_id)?;
        reference::get_province(conn, &sigla)?.ok_or(ApiError::NotFound { entity: "province" })?;
        let ranking = selection::ranking(conn, &sel.id, &sigla, None)?
            .ok_or_else(|| ApiError::conflict(ProblemType::RankingNotPublished, sigla.clone()))?;
        let ranked = selection::entries(conn, &ranking.id)?
            .into_iter()
            .map(|(e, a)| ranked_person(e, a))
            .collect::<ApiResult<Vec<_>>>()?;
        let entries = extract(&ranked, &application_no).map_err(|_| ApiError::NotFound {
            entity: "ranking entry",
        })?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            audit::RANKING_EXTRACTED,
            "ranking",
            &format!("{}/{}", sel.id, sigla),
            None,
            Some(&serde_json::json!({
                "selection_id": sel.id,
                "province": sigla,
                "version": ranking.version,
                "application_no": application_no,
                "format": self.format.as_str(),
                "entries": entries.len(),
            })),
        )?;
        Ok(RankingExtract {
            ranking,
            application_no,
            entries,
        })
    }
}
