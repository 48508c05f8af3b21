//! The records-request extract (accesso agli atti) of a province's ranking:
//! the requester's own entry in full and everyone else's by initials only
//! (the rule is `domain::selection::extract`), as JSON or CSV, each one
//! recorded in the audit log.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::ids::SelectionId;
use domain::selection::extract::ExtractEntry;
use openapi::dto::{ExtractEntryView, ExtractQuery, RankingExtractView};
use openapi::Problem;

use super::points;
use crate::accounts::parse_uuid;
use crate::app::selection::{ExtractFormat as Format, ExtractRanking, RankingExtract};
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidPath, ValidQuery};
use crate::state::AppState;

/// Which of the two representations `Accept` asks for.
impl Format {
    /// CSV when `Accept` prefers `text/csv` to JSON (by quality, then by the
    /// named type over a wildcard); JSON otherwise, also when it names
    /// neither: JSON is the default.
    fn from_accept(accept: Option<&str>) -> Self {
        // (quality, specificity) of the best range matching each format.
        let mut csv = (0.0_f32, 0_u8);
        let mut json = (0.0_f32, 0_u8);
        for part in accept.unwrap_or_default().split(',') {
            let mut pieces = part.split(';');
            let range = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
            let (for_csv, for_json) = match range.as_str() {
                "text/csv" => (Some(2), None),
                "text/*" => (Some(1), None),
                "application/json" => (None, Some(2)),
                "application/*" => (None, Some(1)),
                "*/*" => (Some(0), Some(0)),
                _ => (None, None),
            };
            for (best, specificity) in [(&mut csv, for_csv), (&mut json, for_json)] {
                if let Some(s) = specificity {
                    if (q, s) > *best {
                        *best = (q, s);
                    }
                }
            }
        }
        if csv.0 > 0.0 && csv > json {
            Self::Csv
        } else {
            Self::Json
        }
    }
}

fn entry_view(entry: &ExtractEntry) -> ExtractEntryView {
    let placement = entry.placement();
    let own = match entry {
        ExtractEntry::Requester(e) => Some(e),
        ExtractEntry::Other(_) => None,
    };
    ExtractEntryView {
        position: entry.position(),
        requester: own.is_some(),
        initials: entry.initials(),
        application_no: own.map(|e| e.application_no.clone()),
        full_name: own.map(|e| e.person.full_name()),
        codice_fiscale: own.map(|e| e.person.codice_fiscale.clone()),
        birth_date: own.map(|e| e.person.birth_date),
        email: own.map(|e| e.person.email.clone()),
        phone: own.and_then(|e| e.person.phone.clone()),
        score: points(placement.score.hundredths()),
        right: placement.answers.map(|a| a.right),
        wrong: placement.answers.map(|a| a.wrong),
        blank: placement.answers.map(|a| a.blank),
        degree_grade: placement.degree_grade.grade(),
        degree_honours: placement.degree_grade.honours(),
        status: placement.status.as_str().to_owned(),
        decided_by: placement.decided_by.as_str().to_owned(),
    }
}

/// The CSV columns: the JSON fields of an entry, in the same order.
const CSV_COLUMNS: [&str; 17] = [
    "position",
    "requester",
    "initials",
    "application_no",
    "full_name",
    "codice_fiscale",
    "birth_date",
    "email",
    "phone",
    "score",
    "right",
    "wrong",
    "blank",
    "degree_grade",
    "degree_honours",
    "status",
    "decided_by",
];

/// A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return first) starts with `'` instead: applicants typed
/// these fields themselves, and HR opens the file in a spreadsheet.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_body(view: &RankingExtractView) -> ApiResult<Vec<u8>> {
    let text = |v: &Option<String>| v.as_deref().map(spreadsheet_safe).unwrap_or_default();
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| {
        tracing::error!(error = %e, "writing the extract CSV");
        ApiError::Internal
    };
    out.write_record(CSV_COLUMNS).map_err(failed)?;
    for e in &view.entries {
        out.write_record([
            e.position.to_string(),
            e.requester.to_string(),
            e.initials.clone(),
            text(&e.application_no),
            text(&e.full_name),
            text(&e.codice_fiscale),
            e.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            text(&e.email),
            text(&e.phone),
            format!("{:.2}", e.score),
            number(e.right),
            number(e.wrong),
            number(e.blank),
            e.degree_grade.to_string(),
            e.degree_honours.to_string(),
            e.status.clone(),
            e.decided_by.clone(),
        ])
        .map_err(failed)?;
    }
    out.into_inner().map_err(|e| failed(e.into_error().into()))
}

/// `ranking-extract-NA-v2-A000001.csv`: only letters, digits, `-` and `_`,
/// whatever the application number holds.
fn csv_filename(view: &RankingExtractView) -> String {
    let safe: String = format!(
        "ranking-extract-{}-v{}-{}",
        view.province, view.version, view.application_no
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' {
            c
        } else {
            '_'
        }
    })
    .collect();
    format!("{safe}.csv")
}

/// The extract as the API shows it.
fn view_of(extract: RankingExtract) -> ApiResult<RankingExtractView> {
    let RankingExtract {
        ranking,
        application_no,
        entries,
    } = extract;
    Ok(RankingExtractView {
        selection_id: parse_uuid(&ranking.selection_id)?,
        province: ranking.province_sigla,
        version: ranking.version,
        published_on: ranking.published_on,
        valid_until: ranking.valid_until,
        posts: ranking.posts,
        reason: ranking.reason,
        application_no,
        entries: entries.iter().map(entry_view).collect(),
    })
}

/// The extract as a CSV file, its name and bytes: the same file from the
/// API (`Accept: text/csv`) and from the console's download.
pub fn extract_file(extract: RankingExtract) -> ApiResult<(String, Vec<u8>)> {
    let view = view_of(extract)?;
    Ok((csv_filename(&view), csv_body(&view)?))
}

/// A records-request extract (accesso agli atti) of the version of a
/// province's ranking in force: the requester's own entry in full, every
/// other entry with initials instead of the name and without codice fiscale,
/// birth date, contacts or application number. JSON by default, CSV with
/// `Accept: text/csv`; each extract is recorded in the audit log
/// (`ranking.extracted`).
#[utoipa::path(
    tag = "selection",
    params(
        ("id" = String, Path, description = "Selection id"),
        ("sigla" = String, Path, description = "Province sigla"),
        ExtractQuery
    ),
    security(("bearer_auth" = ["hr"])),
    responses(
        (status = 200, description = "The extract. With `Accept: text/csv`, CSV: one header row `position,requester,initials,application_no,full_name,codice_fiscale,birth_date,email,phone,score,right,wrong,blank,degree_grade,degree_honours,status,decided_by` (an entry's JSON fields), then one row per entry in ranking order, empty where the JSON has null", content(
            (RankingExtractView = "application/json"),
            (String = "text/csv")
        )),
        (status = 400, description = "`application_no` missing", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such selection or province, or the application is not in the ranking", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ranking-not-published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/rankings/{sigla}/extract")]
pub async fn ranking_extract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    req: HttpRequest,
    path: ValidPath<(String, String)>,
    query: ValidQuery<ExtractQuery>,
) -> ApiResult<HttpResponse> {
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let application_no = query
        .0
        .application_no
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::InvalidQuery {
            field: "application_no".into(),
            detail: "required".into(),
        })?;
    let format = Format::from_accept(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let case = ExtractRanking {
        selection_id: SelectionId::from_stored(id),
        province: sigla,
        application_no,
        format,
    };
    let view = view_of(state.run(&caller, &meta, case).await?)?;
    let mut res = HttpResponse::Ok();
    // Personal data, and the answer depends on `Accept`.
    res.insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::VARY, "Accept"));
    Ok(match format {
        Format::Json => res.json(view),
        Format::Csv => res
            .insert_header(ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::Filename(csv_filename(&view))],
            })
            .content_type("text/csv; charset=utf-8")
            .body(csv_body(&view)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_only_when_preferred_to_json() {
        let csv = |a: &str| Format::from_accept(Some(a)) == Format::Csv;
        assert_eq!(Format::from_accept(None), Format::Json);
        assert!(csv("text/csv"));
        assert!(csv("TEXT/CSV; charset=utf-8"));
        assert!(csv("text/csv, */*;q=0.1"));
        assert!(csv("text/csv, */*"));
        assert!(csv("application/json;q=0.5, text/csv"));
        assert!(csv("text/*"));
        assert!(!csv("*/*"));
        assert!(!csv("application/json"));
        assert!(!csv("application/json, text/csv"));
        assert!(!csv("text/csv;q=0.4, application/json"));
        assert!(!csv("text/csv;q=0"));
        assert!(!csv("application/xml"));
        assert!(!csv(""));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_quoted() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+39 333 1234567"), "'+39 333 1234567");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-1"), "'-1");
        assert_eq!(spreadsheet_safe("Maria D'Amico"), "Maria D'Amico");
    }

    #[test]
    fn the_file_name_holds_no_path_or_quote() {
        let view = RankingExtractView {
            selection_id: uuid::Uuid::nil(),
            province: "NA".into(),
            version: 2,
            published_on: chrono::NaiveDate::MIN,
            valid_until: chrono::NaiveDate::MIN,
            posts: 1,
            reason: None,
            application_no: "../A 1\"x".into(),
            entries: Vec::new(),
        };
        assert_eq!(csv_filename(&view), "ranking-extract-NA-v2-___A_1_x.csv");
    }
}
