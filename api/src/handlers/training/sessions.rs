use actix_web::{post, web, HttpResponse};
use domain::ids::{NavigatorId, TrainingSessionId};
use domain::training::classroom::{NewSession, SessionInput};
use domain::training::hours::hours_of;
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::dto::{
    AttendanceItem, AttendanceResult, ClassroomSessionRequest, ClassroomSessionView,
};
use openapi::Problem;
use persistence::classroom::SessionRow;

use crate::accounts::parse_uuid;
use crate::app::training::{
    register_of_file, CreateSession, Person, RecordAttendance, RegisterRow,
};
use crate::auth::caller::HrOrTrainer;
use crate::auth::Authorized;
use crate::csv_import::RowAt;
use crate::error::ApiResult;
use crate::extract::{RequestMeta, RowsOrCsv, ValidJson, ValidPath};
use crate::state::AppState;

pub use crate::app::training::REGISTER_HEADER;

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
    security(("bearer_auth" = ["hr", "trainer"])),
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
    let row = state.run(&caller, &meta, CreateSession { session }).await?;
    Ok(HttpResponse::Created().json(session_view(&row)?))
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
                    person: Person::Id(NavigatorId::from_uuid(item.navigator_id)),
                    hours: item.hours,
                })
                .collect();
            (rows, bad, RowAt::Index(0))
        }
        RowsOrCsv::Csv(bytes) => {
            let (rows, bad) = register_of_file(&bytes);
            (rows, bad, RowAt::Line(1))
        }
    }
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
    security(("bearer_auth" = ["hr", "trainer"])),
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
    id: ValidPath<String>,
    body: RowsOrCsv<AttendanceItem>,
) -> ApiResult<web::Json<AttendanceResult>> {
    let (rows, rejected, kind) = register_rows(body);
    let case = RecordAttendance {
        session_id: TrainingSessionId::from_stored(id.into_inner()),
        rows,
        rejected,
        kind,
    };
    let done = state.run(&caller, &meta, case).await?;
    Ok(web::Json(AttendanceResult {
        recorded: done.recorded,
        corrected: done.corrected,
    }))
}
