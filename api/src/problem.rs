//! A problem as the caller reads it: the RFC 9457 document in their
//! language, with the headers that go with it. Kept apart from the errors
//! themselves (`error`) and their words (`i18n`), which both come here.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::RuleCode;
use openapi::{Problem, ProblemFieldError, ProblemType};

use crate::error::ApiError;
use crate::i18n::{self, Lang};

impl ApiError {
    /// The problem document in `lang`.
    pub fn to_problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let code = self.type_code();
        let errors = match self {
            Self::Validation(v) | Self::FileRejected(v) => {
                v.0.iter()
                    .map(|v| ProblemFieldError {
                        field: v.field.clone(),
                        code: v.code,
                        message: i18n::violation_message(v, lang),
                        line: v.line,
                    })
                    .collect()
            }
            Self::InvalidField {
                problem,
                field,
                detail,
            } => vec![ProblemFieldError {
                field: field.clone(),
                code: problem.rule_code(),
                message: i18n::field_message(*problem, field, detail, lang),
                line: None,
            }],
            Self::QueryViolation(v) => vec![ProblemFieldError {
                field: v.field.clone(),
                code: v.code,
                message: i18n::violation_message(v, lang),
                line: None,
            }],
            Self::InvalidQuery { field, detail } => vec![ProblemFieldError {
                field: field.clone(),
                code: RuleCode::InvalidQueryParameter,
                message: detail.clone(),
                line: None,
            }],
            _ => Vec::new(),
        };
        let errors_total = match self {
            Self::Validation(v) | Self::FileRejected(v) if v.total() > v.0.len() => {
                u64::try_from(v.total()).ok()
            }
            _ => None,
        };
        Problem {
            errors_total,
            problem_type: code,
            title: i18n::title(code, lang).to_owned(),
            status: self.status().as_u16(),
            detail: i18n::detail(self, lang),
            request_id,
            errors,
        }
    }
}

/// Marks a response as a problem so the language middleware can render it
/// in the caller's language with the request id.
#[derive(Debug, Clone)]
pub struct ProblemSource(pub ApiError);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = render(self, Lang::It, None);
        res.extensions_mut().insert(ProblemSource(self.clone()));
        res
    }
}

pub fn render(err: &ApiError, lang: Lang, request_id: Option<String>) -> HttpResponse {
    let problem = err.to_problem(lang, request_id);
    let mut res = HttpResponse::build(err.status());
    res.content_type("application/problem+json");
    res.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
    // The words depend on Accept-Language: a cache must not serve them to
    // a caller who asked for the other language.
    res.insert_header((header::VARY, HeaderValue::from_static("Accept-Language")));
    if let ApiError::Throttled { retry_after } = err {
        res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
    }
    // A race lost, or a request with the same idempotency key still
    // running: a moment later the retry finds it settled.
    let in_flight = matches!(
        err,
        ApiError::Conflict {
            code: ProblemType::IdempotencyKeyInFlight,
            ..
        }
    );
    if in_flight || matches!(err, ApiError::Contended) {
        res.insert_header((header::RETRY_AFTER, "1"));
    }
    if let ApiError::MethodNotAllowed { allowed } = err {
        res.insert_header((header::ALLOW, allowed.as_str()));
    }
    if let ApiError::Unauthenticated(_) = err {
        res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
    }
    res.json(problem)
}
