//! Contracts and HR events: draft, signature, extensions, resignations,
//! terminations, suspensions; and offboarding records.

use actix_web::{get, post, web, HttpResponse};
use domain::account::{NewAccount, Role};
use domain::contract::{self, ContractStatus, ContractType, EndCause, Suspension};
use domain::RuleCode;
use openapi::dto::{
    BulkExtendRequest, BulkExtendResult, ContractQuery, ContractView, DraftContractRequest,
    ExtendRequest, MyResignationRequest, OffboardingQuery, OffboardingView, Page, ReasonRequest,
    ResignationRequest, SignRequest, SuspensionRequest, TerminateRequest, TerminationCause,
};
use openapi::Problem;
use openapi::ProblemType;
use persistence::audit::{self, AuditContext};
use persistence::contracts::{
    self as store, ContractFilter, ContractRow, NewContract, NewNavigator,
};
use persistence::{accounts, offers, reference, selection, DbConnection};

use crate::accounts::{create_account, parse_uuid, MailContext};
use crate::auth::caller::{HrOnly, HrOrCoordinator, NavigatorOnly};
use crate::auth::{Authorized, Caller};
use crate::contracts::{dates, load, view};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidQuery};
use crate::handlers::{cut_page, page_limit};
use crate::state::AppState;

fn state_of(c: &ContractRow) -> serde_json::Value {
    serde_json::json!({
        "signed_on": c.signed_on, "start_date": c.start_date, "end_date": c.end_date,
        "end_cause": c.end_cause, "end_effective_on": c.end_effective_on,
        "cancelled_on": c.cancelled_on, "cancellation_reason": c.cancellation_reason,
    })
}

/// The account of the contract's Navigator, if they have one.
fn navigator_user(conn: &mut DbConnection, navigator_id: &str) -> ApiResult<Option<String>> {
    Ok(accounts::find_by_navigator(conn, navigator_id)?.map(|a| a.user.id))
}

/// Moves the Navigator's login cut-off to the contract's first ended day.
fn update_cutoff(
    conn: &mut DbConnection,
    c: &ContractRow,
) -> ApiResult<Option<(String, chrono::NaiveDate)>> {
    let Some(user) = navigator_user(conn, &c.navigator_id)? else {
        return Ok(None);
    };
    let from = dates(conn, c)?.ended_from();
    accounts::set_disabled_from(conn, &user, from)?;
    Ok(from.map(|d| (user, d)))
}

/// A draft contract from an accepted offer, once HR has verified the requirements.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Offer id")),
    request_body = DraftContractRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = ContractView),
        (status = 409, description = "offer-not-accepted or contract-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "requirements-not-verified", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers/{id}/contract")]
pub async fn draft_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<DraftContractRequest>,
) -> ApiResult<HttpResponse> {
    if !body.0.requirements_verified {
        return Err(ApiError::violation(
            "requirements_verified",
            RuleCode::RequirementsNotVerified,
        ));
    }
    let id = id.into_inner();
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let v = state
        .write(move |conn| {
            let offer =
                offers::get_offer(conn, &id)?.ok_or(ApiError::NotFound { entity: "offer" })?;
            if offer.status != "accepted" {
                return Err(ApiError::conflict(
                    ProblemType::OfferNotAccepted,
                    offer.status,
                ));
            }
            if store::contract_of_offer(conn, &offer.id)?.is_some() {
                return Err(ApiError::conflict(
                    ProblemType::ContractExists,
                    offer.id.clone(),
                ));
            }
            let sel =
                selection::get_selection(conn, &offer.selection_id)?.ok_or(ApiError::Internal)?;
            let app = selection::get_application(conn, &offer.application_id)?
                .ok_or(ApiError::Internal)?;
            let province =
                reference::get_province(conn, &offer.province_sigla)?.ok_or(ApiError::Internal)?;
            let nav = match store::navigator_of_application(conn, &app.id)? {
                Some(n) => n,
                None => store::insert_navigator(
                    conn,
                    &NewNavigator {
                        application_id: &app.id,
                        selection_id: &sel.id,
                        codice_fiscale: &app.codice_fiscale,
                        first_name: &app.first_name,
                        last_name: &app.last_name,
                        email: &app.email,
                        province: &offer.province_sigla,
                        region: &province.region_code,
                    },
                )?,
            };
            let c = store::insert_contract(
                conn,
                &NewContract {
                    navigator_id: &nav.id,
                    offer_id: &offer.id,
                    selection_id: &sel.id,
                    province: &offer.province_sigla,
                    region: &province.region_code,
                    end_date: sel.contract_end,
                    annual_pay_cents: sel.annual_pay_cents,
                    monthly_expenses_cents: sel.monthly_expenses_cents,
                    contract_type: ContractType::OF_THE_PROGRAMME,
                },
            )?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "contract.drafted",
                "contract",
                &c.id,
                None,
                Some(&c),
            )?;
            view(conn, &c, &nav, &app.application_no, today)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/contracts/{}", v.id)))
        .json(v))
}

/// Signs a draft with its dates (the end defaults to the selection's);
/// creates the Navigator's account and mails them an activation link.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = SignRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ContractView),
        (status = 409, description = "contract-already-signed or contract-cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/sign")]
pub async fn sign_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<SignRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let id = id.into_inner();
    let req = body.0;
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let public_url = state.settings.public_url.clone();
    let domain = state.settings.public_host();
    let (v, cutoff) = state
        .write(move |conn| {
            let (c, nav, application_no) = load(conn, &id)?;
            refuse_signature(&c)?;
            let sel = selection::get_selection(conn, &c.selection_id)?.ok_or(ApiError::Internal)?;
            let published = sel.rankings_published_on.ok_or(ApiError::Internal)?;
            let end = req.end_date.unwrap_or(c.end_date);
            contract::check_signature(req.signed_on, req.start_date, end, published)?;
            if !store::sign(conn, &c.id, req.signed_on, req.start_date, end)? {
                // Signed or cancelled by a request that committed first.
                let now = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
                refuse_signature(&now)?;
                return Err(ApiError::conflict(
                    ProblemType::ContractChanged,
                    c.id.clone(),
                ));
            }
            if accounts::find_by_navigator(conn, &nav.id)?.is_none() {
                let new = NewAccount::parse(
                    &nav.email,
                    Role::Navigator,
                    &[],
                    Some(parse_uuid(&nav.id)?),
                )?;
                let mail = MailContext {
                    public_url: &public_url,
                    message_domain: &domain,
                };
                create_account(conn, &ctx, &new, None, &mail)?;
            }
            let signed = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
            let cutoff = update_cutoff(conn, &signed)?;
            audit::append(
                conn,
                &ctx,
                "contract.signed",
                "contract",
                &c.id,
                Some(&state_of(&c)),
                Some(&state_of(&signed)),
            )?;
            Ok((view(conn, &signed, &nav, &application_no, today)?, cutoff))
        })
        .await?;
    state.apply_cutoff(cutoff);
    Ok(web::Json(v))
}

/// Only a draft is signed: not a signed one again, nor a cancelled one.
fn refuse_signature(c: &ContractRow) -> ApiResult<()> {
    if c.signed_on.is_some() {
        Err(ApiError::conflict(
            ProblemType::ContractAlreadySigned,
            c.id.clone(),
        ))
    } else if c.cancelled_on.is_some() {
        Err(ApiError::conflict(
            ProblemType::ContractCancelled,
            c.id.clone(),
        ))
    } else {
        Ok(())
    }
}

/// Cancels a draft whose candidate never signed, with the reason: the seat
/// it held is vacant at once (the next call can be made), the accepted
/// offer is withdrawn and the candidate leaves the list as after a renuncia
/// (DOMAIN.md §5). A signed contract is not cancelled: it ends by
/// resignation, withdrawal or exclusion.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ReasonRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ContractView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "contract-signed or contract-cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "reason required", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/cancel")]
pub async fn cancel_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let id = id.into_inner();
    let reason = body.0.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let v = state
        .write(move |conn| {
            let (c, nav, no) = load(conn, &id)?;
            let refused = |e: contract::CancellationRefused| {
                let code = match e {
                    contract::CancellationRefused::Signed => ProblemType::ContractSigned,
                    contract::CancellationRefused::Cancelled => ProblemType::ContractCancelled,
                };
                ApiError::conflict(code, &c.id)
            };
            contract::check_cancellation(&dates(conn, &c)?).map_err(refused)?;
            if !store::cancel(conn, &c.id, today, &reason)? {
                // Signed or cancelled by a request that committed first.
                let now = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
                contract::check_cancellation(&dates(conn, &now)?).map_err(refused)?;
                return Err(ApiError::conflict(
                    ProblemType::ContractChanged,
                    c.id.clone(),
                ));
            }
            let after = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
            crate::scorrimento::release_cancelled_draft(conn, &ctx, &after, &reason)?;
            audit::append(
                conn,
                &ctx,
                "contract.cancelled",
                "contract",
                &c.id,
                Some(&state_of(&c)),
                Some(&state_of(&after)),
            )?;
            view(conn, &after, &nav, &no, today)
        })
        .await?;
    Ok(web::Json(v))
}

fn check_scope(caller: &Caller, region: &str) -> ApiResult<()> {
    if caller.covers_region(region) {
        Ok(())
    } else {
        Err(ApiError::OutOfScope)
    }
}

/// Contracts, filtered; coordinators see their own Region's only.
#[utoipa::path(
    tag = "contracts",
    params(ContractQuery),
    security(("bearer_auth" = [])),
    responses((status = 200, body = Page<ContractView>), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/contracts")]
pub async fn list_contracts(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    query: ValidQuery<ContractQuery>,
) -> ApiResult<web::Json<Page<ContractView>>> {
    let q = query.0;
    if let Some(r) = &q.region {
        check_scope(&caller, r)?;
    }
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(
            ContractStatus::parse(s).ok_or_else(|| ApiError::InvalidQuery {
                field: "status".into(),
                detail: format!("{s}: draft, signed, active, suspended, ended or cancelled"),
            })?,
        ),
    };
    let limit = page_limit(q.limit)?;
    let mut filter = ContractFilter {
        region: q.region,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        after_id: q.cursor,
        // One more than the page, to know whether another follows; at
        // least a hundred, so a rare state costs few reads.
        limit: (limit + 1).max(100),
    };
    let today = state.today();
    let caller = caller.caller.clone();
    let page = state
        .read(move |conn| {
            if let Some(p) = &filter.province {
                crate::handlers::check_province_filter(conn, &caller, p)?;
            }
            // A contract's state on a day is the domain's (signature,
            // suspensions, endings), so the status and the caller's Regions
            // are checked row by row, reading batches on until the page is
            // full: a page is never cut before the rows that match.
            let mut matching = Vec::new();
            'batches: loop {
                let rows = store::list(conn, &filter)?;
                let exhausted = (rows.len() as i64) < filter.limit;
                for (c, nav, no) in &rows {
                    filter.after_id = Some(c.id.clone());
                    if !caller.covers_region(&c.region_code) {
                        continue;
                    }
                    if let Some(s) = status {
                        if dates(conn, c)?.status_on(today) != s {
                            continue;
                        }
                    }
                    matching.push((c.id.clone(), view(conn, c, nav, no, today)?));
                    if matching.len() as i64 > limit {
                        break 'batches;
                    }
                }
                if exhausted {
                    break;
                }
            }
            let page = cut_page(matching, limit, |(id, _)| id.clone());
            Ok(Page {
                items: page.items.into_iter().map(|(_, v)| v).collect(),
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One contract; a coordinator reads only their own Region's.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = ContractView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contracts/{id}")]
pub async fn get_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOrCoordinator>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ContractView>> {
    let id = id.into_inner();
    let today = state.today();
    let caller = caller.caller.clone();
    let v = state
        .read(move |conn| {
            let (c, nav, no) = load(conn, &id)?;
            check_scope(&caller, &c.region_code)?;
            view(conn, &c, &nav, &no, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// Extends one contract (proroga): the new end must be later.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ExtendRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/extend")]
pub async fn extend_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<ExtendRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let id = id.into_inner();
    let req = body.0;
    if req.reason.trim().is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let (v, cutoff) = state
        .write(move |conn| {
            let (c, nav, no) = load(conn, &id)?;
            contract::check_extension(&dates(conn, &c)?, req.new_end_date, today)?;
            if !store::extend(
                conn,
                &c.id,
                c.end_date,
                req.new_end_date,
                req.reason.trim(),
                None,
                ctx.actor.as_deref(),
            )? {
                return Err(ApiError::conflict(
                    ProblemType::ContractChanged,
                    c.id.clone(),
                ));
            }
            let after = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
            let cutoff = update_cutoff(conn, &after)?;
            audit::append(
                conn,
                &ctx,
                "contract.extended",
                "contract",
                &c.id,
                Some(&state_of(&c)),
                Some(&state_of(&after)),
            )?;
            Ok((view(conn, &after, &nav, &no, today)?, cutoff))
        })
        .await?;
    state.apply_cutoff(cutoff);
    Ok(web::Json(v))
}

/// Extends every running contract, or those of one Region, in one
/// transaction: if one cannot be extended, none is, and the answer names it.
#[utoipa::path(
    tag = "contracts",
    request_body = BulkExtendRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = BulkExtendResult), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/extensions")]
pub async fn extend_contracts(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    body: ValidJson<BulkExtendRequest>,
) -> ApiResult<web::Json<BulkExtendResult>> {
    let req = body.0;
    if req.reason.trim().is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let batch = uuid::Uuid::now_v7();
    let (extended, cutoffs) = state
        .write(move |conn| {
            let mut bad = domain::Violations::new();
            let mut todo = Vec::new();
            for c in store::running(conn, req.region.as_deref())? {
                let d = dates(conn, &c)?;
                // Contracts already ended on their own are not "active": not part of the batch.
                if d.status_on(today) == ContractStatus::Ended {
                    continue;
                }
                match contract::check_extension(&d, req.new_end_date, today) {
                    Ok(()) => todo.push(c),
                    Err(v) => bad.push(domain::Violation {
                        field: format!("contracts[{}]", c.id),
                        ..v
                    }),
                }
            }
            if !bad.is_empty() {
                return Err(ApiError::Validation(bad));
            }
            let mut cutoffs = Vec::new();
            let batch_id = batch.to_string();
            for c in &todo {
                if !store::extend(
                    conn,
                    &c.id,
                    c.end_date,
                    req.new_end_date,
                    req.reason.trim(),
                    Some(&batch_id),
                    ctx.actor.as_deref(),
                )? {
                    return Err(ApiError::conflict(
                        ProblemType::ContractChanged,
                        c.id.clone(),
                    ));
                }
                let after = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
                cutoffs.extend(update_cutoff(conn, &after)?);
                audit::append(
                    conn,
                    &ctx,
                    "contract.extended",
                    "contract",
                    &c.id,
                    Some(&state_of(c)),
                    Some(&state_of(&after)),
                )?;
            }
            Ok((todo.len(), cutoffs))
        })
        .await?;
    for cutoff in cutoffs {
        state.apply_cutoff(Some(cutoff));
    }
    Ok(web::Json(BulkExtendResult {
        extended,
        batch_id: batch,
    }))
}

/// An early ending as requested.
struct Ending {
    cause: EndCause,
    submitted_on: chrono::NaiveDate,
    effective_on: chrono::NaiveDate,
    reason: Option<String>,
    notice_days: u64,
}

/// Which contract an ending applies to.
enum EndingOf {
    Contract(String),
    /// The newest contract of this Navigator.
    Navigator(String),
}

/// Registers an ending in one transaction and answers the contract as it is
/// today; the login cut-off is recorded once the change has committed.
async fn register_ending(
    state: &AppState,
    ctx: AuditContext,
    of: EndingOf,
    ending: Ending,
) -> ApiResult<ContractView> {
    let today = state.today();
    let (v, cutoff) = state
        .write(move |conn| {
            let id = match of {
                EndingOf::Contract(id) => id,
                EndingOf::Navigator(nav) => {
                    store::contract_of_navigator(conn, &nav)?
                        .ok_or(ApiError::NotFound { entity: "contract" })?
                        .id
                }
            };
            let (c, nav, no) = load(conn, &id)?;
            let (after, cutoff) = end_contract(conn, &ctx, &c, &ending, today)?;
            Ok((view(conn, &after, &nav, &no, today)?, cutoff))
        })
        .await?;
    state.apply_cutoff(cutoff);
    Ok(v)
}

fn end_contract(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    c: &ContractRow,
    e: &Ending,
    today: chrono::NaiveDate,
) -> ApiResult<(ContractRow, Option<(String, chrono::NaiveDate)>)> {
    let (cause, submitted_on, effective_on, notice_days) =
        (e.cause, e.submitted_on, e.effective_on, e.notice_days);
    let reason = e.reason.as_deref();
    let d = dates(conn, c)?;
    match cause {
        EndCause::Resigned => {
            contract::check_resignation(&d, submitted_on, effective_on, notice_days)?
        }
        _ => contract::check_termination(&d, cause, effective_on)?,
    }
    if !store::end_early(
        conn,
        &c.id,
        cause.as_str(),
        effective_on,
        submitted_on,
        reason,
    )? {
        return Err(ApiError::conflict(ProblemType::ContractEnded, c.id.clone()));
    }
    let after = store::get_contract(conn, &c.id)?.ok_or(ApiError::Internal)?;
    let cutoff = update_cutoff(conn, &after)?;
    // An ending already in effect today acts at once.
    crate::contracts::release_ended(conn, today)?;
    let action = match cause {
        EndCause::Resigned => "contract.resignation",
        EndCause::Withdrawn => "contract.withdrawn",
        EndCause::Excluded => "contract.excluded",
        EndCause::Expired => "contract.expired",
    };
    audit::append(
        conn,
        ctx,
        action,
        "contract",
        &c.id,
        Some(&state_of(c)),
        Some(&state_of(&after)),
    )?;
    Ok((after, cutoff))
}

/// Registers a resignation (dimissioni) on the Navigator's behalf.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = ResignationRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/resignation")]
pub async fn register_resignation(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<ResignationRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    let ending = Ending {
        cause: EndCause::Resigned,
        submitted_on: req.submitted_on,
        effective_on: req.effective_on,
        reason: None,
        notice_days: state.settings.resignation_notice_days,
    };
    let of = EndingOf::Contract(id.into_inner());
    Ok(web::Json(
        register_ending(&state, meta.audit(Some(&caller)), of, ending).await?,
    ))
}

/// Withdrawal (recesso) or exclusion by HR, with its reason.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = TerminateRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/terminate")]
pub async fn terminate_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<TerminateRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let req = body.0;
    if req.reason.trim().is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let cause = match req.cause {
        TerminationCause::Withdrawn => EndCause::Withdrawn,
        TerminationCause::Excluded => EndCause::Excluded,
    };
    let ending = Ending {
        cause,
        submitted_on: state.today(),
        effective_on: req.effective_on,
        reason: Some(req.reason.trim().to_owned()),
        notice_days: 0,
    };
    let of = EndingOf::Contract(id.into_inner());
    Ok(web::Json(
        register_ending(&state, meta.audit(Some(&caller)), of, ending).await?,
    ))
}

/// A suspension period: the contract keeps its seat.
#[utoipa::path(
    tag = "contracts",
    params(("id" = String, Path, description = "Contract id")),
    request_body = SuspensionRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/contracts/{id}/suspensions")]
pub async fn suspend_contract(
    state: web::Data<AppState>,
    caller: Authorized<HrOnly>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: ValidJson<SuspensionRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let id = id.into_inner();
    let req = body.0;
    if req.reason.trim().is_empty() {
        return Err(ApiError::violation("reason", RuleCode::Required));
    }
    let ctx = meta.audit(Some(&caller));
    let today = state.today();
    let v = state
        .write(move |conn| {
            let (c, nav, no) = load(conn, &id)?;
            if c.signed_on.is_none() {
                return Err(ApiError::violation("contract", RuleCode::ContractNotSigned));
            }
            contract::check_suspension(&dates(conn, &c)?, Suspension { from: req.from, to: req.to })?;
            store::insert_suspension(conn, &c.id, req.from, req.to, req.reason.trim(), ctx.actor.as_deref())?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "contract.suspended",
                "contract",
                &c.id,
                None,
                Some(&serde_json::json!({ "from": req.from, "to": req.to, "reason": req.reason.trim() })),
            )?;
            view(conn, &c, &nav, &no, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// The caller's own contract.
#[utoipa::path(
    tag = "self",
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/me/contract")]
pub async fn my_contract(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
) -> ApiResult<web::Json<ContractView>> {
    let nav_id = caller
        .navigator_id
        .clone()
        .ok_or(ApiError::NotFound { entity: "contract" })?;
    let today = state.today();
    let v = state
        .read(move |conn| {
            let c = store::contract_of_navigator(conn, &nav_id)?
                .ok_or(ApiError::NotFound { entity: "contract" })?;
            let (c, nav, no) = load(conn, &c.id)?;
            view(conn, &c, &nav, &no, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// The Navigator resigns from the app: submitted today, effective on the day given.
#[utoipa::path(
    tag = "self",
    request_body = MyResignationRequest,
    security(("bearer_auth" = [])),
    responses((status = 200, body = ContractView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/me/resignation")]
pub async fn my_resignation(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    body: ValidJson<MyResignationRequest>,
) -> ApiResult<web::Json<ContractView>> {
    let nav_id = caller
        .navigator_id
        .clone()
        .ok_or(ApiError::NotFound { entity: "contract" })?;
    let ending = Ending {
        cause: EndCause::Resigned,
        submitted_on: state.today(),
        effective_on: body.0.effective_on,
        reason: None,
        notice_days: state.settings.resignation_notice_days,
    };
    let of = EndingOf::Navigator(nav_id);
    Ok(web::Json(
        register_ending(&state, meta.audit(Some(&caller)), of, ending).await?,
    ))
}

/// Offboarding records of ended contracts with the items still held;
/// `open=true` for those not closed. A record closes by itself when the last
/// item comes back or is written off.
#[utoipa::path(
    tag = "contracts",
    params(OffboardingQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<OffboardingView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/offboarding")]
pub async fn list_offboarding(
    state: web::Data<AppState>,
    _caller: Authorized<HrOnly>,
    query: ValidQuery<OffboardingQuery>,
) -> ApiResult<web::Json<Page<OffboardingView>>> {
    let q = query.0;
    let open = q.open.unwrap_or(false);
    let limit = page_limit(q.limit)?;
    let today = state.today();
    let page = state
        .write(move |conn| {
            crate::contracts::settle(conn, chrono::Utc::now(), today)?;
            let rows = store::offboardings(conn, open, q.cursor.as_deref(), limit + 1)?;
            let page = cut_page(rows, limit, |o| o.id.clone());
            let mut views = Vec::new();
            for o in &page.items {
                // What the Navigator still holds, while the record is open.
                let outstanding = if o.closed_at.is_none() {
                    persistence::equipment::held_by(conn, &o.navigator_id)?
                        .into_iter()
                        .map(|i| {
                            let record = crate::app::equipment::item_record(conn, i)?;
                            crate::handlers::equipment::views::item_view(&record)
                        })
                        .collect::<ApiResult<_>>()?
                } else {
                    Vec::new()
                };
                views.push(OffboardingView {
                    navigator_id: parse_uuid(&o.navigator_id)?,
                    contract_id: parse_uuid(&o.contract_id)?,
                    ended_on: o.ended_on,
                    outstanding,
                    closed_at: o.closed_at.map(persistence::time::from_db),
                });
            }
            Ok(Page {
                items: views,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}
