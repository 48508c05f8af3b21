//! RFC 9457 problem details.

use domain::RuleCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A stable code naming the problem, e.g. `convention-forbids-cpi-assignment`.
    #[serde(rename = "type")]
    pub problem_type: ProblemType,
    /// A short summary, the same for every occurrence of this type.
    pub title: String,
    pub status: u16,
    /// What went wrong this time, in plain words.
    pub detail: String,
    /// The request id, also in the `x-request-id` header and the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every field that broke a rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
    /// How many errors were found in all, when there were more than
    /// `errors` lists (it lists the first 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors_total: Option<u64>,
}

/// One broken rule on one field (and, for files, one line).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemFieldError {
    /// Path of the field, e.g. `email`, `regions[0]`; for CSV the column.
    pub field: String,
    /// Stable code of the rule, e.g. `invalid-email`.
    #[schema(value_type = RuleCodeSchema)]
    pub code: RuleCode,
    pub message: String,
    /// 1-based line of the uploaded file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// The schema of [`RuleCode`], which lives in `domain` (free of OpenAPI):
/// a string, one of the rule codes.
pub struct RuleCodeSchema;

impl PartialSchema for RuleCodeSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A rule broken by one field, e.g. `invalid-email`; stable.",
            ))
            .enum_values(Some(RuleCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl ToSchema for RuleCodeSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "RuleCode".into()
    }
}

// To add a problem type: a line `Name = "wire-name",` below, then its
// title and detail in `api/src/i18n.rs` (the compiler points there).
domain::codes! {
    /// The `type` of a problem: stable, so clients can match on it.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
    pub enum ProblemType {
        // The request itself.
        MalformedJson = "malformed-json",
        MissingField = "missing-field",
        UnknownField = "unknown-field",
        UnknownEnumValue = "unknown-enum-value",
        InvalidFieldType = "invalid-field-type",
        InvalidField = "invalid-field",
        InvalidQueryParameter = "invalid-query-parameter",
        UnsupportedMediaType = "unsupported-media-type",
        PayloadTooLarge = "payload-too-large",
        BodyUnreadable = "body-unreadable",
        ValidationFailed = "validation-failed",
        FileRejected = "file-rejected",
        NotFound = "not-found",
        MethodNotAllowed = "method-not-allowed",

        // Who is asking.
        TokenMissing = "token-missing",
        TokenExpired = "token-expired",
        TokenWrongAudience = "token-wrong-audience",
        TokenWrongIssuer = "token-wrong-issuer",
        TokenInvalid = "token-invalid",
        TokenRevoked = "token-revoked",
        InvalidCredentials = "invalid-credentials",
        RefreshTokenInvalid = "refresh-token-invalid",
        RefreshTokenReused = "refresh-token-reused",
        OneTimeTokenInvalid = "one-time-token-invalid",
        TooManyAttempts = "too-many-attempts",
        Forbidden = "forbidden",
        SingleSignOnRequired = "single-sign-on-required",
        OutOfScope = "out-of-scope",

        // The service.
        ServiceUnavailable = "service-unavailable",
        InternalError = "internal-error",

        // Accounts and reference data.
        EmailTaken = "email-taken",
        NavigatorHasAccount = "navigator-has-account",
        CpiExists = "cpi-exists",

        // Selection.
        SelectionExists = "selection-exists",
        AdmissionDone = "admission-done",
        AdmissionNotDone = "admission-not-done",
        RankingsPublished = "rankings-published",
        RankingNotPublished = "ranking-not-published",
        PostsBelowTakenSeats = "posts-below-taken-seats",

        // Scorrimento: calls, offers, candidates.
        NoVacantSeat = "no-vacant-seat",
        RankingExhausted = "ranking-exhausted",
        RankingExpired = "ranking-expired",
        OfferNotPending = "offer-not-pending",
        CandidateActionNotAllowed = "candidate-action-not-allowed",
        CandidateHasContract = "candidate-has-contract",

        // Contracts.
        OfferNotAccepted = "offer-not-accepted",
        ContractExists = "contract-exists",
        ContractAlreadySigned = "contract-already-signed",
        ContractChanged = "contract-changed",
        ContractEnded = "contract-ended",
        ContractSigned = "contract-signed",
        ContractCancelled = "contract-cancelled",

        // CPI assignments.
        CpiInAnotherRegion = "cpi-in-another-region",
        NoConventionInForce = "no-convention-in-force",
        ConventionForbidsCpiAssignment = "convention-forbids-cpi-assignment",
        ContractNotSigned = "contract-not-signed",
        OutsideContract = "outside-contract",
        BeforeOperationalStart = "before-operational-start",
        AlreadyAssigned = "already-assigned",
        AssignmentNotAfterCurrent = "assignment-not-after-current",
        CpiAtCapacity = "cpi-at-capacity",
        AssignmentChanged = "assignment-changed",

        // Training.
        TrainingPathExists = "training-path-exists",
        ModuleExists = "module-exists",
        NoDistanceBucket = "no-distance-bucket",
        SessionNotHeldYet = "session-not-held-yet",
        NoFinalAssessment = "no-final-assessment",
        MandatoryTrainingRecorded = "mandatory-training-recorded",

        // On-the-job logs.
        DayInFuture = "day-in-future",
        OutsideActiveContract = "outside-active-contract",
        NoCpiAssignment = "no-cpi-assignment",
        NotAssignedCpi = "not-assigned-cpi",
        DailyHoursExceeded = "daily-hours-exceeded",
        ClientIdReused = "client-id-reused",
        LogNotPending = "log-not-pending",

        // Equipment.
        ForbiddenTransition = "forbidden-transition",
        KitPartHeld = "kit-part-held",
        ContractNotActive = "contract-not-active",
        SimAlreadyPaired = "sim-already-paired",
        DeviceAlreadyPaired = "device-already-paired",
        NotASim = "not-a-sim",
        NotADevice = "not-a-device",
        SimPlanMismatch = "sim-plan-mismatch",
        ItemOutOfService = "item-out-of-service",
        DifferentHolders = "different-holders",
        NothingToAcknowledge = "nothing-to-acknowledge",

        // The second factor (TOTP) of staff accounts.
        TotpRequired = "totp-required",
        TotpWrongCode = "totp-wrong-code",
        TotpReplayed = "totp-replayed",
        RecoveryCodeUsed = "recovery-code-used",
        TotpEnrolmentRequired = "totp-enrolment-required",
        TotpAlreadyEnrolled = "totp-already-enrolled",
        TotpNotEnrolled = "totp-not-enrolled",

        // Question RdC.
        QuestionTaken = "question-taken",
        QuestionNotTaken = "question-not-taken",
        QuestionStatusForbids = "question-status-forbids",
        NoDetailRequested = "no-detail-requested",

        // The FAQ.
        FaqRetired = "faq-retired",
        FaqChanged = "faq-changed",

        // Retries with an Idempotency-Key.
        IdempotencyKeyReused = "idempotency-key-reused",
        IdempotencyKeyInFlight = "idempotency-key-in-flight",
        IdempotencyAnswerLost = "idempotency-answer-lost",
    }
}
