use actix_web::{get, post, put, web, HttpResponse};
use domain::selection::settings::{
    default_contract_end, SelectionSettings, DEFAULT_ANNUAL_PAY_CENTS,
    DEFAULT_MONTHLY_EXPENSES_CENTS, DEFAULT_OFFER_DAYS, DEFAULT_RANKING_VALID_MONTHS,
};
use domain::selection::{ScoringRules, DEFAULT_MULTIPLIER};
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{Page, PageQuery, PostsItem, SelectionRequest, SelectionView};
use openapi::Problem;
use openapi::ProblemType;
use persistence::selection::{self, SelectionRow};
use persistence::{audit, reference, training};

use super::{load_selection, points};
use crate::accounts::parse_uuid;
use crate::auth::caller::HrOnly;
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{cut_page, page_limit};
use crate::state::AppState;

/// A selection with the code of the training path set for it, if any.
pub fn view_with_path(s: &SelectionRow, training_path: Option<String>) -> ApiResult<SelectionView> {
    Ok(SelectionView {
        training_path,
        ..view(s)?
    })
}

pub fn view(s: &SelectionRow) -> ApiResult<SelectionView> {
    Ok(SelectionView {
        id: parse_uuid(&s.id)?,
        code: s.code.clone(),
        title: s.title.clone(),
        published_on: s.published_on,
        questions: s.questions,
        pass_mark: s.pass_mark,
        wrong_penalty: points(s.wrong_penalty_hundredths),
        admission_multiplier: s.admission_multiplier,
        offer_days: s.offer_days,
        ranking_valid_months: s.ranking_valid_months,
        annual_pay_cents: s.annual_pay_cents,
        monthly_expenses_cents: s.monthly_expenses_cents,
        contract_end: s.contract_end,
        decline_is_final: s.decline_is_final,
        admission_done: s.admission_done_at.is_some(),
        rankings_published_on: s.rankings_published_on,
        training_path: None,
    })
}

/// A decimal with at most two digits after the point, in hundredths.
fn hundredths(field: &str, value: f64) -> Result<i64, Violation> {
    let scaled = value * 100.0;
    let rounded = scaled.round();
    if !value.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e12 {
        return Err(Violation::new(field, RuleCode::TooManyDecimals).with_detail(value));
    }
    Ok(rounded as i64)
}

fn settings(r: SelectionRequest) -> Result<SelectionSettings, Violations> {
    let defaults = ScoringRules::default();
    // A penalty that is not a whole number of hundredths is reported with
    // every other broken rule, not alone.
    let (wrong_penalty, penalty_violation) =
        match r.wrong_penalty.map(|v| hundredths("wrong_penalty", v)) {
            Some(Ok(h)) => (h, None),
            Some(Err(v)) => (defaults.wrong_penalty, Some(v)),
            None => (defaults.wrong_penalty, None),
        };
    let checked = SelectionSettings {
        code: r.code,
        title: r.title,
        published_on: r.published_on,
        scoring: ScoringRules {
            questions: r.questions.unwrap_or(defaults.questions),
            wrong_penalty,
            pass_mark: r.pass_mark.unwrap_or(defaults.pass_mark),
        },
        admission_multiplier: r.admission_multiplier.unwrap_or(DEFAULT_MULTIPLIER),
        offer_days: r.offer_days.unwrap_or(DEFAULT_OFFER_DAYS),
        ranking_valid_months: r
            .ranking_valid_months
            .unwrap_or(DEFAULT_RANKING_VALID_MONTHS),
        annual_pay_cents: r.annual_pay_cents.unwrap_or(DEFAULT_ANNUAL_PAY_CENTS),
        monthly_expenses_cents: r
            .monthly_expenses_cents
            .unwrap_or(DEFAULT_MONTHLY_EXPENSES_CENTS),
        contract_end: r.contract_end.unwrap_or_else(default_contract_end),
        decline_is_final: r.decline_is_final.unwrap_or(true),
    }
    .validate();
    match (checked, penalty_violation) {
        (Ok(s), None) => Ok(s),
        (Ok(_), Some(v)) => Err(Violations::from(v)),
        (Err(mut all), Some(v)) => {
            all.push(v);
            Err(all)
        }
        (Err(all), None) => Err(all),
    }
}

/// Opens a selection with its rules; omitted rules take the 2019 defaults.
#[utoipa::path(
    tag = "selection",
    request_body = SelectionRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = SelectionView),
        (status = 409, description = "selection-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/selections")]
pub async fn create_selection(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: ValidJson<SelectionRequest>,
) -> ApiResult<HttpResponse> {
    let mut request = body.0;
    let path_code = request.training_path.take().map(|c| c.trim().to_owned());
    let s = settings(request)?;
    let ctx = meta.audit(Some(&caller));
    let (row, path_code) = state
        .write(move |conn| {
            let path_id = match &path_code {
                None => None,
                Some(code) => Some(training::path_id_of_code(conn, code)?.ok_or_else(|| {
                    ApiError::from(
                        Violation::new("training_path", RuleCode::UnknownTrainingPath)
                            .with_detail(code),
                    )
                })?),
            };
            let row = selection::insert_selection(conn, &s).map_err(|e| {
                if e.is_unique_violation() {
                    ApiError::conflict(ProblemType::SelectionExists, s.code.clone())
                } else {
                    e.into()
                }
            })?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "selection.created",
                "selection",
                &row.id,
                None,
                Some(&row),
            )?;
            if let Some(path_id) = &path_id {
                training::set_selection_path(conn, &row.id, path_id)?;
                audit::append::<(), _>(
                    conn,
                    &ctx,
                    "selection.training_path_set",
                    "selection",
                    &row.id,
                    None,
                    Some(&serde_json::json!({ "training_path": path_code })),
                )?;
            }
            Ok((row, path_code))
        })
        .await?;
    let v = view_with_path(&row, path_code)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/selections/{}", v.id)))
        .json(v))
}

/// Every selection, newest first.
#[utoipa::path(
    tag = "selection",
    params(PageQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<SelectionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/selections")]
pub async fn list_selections(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    query: ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<SelectionView>>> {
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let (rows, mut paths) = state
        .read(move |conn| {
            Ok((
                selection::list_selections(conn, q.cursor.as_deref(), limit + 1)?,
                training::selection_path_codes(conn)?,
            ))
        })
        .await?;
    let page = cut_page(rows, limit, |s| s.id.clone());
    Ok(web::Json(Page {
        items: page
            .items
            .iter()
            .map(|s| view_with_path(s, paths.remove(&s.id)))
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}

/// One selection.
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    security(("bearer_auth" = [])),
    responses((status = 200, body = SelectionView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/selections/{id}")]
pub async fn get_selection(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    id: web::Path<String>,
) -> ApiResult<web::Json<SelectionView>> {
    let id = id.into_inner();
    let (row, mut paths) = state
        .read(move |conn| {
            Ok((
                load_selection(conn, &id)?,
                training::selection_path_codes(conn)?,
            ))
        })
        .await?;
    let path = paths.remove(&row.id);
    Ok(web::Json(view_with_path(&row, path)?))
}

/// Sets the posts of the listed provinces (the others keep theirs).
#[utoipa::path(
    tag = "selection",
    params(("id" = String, Path, description = "Selection id")),
    request_body = Vec<PostsItem>,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Vec<PostsItem>),
        (status = 409, description = "posts-below-taken-seats", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/selections/{id}/posts")]
pub async fn put_posts(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: crate::extract::ValidJsonList<PostsItem>,
) -> ApiResult<web::Json<Vec<PostsItem>>> {
    let id = id.into_inner();
    let items = body.0;
    let ctx = meta.audit(Some(&caller));
    let rows = state
        .write(move |conn| {
            let sel = load_selection(conn, &id)?;
            let known = reference::province_siglas(conn)?;
            let mut v = Violations::new();
            let mut parsed: Vec<(String, i64)> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let field = format!("[{i}].province");
                match domain::reference::ProvinceSigla::parse(&field, &item.province) {
                    Ok(p) if !known.iter().any(|k| k == p.as_str()) => {
                        v.push(
                            Violation::new(field, RuleCode::UnknownProvince)
                                .with_detail(p.as_str()),
                        );
                    }
                    Ok(p) if parsed.iter().any(|(q, _)| q == p.as_str()) => {
                        v.push(Violation::new(field, RuleCode::Duplicate).with_detail(p.as_str()));
                    }
                    Ok(p) => parsed.push((p.as_str().to_owned(), item.posts)),
                    Err(e) => v.push(e),
                }
                if item.posts < 0 {
                    v.push(Violation::new(
                        format!("[{i}].posts"),
                        RuleCode::MustNotBeNegative,
                    ));
                }
            }
            if !v.is_empty() {
                return Err(ApiError::Validation(v));
            }
            let before = selection::posts(conn, &sel.id, None)?;
            for (province, n) in &parsed {
                if let Some((row, _)) = before.iter().find(|(r, _)| r.province_sigla == *province) {
                    if *n < row.filled + row.pending {
                        return Err(ApiError::conflict(
                            ProblemType::PostsBelowTakenSeats,
                            province.clone(),
                        ));
                    }
                }
            }
            selection::set_posts(conn, &sel.id, &parsed)?;
            let after = selection::posts(conn, &sel.id, None)?;
            let state_of = |rows: &[(selection::PostsRow, String)]| {
                rows.iter()
                    .map(|(r, _)| (r.province_sigla.clone(), r.posts))
                    .collect::<Vec<_>>()
            };
            audit::append(
                conn,
                &ctx,
                "selection.posts-set",
                "selection",
                &sel.id,
                Some(&state_of(&before)),
                Some(&state_of(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(r, _)| PostsItem {
                province: r.province_sigla,
                posts: r.posts,
            })
            .collect(),
    ))
}
