//! Who is calling, and whether their role may do what the handler does.
//! Each handler names its policy in its signature: `Authorized<AdminOnly>`.

use std::future::{ready, Ready};
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::account::Role;
use domain::second_factor::SecondFactorRefusal;

use crate::auth::tokens::ENROLMENT_SCOPE;
use crate::error::{ApiError, TokenProblem};
use crate::state::AppState;

/// The authenticated caller, from a verified access token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub role: Role,
    pub regions: Vec<String>,
    pub navigator_id: Option<String>,
    /// The session (refresh-token family) the access token belongs to.
    pub session: Option<String>,
    /// The session may only enrol a second factor: its role requires one
    /// and the account has none yet. Everything else refuses it.
    pub enrolment_only: bool,
}

impl Caller {
    /// National roles cover every Region; a coordinator covers their own.
    pub fn covers_region(&self, region: &str) -> bool {
        self.role.is_national() || self.regions.iter().any(|r| r == region)
    }
}

/// The caller, refused when their session may only enrol a second factor.
pub(crate) fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let caller = authenticate_enrolling(req)?;
    if caller.enrolment_only {
        return Err(ApiError::SecondFactor(
            SecondFactorRefusal::EnrolmentRequired,
        ));
    }
    Ok(caller)
}

/// The caller, even one whose session may only enrol a second factor: for
/// the enrolment's own operations.
pub(crate) fn authenticate_enrolling(req: &HttpRequest) -> Result<Caller, ApiError> {
    if let Some(c) = req.extensions().get::<Caller>() {
        return Ok(c.clone());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Internal)?;
    let raw = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthenticated(TokenProblem::Missing))?;
    let token = match raw.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Err(ApiError::Unauthenticated(TokenProblem::Invalid)),
    };
    let caller = caller_of_access_token(state, token)?;
    req.extensions_mut().insert(caller.clone());
    Ok(caller)
}

/// The caller an access token names, if it is valid, its session not
/// revoked and its account not cut off: the bearer header's check, and the
/// pages' session cookie's.
pub(crate) fn caller_of_access_token(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let claims = state.jwt.verify(token).map_err(ApiError::Unauthenticated)?;
    let role = Role::parse(&claims.role).ok_or(ApiError::Unauthenticated(TokenProblem::Invalid))?;
    // One problem type for both, each with its own words: a Navigator whose
    // contract ended must not read "log in again".
    if state.cut_off(&claims.sub, state.today()) {
        return Err(ApiError::Unauthenticated(TokenProblem::Revoked));
    }
    if claims
        .sid
        .as_deref()
        .is_some_and(|s| state.session_revoked(s))
    {
        return Err(ApiError::Unauthenticated(TokenProblem::SessionEnded));
    }
    Ok(Caller {
        user_id: claims.sub.clone(),
        role,
        regions: claims.regions.clone(),
        navigator_id: claims.navigator_id.clone(),
        session: claims.sid.clone(),
        enrolment_only: claims.scope.as_deref() == Some(ENROLMENT_SCOPE),
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// The roles an operation admits.
pub trait Policy {
    const ROLES: &'static [Role];
}

/// Any authenticated user.
pub struct AnyRole;
impl Policy for AnyRole {
    const ROLES: &'static [Role] = &Role::ALL;
}

pub struct AdminOnly;
impl Policy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// The audit log is read by administrators and HR.
pub struct AdminOrHr;
impl Policy for AdminOrHr {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Hr];
}

/// Selections, rankings, calls, offers and candidates.
pub struct HrOnly;
impl Policy for HrOnly {
    const ROLES: &'static [Role] = &[Role::Hr];
}

/// Rankings and seats are read by HR and, for their own Region, coordinators.
pub struct HrOrCoordinator;
impl Policy for HrOrCoordinator {
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator];
}

/// A Navigator's record: HR, their Region's coordinators, and themselves.
pub struct HrCoordinatorOrNavigator;
impl Policy for HrCoordinatorOrNavigator {
    const ROLES: &'static [Role] = &[Role::Hr, Role::Coordinator, Role::Navigator];
}

/// Classroom sessions and their attendance: HR and trainers.
pub struct HrOrTrainer;
impl Policy for HrOrTrainer {
    const ROLES: &'static [Role] = &[Role::Hr, Role::Trainer];
}

/// On-the-job hours are validated by the Region's coordinators.
pub struct CoordinatorOnly;
impl Policy for CoordinatorOnly {
    const ROLES: &'static [Role] = &[Role::Coordinator];
}

/// The Navigator's own data.
pub struct NavigatorOnly;
impl Policy for NavigatorOnly {
    const ROLES: &'static [Role] = &[Role::Navigator];
}

/// A caller signed in, even in a session that may only enrol a second
/// factor: the enrolment's own operations, and signing out, take this (the
/// use case names the roles).
pub struct Enrolling(pub Caller);

impl Deref for Enrolling {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl FromRequest for Enrolling {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate_enrolling(req).map(Self))
    }
}

/// FAQ entries are written, edited and retired by the experts, HR and
/// administrators.
pub struct FaqEditors;
impl Policy for FaqEditors {
    const ROLES: &'static [Role] = crate::app::faq::EDITORS;
}

/// The questions: Navigators (their own), experts, HR and administrators.
pub struct QuestionReaders;
impl Policy for QuestionReaders {
    const ROLES: &'static [Role] = &[Role::Navigator, Role::Expert, Role::Hr, Role::Admin];
}

/// Taking, answering, closing and merging questions.
pub struct ExpertOnly;
impl Policy for ExpertOnly {
    const ROLES: &'static [Role] = &[Role::Expert];
}

/// The Question RdC service's figures.
pub struct ServiceFigureReaders;
impl Policy for ServiceFigureReaders {
    const ROLES: &'static [Role] = &[Role::Hr, Role::Admin, Role::Expert];
}

/// A caller whose role the policy `P` admits; 403 otherwise.
pub struct Authorized<P: Policy> {
    pub caller: Caller,
    _policy: PhantomData<P>,
}

impl<P: Policy> Deref for Authorized<P> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|caller| {
            if P::ROLES.contains(&caller.role) {
                Ok(Self {
                    caller,
                    _policy: PhantomData,
                })
            } else {
                Err(ApiError::Forbidden)
            }
        }))
    }
}
