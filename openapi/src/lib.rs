//! The API contract: request and response types with their schemas, the
//! problem envelope, and the base of the OpenAPI document. Handlers in `api`
//! add their paths to it.

pub mod dto;
pub mod problem;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use problem::{Problem, ProblemFieldError, ProblemType, RuleCodeSchema};

pub const BEARER: &str = "bearer_auth";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Navigator Ops",
        description = "Selection, contracts, CPI assignment, training and equipment of the Navigators \
                       of the Reddito di Cittadinanza programme. Errors are RFC 9457 problem documents \
                       in Italian, or in English with `Accept-Language: en`.",
        license(name = "EUPL-1.2")
    ),
    components(schemas(Problem, ProblemFieldError, ProblemType, RuleCodeSchema, dto::Cursor)),
    modifiers(&SecurityAddon),
    tags(
        (name = "auth", description = "Login, tokens, password reset and activation"),
        (name = "self", description = "The caller's own data"),
        (name = "users", description = "Accounts and roles"),
        (name = "reference", description = "Regions, provinces, conventions, CPIs"),
        (name = "training", description = "Training paths, classroom sessions and attendance, distance learning, mandatory training"),
        (name = "audit", description = "The append-only audit log"),
        (name = "subjects", description = "A person's data as the service holds it (GDPR art. 15)"),
        (name = "selection", description = "Selections, applications, admission, results and rankings (graduatorie)"),
        (name = "scorrimento", description = "Calls, offers and candidates"),
        (name = "contracts", description = "Contracts, HR events and offboarding"),
        (name = "navigators", description = "Navigators and their CPI assignments"),
        (name = "equipment", description = "The kit: inventory, movements, SIM pairings"),
        (name = "questions", description = "Question RdC: the Navigators' questions, answered by ANPAL Servizi's experts"),
        (name = "reports", description = "Monitoring indicators as of any date"),
        (name = "faq", description = "Question RdC: the FAQ promoted from answered questions, and its Italian search"),
        (name = "ops", description = "Probes, metrics and the mail outbox"),
    )
)]
pub struct BaseDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".to_owned());
        components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    }
}
