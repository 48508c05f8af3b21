//! "Question RdC"'s FAQ: entries, their versions, and the Italian search;
//! the use cases are in `app::faq`.

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::{get, post, put, web, HttpResponse};
use domain::faq::ranking::Highlighter;
use domain::faq::{question_ids, EntryText, Search};
use domain::ids::FaqEntryId;
use openapi::dto::{
    FaqEditRequest, FaqField, FaqHighlight, FaqHit, FaqPage, FaqQuery, FaqState, FaqVersionView,
    FaqView, NewFaqRequest, PagedList,
};
use openapi::Problem;
use persistence::faq::{EntryRow, VersionRow};
use persistence::time::from_db;

use crate::accounts::parse_uuid;
use crate::app::faq::{
    EditEntry, Entry, ListEntries, ReadEntry, ReadVersions, RetireEntry, SearchEntries, WriteEntry,
};
use crate::auth::caller::{AnyRole, FaqEditors};
use crate::auth::Authorized;
use crate::error::{ApiError, ApiResult};
use crate::extract::{RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, cut_page, next_cursor, page_limit};
use crate::state::AppState;

/// Results of a search when `limit` is not given, and the most it may ask.
const SEARCH_LIMIT: i64 = 10;
const SEARCH_LIMIT_MAX: i64 = 50;

fn entry_view(e: &Entry) -> ApiResult<FaqView> {
    let r = &e.row;
    Ok(FaqView {
        id: parse_uuid(&r.id)?,
        version: r.version,
        state: if r.retired_at.is_some() {
            FaqState::Retired
        } else {
            FaqState::Published
        },
        topic: r.topic.clone(),
        title: r.title.clone(),
        answer: r.answer.clone(),
        questions: e.questions.clone(),
        created_at: from_db(r.created_at),
        updated_at: from_db(r.updated_at),
        retired_at: r.retired_at.map(from_db),
    })
}

fn version_view(v: &VersionRow) -> FaqVersionView {
    FaqVersionView {
        version: v.version,
        topic: v.topic.clone(),
        title: v.title.clone(),
        answer: v.answer.clone(),
        written_at: from_db(v.written_at),
        written_by: v.written_by.clone(),
    }
}

fn hit(r: &EntryRow, score: Option<f64>, marker: &mut Highlighter) -> ApiResult<FaqHit> {
    let mut marks = Vec::new();
    for (field, text) in [(FaqField::Title, &r.title), (FaqField::Answer, &r.answer)] {
        for (start, end) in marker.places(text) {
            marks.push(FaqHighlight {
                field,
                start: u32::try_from(start).unwrap_or(u32::MAX),
                end: u32::try_from(end).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(FaqHit {
        id: parse_uuid(&r.id)?,
        version: r.version,
        topic: r.topic.clone(),
        title: r.title.clone(),
        answer: r.answer.clone(),
        updated_at: from_db(r.updated_at),
        score,
        highlights: marks,
    })
}

/// The first broken rule of a query, as a 400 naming its parameter.
fn query_problem(v: domain::Violations) -> ApiError {
    match v.0.into_iter().next() {
        Some(first) => ApiError::QueryViolation(first),
        None => ApiError::Internal,
    }
}

/// Searches the FAQ in Italian, or lists it.
///
/// With `q`: the published entries that share a word with the question,
/// most relevant first (BM25 over Italian stems: accents, case and word
/// endings do not matter, so "disponibilità" finds "disponibile" and
/// "Patto" finds "patti"; articles, prepositions and the like are
/// ignored), each with its `score` and its matching words as `highlights`
/// (character offsets into `title` or `answer`). A question of stop words
/// only finds nothing. With `typing=true` (search as you type), the
/// question's unfinished last word also finds the words it begins. Without `q`: every published entry in id order,
/// page by page, for the copy a tablet keeps to read offline. Retired
/// entries are never listed. 400 `invalid-query-parameter` names the
/// parameter: `q` empty or over 200 characters, an unknown `topic`, a
/// `limit` out of range, a `cursor` with `q`.
#[utoipa::path(
    tag = "faq",
    params(FaqQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = FaqPage),
        (status = 400, description = "invalid-query-parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/faqs")]
pub async fn search_faqs(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    query: ValidQuery<FaqQuery>,
) -> ApiResult<web::Json<FaqPage>> {
    let q = query.0;
    let Some(text) = q.q else {
        let topic = q
            .topic
            .as_deref()
            .map(|t| domain::faq::topic("topic", t))
            .transpose()
            .map_err(ApiError::QueryViolation)?;
        let limit = page_limit(q.limit)?;
        let after = cursor_key(q.cursor.as_ref(), PagedList::Faqs)?;
        let case = ListEntries {
            topic,
            after,
            limit: limit + 1,
        };
        let rows = state.run(&caller, &meta, case).await?;
        let page = cut_page(rows, limit, |r| r.id.clone());
        let none = BTreeSet::new();
        let mut marker = Highlighter::new(&none);
        return Ok(web::Json(FaqPage {
            items: page
                .items
                .iter()
                .map(|r| hit(r, None, &mut marker))
                .collect::<ApiResult<_>>()?,
            matches: None,
            next_cursor: next_cursor(PagedList::Faqs, page.next_key),
        }));
    };
    if q.cursor.is_some() {
        return Err(ApiError::InvalidQuery {
            field: "cursor".into(),
            detail: "a search gives one page: no cursor with q".into(),
        });
    }
    let limit = match q.limit {
        None => SEARCH_LIMIT,
        Some(n @ 1..=SEARCH_LIMIT_MAX) => n,
        Some(n) => {
            return Err(ApiError::InvalidQuery {
                field: "limit".into(),
                detail: format!("{n}: between 1 and {SEARCH_LIMIT_MAX} with q"),
            })
        }
    };
    let search = if q.typing == Some(true) {
        Search::parse_typed(&text, q.topic.as_deref())
    } else {
        Search::parse(&text, q.topic.as_deref())
    }
    .map_err(query_problem)?;
    let found = state
        .run(
            &caller,
            &meta,
            SearchEntries {
                search,
                limit,
                index: Arc::clone(&state.faq_index),
            },
        )
        .await?;
    let mut marker = Highlighter::new(&found.terms);
    Ok(web::Json(FaqPage {
        items: found
            .entries
            .iter()
            .map(|(r, score)| hit(r, Some(*score), &mut marker))
            .collect::<ApiResult<_>>()?,
        matches: Some(found.matches),
        next_cursor: None,
    }))
}

/// Writes a FAQ entry from the answered questions it came from.
///
/// Title (at most 200 characters), answer (at most 10,000), a known topic,
/// and 1 to 50 question ids, each once; every broken rule is listed with
/// its field. The entry is published at version 1 and found by the search
/// at once.
#[utoipa::path(
    tag = "faq",
    request_body = NewFaqRequest,
    security(("bearer_auth" = ["expert", "hr", "admin"])),
    responses(
        (status = 201, body = FaqView),
        (status = 422, description = "validation-failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/faqs")]
pub async fn write_faq(
    state: web::Data<AppState>,
    caller: Authorized<FaqEditors>,
    meta: RequestMeta,
    body: ValidJson<NewFaqRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let text = EntryText::validate(&r.title, &r.answer, &r.topic);
    let questions = question_ids(&r.questions, true);
    let (text, questions) = both(text, questions)?;
    let entry = state
        .run(&caller, &meta, WriteEntry { text, questions })
        .await?;
    Ok(HttpResponse::Created().json(entry_view(&entry)?))
}

/// Both values, or every violation of either.
fn both<A, B>(
    a: Result<A, domain::Violations>,
    b: Result<B, domain::Violations>,
) -> ApiResult<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut all = domain::Violations::new();
            if let Err(v) = a {
                all.extend(v);
            }
            if let Err(v) = b {
                all.extend(v);
            }
            Err(ApiError::Validation(all))
        }
    }
}

/// A FAQ entry in its current version, retired or not.
#[utoipa::path(
    tag = "faq",
    params(("id" = String, Path, description = "FAQ entry id")),
    security(("bearer_auth" = [])),
    responses((status = 200, body = FaqView), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/faqs/{id}")]
pub async fn get_faq(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<FaqView>> {
    let case = ReadEntry {
        id: FaqEntryId::from_stored(id.into_inner()),
    };
    Ok(web::Json(entry_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Edits a FAQ entry into its next version.
///
/// The body names the `version` the edit starts from: 409 `faq-changed`
/// (with the current version) when someone else edited it since, 409
/// `faq-retired` when it was retired. The earlier text stays readable in
/// the entry's versions; `questions` adds links, the others stay.
#[utoipa::path(
    tag = "faq",
    params(("id" = String, Path, description = "FAQ entry id")),
    request_body = FaqEditRequest,
    security(("bearer_auth" = ["expert", "hr", "admin"])),
    responses(
        (status = 200, body = FaqView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "faq-changed, faq-retired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation-failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/faqs/{id}")]
pub async fn edit_faq(
    state: web::Data<AppState>,
    caller: Authorized<FaqEditors>,
    meta: RequestMeta,
    id: ValidPath<String>,
    body: ValidJson<FaqEditRequest>,
) -> ApiResult<web::Json<FaqView>> {
    let r = body.0;
    let text = EntryText::validate(&r.title, &r.answer, &r.topic);
    let questions = question_ids(&r.questions, false);
    let (text, questions) = both(text, questions)?;
    let case = EditEntry {
        id: FaqEntryId::from_stored(id.into_inner()),
        version: r.version,
        text,
        questions,
    };
    Ok(web::Json(entry_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}

/// Every version of a FAQ entry, the first first.
#[utoipa::path(
    tag = "faq",
    params(("id" = String, Path, description = "FAQ entry id")),
    security(("bearer_auth" = [])),
    responses((status = 200, body = Vec<FaqVersionView>), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/faqs/{id}/versions")]
pub async fn faq_versions(
    state: web::Data<AppState>,
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<Vec<FaqVersionView>>> {
    let case = ReadVersions {
        id: FaqEntryId::from_stored(id.into_inner()),
    };
    let versions = state.run(&caller, &meta, case).await?;
    Ok(web::Json(versions.iter().map(version_view).collect()))
}

/// Retires a FAQ entry: the search no longer finds it; it stays readable by
/// id with its versions. 409 `faq-retired` when it already is.
#[utoipa::path(
    tag = "faq",
    params(("id" = String, Path, description = "FAQ entry id")),
    security(("bearer_auth" = ["expert", "hr", "admin"])),
    responses(
        (status = 200, body = FaqView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "faq-retired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/faqs/{id}/retire")]
pub async fn retire_faq(
    state: web::Data<AppState>,
    caller: Authorized<FaqEditors>,
    meta: RequestMeta,
    id: ValidPath<String>,
) -> ApiResult<web::Json<FaqView>> {
    let case = RetireEntry {
        id: FaqEntryId::from_stored(id.into_inner()),
    };
    Ok(web::Json(entry_view(
        &state.run(&caller, &meta, case).await?,
    )?))
}
