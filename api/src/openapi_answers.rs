//! The answers every operation can give because of how it is reached, not
//! because of what it does: added to the OpenAPI document in one pass, so
//! the document says what the service does without each handler repeating
//! it (and forgetting it).
//!
//! - a signed-in operation answers 401 to a missing, expired or revoked token;
//! - one that admits only some roles (the role names are the scopes of its
//!   `bearer_auth` requirement) answers 403 to the others;
//! - one with parameters or a body answers 400 to one it cannot read;
//! - one with a JSON or CSV body answers 415 to another media type and 413
//!   to a body over the limit;
//! - one with a path parameter answers 404 when nothing has that id.
//!
//! An answer the handler documents itself keeps its own words.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

use domain::account::Role;

/// Adds the answers above to every operation of `doc`.
pub fn document(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let methods = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in methods.into_iter().flatten() {
            describe(operation);
        }
    }
}

fn describe(operation: &mut Operation) {
    if let Some(roles) = required_roles(operation) {
        add(
            operation,
            "401",
            "token-missing, token-invalid, token-expired, token-wrong-issuer, \
             token-wrong-audience or token-revoked: no valid access token \
             (Authorization: Bearer ...)",
        );
        if !roles.is_empty()
            && !Role::ALL
                .iter()
                .all(|r| roles.iter().any(|n| n == r.as_str()))
        {
            add(
                operation,
                "403",
                &format!(
                    "forbidden: the caller's role is not one of {}",
                    roles.join(", ")
                ),
            );
        }
    }
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path_parameter = parameters
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
    let media_types: Vec<String> = operation
        .request_body
        .as_ref()
        .map(|body| match body {
            RefOr::T(body) => body.content.keys().cloned().collect(),
            RefOr::Ref(_) => Vec::new(),
        })
        .unwrap_or_default();
    if !parameters.is_empty() || !media_types.is_empty() {
        add(
            operation,
            "400",
            "malformed-json, missing-field, unknown-field, unknown-enum-value, \
             invalid-field-type, invalid-field or invalid-query-parameter: a \
             parameter or the body is not what this operation takes",
        );
    }
    if !media_types.is_empty() {
        add(
            operation,
            "415",
            &format!(
                "unsupported-media-type: the body is not {}",
                media_types.join(" or ")
            ),
        );
        add(
            operation,
            "413",
            "payload-too-large: the body is over the size limit",
        );
    }
    if has_path_parameter {
        add(
            operation,
            "404",
            "not-found: nothing has the identifier in the path",
        );
    }
}

/// The role names an operation's bearer requirement lists (empty: every
/// role), or `None` for a public operation.
fn required_roles(operation: &Operation) -> Option<Vec<String>> {
    let requirements = operation.security.as_ref()?;
    let mut roles = Vec::new();
    let mut secured = false;
    for requirement in requirements {
        // The requirement's fields are private: read it as it is written out.
        let value = serde_json::to_value(requirement).unwrap_or_default();
        let Some(scopes) = value.get(openapi::BEARER).and_then(|s| s.as_array()) else {
            continue;
        };
        secured = true;
        roles.extend(scopes.iter().filter_map(|s| s.as_str().map(str::to_owned)));
    }
    secured.then_some(roles)
}

/// Documents a problem answer `status` with `words`, unless documented.
pub(crate) fn add(operation: &mut Operation, status: &str, words: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(words)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .insert(status.to_owned(), RefOr::T(response));
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::startup::openapi_document;

    fn document() -> Value {
        serde_json::to_value(openapi_document()).unwrap()
    }

    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(target)) => out.push(target),
                        _ => refs(inner, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    fn operations(doc: &Value) -> Vec<(String, &Value)> {
        let mut found = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                    found.push((format!("{} {path}", method.to_uppercase()), operation));
                }
            }
        }
        found
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for target in found {
            let pointer = target.strip_prefix('#').unwrap_or(target);
            assert!(doc.pointer(pointer).is_some(), "{target} dangles");
        }
    }

    #[test]
    fn every_signed_in_operation_documents_401_and_problem_answers() {
        let doc = document();
        for (name, operation) in operations(&doc) {
            let responses = &operation["responses"];
            let secured = operation
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty());
            if secured {
                assert!(responses.get("401").is_some(), "{name} lacks 401");
            }
            let roles = operation["security"][0]["bearer_auth"]
                .as_array()
                .map_or(0, Vec::len);
            if roles > 0 && roles < domain::account::Role::ALL.len() {
                assert!(responses.get("403").is_some(), "{name} lacks 403");
            }
            if operation.get("requestBody").is_some() {
                assert!(responses.get("415").is_some(), "{name} lacks 415");
                assert!(responses.get("400").is_some(), "{name} lacks 400");
            }
            let in_path = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
            if in_path {
                assert!(responses.get("404").is_some(), "{name} lacks 404");
            }
        }
    }

    #[test]
    fn roles_come_from_the_bearer_scopes() {
        let doc = document();
        let users = &doc["paths"]["/api/v1/users"]["get"];
        assert_eq!(users["security"][0]["bearer_auth"][0], "admin");
        assert!(users["responses"]["403"].is_object());
        let me = &doc["paths"]["/api/v1/me"]["get"];
        assert!(me["responses"]["403"].is_null(), "every role may read /me");
    }
}
