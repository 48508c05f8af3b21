use actix_web::{get, post, web, HttpResponse};
use domain::ids::SelectionId;
use openapi::dto::{
    CorrectionRequest, PublishRequest, PublishResult, RankingEntryView, RankingQuery,
    RankingSummary, RankingView,
};
use openapi::Problem;

use super::points;
use crate::accounts::parse_uuid;
use crate::app::selection::{
    CorrectRanking, CorrectedResult, PublishRankings, RankingRecord,
    RankingSummary as RankingSummaryRecord, ReadRanking,
};
use crate::auth::caller::{HrOnly, HrOrCoordinator};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::state::AppState;

fn summary_view(r: RankingSummaryRecord) -> RankingSummary {
    RankingSummary {
        province: r.province,
        version: r.version,
        published_on: r.published_on,
        valid_until: r.valid_until,
        posts: r.posts,
        entries: r.entries,
        winners: r.winners,
    }
}

/// Builds and freezes the ranking (graduatoria) of every province with posts.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body = PublishRequest,
    security(("bearer_auth" = ["hr"])),
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
    id: ValidPath<String>,
    body: ValidJson<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let case = PublishRankings {
        selection_id: SelectionId::from_stored(id.into_inner()),
        published_on: body.0.published_on,
    };
    let rankings = state.run(&caller, &meta, case).await?;
    let result = PublishResult {
        rankings: rankings.into_iter().map(summary_view).collect(),
    };
    Ok(HttpResponse::Created().json(result))
}

fn ranking_view(r: RankingRecord) -> ApiResult<RankingView> {
    let RankingRecord {
        ranking,
        versions,
        entries,
    } = r;
    let entries = entries
        .into_iter()
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
        province: ranking.province_sigla,
        version: ranking.version,
        versions,
        published_on: ranking.published_on,
        valid_until: ranking.valid_until,
        posts: ranking.posts,
        reason: ranking.reason,
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
    security(("bearer_auth" = ["hr", "coordinator"])),
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
    meta: RequestMeta,
    path: ValidPath<(String, String)>,
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
    let case = ReadRanking {
        selection_id: SelectionId::from_stored(id),
        province: sigla,
        version: q.version,
        status: q.status,
    };
    let view = ranking_view(state.run(&caller, &meta, case).await?)?;
    Ok(web::Json(view))
}

/// A correction (rettifica): corrected results, if any, and a new version
/// of the province's ranking with its reason; the old versions stay readable.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id"), ("sigla" = String, Path, description = "Province sigla")),
    request_body = CorrectionRequest,
    security(("bearer_auth" = ["hr"])),
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
    path: ValidPath<(String, String)>,
    body: ValidJson<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, sigla) = path.into_inner();
    let req = body.0;
    let results = req
        .results
        .into_iter()
        .map(|r| CorrectedResult {
            application_no: r.application_no,
            right: r.right,
            wrong: r.wrong,
            blank: r.blank,
        })
        .collect();
    let case = CorrectRanking::new(
        SelectionId::from_stored(id),
        &sigla,
        &req.reason,
        results,
        req.published_on,
    )?;
    let summary = summary_view(state.run(&caller, &meta, case).await?);
    Ok(HttpResponse::Created().json(summary))
}
