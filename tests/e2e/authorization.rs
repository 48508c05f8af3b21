//! The authorization matrix (DOMAIN.md §10, API.md "who"): every operation
//! of the live OpenAPI document, called anonymously and by every role, on
//! the caller's own and on another Region and Navigator, answers as the
//! spec says: 2xx, 401, 403 (for the role, or out of the caller's Regions)
//! or 404 (another Navigator's data, whose existence is not theirs to
//! know). An operation of the document without an entry fails the test, so
//! no endpoint added later can skip it.
//!
//! Adding an operation is one `entry(...)` in [`table`]: its key as in the
//! document, who may call it, whose data it is about, and how to build a
//! call that succeeds when the caller is allowed (on a fresh subject when
//! the call changes something).

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use chrono::NaiveDate;
use navigator_e2e::authorization::Request;
use navigator_e2e::contracts::{applicant_of, json_of, PUBLISHED_2019};
use navigator_e2e::equipment::kit_bodies;
use navigator_e2e::selection::{applicants, applications_csv, results_csv, Applicant};
use navigator_e2e::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

// ------------------------------------------------------------ the rules

/// Who calls: anonymously, or with an account of each role of §10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Hr,
    /// Coordinator of Region A (Lazio) only.
    Coordinator,
    Trainer,
    /// N1, a Navigator of Region A.
    Navigator,
    /// An expert of Question RdC (national).
    Expert,
}

const CALLERS: [Who; 7] = [
    Who::Anonymous,
    Who::Admin,
    Who::Hr,
    Who::Coordinator,
    Who::Trainer,
    Who::Navigator,
    Who::Expert,
];

/// Where the data an operation is about lies, seen from the callers: the
/// coordinator's Region is A and the navigator caller is N1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// The operation is about no Region or Navigator.
    Only,
    /// Region A; of Navigator data, N1's own.
    Own,
    /// N2, another Navigator of Region A.
    Neighbour,
    /// Region B; of Navigator data, N3's.
    OtherRegion,
}

/// What an operation is about, which gives the variants it is called on.
#[derive(Debug, Clone, Copy)]
enum Subject {
    Nothing,
    Region,
    Navigator,
}

impl Subject {
    /// The variant in the words of the fixture, for failure messages.
    fn describe(self, v: Variant) -> &'static str {
        match (self, v) {
            (Self::Nothing, _) | (_, Variant::Only) => "-",
            (Self::Region, Variant::OtherRegion) => "Region B",
            (Self::Region, _) => "Region A",
            (Self::Navigator, Variant::Own) => "N1 (own)",
            (Self::Navigator, Variant::Neighbour) => "N2 (Region A)",
            (Self::Navigator, Variant::OtherRegion) => "N3 (Region B)",
        }
    }

    fn variants(self) -> &'static [Variant] {
        match self {
            Self::Nothing => &[Variant::Only],
            Self::Region => &[Variant::Own, Variant::OtherRegion],
            Self::Navigator => &[Variant::Own, Variant::Neighbour, Variant::OtherRegion],
        }
    }
}

/// Who may call an operation, in the words of DOMAIN.md §10 and API.md.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Everyone, with or without a token.
    Public,
    /// Only the holder of an operator's token (`/metrics`): no user's
    /// token, whatever the role, is it (401).
    OperatorToken,
    /// Any authenticated caller ("any").
    AnyRole,
    /// These roles, nationally; the other roles get 403.
    Roles(&'static [Who]),
    /// The caller's own data (`/me/...`), for the roles that have it.
    Own(&'static [Who]),
    /// HR in every Region, a coordinator in their own (403 out-of-scope in
    /// another); the other roles get 403.
    Regional,
    /// As [`Rule::Regional`], and the Navigator reads their own record;
    /// another Navigator's answers 404. No operation of today's document
    /// is one yet; `GET /navigators/{id}/assignments` ("hr, coordinator,
    /// the Navigator") will be.
    NavigatorRecord,
    /// Coordinators in their own Region only (403 out-of-scope in another);
    /// every other role, HR included, gets 403: validating on-the-job hours.
    Coordination,
}

/// The answer a case must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Unauthenticated,
    /// 403 `forbidden`: the role may not call the operation.
    Forbidden,
    /// 403 `out-of-scope`: the role may, but not in this Region.
    OutOfScope,
    /// 404: the record is another Navigator's.
    Hidden,
}

impl Outcome {
    fn accepts(self, status: StatusCode, problem_type: Option<&str>) -> bool {
        match self {
            Self::Success => status.is_success(),
            Self::Unauthenticated => status == StatusCode::UNAUTHORIZED,
            Self::Forbidden => status == StatusCode::FORBIDDEN && problem_type == Some("forbidden"),
            Self::OutOfScope => {
                status == StatusCode::FORBIDDEN && problem_type == Some("out-of-scope")
            }
            Self::Hidden => status == StatusCode::NOT_FOUND,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "2xx",
            Self::Unauthenticated => "401",
            Self::Forbidden => "403 forbidden",
            Self::OutOfScope => "403 out-of-scope",
            Self::Hidden => "404",
        })
    }
}

fn expected(rule: Rule, who: Who, variant: Variant) -> Outcome {
    let regional = || match who {
        Who::Hr => Outcome::Success,
        Who::Coordinator if variant == Variant::OtherRegion => Outcome::OutOfScope,
        Who::Coordinator => Outcome::Success,
        _ => Outcome::Forbidden,
    };
    match (rule, who) {
        (Rule::Public, _) => Outcome::Success,
        (Rule::OperatorToken, _) => Outcome::Unauthenticated,
        (_, Who::Anonymous) => Outcome::Unauthenticated,
        (Rule::AnyRole, _) => Outcome::Success,
        (Rule::Roles(roles) | Rule::Own(roles), _) if roles.contains(&who) => Outcome::Success,
        (Rule::Roles(_) | Rule::Own(_), _) => Outcome::Forbidden,
        (Rule::Regional, _) => regional(),
        (Rule::NavigatorRecord, Who::Navigator) if variant == Variant::Own => Outcome::Success,
        (Rule::NavigatorRecord, Who::Navigator) => Outcome::Hidden,
        (Rule::NavigatorRecord, _) => regional(),
        (Rule::Coordination, Who::Coordinator) => regional(),
        (Rule::Coordination, _) => Outcome::Forbidden,
    }
}

#[test]
fn the_rules_give_the_answers_of_domain_10() {
    use Outcome::*;
    use Variant::{Neighbour, OtherRegion, Own};
    let row = |rule, who| [Own, Neighbour, OtherRegion].map(|v| expected(rule, who, v));
    for rule in [Rule::AnyRole, Rule::Roles(&[Who::Hr]), Rule::Regional] {
        assert_eq!(row(rule, Who::Anonymous), [Unauthenticated; 3]);
    }
    assert_eq!(row(Rule::Public, Who::Anonymous), [Success; 3]);
    assert_eq!(row(Rule::Roles(&[Who::Hr]), Who::Hr), [Success; 3]);
    assert_eq!(
        row(Rule::Roles(&[Who::Hr]), Who::Coordinator),
        [Forbidden; 3]
    );
    assert_eq!(
        row(Rule::Own(&[Who::Navigator]), Who::Navigator),
        [Success; 3]
    );
    assert_eq!(row(Rule::Own(&[Who::Navigator]), Who::Hr), [Forbidden; 3]);
    assert_eq!(row(Rule::Regional, Who::Hr), [Success; 3]);
    assert_eq!(
        row(Rule::Regional, Who::Coordinator),
        [Success, Success, OutOfScope]
    );
    assert_eq!(row(Rule::Regional, Who::Navigator), [Forbidden; 3]);
    assert_eq!(
        row(Rule::NavigatorRecord, Who::Navigator),
        [Success, Hidden, Hidden]
    );
    assert_eq!(
        row(Rule::NavigatorRecord, Who::Coordinator),
        [Success, Success, OutOfScope]
    );
    assert_eq!(row(Rule::NavigatorRecord, Who::Hr), [Success; 3]);
    assert_eq!(row(Rule::NavigatorRecord, Who::Trainer), [Forbidden; 3]);
    assert_eq!(row(Rule::NavigatorRecord, Who::Admin), [Forbidden; 3]);
    assert_eq!(
        row(Rule::Coordination, Who::Coordinator),
        [Success, Success, OutOfScope]
    );
    assert_eq!(row(Rule::Coordination, Who::Hr), [Forbidden; 3]);
    assert_eq!(row(Rule::Coordination, Who::Navigator), [Forbidden; 3]);
}

// ------------------------------------------------------------ the table

/// One call of the matrix: who, on what, and whether the rule lets them.
#[derive(Debug, Clone, Copy)]
struct Case {
    who: Who,
    variant: Variant,
    allowed: bool,
}

type Pending<'a> = Pin<Box<dyn Future<Output = Request> + 'a>>;
/// Builds the request of a case. An allowed call that changes something
/// gets a fresh subject, so no case depends on another; a refused one is
/// made on a standing subject the call could have changed.
type Build = for<'a> fn(&'a World, Case) -> Pending<'a>;

struct Entry {
    /// `"METHOD /path"` exactly as in the OpenAPI document.
    operation: &'static str,
    /// Tells apart two entries of one operation that name their subject
    /// differently (a list filtered by Region, or by province).
    variation: &'static str,
    rule: Rule,
    subject: Subject,
    build: Build,
}

fn entry(operation: &'static str, rule: Rule, subject: Subject, build: Build) -> Entry {
    Entry {
        operation,
        variation: "",
        rule,
        subject,
        build,
    }
}

impl Entry {
    fn named(self, variation: &'static str) -> Self {
        Self { variation, ..self }
    }
}

const ADMIN: &[Who] = &[Who::Admin];
const HR: &[Who] = &[Who::Hr];
const AUDITORS: &[Who] = &[Who::Admin, Who::Hr];
/// Who writes the FAQ: the experts, HR and administrators.
const FAQ_EDITORS: &[Who] = &[Who::Admin, Who::Hr, Who::Expert];
/// Who takes, answers, closes and merges questions.
const EXPERT: &[Who] = &[Who::Expert];
/// Who reads the Question RdC service's figures.
const SERVICE_FIGURE_READERS: &[Who] = &[Who::Admin, Who::Hr, Who::Expert];

/// The answered question the FAQ entries of the matrix come from.
const FAQ_SOURCE: &str = "0191e1a4-7c1e-7b0e-8f3a-3c2b1a0f9e8d";

/// A FAQ entry as an expert writes it.
fn faq_body() -> Value {
    json!({
        "title": "Scadenza dell'ISEE",
        "answer": "L'ISEE scade il 31 dicembre.",
        "topic": "eligibility",
        "questions": [FAQ_SOURCE],
    })
}
const NAVIGATOR: &[Who] = &[Who::Navigator];
const STAFF: &[Who] = &[
    Who::Admin,
    Who::Hr,
    Who::Coordinator,
    Who::Trainer,
    Who::Expert,
];
const QUESTION_READERS: &[Who] = &[Who::Admin, Who::Hr, Who::Navigator, Who::Expert];

fn v1(path: &str) -> String {
    format!("/api/v1{path}")
}

/// Every operation, with who may call it (DOMAIN.md §10 and the "who"
/// columns of API.md). The coming `GET /navigators/{id}`, for instance:
///
/// ```text
/// entry("GET /api/v1/navigators/{id}", Regional, Navigator, |w, c| {
///     Box::pin(async move {
///         let id = w.contract(c.variant)["navigator_id"].as_str().unwrap().to_owned();
///         Request::get(v1(&format!("/navigators/{id}")))
///     })
/// }),
/// ```
fn table() -> Vec<Entry> {
    use Rule::{AnyRole, Own, Public, Regional, Roles};
    use Subject::{Navigator, Nothing, Region};
    vec![
        // ------------------------------------------------ outside /api/v1
        entry("GET /healthz", Public, Nothing, |_, _| {
            Box::pin(async { Request::get("/healthz") })
        }),
        entry("GET /readyz", Public, Nothing, |_, _| {
            Box::pin(async { Request::get("/readyz") })
        }),
        entry("GET /metrics", Rule::OperatorToken, Nothing, |_, _| {
            Box::pin(async { Request::get("/metrics") })
        }),
        // ------------------------------------------------ auth and self
        entry("POST /api/v1/auth/login", Public, Nothing, |w, _| {
            Box::pin(async move {
                Request::post(
                    v1("/auth/login"),
                    json!({ "email": w.spare, "password": PASSWORD }),
                )
            })
        }),
        entry("POST /api/v1/auth/refresh", Public, Nothing, |w, _| {
            Box::pin(async move {
                let pair = w.app.login_ok(&w.spare, PASSWORD).await;
                Request::post(
                    v1("/auth/refresh"),
                    json!({ "refresh_token": pair["refresh_token"] }),
                )
            })
        }),
        entry("POST /api/v1/auth/logout", AnyRole, Nothing, |w, c| {
            Box::pin(async move {
                // A second session of the caller's own is closed, so the
                // caller's token stays good for the other cases.
                let (email, password) = w.credentials(c.who);
                let pair = w.app.login_ok(email, password).await;
                Request::post(
                    v1("/auth/logout"),
                    json!({ "refresh_token": pair["refresh_token"] }),
                )
            })
        }),
        entry(
            "POST /api/v1/auth/password-reset",
            Public,
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::post(
                        v1("/auth/password-reset"),
                        json!({ "email": format!("nessuno.{}@example.it", w.serial()) }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/auth/password-reset/confirm",
            Public,
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let token = w.activation_token().await;
                    Request::post(
                        v1("/auth/password-reset/confirm"),
                        json!({ "token": token, "new_password": PASSWORD }),
                    )
                })
            },
        ),
        entry("GET /api/v1/me", AnyRole, Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/me")) })
        }),
        entry("POST /api/v1/users", Roles(ADMIN), Nothing, |w, _| {
            Box::pin(async move {
                Request::post(
                    v1("/users"),
                    json!({ "email": format!("formatore.{}@anpalservizi.it", w.serial()), "role": "trainer" }),
                )
            })
        }),
        entry("GET /api/v1/users", Roles(ADMIN), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/users")) })
        }),
        // HR may close the experts' accounts only: a trainer's is the
        // administrators' alone.
        entry(
            "POST /api/v1/users/{id}/deactivate",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let email = format!("chiuso.{}@anpalservizi.it", w.serial());
                    let r = w
                        .app
                        .create_user(&w.admin, &json!({ "email": email, "role": "trainer" }))
                        .await;
                    let id = json_of(r, StatusCode::CREATED).await["id"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    Request::post(v1(&format!("/users/{id}/deactivate")), json!({}))
                })
            },
        ),
        // ---------------------------------------------------- Question RdC
        // The experts' moves are the expert caller's alone; the rules of
        // each move between experts (who owns a question) are
        // tests/e2e/questions.rs's.
        entry("GET /api/v1/question-topics", AnyRole, Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/question-topics")) })
        }),
        entry(
            "POST /api/v1/questions",
            Roles(NAVIGATOR),
            Nothing,
            |_, _| {
                Box::pin(async {
                    Request::post(
                        v1("/questions"),
                        json!({ "topic": "privacy", "text": "Posso fotografare i documenti?" }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/questions",
            Roles(QUESTION_READERS),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/questions")) }),
        ),
        entry(
            "GET /api/v1/questions/{id}",
            Roles(QUESTION_READERS),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::get(v1(&format!("/questions/{}", w.fresh_question().await)))
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/withdraw",
            Roles(NAVIGATOR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.fresh_question().await;
                    Request::post(v1(&format!("/questions/{id}/withdraw")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/details",
            Roles(NAVIGATOR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.question_awaiting_detail().await;
                    Request::post(
                        v1(&format!("/questions/{id}/details")),
                        json!({ "text": "Lazio" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/take",
            Roles(EXPERT),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.fresh_question().await;
                    Request::post(v1(&format!("/questions/{id}/take")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/release",
            Roles(EXPERT),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.question_taken_by(c).await;
                    Request::post(v1(&format!("/questions/{id}/release")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/answer",
            Roles(EXPERT),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.question_taken_by(c).await;
                    Request::post(
                        v1(&format!("/questions/{id}/answer")),
                        json!({ "text": "Sì" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/detail-requests",
            Roles(EXPERT),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.question_taken_by(c).await;
                    Request::post(
                        v1(&format!("/questions/{id}/detail-requests")),
                        json!({ "text": "Quale Regione?" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/close",
            Roles(EXPERT),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.fresh_question().await;
                    Request::post(v1(&format!("/questions/{id}/close")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/questions/{id}/merge",
            Roles(EXPERT),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.fresh_question().await;
                    let into = w.fresh_question().await;
                    Request::post(
                        v1(&format!("/questions/{id}/merge")),
                        json!({ "into": into }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/reports/question-service",
            Roles(SERVICE_FIGURE_READERS),
            Nothing,
            |_, _| {
                Box::pin(async {
                    Request::get(v1(
                        "/reports/question-service?from=2019-07-01&to=2019-07-31",
                    ))
                })
            },
        ),
        // ------------------------------------------------ reference data
        entry("GET /api/v1/regions", AnyRole, Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/regions")) })
        }),
        entry("GET /api/v1/regions/{code}", AnyRole, Region, |_, c| {
            Box::pin(async move { Request::get(v1(&format!("/regions/{}", region(c.variant)))) })
        }),
        entry(
            "GET /api/v1/regions/{code}/convention",
            AnyRole,
            Region,
            |_, c| {
                Box::pin(async move {
                    Request::get(v1(&format!("/regions/{}/convention", region(c.variant))))
                })
            },
        ),
        entry(
            "PUT /api/v1/regions/{code}/convention",
            Roles(ADMIN),
            Region,
            |w, c| {
                Box::pin(async move {
                    // The convention the Region has: setting it again changes
                    // nothing the other cases rely on.
                    let code = region(c.variant);
                    let now = json_of(w.app.convention(&w.admin, code).await, StatusCode::OK).await;
                    Request::put(
                        v1(&format!("/regions/{code}/convention")),
                        json!({ "signed_on": now["signed_on"], "valid_until": now["valid_until"], "mode": now["mode"] }),
                    )
                })
            },
        ),
        entry("GET /api/v1/provinces", AnyRole, Region, |_, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/provinces?region={}", region(c.variant))))
            })
        }),
        entry("GET /api/v1/cpis", AnyRole, Region, |_, c| {
            Box::pin(
                async move { Request::get(v1(&format!("/cpis?region={}", region(c.variant)))) },
            )
        }),
        entry("POST /api/v1/cpis", Roles(ADMIN), Region, |w, c| {
            Box::pin(async move {
                Request::post(
                    v1("/cpis"),
                    json!({ "code": w.cpi_code(), "name": "CPI di prova", "province_sigla": province(c.variant) }),
                )
            })
        }),
        entry("POST /api/v1/cpis/import", Roles(ADMIN), Region, |w, c| {
            Box::pin(async move {
                Request::csv(
                    v1("/cpis/import"),
                    format!(
                        "code,name,province_sigla,address,capacity\n{},CPI importato,{},,\n",
                        w.cpi_code(),
                        province(c.variant)
                    ),
                )
            })
        }),
        entry("GET /api/v1/cpis/{code}", AnyRole, Region, |w, c| {
            Box::pin(async move { Request::get(v1(&format!("/cpis/{}", w.cpis[side(c.variant)]))) })
        }),
        entry("GET /api/v1/training/paths", AnyRole, Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/training/paths")) })
        }),
        // ------------------------------------------------ training records
        entry(
            "POST /api/v1/training/paths",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::post(
                        v1("/training/paths"),
                        json!({
                            "code": format!("percorso-{}", w.serial()),
                            "name": "Percorso di prova",
                            "total_hours": 100,
                            "buckets": [
                                { "kind": "classroom", "share_percent": 50 },
                                { "kind": "on_the_job", "share_percent": 50 },
                            ],
                        }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/training/paths/{id}/modules",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    // A module of its own on the seeded path: more modules
                    // than the bucket needs are a choice, not an error.
                    let path = w.app.path_2019(&w.admin).await;
                    Request::post(
                        v1(&format!("/training/paths/{}/modules", id_of(&path))),
                        json!({ "code": format!("FAD-M{}", w.serial()), "title": "Modulo di prova", "hours": 1 }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/training/sessions",
            Roles(&[Who::Hr, Who::Trainer]),
            Nothing,
            |_, _| {
                Box::pin(async {
                    Request::post(
                        v1("/training/sessions"),
                        json!({ "day": TODAY, "hours": 4, "place": "Roma", "trainer": "Dott.ssa Bianchi" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/training/sessions/{id}/attendance",
            Roles(&[Who::Hr, Who::Trainer]),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    // A session of its own, held today, attended by N1.
                    let session = w.app.session_on(&w.hr, TODAY, 4.0).await;
                    Request::post(
                        v1(&format!("/training/sessions/{session}/attendance")),
                        json!([{ "navigator_id": navigator_of(w.contract(Variant::Own)), "hours": 2 }]),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/training/distance/completions",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let codice =
                        &applicant_of(&w.applicants, w.contract(Variant::Own)).codice_fiscale;
                    Request::post(
                        v1("/training/distance/completions"),
                        json!([{ "codice_fiscale": codice, "module_code": "FAD-01", "completed_on": TODAY, "test_passed": true }]),
                    )
                })
            },
        ),
        entry("GET /api/v1/audit", Roles(AUDITORS), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/audit")) })
        }),
        // ------------------------------------------------ subject access
        entry(
            "GET /api/v1/subjects/{codice_fiscale}/access-file",
            Roles(AUDITORS),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let codice =
                        &applicant_of(&w.applicants, w.contract(Variant::Own)).codice_fiscale;
                    Request::get(v1(&format!("/subjects/{codice}/access-file")))
                })
            },
        ),
        entry(
            "GET /api/v1/me/access-file",
            Own(NAVIGATOR),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/me/access-file")) }),
        ),
        // ------------------------------------------------ the mail outbox
        entry(
            "GET /api/v1/ops/mails/failed",
            Roles(ADMIN),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/ops/mails/failed")) }),
        ),
        entry(
            "POST /api/v1/ops/mails/failed/retry",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    w.app
                        .given_up_mail(&format!("perso.{}@anpalservizi.it", w.serial()))
                        .await;
                    Request::post(v1("/ops/mails/failed/retry"), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/ops/mails/failed/{id}/retry",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w
                        .app
                        .given_up_mail(&format!("perso.{}@anpalservizi.it", w.serial()))
                        .await;
                    Request::post(v1(&format!("/ops/mails/failed/{id}/retry")), json!({}))
                })
            },
        ),
        // ------------------------------------------------ the FAQ
        entry("GET /api/v1/faqs", AnyRole, Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/faqs?q=isee")) })
        }),
        entry("POST /api/v1/faqs", Roles(FAQ_EDITORS), Nothing, |_, _| {
            Box::pin(async { Request::post(v1("/faqs"), faq_body()) })
        }),
        entry("GET /api/v1/faqs/{id}", AnyRole, Nothing, |w, _| {
            Box::pin(async move { Request::get(v1(&format!("/faqs/{}", w.faq().await))) })
        }),
        entry(
            "PUT /api/v1/faqs/{id}",
            Roles(FAQ_EDITORS),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let mut body = faq_body();
                    body["version"] = json!(1);
                    body["questions"] = json!([]);
                    Request::put(v1(&format!("/faqs/{}", w.faq().await)), body)
                })
            },
        ),
        entry(
            "GET /api/v1/faqs/{id}/versions",
            AnyRole,
            Nothing,
            |w, _| {
                Box::pin(
                    async move { Request::get(v1(&format!("/faqs/{}/versions", w.faq().await))) },
                )
            },
        ),
        entry(
            "POST /api/v1/faqs/{id}/retire",
            Roles(FAQ_EDITORS),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::post(v1(&format!("/faqs/{}/retire", w.faq().await)), json!({}))
                })
            },
        ),
        // ------------------------------------------------ selection and ranking
        entry("POST /api/v1/selections", Roles(HR), Nothing, |w, _| {
            Box::pin(async move {
                Request::post(
                    v1("/selections"),
                    json!({ "code": format!("NAV-M{}", w.serial()), "title": "Avviso", "published_on": "2019-04-18" }),
                )
            })
        }),
        entry("GET /api/v1/selections", Roles(HR), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/selections")) })
        }),
        entry("GET /api/v1/selections/{id}", Roles(HR), Nothing, |w, _| {
            Box::pin(async move { Request::get(v1(&format!("/selections/{}", w.selection))) })
        }),
        entry(
            "PUT /api/v1/selections/{id}/posts",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Created).await;
                    Request::put(
                        v1(&format!("/selections/{id}/posts")),
                        json!([{ "province": "RM", "posts": 1 }, { "province": "MI", "posts": 1 }]),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/selections/{id}/neighbours",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::get(v1(&format!("/selections/{}/neighbours", w.selection)))
                })
            },
        ),
        entry(
            "PUT /api/v1/selections/{id}/neighbours",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Created).await;
                    Request::put(
                        v1(&format!("/selections/{id}/neighbours")),
                        json!([{ "province": "RM", "neighbours": ["LT", "FR"] }]),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/selections/{id}/applications/import",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Posts).await;
                    Request::csv(
                        v1(&format!("/selections/{id}/applications/import")),
                        applications_csv(&few_applicants()),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/selections/{id}/admission",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Applications).await;
                    Request::post(v1(&format!("/selections/{id}/admission")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/selections/{id}/results/import",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Admitted).await;
                    Request::csv(
                        v1(&format!("/selections/{id}/results/import")),
                        few_results(),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/selections/{id}/rankings/publish",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Scored).await;
                    Request::post(
                        v1(&format!("/selections/{id}/rankings/publish")),
                        json!({ "published_on": PUBLISHED_2019 }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/selections/{id}/rankings/{sigla}",
            Regional,
            Region,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/selections/{}/rankings/{}",
                        w.selection,
                        province(c.variant)
                    )))
                })
            },
        ),
        entry(
            "POST /api/v1/selections/{id}/rankings/{sigla}/corrections",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.selection_at(Stage::Published).await;
                    Request::post(
                        v1(&format!(
                            "/selections/{id}/rankings/{}/corrections",
                            province(c.variant)
                        )),
                        json!({ "reason": "rettifica per ricorso" }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/selections/{id}/rankings/{sigla}/extract",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let sigla = province(c.variant);
                    let requester = w
                        .applicants
                        .iter()
                        .find(|a| a.province == sigla)
                        .expect("an applicant ranked in the province");
                    Request::get(v1(&format!(
                        "/selections/{}/rankings/{sigla}/extract?application_no={}",
                        w.selection, requester.application_no
                    )))
                })
            },
        ),
        entry(
            "GET /api/v1/selections/{id}/seats",
            Regional,
            Region,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/selections/{}/seats?region={}",
                        w.selection,
                        region(c.variant)
                    )))
                })
            },
        ),
        // ------------------------------------------------ calls, offers, candidates
        entry(
            "POST /api/v1/selections/{id}/provinces/{sigla}/calls",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    Request::post(
                        v1(&format!(
                            "/selections/{}/provinces/{}/calls",
                            w.selection,
                            province(c.variant)
                        )),
                        json!({}),
                    )
                })
            },
        ),
        entry("GET /api/v1/offers", Roles(HR), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/offers")) })
        }),
        entry("POST /api/v1/offers/respond", Public, Nothing, |w, _| {
            Box::pin(async move {
                // The candidate declines from the link in the mail: the seat
                // goes back to the province.
                let offer = w.pending_offer(Variant::Own).await;
                let email = &applicant_of(&w.applicants, &offer).email;
                let mail = w.app.wait_for_mail(email).await;
                Request::post(
                    v1("/offers/respond"),
                    json!({ "token": token_in(&mail), "decision": "decline" }),
                )
            })
        }),
        entry(
            "POST /api/v1/offers/{id}/accept",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.pending_offer_for(c).await;
                    Request::post(v1(&format!("/offers/{id}/accept")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/offers/{id}/decline",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.pending_offer_for(c).await;
                    Request::post(v1(&format!("/offers/{id}/decline")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/offers/{id}/contract",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = if c.allowed {
                        id_of(
                            &w.app
                                .accepted_offer(&w.hr, &w.selection, province(c.variant))
                                .await,
                        )
                    } else {
                        w.standing.accepted_offers[side(c.variant)].clone()
                    };
                    Request::post(
                        v1(&format!("/offers/{id}/contract")),
                        json!({ "requirements_verified": true }),
                    )
                })
            },
        ),
        entry("GET /api/v1/candidates/{id}", Roles(HR), Region, |w, c| {
            Box::pin(async move {
                Request::get(v1(&format!(
                    "/candidates/{}",
                    w.standing.waiting[side(c.variant)]
                )))
            })
        }),
        entry(
            "PATCH /api/v1/applications/{id}/contact",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    Request::patch(
                        v1(&format!(
                            "/applications/{}/contact",
                            w.standing.waiting[side(c.variant)]
                        )),
                        json!({ "phone": "+39 333 0000000" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/candidates/{id}/exclude",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.waiting_candidate_for(c).await;
                    Request::post(
                        v1(&format!("/candidates/{id}/exclude")),
                        json!({ "reason": "requisiti non posseduti" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/candidates/{id}/suspend",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.waiting_candidate_for(c).await;
                    Request::post(
                        v1(&format!("/candidates/{id}/suspend")),
                        json!({ "reason": "verifica in corso" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/candidates/{id}/reinstate",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = if c.allowed {
                        w.suspended_candidate(c.variant).await
                    } else {
                        w.standing.suspended[side(c.variant)].clone()
                    };
                    Request::post(
                        v1(&format!("/candidates/{id}/reinstate")),
                        json!({ "reason": "verifica superata" }),
                    )
                })
            },
        ),
        // ------------------------------------------------ contracts and HR events
        entry(
            "POST /api/v1/contracts/{id}/sign",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = if c.allowed {
                        id_of(
                            &w.app
                                .drafted(&w.hr, &w.selection, province(c.variant))
                                .await,
                        )
                    } else {
                        w.standing.drafts[side(c.variant)].clone()
                    };
                    Request::post(v1(&format!("/contracts/{id}/sign")), signature())
                })
            },
        ),
        entry(
            "POST /api/v1/contracts/{id}/cancel",
            Roles(HR),
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = if c.allowed {
                        id_of(
                            &w.app
                                .drafted(&w.hr, &w.selection, province(c.variant))
                                .await,
                        )
                    } else {
                        w.standing.drafts[side(c.variant)].clone()
                    };
                    Request::post(
                        v1(&format!("/contracts/{id}/cancel")),
                        json!({ "reason": "il candidato non si è presentato alla firma" }),
                    )
                })
            },
        ),
        entry("GET /api/v1/contracts", Regional, Region, |_, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/contracts?region={}", region(c.variant))))
            })
        })
        .named("by Region"),
        // Asking for another Region's province is as far out of scope as
        // asking for the Region.
        entry("GET /api/v1/contracts", Regional, Region, |_, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/contracts?province={}", province(c.variant))))
            })
        })
        .named("by province"),
        entry("GET /api/v1/contracts/{id}", Regional, Navigator, |w, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/contracts/{}", id_of(w.contract(c.variant)))))
            })
        }),
        entry(
            "POST /api/v1/contracts/{id}/extend",
            Roles(HR),
            Navigator,
            |w, c| {
                Box::pin(async move {
                    let id = w.contract_for(c).await;
                    Request::post(
                        v1(&format!("/contracts/{id}/extend")),
                        json!({ "new_end_date": "2021-12-31", "reason": "proroga" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/contracts/extensions",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    // All the running contracts of a Region no other case uses:
                    // the fresh one, when the call is allowed.
                    if c.allowed {
                        w.signed_in(BULK_PROVINCE).await;
                    }
                    Request::post(
                        v1("/contracts/extensions"),
                        json!({ "new_end_date": "2022-04-30", "region": BULK_REGION, "reason": "proroga regionale" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/contracts/{id}/resignation",
            Roles(HR),
            Navigator,
            |w, c| {
                Box::pin(async move {
                    let id = w.contract_for(c).await;
                    Request::post(
                        v1(&format!("/contracts/{id}/resignation")),
                        json!({ "submitted_on": TODAY, "effective_on": ENDING }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/contracts/{id}/terminate",
            Roles(HR),
            Navigator,
            |w, c| {
                Box::pin(async move {
                    let id = w.contract_for(c).await;
                    Request::post(
                        v1(&format!("/contracts/{id}/terminate")),
                        json!({ "cause": "withdrawn", "effective_on": ENDING, "reason": "obiettivi mancati" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/contracts/{id}/suspensions",
            Roles(HR),
            Navigator,
            |w, c| {
                Box::pin(async move {
                    let id = w.contract_for(c).await;
                    Request::post(
                        v1(&format!("/contracts/{id}/suspensions")),
                        json!({ "from": "2019-10-01", "to": "2019-10-15", "reason": "malattia" }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/me/contract",
            Own(NAVIGATOR),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/me/contract")) }),
        ),
        entry(
            "POST /api/v1/me/resignation",
            Own(NAVIGATOR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let request =
                        Request::post(v1("/me/resignation"), json!({ "effective_on": ENDING }));
                    // A fresh Navigator resigns, so N1 stays under contract.
                    if c.allowed {
                        request.acting_as(w.fresh_navigator().await)
                    } else {
                        request
                    }
                })
            },
        ),
        entry("GET /api/v1/offboarding", Roles(HR), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/offboarding?open=true")) })
        }),
        // ------------------------------------- Navigators and assignment
        entry("GET /api/v1/navigators", Regional, Region, |_, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/navigators?region={}", region(c.variant))))
            })
        })
        .named("by Region"),
        entry("GET /api/v1/navigators", Regional, Region, |_, c| {
            Box::pin(async move {
                Request::get(v1(&format!("/navigators?province={}", province(c.variant))))
            })
        })
        .named("by province"),
        entry(
            "GET /api/v1/navigators/{id}",
            Rule::NavigatorRecord,
            Navigator,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/navigators/{}",
                        navigator_of(w.contract(c.variant))
                    )))
                })
            },
        ),
        entry(
            "GET /api/v1/navigators/{id}/assignments",
            Rule::NavigatorRecord,
            Navigator,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/navigators/{}/assignments",
                        navigator_of(w.contract(c.variant))
                    )))
                })
            },
        ),
        entry(
            "POST /api/v1/navigators/{id}/assignment",
            Regional,
            Navigator,
            |w, c| {
                Box::pin(async move {
                    // A fresh Navigator of the same Region for an allowed
                    // call; the fixture's, whose history stays empty, otherwise.
                    let nav = if c.allowed {
                        navigator_of(&w.signed_in(province(c.variant)).await)
                    } else {
                        navigator_of(w.contract(c.variant))
                    };
                    Request::post(
                        v1(&format!("/navigators/{nav}/assignment")),
                        json!({ "cpi_code": w.cpis[side(c.variant)], "from": SIGNED_ON }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/navigators/{id}/mandatory-training",
            Roles(HR),
            Navigator,
            |w, c| {
                Box::pin(async move {
                    // A fresh Navigator of the variant's Region for an allowed
                    // call; the fixture's, whose record stays empty, otherwise.
                    let nav = if c.allowed {
                        navigator_of(&w.signed_in(province(c.variant)).await)
                    } else {
                        navigator_of(w.contract(c.variant))
                    };
                    Request::post(
                        v1(&format!("/navigators/{nav}/mandatory-training")),
                        json!({ "item": "health_and_safety", "completed_on": TODAY }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/me/assignment",
            Own(NAVIGATOR),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/me/assignment")) }),
        ),
        // ------------------------------------------------------- reports
        entry(
            "GET /api/v1/reports/indicators",
            Regional,
            Region,
            |_, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/reports/indicators?region={}&group_by=province",
                        region(c.variant)
                    )))
                })
            },
        ),
        entry(
            "GET /api/v1/reports/indicators/series",
            Regional,
            Region,
            |_, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/reports/indicators/series?region={}&from=2019-07-01&to=2019-12-31&step=month",
                        region(c.variant)
                    )))
                })
            },
        ),
        // ----------------------------------------------------- equipment
        entry("POST /api/v1/equipment", Roles(HR), Nothing, |w, _| {
            Box::pin(async move {
                Request::post(
                    v1("/equipment"),
                    kit_bodies(5000 + w.serial() as u32)[0].clone(),
                )
            })
        }),
        entry(
            "POST /api/v1/equipment/import",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    let n = 6000 + w.serial();
                    Request::csv(
                    v1("/equipment/import"),
                    format!(
                        "kind,model,serial,imei,iccid,phone_number,plan,mailbox,batch\nmailbox,,,,,,,matrice.{n}@navigator.example.it,\n"
                    ),
                )
                })
            },
        ),
        entry("GET /api/v1/equipment", Roles(HR), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/equipment?kind=smartphone")) })
        }),
        entry("GET /api/v1/equipment/{id}", Roles(HR), Nothing, |w, c| {
            Box::pin(async move {
                let id = w.item_for(c, 0, "in_stock").await;
                Request::get(v1(&format!("/equipment/{id}")))
            })
        }),
        entry(
            "GET /api/v1/equipment/{id}/pairings",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 1, "in_stock").await;
                    Request::get(v1(&format!("/equipment/{id}/pairings")))
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/personalise",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 0, "in_stock").await;
                    Request::post(v1(&format!("/equipment/{id}/personalise")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/assign",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 0, "personalised").await;
                    let holder = if c.allowed {
                        navigator_of(&w.signed_in(PROVINCES[0]).await)
                    } else {
                        navigator_of(w.contract(Variant::Neighbour))
                    };
                    Request::post(
                        v1(&format!("/equipment/{id}/assign")),
                        json!({ "navigator_id": holder }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/return",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 0, "assigned").await;
                    Request::post(
                        v1(&format!("/equipment/{id}/return")),
                        json!({ "condition": "good", "wiped": true }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/write-off",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 0, "assigned").await;
                    Request::post(
                        v1(&format!("/equipment/{id}/write-off")),
                        json!({ "state": "lost", "reported_on": TODAY }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/retire",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let id = w.item_for(c, 0, "returned").await;
                    Request::post(v1(&format!("/equipment/{id}/retire")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/equipment/{id}/pair",
            Roles(HR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let sim = w.item_for(c, 1, "in_stock").await;
                    let device = w.item_for(c, 0, "in_stock").await;
                    Request::post(
                        v1(&format!("/equipment/{sim}/pair")),
                        json!({ "device_id": device }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/navigators/{id}/kit",
            Roles(HR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/navigators/{}/kit",
                        navigator_of(w.contract(Variant::Own))
                    )))
                })
            },
        ),
        entry("GET /api/v1/me/kit", Own(NAVIGATOR), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/me/kit")) })
        }),
        entry(
            "POST /api/v1/me/kit/acknowledge",
            Own(NAVIGATOR),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let request = Request::post(v1("/me/kit/acknowledge"), json!({}));
                    // A fresh Navigator holding an item, so there is something to acknowledge.
                    if c.allowed {
                        request.acting_as(w.fresh_equipped_navigator().await)
                    } else {
                        request
                    }
                })
            },
        ),
        // ------------------------------------------------------ training
        entry(
            "GET /api/v1/me/training",
            Own(NAVIGATOR),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/me/training")) }),
        ),
        entry(
            "GET /api/v1/navigators/{id}/training",
            Rule::NavigatorRecord,
            Navigator,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!(
                        "/navigators/{}/training",
                        navigator_of(w.contract(c.variant))
                    )))
                })
            },
        ),
        entry(
            "POST /api/v1/me/ojt-logs",
            Own(NAVIGATOR),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    Request::post(
                        v1("/me/ojt-logs"),
                        json!({ "client_id": format!("matrice-{}", w.serial()), "day": TODAY, "hours": 1, "activity": "accoglienza" }),
                    )
                })
            },
        ),
        entry(
            "GET /api/v1/me/ojt-logs",
            Own(NAVIGATOR),
            Nothing,
            |_, _| Box::pin(async { Request::get(v1("/me/ojt-logs")) }),
        ),
        entry("GET /api/v1/ojt-logs", Regional, Region, |_, c| {
            Box::pin(
                async move { Request::get(v1(&format!("/ojt-logs?region={}", region(c.variant)))) },
            )
        }),
        entry(
            "POST /api/v1/ojt-logs/{id}/validate",
            Rule::Coordination,
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.pending_log_for(c).await;
                    Request::post(v1(&format!("/ojt-logs/{id}/validate")), json!({}))
                })
            },
        ),
        entry(
            "POST /api/v1/ojt-logs/{id}/reject",
            Rule::Coordination,
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.pending_log_for(c).await;
                    Request::post(
                        v1(&format!("/ojt-logs/{id}/reject")),
                        json!({ "reason": "non confermato" }),
                    )
                })
            },
        ),
        entry(
            "POST /api/v1/ojt-logs/validate",
            Rule::Coordination,
            Region,
            |w, c| {
                Box::pin(async move {
                    let id = w.pending_log_for(c).await;
                    Request::post(v1("/ojt-logs/validate"), json!({ "ids": [id] }))
                })
            },
        ),
        entry(
            "GET /api/v1/cpis/{code}/navigators",
            Regional,
            Region,
            |w, c| {
                Box::pin(async move {
                    Request::get(v1(&format!("/cpis/{}/navigators", w.cpis[side(c.variant)])))
                })
            },
        ),
        // ------------------------------------------------ second factor
        // Last: from the confirmation on, the callers' accounts have a
        // second factor, and no entry after these signs in with a password.
        entry("GET /api/v1/me/totp", Own(STAFF), Nothing, |_, _| {
            Box::pin(async { Request::get(v1("/me/totp")) })
        }),
        entry("POST /api/v1/me/totp", Own(STAFF), Nothing, |_, _| {
            Box::pin(async { Request::post(v1("/me/totp"), json!({})) })
        }),
        entry(
            "POST /api/v1/me/totp/confirm",
            Own(STAFF),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let code = match (c.allowed, w.token(c.who)) {
                        (true, Some(token)) => w.start_totp(token).await,
                        _ => "000000".to_owned(),
                    };
                    Request::post(v1("/me/totp/confirm"), json!({ "code": code }))
                })
            },
        ),
        entry(
            "POST /api/v1/me/totp/disable",
            Own(STAFF),
            Nothing,
            |w, c| {
                Box::pin(async move {
                    let code = match (c.allowed, w.token(c.who)) {
                        (true, Some(token)) => w.enrol_totp(token).await,
                        _ => "000000".to_owned(),
                    };
                    Request::post(v1("/me/totp/disable"), json!({ "code": code }))
                })
            },
        ),
        entry(
            "DELETE /api/v1/users/{id}/totp",
            Roles(ADMIN),
            Nothing,
            |w, _| {
                Box::pin(async move {
                    // The spare account, enrolled afresh for each caller (a
                    // refused caller leaves it enrolled: it is reset first).
                    let users = json_of(
                        w.app.get("/users?limit=500", Some(&w.admin)).await,
                        StatusCode::OK,
                    )
                    .await;
                    let id = users["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|u| u["email"] == w.spare.as_str())
                        .and_then(|u| u["id"].as_str())
                        .unwrap()
                        .to_owned();
                    w.app
                        .client
                        .delete(w.app.api(&format!("/users/{id}/totp")))
                        .bearer_auth(&w.admin)
                        .send()
                        .await
                        .unwrap();
                    let pair = w.app.login_ok(&w.spare, PASSWORD).await;
                    w.enrol_totp(pair["access_token"].as_str().unwrap()).await;
                    Request::delete(v1(&format!("/users/{id}/totp")))
                })
            },
        ),
    ]
}

/// The code of the current 30-second step for a base32 secret, as an
/// authenticator app shows it.
fn totp_now(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(now / 30 * 30)
        .to_string()
}

fn navigator_of(contract: &Value) -> String {
    contract["navigator_id"]
        .as_str()
        .unwrap_or_else(|| panic!("navigator_id in {contract}"))
        .to_owned()
}

// ------------------------------------------------------------ the fixture

/// "Today" for the whole test: contracts signed on 29 July 2019 are
/// active and the rankings of 24 June 2019 still valid for calls.
const TODAY: &str = "2019-09-02";
const SIGNED_ON: &str = "2019-07-29";
/// Endings are dated after today, so a contract ended by a case keeps its
/// seat and its Navigator's login for the rest of the run.
const ENDING: &str = "2019-12-31";

/// Region A (Lazio, the coordinator's) and B (Lombardia), both `cpi` mode.
const REGIONS: [&str; 2] = ["12", "03"];
const PROVINCES: [&str; 2] = ["RM", "MI"];
/// Piemonte: only the bulk extension signs contracts there, and extends
/// all of them.
const BULK_REGION: &str = "01";
const BULK_PROVINCE: &str = "TO";
/// Enough seats and candidates for the fresh subjects of every case.
const POSTS: [(&str, i64); 3] = [("RM", 40), ("MI", 25), ("TO", 3)];
const PER_PROVINCE: usize = 50;

fn on_a_working_day(s: &mut api::config::Settings) {
    s.today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").ok();
}

fn side(v: Variant) -> usize {
    usize::from(v == Variant::OtherRegion)
}

fn region(v: Variant) -> &'static str {
    REGIONS[side(v)]
}

fn province(v: Variant) -> &'static str {
    PROVINCES[side(v)]
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("id in {v}"))
        .to_owned()
}

fn signature() -> Value {
    json!({ "signed_on": SIGNED_ON, "start_date": SIGNED_ON })
}

/// The applicants of the small selections the selection steps run on.
fn few_applicants() -> Vec<Applicant> {
    applicants(4, &PROVINCES, 23, "S")
}

fn few_results() -> String {
    let list = few_applicants();
    let lines: Vec<(&str, i64, i64)> = list
        .iter()
        .map(|a| (a.application_no.as_str(), 80, 0))
        .collect();
    results_csv(&lines)
}

/// How far a small selection has gone through its pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Created,
    Posts,
    Applications,
    Admitted,
    Scored,
    Published,
}

async fn succeeded(r: Response, step: &str) {
    let status = r.status();
    assert!(
        status.is_success(),
        "{step}: {status} {}",
        r.text().await.unwrap_or_default()
    );
}

/// Subjects a call could change, one per Region: the refused callers are
/// refused on these, so a refusal is never a 404 or a 409 in disguise.
#[derive(Default)]
struct Standing {
    pending_offers: [String; 2],
    accepted_offers: [String; 2],
    drafts: [String; 2],
    waiting: [String; 2],
    suspended: [String; 2],
    /// A pending on-the-job log of N1 (Region A) and of N3 (Region B).
    pending_logs: [String; 2],
    /// Items by kit part and state, as `(part, state, id)`.
    items: Vec<(usize, String, String)>,
}

struct World {
    app: TestApp,
    admin: String,
    hr: String,
    coordinator: String,
    trainer: String,
    /// N1's access token.
    navigator: String,
    expert: String,
    /// The callers' emails, for a second session of their own.
    emails: Vec<(Who, String)>,
    /// An account that is no caller, for the public login and refresh.
    spare: String,
    /// The published selection every call, offer and contract comes from.
    selection: String,
    applicants: Vec<Applicant>,
    /// The signed contracts of N1 (the navigator caller) and N2 in
    /// Region A, and of N3 in Region B; each names its `navigator_id`.
    contracts: [Value; 3],
    /// A CPI in each Region.
    cpis: [String; 2],
    standing: Standing,
    /// Candidates already given to a case.
    handed_out: Mutex<HashSet<String>>,
    serial: AtomicUsize,
}

impl World {
    async fn build(app: TestApp) -> Self {
        let admin = app.admin_token().await;
        app.questions_at(&[FAQ_SOURCE], "answered");
        let (hr_email, hr) = app.account("hr", &[]).await;
        let (coordinator_email, coordinator) = app.account("coordinator", &[REGIONS[0]]).await;
        let (trainer_email, trainer) = app.account("trainer", &[]).await;
        let (expert_email, expert) = app.account("expert", &[]).await;
        let (spare, _) = app.account("trainer", &[]).await;

        let siglas: Vec<&str> = POSTS.iter().map(|(p, _)| *p).collect();
        let list = applicants(PER_PROVINCE * siglas.len(), &siglas, 19, "M");
        let lines: Vec<(&str, i64, i64)> = list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let place = (i / siglas.len()) as i64;
                (a.application_no.as_str(), 95 - place % 30, 0)
            })
            .collect();
        let selection = app
            .selection_with_results(&hr, &POSTS, &list, &lines, PUBLISHED_2019)
            .await;

        let mut contracts = Vec::new();
        for sigla in [PROVINCES[0], PROVINCES[0], PROVINCES[1]] {
            contracts.push(app.signed(&hr, &selection, sigla, &signature()).await);
        }
        let n1_email = applicant_of(&list, &contracts[0]).email.clone();
        let navigator = app.activate_and_login(&n1_email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();

        let mut cpis = Vec::new();
        for sigla in PROVINCES {
            let code = format!("CPI-{sigla}-MATRICE");
            let r = app
                .create_cpi(
                    &admin,
                    &json!({ "code": code, "name": format!("CPI di {sigla}"), "province_sigla": sigla }),
                )
                .await;
            json_of(r, StatusCode::CREATED).await;
            cpis.push(code);
        }

        let mut world = Self {
            app,
            admin,
            hr,
            coordinator,
            trainer,
            navigator,
            expert,
            emails: vec![
                (Who::Admin, ADMIN_EMAIL.to_owned()),
                (Who::Hr, hr_email),
                (Who::Coordinator, coordinator_email),
                (Who::Trainer, trainer_email),
                (Who::Navigator, n1_email),
                (Who::Expert, expert_email),
            ],
            spare,
            selection,
            applicants: list,
            contracts: [0, 1, 2].map(|i| contracts[i].clone()),
            cpis: [cpis[0].clone(), cpis[1].clone()],
            standing: Standing::default(),
            handed_out: Mutex::new(HashSet::new()),
            serial: AtomicUsize::new(0),
        };
        let mut standing = Standing::default();
        for (i, v) in [Variant::Own, Variant::OtherRegion].into_iter().enumerate() {
            let sigla = province(v);
            standing.pending_offers[i] = id_of(&world.pending_offer(v).await);
            standing.accepted_offers[i] = id_of(
                &world
                    .app
                    .accepted_offer(&world.hr, &world.selection, sigla)
                    .await,
            );
            standing.drafts[i] =
                id_of(&world.app.drafted(&world.hr, &world.selection, sigla).await);
            standing.waiting[i] = world.waiting_candidate(v).await;
            standing.suspended[i] = world.suspended_candidate(v).await;
        }
        // N1 and N3 work in their Region's CPI and have logged hours.
        let n3_email = applicant_of(&world.applicants, &world.contracts[2])
            .email
            .clone();
        let n3 = world.app.activate_and_login(&n3_email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        for (i, token) in [world.navigator.clone(), n3].iter().enumerate() {
            let nav = navigator_of(&world.contracts[2 * i]);
            let r = world
                .app
                .assign(&world.hr, &nav, &world.cpis[i], SIGNED_ON)
                .await;
            succeeded(r, "assignment").await;
            standing.pending_logs[i] = world.fresh_log(token).await;
        }
        for (part, state) in [
            (0, "in_stock"),
            (0, "personalised"),
            (0, "assigned"),
            (0, "returned"),
            (1, "in_stock"),
        ] {
            let id = world.fresh_item(part, state).await;
            standing.items.push((part, state.to_owned(), id));
        }
        world.standing = standing;
        world
    }

    /// A new FAQ entry, for a case of its own.
    async fn faq(&self) -> String {
        let r = self.app.post("/faqs", Some(&self.admin), &faq_body()).await;
        json_of(r, StatusCode::CREATED).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn serial(&self) -> usize {
        self.serial.fetch_add(1, Ordering::Relaxed)
    }

    /// Starts enrolling a second factor for the holder of `token`, with no
    /// factor left from before (removed from the tables: an administrator's
    /// reset would also end the session `token` belongs to): the code that
    /// confirms it now.
    async fn start_totp(&self, token: &str) -> String {
        let me = json_of(self.app.me(token).await, StatusCode::OK).await;
        let id = me["id"].as_str().unwrap().to_owned();
        let db = self.app.db.clone();
        tokio::task::spawn_blocking(move || {
            persistence::second_factor::remove_factor(&mut db.get().unwrap(), &id).unwrap()
        })
        .await
        .unwrap();
        let started = json_of(
            self.app.post("/me/totp", Some(token), &json!({})).await,
            StatusCode::CREATED,
        )
        .await;
        totp_now(started["secret"].as_str().unwrap())
    }

    /// Enrols a second factor for the holder of `token` afresh: one of its
    /// recovery codes.
    async fn enrol_totp(&self, token: &str) -> String {
        let code = self.start_totp(token).await;
        let confirmed = json_of(
            self.app
                .post("/me/totp/confirm", Some(token), &json!({ "code": code }))
                .await,
            StatusCode::OK,
        )
        .await;
        confirmed["recovery_codes"][0].as_str().unwrap().to_owned()
    }

    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Anonymous => None,
            Who::Admin => Some(&self.admin),
            Who::Hr => Some(&self.hr),
            Who::Coordinator => Some(&self.coordinator),
            Who::Trainer => Some(&self.trainer),
            Who::Navigator => Some(&self.navigator),
            Who::Expert => Some(&self.expert),
        }
    }

    /// The caller's email and password; for anonymous, the spare account's.
    fn credentials(&self, who: Who) -> (&str, &str) {
        let password = if who == Who::Admin {
            ADMIN_PASSWORD
        } else {
            PASSWORD
        };
        let email = self
            .emails
            .iter()
            .find(|(w, _)| *w == who)
            .map_or(self.spare.as_str(), |(_, e)| e.as_str());
        (email, password)
    }

    /// The contract of N1, N2 or N3.
    fn contract(&self, v: Variant) -> &Value {
        match v {
            Variant::Only | Variant::Own => &self.contracts[0],
            Variant::Neighbour => &self.contracts[1],
            Variant::OtherRegion => &self.contracts[2],
        }
    }

    fn cpi_code(&self) -> String {
        format!("CPI-M-{}", self.serial())
    }

    /// A call of the next candidate of the variant's Region: a pending offer.
    async fn pending_offer(&self, v: Variant) -> Value {
        let r = self
            .app
            .call(&self.hr, &self.selection, province(v), &json!({}))
            .await;
        json_of(r, StatusCode::CREATED).await
    }

    async fn pending_offer_for(&self, c: Case) -> String {
        if c.allowed {
            id_of(&self.pending_offer(c.variant).await)
        } else {
            self.standing.pending_offers[side(c.variant)].clone()
        }
    }

    async fn signed_in(&self, sigla: &str) -> Value {
        self.app
            .signed(&self.hr, &self.selection, sigla, &signature())
            .await
    }

    /// A fresh contract of the variant's Region for an allowed call; the
    /// fixture Navigator's otherwise.
    async fn contract_for(&self, c: Case) -> String {
        if c.allowed {
            id_of(&self.signed_in(province(c.variant)).await)
        } else {
            id_of(self.contract(c.variant))
        }
    }

    /// The last waiting candidate of the variant's province not yet given
    /// to a case (calls take them from the top).
    async fn waiting_candidate(&self, v: Variant) -> String {
        let r = self
            .app
            .ranking(&self.hr, &self.selection, province(v), "")
            .await;
        let ranking = json_of(r, StatusCode::OK).await;
        let mut handed_out = self.handed_out.lock().unwrap();
        ranking["entries"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .filter(|e| e["candidate_state"] == "waiting")
            .filter_map(|e| e["candidate_id"].as_str())
            .find(|id| handed_out.insert((*id).to_owned()))
            .unwrap_or_else(|| panic!("no waiting candidate left in {}", province(v)))
            .to_owned()
    }

    async fn waiting_candidate_for(&self, c: Case) -> String {
        if c.allowed {
            self.waiting_candidate(c.variant).await
        } else {
            self.standing.waiting[side(c.variant)].clone()
        }
    }

    async fn suspended_candidate(&self, v: Variant) -> String {
        let id = self.waiting_candidate(v).await;
        let r = self
            .app
            .candidate_action(&self.hr, &id, "suspend", "verifica in corso")
            .await;
        succeeded(r, "suspension").await;
        id
    }

    /// A selection of its own, taken to `stage`.
    async fn selection_at(&self, stage: Stage) -> String {
        let (app, hr) = (&self.app, self.hr.as_str());
        let id = app.selection_id(hr).await;
        if stage >= Stage::Posts {
            let posts = [(PROVINCES[0], 1), (PROVINCES[1], 1)];
            succeeded(app.put_posts(hr, &id, &posts).await, "posts").await;
        }
        if stage >= Stage::Applications {
            let csv = applications_csv(&few_applicants());
            succeeded(app.import_applications(hr, &id, &csv).await, "applications").await;
        }
        if stage >= Stage::Admitted {
            succeeded(app.admission(hr, &id).await, "admission").await;
        }
        if stage >= Stage::Scored {
            succeeded(app.import_results(hr, &id, &few_results()).await, "results").await;
        }
        if stage >= Stage::Published {
            succeeded(app.publish(hr, &id, PUBLISHED_2019).await, "publication").await;
        }
        id
    }

    /// The token of a fresh activation mail (an account without password).
    async fn activation_token(&self) -> String {
        let email = format!("attivazione.{}@anpalservizi.it", self.serial());
        let r = self
            .app
            .create_user(&self.admin, &json!({ "email": email, "role": "trainer" }))
            .await;
        json_of(r, StatusCode::CREATED).await;
        token_in(&self.app.activation_mail(&email).await)
    }

    /// A fresh pending on-the-job log of the Navigator of `token`: one hour
    /// on a day of its own, so that no day fills up.
    async fn fresh_log(&self, token: &str) -> String {
        let n = self.serial();
        let first = NaiveDate::parse_from_str(SIGNED_ON, "%Y-%m-%d").unwrap();
        let day = first + chrono::Days::new((n % 30) as u64);
        let r = self
            .app
            .log_hours(token, &format!("matrice-{n}"), &day.to_string(), 1.0)
            .await;
        id_of(&json_of(r, StatusCode::CREATED).await)
    }

    /// A fresh pending log of Region A for an allowed call; the standing
    /// one of the variant's Region otherwise.
    async fn pending_log_for(&self, c: Case) -> String {
        if c.allowed {
            self.fresh_log(&self.navigator).await
        } else {
            self.standing.pending_logs[side(c.variant)].clone()
        }
    }

    /// A fresh item of the standard kit's `part` (0 smartphone, 1 voice
    /// SIM, 2 tablet, 3 data SIM, 4 mailbox), taken to `state`: `in_stock`,
    /// `personalised`, `assigned` (to a fresh Navigator) or `returned`.
    async fn fresh_item(&self, part: usize, state: &str) -> String {
        let n = 1000 + self.serial() as u32;
        let body = &kit_bodies(n)[part];
        let item = json_of(
            self.app.create_item(&self.hr, body).await,
            StatusCode::CREATED,
        )
        .await;
        let id = id_of(&item);
        if state == "in_stock" {
            return id;
        }
        let act = |action: &'static str, body: Value| {
            let id = id.clone();
            async move {
                let r = self.app.item_action(&self.hr, &id, action, &body).await;
                succeeded(r, action).await;
            }
        };
        act("personalise", json!({})).await;
        if state == "personalised" {
            return id;
        }
        let holder = navigator_of(&self.signed_in(PROVINCES[0]).await);
        act("assign", json!({ "navigator_id": holder })).await;
        if state == "returned" {
            act("return", json!({ "condition": "good", "wiped": true })).await;
        }
        id
    }

    /// A fresh open question of N1.
    async fn fresh_question(&self) -> String {
        let n = self.serial();
        let r = self
            .app
            .post(
                "/questions",
                Some(&self.navigator),
                &json!({ "topic": "eligibility", "text": format!("Domanda {n}") }),
            )
            .await;
        json_of(r, StatusCode::CREATED).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh question of N1, taken by the caller when the caller may
    /// take it (an expert), so that their answer or request for detail
    /// succeeds; left open for the others, who are refused anyway.
    async fn question_taken_by(&self, c: Case) -> String {
        let id = self.fresh_question().await;
        if let (true, Some(token)) = (c.allowed, self.token(c.who)) {
            let r = self
                .app
                .post(&format!("/questions/{id}/take"), Some(token), &json!({}))
                .await;
            json_of(r, StatusCode::OK).await;
        }
        id
    }

    /// A fresh question of N1 on which an expert asks for detail.
    async fn question_awaiting_detail(&self) -> String {
        let id = self.fresh_question().await;
        let email = format!("esperto.{}@anpalservizi.it", self.serial());
        let r = self
            .app
            .create_user(
                &self.admin,
                &json!({ "email": email, "role": "expert", "password": PASSWORD }),
            )
            .await;
        json_of(r, StatusCode::CREATED).await;
        let expert = self.app.login_ok(&email, PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        for (action, body) in [
            ("take", json!({})),
            ("detail-requests", json!({ "text": "Quale Regione?" })),
        ] {
            let r = self
                .app
                .post(&format!("/questions/{id}/{action}"), Some(&expert), &body)
                .await;
            json_of(r, StatusCode::OK).await;
        }
        id
    }

    /// The token of a fresh Navigator of Region A who holds one item.
    async fn fresh_equipped_navigator(&self) -> String {
        let c = self.signed_in(PROVINCES[0]).await;
        let item = self.fresh_item(4, "personalised").await;
        let r = self
            .app
            .item_action(
                &self.hr,
                &item,
                "assign",
                &json!({ "navigator_id": navigator_of(&c) }),
            )
            .await;
        succeeded(r, "assign").await;
        let email = applicant_of(&self.applicants, &c).email.clone();
        self.app.activate_and_login(&email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh item for an allowed call, a standing one otherwise.
    async fn item_for(&self, c: Case, part: usize, state: &str) -> String {
        if c.allowed {
            self.fresh_item(part, state).await
        } else {
            let standing = self
                .standing
                .items
                .iter()
                .find(|(p, s, _)| *p == part && s == state);
            match standing {
                Some((_, _, id)) => id.clone(),
                None => panic!("no standing item {part} {state}"),
            }
        }
    }

    /// The access token of a fresh Navigator of Region A.
    async fn fresh_navigator(&self) -> String {
        let c = self.signed_in(PROVINCES[0]).await;
        let email = applicant_of(&self.applicants, &c).email.clone();
        self.app.activate_and_login(&email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

// ------------------------------------------------------------ the matrix

/// Every operation of the document, every caller, every variant: the
/// answer the spec gives. All differences are reported together.
async fn every_operation_answers_every_caller_as_the_spec_says(app: TestApp) {
    let started = Instant::now();
    let engine = app.engine;
    let world = World::build(app).await;
    let built = started.elapsed();

    let table = table();
    let documented = world.app.documented_operations().await;
    let mut listed = BTreeSet::new();
    let mut problems = Vec::new();
    let mut variations = BTreeSet::new();
    for e in &table {
        listed.insert(e.operation);
        if !variations.insert((e.operation, e.variation)) {
            problems.push(format!("{}: listed twice", e.operation));
        }
    }
    for op in &documented {
        if !listed.contains(op.as_str()) {
            problems.push(format!(
                "{op}: in the OpenAPI document but not in the matrix: add an entry"
            ));
        }
    }
    for op in &listed {
        if !documented.contains(*op) {
            problems.push(format!(
                "{op}: in the matrix but not in the OpenAPI document"
            ));
        }
    }

    let mut cases = 0;
    for e in table.iter().filter(|e| documented.contains(e.operation)) {
        for &variant in e.subject.variants() {
            for who in CALLERS {
                let want = expected(e.rule, who, variant);
                let case = Case {
                    who,
                    variant,
                    allowed: want == Outcome::Success,
                };
                let request = (e.build)(&world, case).await;
                cases += 1;
                if !request.calls(e.operation) {
                    problems.push(format!(
                        "{}: the entry builds {} {}",
                        e.operation, request.method, request.path
                    ));
                    continue;
                }
                // A refused call must change nothing: every change appends
                // to the audit log.
                let watch = !case.allowed && request.method != Method::GET;
                let before = if watch {
                    world.app.newest_audit_entry(&world.admin).await
                } else {
                    None
                };
                let token = request.token.as_deref().or(world.token(who));
                let r = world.app.send(&request, token).await;
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                let problem_type = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v["type"].as_str().map(str::to_owned));
                let case_name = format!(
                    "{}{} as {who:?} on {}",
                    e.operation,
                    if e.variation.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", e.variation)
                    },
                    e.subject.describe(variant)
                );
                if !want.accepts(status, problem_type.as_deref()) {
                    let shown: String = body.chars().take(300).collect();
                    problems.push(format!(
                        "{case_name}: expected {want}, got {status}: {shown}"
                    ));
                }
                if watch && world.app.newest_audit_entry(&world.admin).await != before {
                    problems.push(format!(
                        "{case_name}: to be refused, yet answered {status} and the audit log grew"
                    ));
                }
            }
        }
    }
    eprintln!(
        "authorization matrix on {engine:?}: {cases} cases; fixture {built:.1?}, total {:.1?}",
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "{} difference(s) from DOMAIN.md §10 and API.md over {cases} cases:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
both_engines!(
    every_operation_answers_every_caller_as_the_spec_says,
    on_a_working_day
);
