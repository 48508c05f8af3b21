use domain::RuleCode;
use openapi::ProblemType;
use std::collections::{BTreeSet, HashMap};

use actix_web::{post, web, HttpResponse};
use domain::selection::CodiceFiscale;
use domain::training::classroom::{
    attended_minutes, check_held, check_under_contract, NewSession, SessionInput,
};
use domain::training::hours::hours_of;
use domain::{Violation, Violations};
use openapi::dto::{
    AttendanceItem, AttendanceResult, ClassroomSessionRequest, ClassroomSessionView,
};
use openapi::Problem;
use persistence::classroom::{self, SessionRow};
use persistence::contracts::{self, NavigatorRow};
use persistence::{audit, DbConnection};

use super::{lock_in_order, navigators_by_codice, refresh_each};
use crate::accounts::parse_uuid;
use crate::auth::caller::HrOrTrainer;
use crate::auth::Authorized;
use crate::csv_import::{self, RowAt};
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, RowsOrCsv, ValidJson};
use crate::state::AppState;

pub const REGISTER_HEADER: [&str; 2] = ["codice_fiscale", "hours"];

fn session_view(s: &SessionRow) -> ApiResult<ClassroomSessionView> {
    Ok(ClassroomSessionView {
        id: parse_uuid(&s.id)?,
        day: s.day,
        hours: hours_of(s.minutes),
        place: s.place.clone(),
        trainer: s.trainer.clone(),
    })
}

/// Creates a classroom session.
///
/// Its day, how long it lasts (quarter hours, at most 12), where and who
/// teaches (a name, not an account).
#[utoipa::path(
    tag = "training",
    request_body = ClassroomSessionRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = ClassroomSessionView),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/training/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    caller: Authorized<HrOrTrainer>,
    meta: RequestMeta,
    body: ValidJson<ClassroomSessionRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let session = NewSession::parse(&SessionInput {
        day: r.day,
        hours: r.hours,
        place: &r.place,
        trainer: &r.trainer,
    })?;
    let ctx = meta.audit(Some(&caller));
    let row = state
        .write(move |conn| {
            let row = classroom::insert_session(
                conn,
                &classroom::NewSession {
                    day: session.day,
                    minutes: session.minutes,
                    place: &session.place,
                    trainer: &session.trainer,
                    created_by: ctx.actor.as_deref(),
                },
            )?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "classroom_session.created",
                "classroom_session",
                &row.id,
                None,
                Some(&row),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(session_view(&row)?))
}

/// Who a register row names: a Navigator id (JSON) or a codice fiscale (CSV).
enum Person {
    Id(String),
    Codice(CodiceFiscale),
}

impl Person {
    fn field(&self) -> &'static str {
        match self {
            Self::Id(_) => "navigator_id",
            Self::Codice(_) => "codice_fiscale",
        }
    }
}

struct RegisterRow {
    at: RowAt,
    person: Person,
    hours: f64,
}

/// The rows of the body, with what is wrong in them on their own.
fn register_rows(body: RowsOrCsv<AttendanceItem>) -> (Vec<RegisterRow>, Violations, RowAt) {
    let mut bad = Violations::new();
    match body {
        RowsOrCsv::Json(items) => {
            if items.is_empty() {
                bad.push(Violation::new("body", RuleCode::EmptyList));
            }
            let rows = items
                .into_iter()
                .enumerate()
                .map(|(i, item)| RegisterRow {
                    at: RowAt::Index(i),
                    person: Person::Id(item.navigator_id.to_string()),
                    hours: item.hours,
                })
                .collect();
            (rows, bad, RowAt::Index(0))
        }
        RowsOrCsv::Csv(bytes) => {
            let records = match csv_import::records(&bytes, &REGISTER_HEADER) {
                Ok(r) => r,
                Err(v) => return (Vec::new(), v, RowAt::Line(1)),
            };
            let mut rows = Vec::new();
            for (line, r) in records {
                let codice = CodiceFiscale::parse("codice_fiscale", &r[0])
                    .map_err(|v| bad.push(v.at_line(line)))
                    .ok();
                let hours = csv_import::hours_cell(&r[1], "hours", line)
                    .map_err(|v| bad.push(v))
                    .ok();
                if let (Some(codice), Some(hours)) = (codice, hours) {
                    rows.push(RegisterRow {
                        at: RowAt::Line(line),
                        person: Person::Codice(codice),
                        hours,
                    });
                }
            }
            (rows, bad, RowAt::Line(1))
        }
    }
}

/// The Navigator each row names, `None` when nobody has that id or code.
fn resolve(conn: &mut DbConnection, rows: &[RegisterRow]) -> ApiResult<Vec<Option<NavigatorRow>>> {
    let codici: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| match &r.person {
            Person::Codice(c) => Some(c.as_str().to_owned()),
            Person::Id(_) => None,
        })
        .collect();
    let by_codice = navigators_by_codice(conn, &codici)?;
    let mut by_id: HashMap<String, Option<NavigatorRow>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(match &r.person {
            Person::Codice(c) => by_codice.get(c.as_str()).cloned(),
            Person::Id(id) => {
                if !by_id.contains_key(id) {
                    let nav = contracts::get_navigator(conn, id)?;
                    by_id.insert(id.clone(), nav);
                }
                by_id.get(id).cloned().flatten()
            }
        });
    }
    Ok(out)
}

/// Records who attended a session and for how long.
///
/// A JSON list `[{navigator_id, hours}]` or a CSV register
/// `codice_fiscale,hours` (`text/csv`). All rows or none: every bad row is
/// named (by index, or by line in a file): an unknown Navigator or codice
/// fiscale, hours not in quarter hours or above the session's, the same
/// person twice, someone not under contract on the session day (from the
/// contract's start to its last day, not while suspended). Attendance is
/// recorded once the session day has come (422 `session-not-held-yet`
/// before). Recording a person again for the same session corrects their
/// hours; the audit log keeps both. Each person's training progress is
/// updated at once.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Classroom session id")),
    request_body(
        description = "A JSON list of `{navigator_id, hours}`, or a CSV register with the header `codice_fiscale,hours`",
        content(
            (Vec<AttendanceItem> = "application/json"),
            (String = "text/csv"),
        )
    ),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = AttendanceResult),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed (JSON), file-rejected (CSV), session-not-held-yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/training/sessions/{id}/attendance")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    caller: Authorized<HrOrTrainer>,
    meta: RequestMeta,
    id: web::Path<String>,
    body: RowsOrCsv<AttendanceItem>,
) -> ApiResult<web::Json<AttendanceResult>> {
    let id = id.into_inner();
    let today = state.today();
    let ctx = meta.audit(Some(&caller));
    let (rows, mut bad, kind) = register_rows(body);
    let result = state
        .write(move |conn| {
            let session = classroom::get_session(conn, &id)?.ok_or(ApiError::NotFound {
                entity: "classroom session",
            })?;
            check_held(session.day, today)
                .map_err(|day| ApiError::rule(ProblemType::SessionNotHeldYet, day))?;
            let navs = resolve(conn, &rows)?;
            let known: BTreeSet<String> = navs.iter().flatten().map(|n| n.id.clone()).collect();
            // Locked before their contracts are read: what is checked stays
            // true until the attendance is written.
            lock_in_order(conn, &known)?;
            let mut seen: HashMap<String, RowAt> = HashMap::new();
            let mut accepted = Vec::with_capacity(rows.len());
            for (row, nav) in rows.iter().zip(&navs) {
                let who = row.person.field();
                let minutes = attended_minutes(&row.at.field("hours"), row.hours, session.minutes)
                    .map_err(|v| bad.push(row.at.place(v)))
                    .ok();
                let Some(nav) = nav else {
                    bad.push(match &row.person {
                        Person::Id(id) => row
                            .at
                            .violation(who, RuleCode::UnknownNavigator)
                            .with_detail(id.clone()),
                        // A codice fiscale is personal data: never echoed.
                        Person::Codice(_) => row.at.violation(who, RuleCode::UnknownCodiceFiscale),
                    });
                    continue;
                };
                if let Some(first) = seen.get(&nav.id) {
                    bad.push(
                        row.at
                            .violation(who, row.at.duplicate_code())
                            .with_detail(first.describe()),
                    );
                    continue;
                }
                seen.insert(nav.id.clone(), row.at);
                let contract = match contracts::contract_of_navigator(conn, &nav.id)? {
                    Some(c) => Some(crate::contracts::dates(conn, &c)?),
                    None => None,
                };
                if let Err(v) =
                    check_under_contract(&row.at.field(who), contract.as_ref(), session.day)
                {
                    bad.push(row.at.place(v));
                }
                if let Some(minutes) = minutes {
                    accepted.push((nav.id.clone(), minutes));
                }
            }
            if !bad.is_empty() {
                return Err(kind.rejection(bad));
            }
            let mut result = AttendanceResult {
                recorded: 0,
                corrected: 0,
            };
            for (navigator_id, minutes) in &accepted {
                let (before, after) = classroom::record_attendance(
                    conn,
                    &session.id,
                    navigator_id,
                    *minutes,
                    ctx.actor.as_deref(),
                )?;
                let action = if before.is_some() {
                    result.corrected += 1;
                    "classroom_attendance.corrected"
                } else {
                    result.recorded += 1;
                    "classroom_attendance.recorded"
                };
                audit::append(
                    conn,
                    &ctx,
                    action,
                    "classroom_attendance",
                    &after.id,
                    before.as_ref(),
                    Some(&after),
                )?;
            }
            refresh_each(conn, &known)?;
            Ok(result)
        })
        .await?;
    Ok(web::Json(result))
}
