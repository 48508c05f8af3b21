use openapi::ProblemType;
use std::collections::BTreeMap;

use actix_web::{post, web};
use domain::selection::{admission_quota, admit, AdmissionCandidate, DegreeGrade};
use openapi::dto::{AdmissionProvince, AdmissionResult};
use openapi::Problem;
use persistence::{audit, selection};

use super::load_selection;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::RequestMeta;
use crate::state::AppState;

/// Computes who sits the test: per province at most `admission_multiplier x
/// posts` applicants, by degree grade, ties to the younger. Can be run again
/// until the rankings are published.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = AdmissionResult),
        (status = 409, description = "rankings-published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections/{id}/admission")]
pub async fn compute_admission(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<web::Json<AdmissionResult>> {
    let id = id.into_inner();
    let ctx = meta.audit(Some(&caller));
    let result = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            if sel.rankings_published_on.is_some() {
                return Err(ApiError::conflict(
                    ProblemType::RankingsPublished,
                    sel.code.clone(),
                ));
            }
            let posts = selection::posts(conn, &sel.id, None)?;
            let mut by_province: BTreeMap<String, Vec<(String, AdmissionCandidate)>> =
                BTreeMap::new();
            for a in selection::list_applications(conn, &sel.id, None)? {
                let degree_grade =
                    DegreeGrade::parse("degree_grade", a.degree_grade, a.degree_honours)
                        .map_err(|_| ApiError::Internal)?;
                let candidate = AdmissionCandidate {
                    application_no: a.application_no.clone(),
                    degree_grade,
                    birth_date: a.birth_date,
                };
                by_province
                    .entry(a.province_sigla)
                    .or_default()
                    .push((a.id, candidate));
            }
            let mut admitted_ids = Vec::new();
            let mut provinces = Vec::new();
            for (p, _) in &posts {
                let applicants = by_province.remove(&p.province_sigla).unwrap_or_default();
                let candidates: Vec<AdmissionCandidate> =
                    applicants.iter().map(|(_, c)| c.clone()).collect();
                let chosen = admit(&candidates, p.posts, sel.admission_multiplier)
                    .map_err(ApiError::Validation)?;
                let chosen: std::collections::HashSet<&str> =
                    chosen.iter().map(String::as_str).collect();
                let ids: Vec<String> = applicants
                    .iter()
                    .filter(|(_, c)| chosen.contains(c.application_no.as_str()))
                    .map(|(id, _)| id.clone())
                    .collect();
                provinces.push(AdmissionProvince {
                    province: p.province_sigla.clone(),
                    posts: p.posts,
                    applicants: applicants.len() as i64,
                    quota: admission_quota(p.posts, sel.admission_multiplier),
                    admitted: ids.len() as i64,
                });
                admitted_ids.extend(ids);
            }
            selection::set_admitted(conn, &sel.id, &admitted_ids)?;
            selection::mark_admission_done(conn, &sel.id)?;
            let result = AdmissionResult {
                admitted: admitted_ids.len() as i64,
                provinces,
            };
            audit::append::<(), _>(
                conn,
                &ctx,
                "selection.admission-computed",
                "selection",
                &sel.id,
                None,
                Some(&result),
            )?;
            Ok(result)
        })
        .await?;
    Ok(web::Json(result))
}
