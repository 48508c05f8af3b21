//! The Navigator confirms from the tablet that they received the items
//! they hold; the time is recorded on each. Repeating it changes nothing.

use domain::account::Role;
use openapi::ProblemType;
use persistence::{audit, equipment, DbConnection};

use super::{kit_record, KitRecord};
use crate::app::{own_navigator_id, Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct AcknowledgeKit;

impl UseCase for AcknowledgeKit {
    type Outcome = KitRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<KitRecord> {
        let id = own_navigator_id(act)?;
        if equipment::held_by(conn, id)?.is_empty() {
            return Err(ApiError::conflict(ProblemType::NothingToAcknowledge, id));
        }
        let newly = equipment::acknowledge(conn, id)?;
        let kit = kit_record(conn, id)?;
        if newly > 0 {
            let items: Vec<&str> = kit.items.iter().map(|i| i.item.id.as_str()).collect();
            audit::append::<(), _>(
                conn,
                &act.audit(),
                "kit.acknowledged",
                "navigator",
                id,
                None,
                Some(&serde_json::json!({ "items": items })),
            )?;
        }
        Ok(kit)
    }
}
