//! One closed set of errors, each rendered as an RFC 9457 problem with a
//! stable `type`, in Italian by default and in English on request.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::{Violation, Violations};
use openapi::{Problem, ProblemFieldError};
use persistence::PersistenceError;

use crate::i18n::{self, Lang};

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Missing,
    Expired,
    WrongAudience,
    WrongIssuer,
    Invalid,
    /// The account was cut off after the token was issued (a contract ended).
    Revoked,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// A field of the right JSON that does not fit: wrong type, unknown enum
    /// value, missing, or not expected.
    #[error("invalid field {field}: {detail}")]
    InvalidField {
        code: &'static str,
        field: String,
        detail: String,
    },
    #[error("invalid query parameter {field}: {detail}")]
    InvalidQuery { field: String, detail: String },
    #[error("unsupported media type, expected {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("request body could not be read: {0}")]
    BodyUnreadable(String),
    #[error("rules broken: {0:?}")]
    Validation(Violations),
    #[error("file rejected: {0:?}")]
    FileRejected(Violations),
    #[error("unauthenticated: {0:?}")]
    Unauthenticated(TokenProblem),
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("refresh token not valid")]
    RefreshTokenInvalid,
    #[error("refresh token reused: family revoked")]
    RefreshTokenReused,
    #[error("one-time token not valid")]
    OneTimeTokenInvalid,
    #[error("role not allowed")]
    Forbidden,
    #[error("outside the caller's Regions")]
    OutOfScope,
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("no route")]
    RouteNotFound,
    #[error("method not allowed; allowed: {allowed}")]
    MethodNotAllowed { allowed: String },
    /// A state conflict on `subject` (an email, a code): `code` names it.
    #[error("conflict {code}: {subject}")]
    Conflict { code: &'static str, subject: String },
    /// A business rule refuses the operation (422); `code` names the rule.
    #[error("rule {code}: {subject}")]
    Rule { code: &'static str, subject: String },
    /// A CPI assignment the rules refuse; `region` is the name of the
    /// Navigator's Region, for the message.
    #[error("assignment refused: {refusal:?}")]
    Assignment {
        refusal: domain::assignment::AssignmentRefusal,
        region: String,
    },
    /// An on-the-job log the rules refuse.
    #[error("on-the-job log refused: {0:?}")]
    OjtLog(domain::training::ojt::LogRefusal),
    #[error("too many attempts; retry in {retry_after}s")]
    Throttled { retry_after: i64 },
    #[error("database unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn conflict(code: &'static str, subject: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            subject: subject.into(),
        }
    }

    pub fn rule(code: &'static str, subject: impl Into<String>) -> Self {
        Self::Rule {
            code,
            subject: subject.into(),
        }
    }

    pub fn validation(v: impl Into<Violations>) -> Self {
        Self::Validation(v.into())
    }

    pub fn violation(field: &str, code: &'static str) -> Self {
        Self::Validation(Violation::new(field, code).into())
    }

    pub fn type_code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "malformed-json",
            Self::InvalidField { code, .. } => code,
            Self::InvalidQuery { .. } => "invalid-query-parameter",
            Self::UnsupportedMediaType { .. } => "unsupported-media-type",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::BodyUnreadable(_) => "body-unreadable",
            Self::Validation(_) => "validation-failed",
            Self::FileRejected(_) => "file-rejected",
            Self::Unauthenticated(TokenProblem::Missing) => "token-missing",
            Self::Unauthenticated(TokenProblem::Expired) => "token-expired",
            Self::Unauthenticated(TokenProblem::WrongAudience) => "token-wrong-audience",
            Self::Unauthenticated(TokenProblem::WrongIssuer) => "token-wrong-issuer",
            Self::Unauthenticated(TokenProblem::Invalid) => "token-invalid",
            Self::Unauthenticated(TokenProblem::Revoked) => "token-revoked",
            Self::InvalidCredentials => "invalid-credentials",
            Self::RefreshTokenInvalid => "refresh-token-invalid",
            Self::RefreshTokenReused => "refresh-token-reused",
            Self::OneTimeTokenInvalid => "one-time-token-invalid",
            Self::Forbidden => "forbidden",
            Self::OutOfScope => "out-of-scope",
            Self::NotFound { .. } | Self::RouteNotFound => "not-found",
            Self::MethodNotAllowed { .. } => "method-not-allowed",
            Self::Conflict { code, .. } | Self::Rule { code, .. } => code,
            Self::Assignment { refusal, .. } => refusal.code(),
            Self::OjtLog(refusal) => refusal.code(),
            Self::Throttled { .. } => "too-many-attempts",
            Self::Unavailable => "service-unavailable",
            Self::Internal => "internal-error",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_)
            | Self::InvalidField { .. }
            | Self::InvalidQuery { .. }
            | Self::BodyUnreadable(_)
            | Self::OneTimeTokenInvalid => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) | Self::FileRejected(_) | Self::Rule { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Unauthenticated(_)
            | Self::InvalidCredentials
            | Self::RefreshTokenInvalid
            | Self::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::OutOfScope => StatusCode::FORBIDDEN,
            Self::NotFound { .. } | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Assignment { refusal, .. } if refusal.is_conflict() => StatusCode::CONFLICT,
            Self::Assignment { .. } | Self::OjtLog(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document in `lang`.
    pub fn to_problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let code = self.type_code();
        let errors = match self {
            Self::Validation(v) | Self::FileRejected(v) => {
                v.0.iter()
                    .map(|v| ProblemFieldError {
                        field: v.field.clone(),
                        code: v.code.to_owned(),
                        message: i18n::violation_message(v, lang),
                        line: v.line,
                    })
                    .collect()
            }
            Self::InvalidField {
                code,
                field,
                detail,
            } => vec![ProblemFieldError {
                field: field.clone(),
                code: (*code).to_owned(),
                message: i18n::field_message(code, field, detail, lang),
                line: None,
            }],
            Self::InvalidQuery { field, detail } => vec![ProblemFieldError {
                field: field.clone(),
                code: "invalid-query-parameter".to_owned(),
                message: detail.clone(),
                line: None,
            }],
            _ => Vec::new(),
        };
        Problem {
            problem_type: code.to_owned(),
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
    if let ApiError::Throttled { retry_after } = err {
        res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
    }
    if let ApiError::MethodNotAllowed { allowed } = err {
        res.insert_header((header::ALLOW, allowed.as_str()));
    }
    if let ApiError::Unauthenticated(_) = err {
        res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
    }
    res.json(problem)
}

impl From<PersistenceError> for ApiError {
    fn from(e: PersistenceError) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            Self::Unavailable
        } else {
            tracing::error!(error = %e, "persistence error");
            Self::Internal
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        PersistenceError::from(e).into()
    }
}

impl From<Violations> for ApiError {
    fn from(v: Violations) -> Self {
        Self::Validation(v)
    }
}

impl From<Violation> for ApiError {
    fn from(v: Violation) -> Self {
        Self::Validation(v.into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        tracing::error!("blocking task failed");
        Self::Internal
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
