//! A procurement batch imported: every row checked, all rows or none.

use domain::account::Role;
use domain::equipment::NewItem;
use domain::Violations;
use persistence::{audit, equipment, DbConnection};

use super::check_unique;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The rows that parsed, with their lines, and the violations of those
/// that did not: the database's checks add theirs, and any at all rejects
/// the whole file.
#[derive(Clone)]
pub struct ImportBatch {
    pub items: Vec<NewItem>,
    pub lines: Vec<u64>,
    pub rejected: Violations,
}

impl UseCase for ImportBatch {
    /// How many items came in.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        let Self {
            items,
            lines,
            mut rejected,
        } = self;
        for clash in check_unique(conn, &items, Some(&lines))?.0 {
            rejected.push(clash);
        }
        if !rejected.is_empty() {
            rejected.0.sort_by_key(|v| v.line);
            return Err(ApiError::FileRejected(rejected));
        }
        let ctx = act.audit();
        let ids = equipment::insert_items(conn, &items, act.today, ctx.actor.as_deref())?;
        let batches: std::collections::BTreeSet<&str> =
            items.iter().filter_map(|i| i.batch.as_deref()).collect();
        audit::append::<(), _>(
            conn,
            &ctx,
            "equipment.imported",
            "equipment",
            ids.first().map(String::as_str).unwrap_or_default(),
            None,
            Some(&serde_json::json!({ "items": ids.len(), "batches": batches })),
        )?;
        Ok(ids.len())
    }
}
