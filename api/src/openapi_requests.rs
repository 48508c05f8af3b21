//! The constraints the validation enforces on requests, stated in the
//! OpenAPI document in one pass, so that a request the document admits is
//! not refused as malformed and one it refuses is described:
//!
//! - no text holds U+0000 (every extractor refuses it): each string of a
//!   request without a format or a pattern of its own gets `^[^\u0000]*$`;
//! - every day is within `domain::day`'s range: each `date` string gets a
//!   pattern of the years the range spans;
//! - the fields below carry the bounds their rules set: lengths, text that
//!   is trimmed and must not be blank, codes of a fixed shape, numbers in
//!   range (hours in quarter hours), lists that must not be empty, query
//!   parameters with a closed set of values.
//!
//! Only schemas that no answer uses are changed, so no answer is held to a
//! rule of requests. Rules that join two fields (an end after its start,
//! shares summing to 100) or need data (a province that exists) stay in
//! the words of the operation and its 422.

use std::collections::BTreeSet;

use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::Number;

/// No U+0000 anywhere in the text.
pub const NO_NUL: &str = "^[^\\u0000]*$";

/// Trimmed, not blank: some character that is not white space (and, as
/// everywhere, no U+0000).
pub const NOT_BLANK: &str = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$";

/// A two-digit ISTAT Region code, 01..20.
const REGION_CODE: &str = "^(0[1-9]|1[0-9]|20)$";

/// A province sigla, two letters (upper-cased when read).
const SIGLA: &str = "^[A-Za-z]{2}$";

/// The layout of a codice fiscale, upper case, as
/// `domain::selection::CodiceFiscale` checks it before its check character:
/// omocodia letters in place of any digit, the day 01-31 or 41-71.
fn codice_fiscale_layout() -> String {
    let digit = "[0-9LMNPQRSTUV]";
    let day = "([0L][1-9MNPQRSTUV]|[12MN][0-9LMNPQRSTUV]|[3P][01LM]\
               |[4Q][1-9MNPQRSTUV]|[56RS][0-9LMNPQRSTUV]|[7T][01LM])";
    format!("^[A-Z]{{6}}{digit}{{2}}[ABCDEHLMPRST]{day}[A-Z]{digit}{{3}}[A-Z]$")
}

/// The date part of a day within the accepted range, without anchors.
fn day_in_range() -> String {
    // The years of domain::day's range, 1900..=2999; the unit test below
    // holds the two together.
    "(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])".to_owned()
}

/// A `YYYY-MM-DD` day within the accepted range.
pub fn day_pattern() -> String {
    format!("^{}$", day_in_range())
}

/// An RFC 3339 instant whose day is within the accepted range.
fn instant_pattern() -> String {
    format!(
        "^{}[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
        day_in_range()
    )
}

/// What one field's rule allows.
#[derive(Clone)]
enum Rule {
    /// Text of at most `max` characters (`min` at least), `pattern` its
    /// shape (`NO_NUL` when nothing more).
    Text {
        pattern: String,
        min: Option<usize>,
        max: Option<usize>,
    },
    /// One of these values.
    OneOf(Vec<&'static str>),
    /// A number within `min ..= max`, a multiple of `step`.
    Number {
        min: Number,
        max: Option<Number>,
        step: Option<f64>,
    },
    /// A list of at least `min` items, at most `max`; `each` for each item.
    Items {
        min: usize,
        max: Option<usize>,
        each: Option<Box<Rule>>,
    },
    /// A day (`YYYY-MM-DD`) or an instant (RFC 3339), within the range.
    DayOrInstant,
}

fn text(pattern: &str, max: Option<usize>) -> Rule {
    Rule::Text {
        pattern: pattern.to_owned(),
        min: None,
        max,
    }
}

/// Trimmed and not blank, at most `max` characters.
fn not_blank(max: Option<usize>) -> Rule {
    text(NOT_BLANK, max)
}

/// A code of `1..=max` characters of `class` (a regex character class).
fn code(class: &str, max: usize) -> Rule {
    text(&format!("^[{class}]{{1,{max}}}$"), None)
}

fn int(min: i64, max: Option<i64>) -> Rule {
    let n = |v: i64| Number::Int(isize::try_from(v).unwrap_or(isize::MAX));
    Rule::Number {
        min: n(min),
        max: max.map(n),
        step: None,
    }
}

/// Hours in quarter hours, more than zero, at most `max_minutes`.
fn hours(max_minutes: i64) -> Rule {
    Rule::Number {
        min: Number::Float(0.25),
        max: Some(Number::Float(max_minutes as f64 / 60.0)),
        step: Some(0.25),
    }
}

fn one_of<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Rule {
    Rule::OneOf(all.iter().map(|v| name(*v)).collect())
}

fn password() -> Rule {
    Rule::Text {
        pattern: NO_NUL.to_owned(),
        min: Some(domain::account::PASSWORD_MIN_CHARS),
        max: Some(domain::account::PASSWORD_MAX_CHARS),
    }
}

/// The rules of request body fields: (schema, property, rule).
fn field_rules() -> Vec<(&'static str, &'static str, Rule)> {
    use domain::training::{MAX_CODE_LEN, MAX_NAME_LEN, MAX_PATH_HOURS};
    let session = domain::training::classroom::MAX_SESSION_MINUTES;
    let item_text = Some(domain::equipment::MAX_TEXT);
    let mut rules = vec![
        ("ClassroomSessionRequest", "hours", hours(session)),
        (
            "ClassroomSessionRequest",
            "place",
            not_blank(Some(MAX_NAME_LEN)),
        ),
        (
            "ClassroomSessionRequest",
            "trainer",
            not_blank(Some(MAX_NAME_LEN)),
        ),
        // At most the session's hours, which are at most these.
        ("AttendanceItem", "hours", hours(session)),
        (
            "OjtLogRequest",
            "client_id",
            code("A-Za-z0-9._:-", crate::app::training::MAX_CLIENT_ID),
        ),
        // The daily cap of the default settings.
        (
            "OjtLogRequest",
            "hours",
            hours(domain::training::ojt::DEFAULT_MAX_DAY_MINUTES),
        ),
        (
            "OjtLogRequest",
            "activity",
            not_blank(Some(crate::app::training::MAX_ACTIVITY)),
        ),
        (
            "NewCpiRequest",
            "code",
            code("A-Za-z0-9_-", domain::cpi::MAX_CODE_LEN),
        ),
        (
            "NewCpiRequest",
            "name",
            not_blank(Some(domain::cpi::MAX_NAME_LEN)),
        ),
        ("NewCpiRequest", "province_sigla", text(SIGLA, None)),
        ("NeighboursItem", "province", text(SIGLA, None)),
        (
            "NeighboursItem",
            "neighbours",
            Rule::Items {
                min: 0,
                max: None,
                each: Some(Box::new(text(SIGLA, None))),
            },
        ),
        (
            "DistanceCompletionItem",
            "codice_fiscale",
            text(&codice_fiscale_layout(), None),
        ),
        (
            "NewCpiRequest",
            "address",
            text(NO_NUL, Some(domain::cpi::MAX_ADDRESS_LEN)),
        ),
        ("NewCpiRequest", "capacity", int(1, None)),
        (
            "NewItemRequest",
            "kind",
            one_of(&domain::equipment::ItemKind::ALL, |k| k.as_str()),
        ),
        (
            "NewItemRequest",
            "plan",
            one_of(&domain::equipment::Plan::ALL, |p| p.as_str()),
        ),
        (
            "NewTrainingModuleRequest",
            "code",
            not_blank(Some(MAX_CODE_LEN)),
        ),
        (
            "NewTrainingModuleRequest",
            "title",
            not_blank(Some(MAX_NAME_LEN)),
        ),
        (
            "NewTrainingModuleRequest",
            "hours",
            int(1, Some(MAX_PATH_HOURS)),
        ),
        (
            "NewTrainingPathRequest",
            "code",
            not_blank(Some(MAX_CODE_LEN)),
        ),
        (
            "NewTrainingPathRequest",
            "name",
            not_blank(Some(MAX_NAME_LEN)),
        ),
        (
            "NewTrainingPathRequest",
            "total_hours",
            int(1, Some(MAX_PATH_HOURS)),
        ),
        (
            "NewTrainingPathRequest",
            "buckets",
            Rule::Items {
                min: 1,
                max: None,
                each: None,
            },
        ),
        ("NewUserRequest", "password", password()),
        (
            "NewUserRequest",
            "regions",
            Rule::Items {
                min: 0,
                max: None,
                each: Some(Box::new(text(REGION_CODE, None))),
            },
        ),
        ("PasswordResetConfirm", "new_password", password()),
        (
            "OfferResponse",
            "reason",
            text(
                NO_NUL,
                Some(domain::selection::scorrimento::DECLINE_REASON_MAX_CHARS),
            ),
        ),
        ("SelectionRequest", "code", code("A-Za-z0-9_/-", 40)),
        ("SelectionRequest", "title", not_blank(None)),
        ("SelectionRequest", "questions", int(1, None)),
        (
            "SelectionRequest",
            "wrong_penalty",
            Rule::Number {
                min: Number::Int(0),
                max: Some(Number::Int(1)),
                step: Some(0.01),
            },
        ),
        ("SelectionRequest", "pass_mark", int(0, None)),
        ("SelectionRequest", "admission_multiplier", int(1, None)),
        ("SelectionRequest", "offer_days", int(1, Some(90))),
        (
            "SelectionRequest",
            "ranking_valid_months",
            int(1, Some(120)),
        ),
        ("SelectionRequest", "annual_pay_cents", int(0, None)),
        ("SelectionRequest", "monthly_expenses_cents", int(0, None)),
        (
            "ValidateLogsRequest",
            "ids",
            Rule::Items {
                min: 1,
                max: Some(crate::app::training::MAX_BATCH),
                each: None,
            },
        ),
    ];
    for field in [
        "model",
        "serial",
        "imei",
        "iccid",
        "phone_number",
        "mailbox",
        "batch",
    ] {
        rules.push(("NewItemRequest", field, text(NO_NUL, item_text)));
    }
    // Every reason an HR or coordinator action records.
    for schema in [
        "ReasonRequest",
        "RejectLogRequest",
        "ExtendRequest",
        "BulkExtendRequest",
        "SuspensionRequest",
        "TerminateRequest",
        "CorrectionRequest",
    ] {
        rules.push((schema, "reason", not_blank(None)));
    }
    rules
}

/// The rules of parameters: (path, parameter, rule).
fn parameter_rules() -> Vec<(&'static str, &'static str, Rule)> {
    use domain::contract::ContractStatus;
    use domain::equipment::{ItemKind, ItemState};
    let contract_status = || one_of(&ContractStatus::ALL, |s| s.as_str());
    vec![
        ("/api/v1/contracts", "status", contract_status()),
        ("/api/v1/navigators", "status", contract_status()),
        (
            "/api/v1/offers",
            "status",
            one_of(&domain::selection::scorrimento::OfferStatus::ALL, |s| {
                s.as_str()
            }),
        ),
        (
            "/api/v1/ojt-logs",
            "status",
            one_of(&domain::training::ojt::LogStatus::ALL, |s| s.as_str()),
        ),
        (
            "/api/v1/selections/{id}/rankings/{sigla}",
            "status",
            one_of(&domain::selection::RankingStatus::ALL, |s| s.as_str()),
        ),
        (
            "/api/v1/equipment",
            "kind",
            one_of(&ItemKind::ALL, |k| k.as_str()),
        ),
        (
            "/api/v1/equipment",
            "state",
            one_of(&ItemState::ALL, |s| s.as_str()),
        ),
        ("/api/v1/audit", "from", Rule::DayOrInstant),
        ("/api/v1/audit", "to", Rule::DayOrInstant),
        // The reports refuse a Region that does not exist.
        (
            "/api/v1/reports/indicators",
            "region",
            text(REGION_CODE, None),
        ),
        (
            "/api/v1/reports/indicators/series",
            "region",
            text(REGION_CODE, None),
        ),
        // Lists that refuse a province that does not exist.
        ("/api/v1/reports/indicators", "province", text(SIGLA, None)),
        (
            "/api/v1/reports/indicators/series",
            "province",
            text(SIGLA, None),
        ),
        ("/api/v1/contracts", "province", text(SIGLA, None)),
        ("/api/v1/navigators", "province", text(SIGLA, None)),
    ]
}

/// The rules of request bodies that are lists: (path, rule).
fn body_rules() -> Vec<(&'static str, Rule)> {
    let not_empty = || Rule::Items {
        min: 1,
        max: None,
        each: None,
    };
    vec![
        ("/api/v1/training/sessions/{id}/attendance", not_empty()),
        ("/api/v1/training/distance/completions", not_empty()),
    ]
}

/// States the rules above in `doc`.
pub fn document(doc: &mut OpenApi) {
    let request_only = request_only_schemas(doc);
    let fields = field_rules();
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if !request_only.contains(name) {
                continue;
            }
            let RefOr::T(Schema::Object(object)) = schema else {
                continue;
            };
            for (property, rule) in fields
                .iter()
                .filter(|(s, _, _)| s == name)
                .map(|(_, p, r)| (p, r))
            {
                if let Some(RefOr::T(field)) = object.properties.get_mut(*property) {
                    apply(field, rule, property);
                }
            }
            for field in object.properties.values_mut() {
                if let RefOr::T(field) = field {
                    state_text_rules(field);
                }
            }
        }
    }
    let parameters = parameter_rules();
    let bodies = body_rules();
    for (path, item) in doc.paths.paths.iter_mut() {
        let methods = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in methods.into_iter().flatten() {
            describe(path, operation, &parameters, &bodies);
        }
    }
}

fn describe(
    path: &str,
    operation: &mut Operation,
    parameters: &[(&str, &str, Rule)],
    bodies: &[(&str, Rule)],
) {
    use utoipa::openapi::path::ParameterIn;
    for parameter in operation.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else {
            continue;
        };
        if !matches!(
            parameter.parameter_in,
            ParameterIn::Path | ParameterIn::Query
        ) {
            continue;
        }
        let Some(RefOr::T(schema)) = parameter.schema.as_mut() else {
            continue;
        };
        let rule = parameters
            .iter()
            .find(|(p, n, _)| *p == path && *n == parameter.name)
            .map(|(_, _, r)| r);
        if let Some(rule) = rule {
            apply(schema, rule, &parameter.name);
        }
        state_text_rules(schema);
    }
    let Some(RefOr::T(body)) = operation.request_body.as_mut() else {
        return;
    };
    let rule = bodies.iter().find(|(p, _)| *p == path).map(|(_, r)| r);
    for (media_type, content) in body.content.iter_mut() {
        let RefOr::T(content) = content else {
            continue;
        };
        let Some(RefOr::T(schema)) = content.schema.as_mut() else {
            continue;
        };
        if media_type == "application/json" {
            if let Some(rule) = rule {
                apply(schema, rule, path);
            }
        }
    }
}

/// Whether `schema_type` admits `t`.
fn admits(schema_type: &SchemaType, t: Type) -> bool {
    match schema_type {
        SchemaType::Type(one) => *one == t,
        SchemaType::Array(many) => many.contains(&t),
        SchemaType::AnyValue => false,
    }
}

/// Sets what `rule` allows on `schema`, the schema of `name`.
fn apply(schema: &mut Schema, rule: &Rule, name: &str) {
    match (schema, rule) {
        (Schema::Object(o), Rule::Text { pattern, min, max }) => {
            o.pattern = Some(pattern.clone());
            o.min_length = *min;
            o.max_length = *max;
        }
        (Schema::Object(o), Rule::OneOf(values)) => {
            o.enum_values = Some(values.iter().map(|v| Value::from(*v)).collect());
        }
        (Schema::Object(o), Rule::Number { min, max, step }) => {
            o.minimum = Some(min.clone());
            o.maximum = max.clone();
            o.multiple_of = step.map(Number::Float);
        }
        (Schema::Array(a), Rule::Items { min, max, each }) => {
            a.min_items = (*min > 0).then_some(*min);
            a.max_items = *max;
            if let (Some(each), ArrayItems::RefOrSchema(items)) = (each, &mut a.items) {
                if let RefOr::T(item) = items.as_mut() {
                    apply(item, each, name);
                }
            }
        }
        (schema @ Schema::Object(_), Rule::DayOrInstant) => {
            let description = match &*schema {
                Schema::Object(o) => o.description.clone(),
                _ => None,
            };
            let day = ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .pattern(Some(day_pattern()));
            let instant = ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .pattern(Some(instant_pattern()));
            *schema = AnyOfBuilder::new()
                .item(day)
                .item(instant)
                .description(description)
                .into();
        }
        // A rule written for another kind of schema: the unit tests
        // below find it.
        _ => tracing::warn!(name, "a request rule that does not fit its schema"),
    }
}

/// The rules every text of a request follows: a day within the range, and
/// no U+0000; into lists and nested objects.
fn state_text_rules(schema: &mut Schema) {
    match schema {
        Schema::Object(o) => {
            if admits(&o.schema_type, Type::String)
                && o.pattern.is_none()
                && o.enum_values.is_none()
            {
                match &o.format {
                    Some(SchemaFormat::KnownFormat(KnownFormat::Date)) => {
                        o.pattern = Some(day_pattern());
                    }
                    None => o.pattern = Some(NO_NUL.to_owned()),
                    Some(_) => {}
                }
            }
            for field in o.properties.values_mut() {
                if let RefOr::T(field) = field {
                    state_text_rules(field);
                }
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                if let RefOr::T(item) = items.as_mut() {
                    state_text_rules(item);
                }
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(text_rules_of),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(text_rules_of),
        Schema::AllOf(o) => o.items.iter_mut().for_each(text_rules_of),
        _ => {}
    }
}

fn text_rules_of(schema: &mut RefOr<Schema>) {
    if let RefOr::T(schema) = schema {
        state_text_rules(schema);
    }
}

/// The component schemas that requests use and no answer does.
fn request_only_schemas(doc: &OpenApi) -> BTreeSet<String> {
    let value = serde_json::to_value(doc).unwrap_or_default();
    let components = &value["components"]["schemas"];
    let mut asked = BTreeSet::new();
    let mut answered = BTreeSet::new();
    for item in value["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            refs(&operation["requestBody"], &mut asked);
            refs(&operation["parameters"], &mut asked);
            refs(&operation["responses"], &mut answered);
        }
    }
    let asked = reachable(components, asked);
    let answered = reachable(components, answered);
    asked.difference(&answered).cloned().collect()
}

/// The schemas `names` use, themselves included.
fn reachable(components: &Value, names: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = names.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            let mut inner = BTreeSet::new();
            refs(&components[&name], &mut inner);
            todo.extend(inner);
        }
    }
    seen
}

/// The component schemas `value` refers to.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/") {
                            out.insert(name.to_owned());
                        }
                    }
                    _ => refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::startup::openapi_document;

    fn document() -> Value {
        serde_json::to_value(openapi_document()).unwrap()
    }

    /// Whether `text` matches `pattern` as a JSON Schema validator reads
    /// it (`\u0000` is U+0000, which the `regex` crate writes `\x00`).
    fn matches(pattern: &str, text: &str) -> bool {
        let pattern = pattern.replace("\\u0000", "\\x00");
        regex::Regex::new(&pattern).unwrap().is_match(text)
    }

    /// Whether `rule` shows in `schema` as written out.
    fn shows(schema: &Value, rule: &Rule) -> bool {
        match rule {
            Rule::Text { pattern, min, max } => {
                schema["pattern"] == pattern.as_str()
                    && schema["minLength"].as_u64() == min.map(|n| n as u64)
                    && schema["maxLength"].as_u64() == max.map(|n| n as u64)
            }
            Rule::OneOf(values) => schema["enum"] == serde_json::json!(values),
            Rule::Number { .. } => schema["minimum"].is_number(),
            Rule::Items { min, max, each } => {
                schema["minItems"].as_u64() == (*min > 0).then_some(*min as u64)
                    && schema["maxItems"].as_u64() == max.map(|n| n as u64)
                    && each
                        .as_ref()
                        .is_none_or(|each| shows(&schema["items"], each))
            }
            Rule::DayOrInstant => schema["anyOf"].as_array().is_some_and(|a| a.len() == 2),
        }
    }

    #[test]
    fn every_rule_shows_on_a_field_or_parameter_of_the_document() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        for (schema, property, rule) in field_rules() {
            let field = &schemas[schema]["properties"][property];
            assert!(shows(field, &rule), "{schema}.{property}: {field}");
        }
        for (path, name, rule) in parameter_rules() {
            let operation = &doc["paths"][path]["get"];
            let parameter = operation["parameters"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == name))
                .unwrap_or_else(|| panic!("GET {path} has no parameter {name}"));
            assert!(
                shows(&parameter["schema"], &rule),
                "{path} {name}: {parameter}"
            );
        }
        for (path, rule) in body_rules() {
            let body = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"];
            assert!(shows(&body["schema"], &rule), "POST {path}: {body}");
        }
    }

    #[test]
    fn the_day_pattern_spans_the_range_of_the_domain() {
        let day = day_pattern();
        for d in [domain::day::EARLIEST, domain::day::LATEST] {
            assert!(matches(&day, &d.to_string()), "{d}");
        }
        for d in [
            domain::day::EARLIEST.pred_opt().unwrap(),
            domain::day::LATEST.succ_opt().unwrap(),
        ] {
            assert!(!matches(&day, &d.to_string()), "{d}");
        }
        assert!(!matches(&day, "+262142-12-31"));
        let instant = instant_pattern();
        assert!(matches(&instant, "2019-08-01T09:30:00+02:00"));
        assert!(matches(&instant, "2999-12-31T23:59:59.5Z"));
        assert!(!matches(&instant, "3000-01-01T00:00:00Z"));
    }

    #[test]
    fn the_codice_fiscale_layout_admits_what_the_domain_reads() {
        use domain::selection::CodiceFiscale;
        let layout = codice_fiscale_layout();
        for first15 in [
            "RSSMRA85T10A562",
            "BNCLRA90A41F205",
            "RSSMRA85T1MA562",
            "VRDGPP70E71H501",
        ] {
            let code = CodiceFiscale::complete(first15).unwrap();
            assert!(matches(&layout, code.as_str()), "{code:?}");
        }
        for bad in [
            "RSSMRA85T32A562X",
            "RSSMRA85F10A562X",
            "RSSMRA8",
            "rssmra85t10a562s",
        ] {
            assert!(!matches(&layout, bad), "{bad}");
        }
    }

    #[test]
    fn not_blank_text_has_something_besides_space_and_no_nul() {
        for good in ["a", "  a ", "Via Roma 1"] {
            assert!(matches(NOT_BLANK, good), "{good:?}");
        }
        for bad in ["", "   ", "\t\n", "a\u{0}b"] {
            assert!(!matches(NOT_BLANK, bad), "{bad:?}");
        }
        assert!(matches(NO_NUL, ""));
        assert!(!matches(NO_NUL, "\u{0}"));
    }

    #[test]
    fn request_texts_and_days_are_bounded_and_answers_untouched() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let log = &schemas["OjtLogRequest"]["properties"];
        assert_eq!(log["day"]["pattern"], day_pattern());
        assert_eq!(log["activity"]["pattern"], NOT_BLANK);
        assert_eq!(log["hours"]["multipleOf"], 0.25);
        assert_eq!(log["hours"]["minimum"], 0.25);
        assert_eq!(log["hours"]["maximum"], 8.0);
        assert_eq!(
            schemas["LoginRequest"]["properties"]["email"]["pattern"],
            NO_NUL
        );
        assert_eq!(
            schemas["ValidateLogsRequest"]["properties"]["ids"]["minItems"],
            1
        );
        // An answer's day is not bound by a rule of requests.
        assert!(schemas["OjtLogView"]["properties"]["day"]["pattern"].is_null());
        let audit = &doc["paths"]["/api/v1/audit"]["get"]["parameters"];
        let limit = audit
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap();
        assert_eq!(
            (&limit["schema"]["minimum"], &limit["schema"]["maximum"]),
            (&1.into(), &500.into())
        );
    }
}
