//! Question RdC: Navigators ask, experts take and answer; the service's
//! own figures. Every call to the service is noted as a use of it for the
//! day ([`note_service_use`]).

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::question::{QuestionStatus, QuestionText};
use domain::Violations;
use openapi::dto::{
    MergeQuestionRequest, NewQuestionRequest, Page, PagedList, QuestionListQuery,
    QuestionMessageKind, QuestionMessageRequest, QuestionMessageView, QuestionServiceQuery,
    QuestionServiceReportView, QuestionStatusView, QuestionTopicList, QuestionTopicView,
    QuestionView,
};
use openapi::Problem;
use persistence::questions::{Filter, MessageRow, QuestionRow};
use persistence::time::from_db;

use crate::app::questions::report::{QuestionServiceReport, ServiceFigures};
use crate::app::questions::{
    status_of, Action, AskQuestion, ListQuestions, ListTopics, MoveQuestion, ReadQuestion,
    RecordServiceUse,
};
use crate::auth::caller::{
    AnyRole, Caller, ExpertOnly, NavigatorOnly, QuestionReaders, ServiceFigureReaders,
};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

/// Notes that `caller` opened the Question RdC service today (questions
/// or FAQ): what the service's figures count as a use. One row per person
/// per day, so calling it on every request of the service is harmless. A
/// failure to note it is logged and does not fail the request.
pub async fn note_service_use(state: &AppState, caller: &Caller, meta: &RequestMeta) {
    if let Err(e) = state.run(caller, meta, RecordServiceUse).await {
        tracing::warn!(error = %e, "cannot note the use of the question service");
    }
}

fn status_view(s: QuestionStatus) -> QuestionStatusView {
    match s {
        QuestionStatus::Open => QuestionStatusView::Open,
        QuestionStatus::Answered => QuestionStatusView::Answered,
        QuestionStatus::Closed => QuestionStatusView::Closed,
        QuestionStatus::Merged => QuestionStatusView::Merged,
        QuestionStatus::Withdrawn => QuestionStatusView::Withdrawn,
    }
}

fn message_view(m: &MessageRow) -> ApiResult<QuestionMessageView> {
    let kind = match m.kind.as_str() {
        "answer" => QuestionMessageKind::Answer,
        "detail_request" => QuestionMessageKind::DetailRequest,
        "detail" => QuestionMessageKind::Detail,
        other => {
            tracing::error!(kind = other, "unknown question message kind stored");
            return Err(ApiError::Internal);
        }
    };
    Ok(QuestionMessageView {
        kind,
        author_id: m.author_id.clone(),
        text: m.body.clone(),
        at: from_db(m.created_at),
    })
}

/// A question as `caller` sees it: the unread flag is the author's alone.
fn question_view(q: &QuestionRow, caller: &Caller) -> ApiResult<QuestionView> {
    Ok(QuestionView {
        id: q.id.clone(),
        topic: q.topic.clone(),
        text: q.text.clone(),
        status: status_view(status_of(q)?),
        author_id: q.author_id.clone(),
        taken_by: q.taken_by.clone(),
        taken_at: q.taken_at.map(from_db),
        awaiting_detail: q.awaiting_detail,
        first_answered_at: q.first_answered_at.map(from_db),
        merged_into: q.merged_into.clone(),
        unread: q.unread_by_author && q.author_id == caller.user_id,
        asked_at: from_db(q.created_at),
        updated_at: from_db(q.updated_at),
        messages: None,
    })
}

/// The topics a question may be about.
#[utoipa::path(
    tag = "questions",
    security(("bearer_auth" = [])),
    responses((status = 200, body = QuestionTopicList))
)]
#[get("/question-topics")]
pub async fn list_topics(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
) -> ApiResult<web::Json<QuestionTopicList>> {
    let rows = state.run(&caller, &meta, ListTopics).await?;
    Ok(web::Json(QuestionTopicList {
        items: rows
            .into_iter()
            .map(|t| QuestionTopicView {
                code: t.code,
                label_it: t.label_it,
                label_en: t.label_en,
            })
            .collect(),
    }))
}

/// A Navigator asks a question. Safe to retry with an `Idempotency-Key`.
#[utoipa::path(
    tag = "questions",
    request_body = NewQuestionRequest,
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 201, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed: `text` empty (required) or too long (too-long), `topic` unknown (unknown-topic)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    body: ValidJson<NewQuestionRequest>,
) -> ApiResult<HttpResponse> {
    note_service_use(&state, &caller, &meta).await;
    let req = body.0;
    let text = QuestionText::parse("text", &req.text).map_err(|v| {
        let mut all = Violations::new();
        all.push(v);
        ApiError::Validation(all)
    })?;
    let case = AskQuestion {
        topic: req.topic.trim().to_owned(),
        text,
    };
    let q = state.run(&caller, &meta, case).await?;
    let view = question_view(&q, &caller)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/questions/{}", view.id)))
        .json(view))
}

/// Questions, oldest first. Navigators get their own; experts, HR and
/// administrators every one, filtered by status, topic, taken or not.
#[utoipa::path(
    tag = "questions",
    params(QuestionListQuery),
    security(("bearer_auth" = ["navigator", "expert", "hr", "admin"])),
    responses(
        (status = 200, body = Page<QuestionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    caller: Authorized<QuestionReaders>,
    meta: RequestMeta,
    query: ValidQuery<QuestionListQuery>,
) -> ApiResult<web::Json<Page<QuestionView>>> {
    note_service_use(&state, &caller, &meta).await;
    let q = query.0;
    let limit = page_limit(q.limit)?;
    let filter = Filter {
        author: None,
        status: q.status.map(|s| {
            match s {
                QuestionStatusView::Open => QuestionStatus::Open,
                QuestionStatusView::Answered => QuestionStatus::Answered,
                QuestionStatusView::Closed => QuestionStatus::Closed,
                QuestionStatusView::Merged => QuestionStatus::Merged,
                QuestionStatusView::Withdrawn => QuestionStatus::Withdrawn,
            }
            .as_str()
            .to_owned()
        }),
        topic: q.topic.map(|t| t.trim().to_owned()),
        taken: q.taken,
        taken_by: q.mine.unwrap_or(false).then(|| caller.user_id.clone()),
    };
    let case = ListQuestions {
        filter,
        after: cursor_key(q.cursor.as_ref(), PagedList::Questions)?,
        limit,
    };
    let rows = state.run(&caller, &meta, case).await?;
    let next_key = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id.clone()))
        .flatten();
    Ok(web::Json(Page {
        items: rows
            .iter()
            .map(|r| question_view(r, &caller))
            .collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(PagedList::Questions, next_key),
    }))
}

/// One question with its thread. Its author opening it reads its news.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    security(("bearer_auth" = ["navigator", "expert", "hr", "admin"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not-found, also another Navigator's question", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}")]
pub async fn get_question(
    state: web::Data<AppState>,
    caller: Authorized<QuestionReaders>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<QuestionView>> {
    note_service_use(&state, &caller, &meta).await;
    let thread = state
        .run(
            &caller,
            &meta,
            ReadQuestion {
                id: id.into_inner(),
            },
        )
        .await?;
    let mut view = question_view(&thread.question, &caller)?;
    view.messages = Some(
        thread
            .messages
            .iter()
            .map(message_view)
            .collect::<ApiResult<_>>()?,
    );
    Ok(web::Json(view))
}

/// Runs a move and answers with the question as it now is.
async fn moved(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    id: String,
    action: Action,
) -> ApiResult<web::Json<QuestionView>> {
    note_service_use(state, caller, meta).await;
    let q = state.run(caller, meta, MoveQuestion { id, action }).await?;
    Ok(web::Json(question_view(&q, caller)?))
}

fn text_of(raw: &str) -> ApiResult<QuestionText> {
    QuestionText::parse("text", raw).map_err(|v| {
        let mut all = Violations::new();
        all.push(v);
        ApiError::Validation(all)
    })
}

/// An expert takes the question: one owner at a time. Of experts taking it
/// at once, one becomes the owner and the others get 409 `question-taken`.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "question-taken: another expert took it; question-status-forbids: no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/take")]
pub async fn take_question(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<QuestionView>> {
    moved(&state, &caller, &meta, id.into_inner(), Action::Take).await
}

/// The owner hands the open question back to the experts' desk, for
/// another expert to take; the thread, and any request for detail waiting
/// for the author, stay with it.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "question-not-taken, question-taken (another expert's), question-status-forbids: no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/release")]
pub async fn release_question(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<QuestionView>> {
    moved(&state, &caller, &meta, id.into_inner(), Action::Release).await
}

/// The owner answers the question; its author is told in the app and by
/// mail.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    request_body = QuestionMessageRequest,
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "question-not-taken, question-taken (another expert's), question-status-forbids", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/answer")]
pub async fn answer_question(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<QuestionMessageRequest>,
) -> ApiResult<web::Json<QuestionView>> {
    let action = Action::Answer(text_of(&body.0.text)?);
    moved(&state, &caller, &meta, id.into_inner(), action).await
}

/// The owner asks the author for detail before answering.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    request_body = QuestionMessageRequest,
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/detail-requests")]
pub async fn request_detail(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<QuestionMessageRequest>,
) -> ApiResult<web::Json<QuestionView>> {
    let action = Action::RequestDetail(text_of(&body.0.text)?);
    moved(&state, &caller, &meta, id.into_inner(), action).await
}

/// The author gives the detail an expert asked for.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    request_body = QuestionMessageRequest,
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "no-detail-requested, question-status-forbids", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/details")]
pub async fn give_detail(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<QuestionMessageRequest>,
) -> ApiResult<web::Json<QuestionView>> {
    let action = Action::GiveDetail(text_of(&body.0.text)?);
    moved(&state, &caller, &meta, id.into_inner(), action).await
}

/// The author withdraws their question while it is open.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    security(("bearer_auth" = ["navigator"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "question-status-forbids: no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/withdraw")]
pub async fn withdraw_question(
    state: web::Data<AppState>,
    caller: Authorized<NavigatorOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<QuestionView>> {
    moved(&state, &caller, &meta, id.into_inner(), Action::Withdraw).await
}

/// An expert closes the question (answered, or open and not another
/// expert's).
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/close")]
pub async fn close_question(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<QuestionView>> {
    moved(&state, &caller, &meta, id.into_inner(), Action::Close).await
}

/// An expert merges the question into another on the same point.
#[utoipa::path(
    tag = "questions",
    params(("id" = String, Path, description = "Question id")),
    request_body = MergeQuestionRequest,
    security(("bearer_auth" = ["expert"])),
    responses(
        (status = 200, body = QuestionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed: `into` is this question (merge-into-itself), unknown (unknown-question) or withdrawn or merged (merge-target-settled)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/merge")]
pub async fn merge_question(
    state: web::Data<AppState>,
    caller: Authorized<ExpertOnly>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<MergeQuestionRequest>,
) -> ApiResult<web::Json<QuestionView>> {
    let action = Action::Merge {
        into: body.0.into.trim().to_owned(),
    };
    moved(&state, &caller, &meta, id.into_inner(), action).await
}

fn report_view(f: &ServiceFigures) -> QuestionServiceReportView {
    use openapi::dto::{AgeBandCount, OpenQuestionsByAge, ServiceUsers};
    QuestionServiceReportView {
        from: f.from,
        to: f.to,
        users: ServiceUsers {
            total: f.navigators + f.other_operators,
            navigators: f.navigators,
            other_operators: f.other_operators,
        },
        questions_asked: f.questions_asked,
        faq_entries_created: f.faq_entries_created,
        questions_answered: f.questions_answered,
        median_seconds_to_first_answer: f.median_seconds_to_first_answer,
        open_questions: OpenQuestionsByAge {
            as_of: f.open_as_of,
            total: f.open_by_age.iter().map(|(_, n)| n).sum(),
            bands: f
                .open_by_age
                .iter()
                .map(|(band, count)| AgeBandCount {
                    band: (*band).to_owned(),
                    count: *count,
                })
                .collect(),
        },
    }
}

/// The report as CSV: a header row and one row of figures.
fn report_csv(v: &QuestionServiceReportView) -> ApiResult<String> {
    let mut header: Vec<String> = [
        "from",
        "to",
        "users_total",
        "users_navigators",
        "users_other_operators",
        "questions_asked",
        "faq_entries_created",
        "questions_answered",
        "median_seconds_to_first_answer",
        "open_as_of",
        "open_total",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(
        v.open_questions
            .bands
            .iter()
            .map(|b| format!("open_{}", b.band)),
    );
    let mut row = vec![
        v.from.to_string(),
        v.to.to_string(),
        v.users.total.to_string(),
        v.users.navigators.to_string(),
        v.users.other_operators.to_string(),
        v.questions_asked.to_string(),
        v.faq_entries_created.to_string(),
        v.questions_answered.to_string(),
        v.median_seconds_to_first_answer
            .map(|m| m.to_string())
            .unwrap_or_default(),
        v.open_questions.as_of.to_rfc3339(),
        v.open_questions.total.to_string(),
    ];
    row.extend(v.open_questions.bands.iter().map(|b| b.count.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(|_| ApiError::Internal)?;
    w.write_record(&row).map_err(|_| ApiError::Internal)?;
    let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
    String::from_utf8(bytes).map_err(|_| ApiError::Internal)
}

/// The Question RdC service's figures for a period of days (both
/// included): who used it (signed in and opened the questions or the FAQ
/// at least once, from one record per person per day), Navigators and
/// other operators apart; questions asked; FAQ entries created; the median
/// time to a first answer (of the questions first answered in the period);
/// the questions open at the end of the period, by age. `Accept: text/csv`
/// gives the same as CSV.
#[utoipa::path(
    tag = "reports",
    params(QuestionServiceQuery),
    security(("bearer_auth" = ["hr", "admin", "expert"])),
    responses(
        (status = 200, description = "The figures; as CSV with `Accept: text/csv`",
            content(
                (QuestionServiceReportView = "application/json"),
                (String = "text/csv"),
            )
        ),
        (status = 400, description = "invalid-query-parameter: a malformed day, or `to` before `from`", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/question-service")]
pub async fn question_service_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<ServiceFigureReaders>,
    meta: RequestMeta,
    query: ValidQuery<QuestionServiceQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let case = QuestionServiceReport {
        from: q.from,
        to: q.to,
    };
    let view = report_view(&state.run(&caller, &meta, case).await?);
    if super::reports::wants_csv(&req) {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"question-rdc-{}-{}.csv\"",
                    view.from, view.to
                ),
            ))
            .body(report_csv(&view)?));
    }
    Ok(HttpResponse::Ok().json(view))
}
