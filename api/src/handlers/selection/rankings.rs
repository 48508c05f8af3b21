use domain::RuleCode;
use openapi::ProblemType;
use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use domain::selection::settings::ranking_valid_until;
use domain::selection::{rank, DegreeGrade, RankingEntry, Score};
use openapi::dto::{
    CorrectionRequest, PublishRequest, PublishResult, RankingEntryView, RankingQuery,
    RankingSummary, RankingView,
};
use openapi::Problem;
use persistence::selection::{
    self, ApplicationRow, NewEntry, NewRanking, RankedCandidate, RankingRow, SelectionRow,
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

/// A province's ranking as it will be stored, with its summary.
struct BuiltRanking<'a> {
    ranking: NewRanking<'a>,
    entries: Vec<NewEntry>,
    summary: RankingSummary,
}

/// Ranks a province's admitted applications with a result as `ranking`
/// (whose province and posts it takes), without storing it.
fn build_ranking<'a>(
    sel: &SelectionRow,
    ranking: NewRanking<'a>,
    candidates: &[&RankedCandidate],
) -> ApiResult<BuiltRanking<'a>> {
    let mut by_no: HashMap<&str, &RankedCandidate> = HashMap::new();
    let mut entries = Vec::new();
    for a in candidates {
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
    let ranked =
        rank(&entries, ranking.posts, sel.scoring().pass_score()).map_err(ApiError::Validation)?;
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
    let summary = RankingSummary {
        province: ranking.province.to_owned(),
        version: ranking.version,
        published_on: ranking.published_on,
        valid_until: ranking.valid_until,
        posts: ranking.posts,
        entries: rows.len() as i64,
        winners: rows.iter().filter(|r| r.status == "winner").count() as i64,
    };
    Ok(BuiltRanking {
        ranking,
        entries: rows,
        summary,
    })
}

/// Stores built rankings, all in one write; returns their summaries.
fn store_rankings(
    conn: &mut DbConnection,
    built: Vec<BuiltRanking<'_>>,
) -> ApiResult<Vec<RankingSummary>> {
    let (stored, summaries): (Vec<_>, Vec<_>) = built
        .into_iter()
        .map(|b| ((b.ranking, b.entries), b.summary))
        .unzip();
    selection::insert_rankings(conn, &stored)?;
    Ok(summaries)
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
                return Err(ApiError::conflict(ProblemType::AdmissionNotDone, sel.code.clone()));
            }
            if sel.rankings_published_on.is_some() {
                return Err(ApiError::conflict(ProblemType::RankingsPublished, sel.code.clone()));
            }
            if published_on < sel.published_on {
                return Err(domain::Violation::new("published_on", RuleCode::BeforeTheNotice)
                    .with_detail(sel.published_on)
                    .into());
            }
            let candidates = selection::ranked_candidates(conn, &sel.id, None)?;
            let mut by_province: HashMap<&str, Vec<&RankedCandidate>> = HashMap::new();
            for a in &candidates {
                by_province.entry(a.province_sigla.as_str()).or_default().push(a);
            }
            let posts = selection::posts(conn, &sel.id, None)?;
            let valid_until = ranking_valid_until(published_on, sel.ranking_valid_months);
            let built = posts
                .iter()
                .map(|(p, _)| {
                    let apps = by_province.get(p.province_sigla.as_str()).map(Vec::as_slice).unwrap_or_default();
                    build_ranking(
                        &sel,
                        NewRanking {
                            selection_id: &sel.id,
                            province: &p.province_sigla,
                            version: 1,
                            published_on,
                            valid_until,
                            posts: p.posts,
                            reason: None,
                            created_by: ctx.actor.as_deref(),
                        },
                        apps,
                    )
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let rankings = store_rankings(conn, built)?;
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
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let summary = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            let current = selection::ranking(conn, &sel.id, &sigla, None)?
                .ok_or_else(|| ApiError::conflict(ProblemType::RankingNotPublished, sigla.clone()))?;
            let applications = selection::list_applications(conn, &sel.id, Some(&sigla))?;
            let by_no: HashMap<String, ApplicationRow> =
                applications.into_iter().map(|a| (a.application_no.clone(), a)).collect();
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
            let candidates = selection::ranked_candidates(conn, &sel.id, Some(&sigla))?;
            let refs: Vec<&RankedCandidate> = candidates.iter().collect();
            let posts = selection::posts_of(conn, &sel.id, &sigla)?.map_or(current.posts, |p| p.posts);
            let published_on = req.published_on.unwrap_or(today);
            let built = build_ranking(
                &sel,
                NewRanking {
                    selection_id: &sel.id,
                    province: &sigla,
                    version: current.version + 1,
                    published_on,
                    // Validity runs from the first publication: a correction never extends it.
                    valid_until: current.valid_until,
                    reason: Some(req.reason.trim()),
                    created_by: ctx.actor.as_deref(),
                    posts,
                },
                &refs,
            )?;
            let summary = store_rankings(conn, vec![built])?
                .pop()
                .ok_or(ApiError::Internal)?;
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
