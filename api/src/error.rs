//! One closed set of errors, each rendered as an RFC 9457 problem with a
//! stable `type`, in Italian by default and in English on request.

use actix_web::http::StatusCode;
use domain::assignment::AssignmentRefusal;
use domain::equipment::PairingRefusal;
use domain::second_factor::SecondFactorRefusal;
use domain::training::mandatory::MandatoryRefusal;
use domain::training::ojt::LogRefusal;
use domain::{Param, RuleCode, Violation, Violations};
use openapi::ProblemType;
use persistence::PersistenceError;

/// How a field of a JSON body does not fit its operation's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Missing,
    /// Not a field of the body (bodies deny unknown fields).
    Unknown,
    UnknownEnumValue,
    WrongType,
    /// Any other misfit serde reports.
    Invalid,
}

impl FieldProblem {
    pub fn problem_type(self) -> ProblemType {
        match self {
            Self::Missing => ProblemType::MissingField,
            Self::Unknown => ProblemType::UnknownField,
            Self::UnknownEnumValue => ProblemType::UnknownEnumValue,
            Self::WrongType => ProblemType::InvalidFieldType,
            Self::Invalid => ProblemType::InvalidField,
        }
    }

    pub fn rule_code(self) -> RuleCode {
        match self {
            Self::Missing => RuleCode::MissingField,
            Self::Unknown => RuleCode::UnknownField,
            Self::UnknownEnumValue => RuleCode::UnknownEnumValue,
            Self::WrongType => RuleCode::InvalidFieldType,
            Self::Invalid => RuleCode::InvalidField,
        }
    }
}

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
    /// The token's session was ended after it was issued: a logout, a
    /// logout everywhere, a reused refresh token, a reset of the password
    /// or of the second factor.
    SessionEnded,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// A field of the right JSON that does not fit: wrong type, unknown enum
    /// value, missing, or not expected.
    #[error("invalid field {field}: {detail}")]
    InvalidField {
        problem: FieldProblem,
        field: String,
        detail: String,
    },
    #[error("invalid query parameter {field}: {detail}")]
    InvalidQuery { field: String, detail: String },
    /// A query parameter that reads but breaks a rule of its own (a cursor
    /// of another list): the rule is named by its code.
    #[error("invalid query parameter: {0:?}")]
    QueryViolation(Violation),
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
    /// The account's role signs in through the identity provider only.
    #[error("single sign-on required")]
    SingleSignOnRequired,
    #[error("outside the caller's Regions")]
    OutOfScope,
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("no route")]
    RouteNotFound,
    #[error("method not allowed; allowed: {allowed}")]
    MethodNotAllowed { allowed: String },
    /// A state conflict on `subject` (an email, a code): `code` names it.
    #[error("conflict {code}: {subject:?}")]
    Conflict { code: ProblemType, subject: Param },
    /// A business rule refuses the operation (422); `code` names the rule.
    #[error("rule {code}: {subject:?}")]
    Rule { code: ProblemType, subject: Param },
    /// A CPI assignment the rules refuse; `region` is the name of the
    /// Navigator's Region, for the message.
    #[error("assignment refused: {refusal:?}")]
    Assignment {
        refusal: AssignmentRefusal,
        region: String,
    },
    /// An on-the-job log the rules refuse.
    #[error("on-the-job log refused: {0:?}")]
    OjtLog(LogRefusal),
    /// The second factor is missing, wrong, used already, or must be
    /// enrolled first.
    #[error("second factor: {0:?}")]
    SecondFactor(SecondFactorRefusal),
    #[error("too many attempts; retry in {retry_after}s")]
    Throttled { retry_after: i64 },
    #[error("database unavailable")]
    Unavailable,
    /// A concurrent change won a race this one lost (a unique key taken
    /// meanwhile, a serialization failure, a deadlock). A write use case
    /// is run again when it happens; this reaches the caller only when the
    /// race is lost again and again: 503 with `Retry-After`.
    #[error("lost a race with a concurrent change")]
    Contended,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn conflict(code: ProblemType, subject: impl Into<Param>) -> Self {
        Self::Conflict {
            code,
            subject: subject.into(),
        }
    }

    pub fn rule(code: ProblemType, subject: impl Into<Param>) -> Self {
        Self::Rule {
            code,
            subject: subject.into(),
        }
    }

    pub fn validation(v: impl Into<Violations>) -> Self {
        Self::Validation(v.into())
    }

    pub fn violation(field: &str, code: RuleCode) -> Self {
        Self::Validation(Violation::new(field, code).into())
    }

    /// A SIM that cannot go into a device (422); `subject` names the two.
    pub fn pairing(refusal: PairingRefusal, subject: impl Into<Param>) -> Self {
        Self::rule(pairing_type(refusal), subject)
    }

    /// A mandatory training item that cannot be recorded (422).
    pub fn mandatory(refusal: MandatoryRefusal, subject: impl Into<Param>) -> Self {
        Self::rule(
            match refusal {
                MandatoryRefusal::NoFinalAssessment => ProblemType::NoFinalAssessment,
            },
            subject,
        )
    }

    pub fn type_code(&self) -> ProblemType {
        use ProblemType as T;
        match self {
            Self::MalformedJson(_) => T::MalformedJson,
            Self::InvalidField { problem, .. } => problem.problem_type(),
            Self::InvalidQuery { .. } | Self::QueryViolation(_) => T::InvalidQueryParameter,
            Self::UnsupportedMediaType { .. } => T::UnsupportedMediaType,
            Self::PayloadTooLarge { .. } => T::PayloadTooLarge,
            Self::BodyUnreadable(_) => T::BodyUnreadable,
            Self::Validation(_) => T::ValidationFailed,
            Self::FileRejected(_) => T::FileRejected,
            Self::Unauthenticated(TokenProblem::Missing) => T::TokenMissing,
            Self::Unauthenticated(TokenProblem::Expired) => T::TokenExpired,
            Self::Unauthenticated(TokenProblem::WrongAudience) => T::TokenWrongAudience,
            Self::Unauthenticated(TokenProblem::WrongIssuer) => T::TokenWrongIssuer,
            Self::Unauthenticated(TokenProblem::Invalid) => T::TokenInvalid,
            Self::Unauthenticated(TokenProblem::Revoked | TokenProblem::SessionEnded) => {
                T::TokenRevoked
            }
            Self::InvalidCredentials => T::InvalidCredentials,
            Self::RefreshTokenInvalid => T::RefreshTokenInvalid,
            Self::RefreshTokenReused => T::RefreshTokenReused,
            Self::OneTimeTokenInvalid => T::OneTimeTokenInvalid,
            Self::Forbidden => T::Forbidden,
            Self::SingleSignOnRequired => T::SingleSignOnRequired,
            Self::OutOfScope => T::OutOfScope,
            Self::NotFound { .. } | Self::RouteNotFound => T::NotFound,
            Self::MethodNotAllowed { .. } => T::MethodNotAllowed,
            Self::Conflict { code, .. } | Self::Rule { code, .. } => *code,
            Self::Assignment { refusal, .. } => assignment_type(refusal),
            Self::OjtLog(refusal) => log_type(refusal),
            Self::SecondFactor(refusal) => second_factor_type(*refusal),
            Self::Throttled { .. } => T::TooManyAttempts,
            Self::Unavailable | Self::Contended => T::ServiceUnavailable,
            Self::Internal => T::InternalError,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_)
            | Self::InvalidField { .. }
            | Self::InvalidQuery { .. }
            | Self::QueryViolation(_)
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
            Self::Forbidden | Self::OutOfScope | Self::SingleSignOnRequired => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound { .. } | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Assignment { refusal, .. } if refusal.is_conflict() => StatusCode::CONFLICT,
            Self::Assignment { .. } | Self::OjtLog(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::SecondFactor(refusal) => second_factor_status(*refusal),
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::Contended => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The problem type of each assignment refusal.
fn assignment_type(refusal: &AssignmentRefusal) -> ProblemType {
    use AssignmentRefusal as R;
    match refusal {
        R::CpiInAnotherRegion => ProblemType::CpiInAnotherRegion,
        R::NoConvention | R::ConventionNotInForce { .. } => ProblemType::NoConventionInForce,
        R::ConventionForbidsCpiAssignment { .. } => ProblemType::ConventionForbidsCpiAssignment,
        R::ContractNotSigned => ProblemType::ContractNotSigned,
        R::OutsideContract { .. } => ProblemType::OutsideContract,
        R::BeforeOperationalStart { .. } => ProblemType::BeforeOperationalStart,
        R::AlreadyAssigned { .. } => ProblemType::AlreadyAssigned,
        R::NotAfterCurrent { .. } => ProblemType::AssignmentNotAfterCurrent,
        R::CpiAtCapacity { .. } => ProblemType::CpiAtCapacity,
    }
}

/// The problem type of each on-the-job log refusal.
fn log_type(refusal: &LogRefusal) -> ProblemType {
    use LogRefusal as R;
    match refusal {
        R::DayInFuture => ProblemType::DayInFuture,
        R::OutsideActiveContract => ProblemType::OutsideActiveContract,
        R::NoConventionInForce => ProblemType::NoConventionInForce,
        R::BeforeOperationalStart { .. } => ProblemType::BeforeOperationalStart,
        R::NoCpiAssignment => ProblemType::NoCpiAssignment,
        R::NotAssignedCpi { .. } => ProblemType::NotAssignedCpi,
        R::DailyHoursExceeded { .. } => ProblemType::DailyHoursExceeded,
    }
}

/// The problem type of each second-factor refusal.
fn second_factor_type(refusal: SecondFactorRefusal) -> ProblemType {
    use SecondFactorRefusal as R;
    match refusal {
        R::Required => ProblemType::TotpRequired,
        R::WrongCode => ProblemType::TotpWrongCode,
        R::Replayed => ProblemType::TotpReplayed,
        R::RecoveryCodeUsed => ProblemType::RecoveryCodeUsed,
        R::EnrolmentRequired => ProblemType::TotpEnrolmentRequired,
        R::AlreadyEnrolled => ProblemType::TotpAlreadyEnrolled,
        R::NotEnrolled => ProblemType::TotpNotEnrolled,
    }
}

/// A sign-in short of its second factor is not authenticated (401); a
/// session that may only enrol is authenticated but refused (403); asking
/// to enrol twice, or to leave a factor one does not have, is a conflict
/// with the account's state (409).
fn second_factor_status(refusal: SecondFactorRefusal) -> StatusCode {
    use SecondFactorRefusal as R;
    match refusal {
        R::Required | R::WrongCode | R::Replayed | R::RecoveryCodeUsed => StatusCode::UNAUTHORIZED,
        R::EnrolmentRequired => StatusCode::FORBIDDEN,
        R::AlreadyEnrolled | R::NotEnrolled => StatusCode::CONFLICT,
    }
}

/// The problem type of each SIM pairing refusal.
fn pairing_type(refusal: PairingRefusal) -> ProblemType {
    use PairingRefusal as R;
    match refusal {
        R::NotASim => ProblemType::NotASim,
        R::NotADevice => ProblemType::NotADevice,
        R::PlanMismatch { .. } => ProblemType::SimPlanMismatch,
        R::OutOfService => ProblemType::ItemOutOfService,
        R::DifferentHolders => ProblemType::DifferentHolders,
    }
}

impl From<PersistenceError> for ApiError {
    fn from(e: PersistenceError) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            Self::Unavailable
        } else if e.is_contention() {
            tracing::info!(error = %e, "lost a race with a concurrent change");
            Self::Contended
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
