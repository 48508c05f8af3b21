//! A procurement batch imported: every row checked, all rows or none.

use domain::account::Role;
use domain::equipment::{ItemInput, NewItem};
use domain::Violations;
use persistence::{audit, equipment, DbConnection};

use super::check_unique;
use crate::app::{Access, Act, UseCase};
use crate::csv_import::{optional, records};
use crate::error::{ApiError, ApiResult};

/// The columns of a procurement batch file, in this order.
pub const CSV_HEADER: [&str; 9] = [
    "kind",
    "model",
    "serial",
    "imei",
    "iccid",
    "phone_number",
    "plan",
    "mailbox",
    "batch",
];

/// The rows that parsed, with their lines, and the violations of those
/// that did not: the database's checks add theirs, and any at all rejects
/// the whole file.
#[derive(Clone)]
pub struct ImportBatch {
    pub items: Vec<NewItem>,
    pub lines: Vec<u64>,
    pub rejected: Violations,
}

impl ImportBatch {
    /// A procurement batch file (CSV with [`CSV_HEADER`]) read row by row:
    /// the items that parse with their lines, and each bad row's
    /// violations by line. The JSON API's import and the console's read
    /// their files here. A file whose header or shape is wrong is refused
    /// whole.
    pub fn from_csv(file: &[u8]) -> ApiResult<Self> {
        let rows = records(file, &CSV_HEADER).map_err(ApiError::FileRejected)?;
        let mut rejected = Violations::new();
        let mut items = Vec::new();
        let mut lines = Vec::new();
        for (line, r) in &rows {
            let cell = |i: usize| optional(r.get(i).unwrap_or(""));
            let parsed = NewItem::parse(&ItemInput {
                kind: r.get(0).unwrap_or(""),
                model: cell(1),
                serial: cell(2),
                imei: cell(3),
                iccid: cell(4),
                phone_number: cell(5),
                plan: cell(6),
                mailbox: cell(7),
                batch: cell(8),
            });
            match parsed {
                Ok(item) => {
                    items.push(item);
                    lines.push(*line);
                }
                Err(v) => {
                    for violation in v.0 {
                        rejected.push(violation.at_line(*line));
                    }
                }
            }
        }
        Ok(Self {
            items,
            lines,
            rejected,
        })
    }
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
