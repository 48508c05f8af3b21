//! A broken rule on one input field, named by a stable code.

use serde::Serialize;

/// One rule broken by one field of the input. `code` is stable and
/// machine-readable; the HTTP layer turns it into words in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Path of the field, e.g. `email`, `buckets[1].share_percent`.
    pub field: String,
    /// The rule, e.g. `invalid-email`.
    pub code: &'static str,
    /// The offending value or the limit, when it helps the reader.
    pub detail: Option<String>,
    /// The 1-based line of a CSV file the field came from.
    pub line: Option<u64>,
}

impl Violation {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            detail: None,
            line: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

/// Collects every violation of an input before answering, so the caller can
/// fix them all at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, v: Violation) {
        self.0.push(v);
    }

    pub fn extend(&mut self, other: Violations) {
        self.0.extend(other.0);
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &'static str) {
        if !ok {
            self.push(Violation::new(field, code));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was broken.
    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Violation> for Violations {
    fn from(v: Violation) -> Self {
        Self(vec![v])
    }
}
