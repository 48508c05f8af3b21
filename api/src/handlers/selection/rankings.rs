use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use domain::selection::settings::ranking_valid_until;
use domain::selection::{rank, DegreeGrade, RankingEntry, Score};
use openapi::dto::{
    CorrectionRequest, PublishRequest, PublishResult, RankingEntryView, RankingQuery,
    RankingSummary, RankingView,
};
use openapi::Problem;
use persistence::selection::{
    self, ApplicationRow, NewEntry, NewRanking, RankingRow, SelectionRow,
};
use persistence::{audit, reference, DbConnection};

use super::load_selection;
use super::points;
use super::results::{check_results, RawResult};
use crate::accounts::parse_uuid;
use crate::auth::caller::{HrOnly, HrOrCoordinator};
use crate::auth::{Authorized, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::state::AppState;

/// Ranks a province's admitted applications with a result and stores the
/// ranking as `version`.
#[allow(clippy::too_many_arguments)]
fn build_ranking(
    conn: &mut DbConnection,
    sel: &SelectionRow,
    province: &str,
    posts: i64,
    applications: &[&ApplicationRow],
    version: i64,
    published_on: NaiveDate,
    valid_until: NaiveDate,
    reason: Option<&str>,
    created_by: Option<&str>,
) -> ApiResult<RankingSummary> {
    let mut by_no: HashMap<&str, &ApplicationRow> = HashMap::new();
    let mut entries = Vec::new();
    for a in applications.iter().filter(|a| a.admitted) {
        let Some(score) = a.score_hundredths else {
            continue;
        };
        entries.push(RankingEntry {
            application_no: a.application_no.clone(),
            score: Score::from_hundredths(score),
            degree_grade: DegreeGrade::parse("degree_grade", a.degree_grade, a.degree_honours)
                .map_err(|_| ApiError::Internal)?,
            birth_date: a.birth_date,
        });
        by_no.insert(a.application_no.as_str(), a);
    }
    let ranked = rank(&entries, posts, sel.scoring().pass_score()).map_err(ApiError::Validation)?;
    let rows: Vec<NewEntry> = ranked
        .iter()
        .map(|r| {
            let a = by_no
                .get(r.application_no.as_str())
                .ok_or(ApiError::Internal)?;
            Ok(NewEntry {
                position: r.position,
                application_id: a.id.clone(),
                score_hundredths: a.score_hundredths.unwrap_or_default(),
                degree_grade: a.degree_grade,
                degree_honours: a.degree_honours,
                birth_date: a.birth_date,
                status: r.status.as_str(),
                decided_by: r.decided_by.as_str(),
            })
        })
        .collect::<ApiResult<_>>()?;
    selection::insert_ranking(
        conn,
        &NewRanking {
            selection_id: &sel.id,
            province,
            version,
            published_on,
            valid_until,
            posts,
            reason,
            created_by,
        },
        &rows,
    )?;
    Ok(RankingSummary {
        province: province.to_owned(),
        version,
        published_on,
        valid_until,
        posts,
        entries: rows.len() as i64,
        winners: rows.iter().filter(|r| r.status == "winner").count() as i64,
    })
}

/// Builds and freezes the ranking (graduatoria) of every province with posts.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body = PublishRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = PublishResult),
        (status = 409, description = "admission-not-done or rankings-published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/rankings/publish")]
pub async fn publish_rankings(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let published_on = body.0.published_on;
    let ctx = meta.audit(Some(&caller));
    let result = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            if sel.admission_done_at.is_none() {
                return Err(ApiError::conflict("admission-not-done", sel.code.clone()));
            }
            if sel.rankings_published_on.is_some() {
                return Err(ApiError::conflict("rankings-published", sel.code.clone()));
            }
            if published_on < sel.published_on {
                return Err(domain::Violation::new("published_on", "before-the-notice")
                    .with_detail(sel.published_on.to_string())
                    .into());
            }
            let applications = selection::list_applications(conn, &sel.id)?;
            let mut by_province: HashMap<&str, Vec<&ApplicationRow>> = HashMap::new();
            for a in &applications {
                by_province.entry(a.province_sigla.as_str()).or_default().push(a);
            }
            let mut rankings = Vec::new();
            for (p, _) in selection::posts(conn, &sel.id, None)? {
                let apps = by_province.get(p.province_sigla.as_str()).map(Vec::as_slice).unwrap_or_default();
                rankings.push(build_ranking(
                    conn,
                    &sel,
                    &p.province_sigla,
                    p.posts,
                    apps,
                    1,
                    published_on,
                    ranking_valid_until(published_on, sel.ranking_valid_months),
                    None,
                    ctx.actor.as_deref(),
                )?);
            }
            selection::mark_published(conn, &sel.id, published_on)?;
            let result = PublishResult { rankings };
            audit::append::<(), _>(
                conn,
                &ctx,
                "rankings.published",
                "selection",
                &sel.id,
                None,
                Some(&serde_json::json!({ "published_on": published_on, "provinces": result.rankings.len() })),
            )?;
            Ok(result)
        })
        .await?;
    Ok(HttpResponse::Created().json(result))
}

/// The province's Region must be the coordinator's.
pub fn check_province_scope(
    conn: &mut DbConnection,
    caller: &Caller,
    province: &str,
) -> ApiResult<()> {
    let p = reference::get_province(conn, province)?
        .ok_or(ApiError::NotFound { entity: "province" })?;
    if caller.covers_region(&p.region_code) {
        Ok(())
    } else {
        Err(ApiError::OutOfScope)
    }
}

fn ranking_view(
    conn: &mut DbConnection,
    ranking: &RankingRow,
    status: Option<&str>,
) -> ApiResult<RankingView> {
    let versions =
        selection::ranking_versions(conn, &ranking.selection_id, &ranking.province_sigla)?
            .into_iter()
            .map(|r| r.version)
            .collect();
    let entries = selection::entries(conn, &ranking.id)?
        .into_iter()
        .filter(|(e, _)| status.is_none_or(|s| e.status == s))
        .map(|(e, a)| {
            Ok(RankingEntryView {
                position: e.position,
                application_no: a.application_no,
                candidate_id: parse_uuid(&a.id)?,
                full_name: format!("{} {}", a.first_name, a.last_name),
                score: points(e.score_hundredths),
                degree_grade: e.degree_grade,
                degree_honours: e.degree_honours,
                birth_date: e.birth_date,
                status: e.status,
                decided_by: e.decided_by,
                candidate_state: a.state,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(RankingView {
        selection_id: parse_uuid(&ranking.selection_id)?,
        province: ranking.province_sigla.clone(),
        version: ranking.version,
        versions,
        published_on: ranking.published_on,
        valid_until: ranking.valid_until,
        posts: ranking.posts,
        reason: ranking.reason.clone(),
        entries,
    })
}

/// A province's ranking, in order, each position with the criterion that
/// decided it; the newest version unless `version` asks for an older one.
#[utoipa::path(
    tag = "selection",
    params(
        ("id" = String, Path, description = "Selection id"),
        ("sigla" = String, Path, description = "Province sigla"),
        RankingQuery
    ),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = RankingView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections/{id}/rankings/{sigla}")]
pub async fn get_ranking(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    path: web::Path<(String, String)>,
    query: ValidQuery<RankingQuery>,
) -> ApiResult<web::Json<RankingView>> {
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let q = query.0;
    if let Some(s) = q.status.as_deref() {
        if domain::selection::RankingStatus::parse(s).is_none() {
            return Err(ApiError::InvalidQuery {
                field: "status".into(),
                detail: format!("{s}: winner or reserve"),
            });
        }
    }
    let caller = caller.caller.clone();
    let today = state.today();
    let view = state
        .write(move |conn| {
            check_province_scope(conn, &caller, &sigla)?;
            // Candidate states are shown after overdue offers lapse.
            crate::scorrimento::lapse_overdue(conn, chrono::Utc::now(), today)?;
            let sel = load_selection(conn, &id)?;
            let ranking = selection::ranking(conn, &sel.id, &sigla, q.version)?
                .ok_or(ApiError::NotFound { entity: "ranking" })?;
            ranking_view(conn, &ranking, q.status.as_deref())
        })
        .await?;
    Ok(web::Json(view))
}

/// A correction (rettifica): corrected results, if any, and a new version
/// of the province's ranking with its reason; the old versions stay readable.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id"), ("sigla" = String, Path, description = "Province sigla")),
    request_body = CorrectionRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = RankingSummary),
        (status = 409, description = "ranking-not-published", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/rankings/{sigla}/corrections")]
pub async fn correct_ranking(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: ValidJson<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, sigla) = path.into_inner();
    let sigla = sigla.to_ascii_uppercase();
    let req = body.0;
    if req.reason.trim().is_empty() {
        return Err(ApiError::violation("reason", "required"));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let summary = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            let current = selection::ranking(conn, &sel.id, &sigla, None)?
                .ok_or_else(|| ApiError::conflict("ranking-not-published", sigla.clone()))?;
            let applications: Vec<ApplicationRow> =
                selection::list_applications(conn, &sel.id)?.into_iter().filter(|a| a.province_sigla == sigla).collect();
            let by_no: HashMap<String, ApplicationRow> =
                applications.iter().map(|a| (a.application_no.clone(), a.clone())).collect();
            let lines: Vec<RawResult<'_>> = req
                .results
                .iter()
                .enumerate()
                .map(|(i, r)| RawResult {
                    line: None,
                    field_prefix: format!("results[{i}]."),
                    application_no: &r.application_no,
                    right: r.right,
                    wrong: r.wrong,
                    blank: r.blank,
                })
                .collect();
            let updates = check_results(&lines, &by_no, &sel.scoring())?;
            selection::set_results(conn, &updates)?;
            let applications: Vec<ApplicationRow> =
                selection::list_applications(conn, &sel.id)?.into_iter().filter(|a| a.province_sigla == sigla).collect();
            let refs: Vec<&ApplicationRow> = applications.iter().collect();
            let posts = selection::posts_of(conn, &sel.id, &sigla)?.map_or(current.posts, |p| p.posts);
            let published_on = req.published_on.unwrap_or(today);
            let summary = build_ranking(
                conn,
                &sel,
                &sigla,
                posts,
                &refs,
                current.version + 1,
                published_on,
                // Validity runs from the first publication: a correction never extends it.
                current.valid_until,
                Some(req.reason.trim()),
                ctx.actor.as_deref(),
            )?;
            audit::append(
                conn,
                &ctx,
                "ranking.corrected",
                "ranking",
                &format!("{}/{}", sel.id, sigla),
                Some(&serde_json::json!({ "version": current.version })),
                Some(&serde_json::json!({ "version": summary.version, "reason": req.reason.trim(), "results": req.results.len() })),
            )?;
            Ok(summary)
        })
        .await?;
    Ok(HttpResponse::Created().json(summary))
}
