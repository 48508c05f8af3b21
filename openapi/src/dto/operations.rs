//! The audit log and the health probes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The acting user's id; null for the system itself.
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The record before the change: any JSON value (an object, or a list for a change of many rows).
    pub before: Option<serde_json::Value>,
    /// The record after the change: any JSON value.
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `user`, `cpi`, `convention`.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// The acting user's id.
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Only the lines concerning one person, changes and reads alike: a
    /// codice fiscale, or an account's email or id. The lines they made,
    /// the lines about their records (application, offers, contract,
    /// training, questions...) and the recorded reads of their data.
    pub person: Option<String>,
    /// From this instant (RFC 3339) or day (`YYYY-MM-DD`), included.
    pub from: Option<String>,
    /// Up to this instant, or through this day.
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HealthView {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// A mail the outbox gave up on after its last attempt. Its text is not
/// shown: it may hold a one-time link.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FailedMailView {
    pub id: Uuid,
    /// The Message-ID it keeps across attempts.
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    /// e.g. `activation`, `password_reset`, `offer`.
    pub kind: String,
    pub queued_at: DateTime<Utc>,
    pub failed_at: DateTime<Utc>,
    pub attempts: i64,
    /// What the mail server (or the connection to it) said last.
    pub last_error: Option<String>,
}

/// The failed mails, the latest failure first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FailedMailList {
    /// At most `limit` of them.
    pub items: Vec<FailedMailView>,
    /// How many mails are failed in all.
    pub total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FailedMailQuery {
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Failed mails put back in the queue, to be sent again from now with
/// their attempts counted afresh.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MailRetryView {
    /// How many were queued again.
    pub queued_again: i64,
    /// Their ids.
    pub ids: Vec<Uuid>,
}
