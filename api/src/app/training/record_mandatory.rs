//! Records a dated completion of mandatory training: health and safety,
//! data protection, or the final assessment of a path that requires one.
//! A course can be repeated, so an item may have several dates; the same
//! item on the same day twice is refused.

use chrono::NaiveDate;
use domain::account::Role;
use domain::ids::NavigatorId;
use domain::training::check_completed_by;
use domain::training::mandatory::{check_item, MandatoryItem};
use openapi::ProblemType;
use persistence::training::MandatoryRow;
use persistence::{assignments, audit, contracts, mandatory, training, DbConnection};

use super::refresh_locked;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct RecordMandatory {
    pub navigator_id: NavigatorId,
    pub item: MandatoryItem,
    pub completed_on: NaiveDate,
}

impl UseCase for RecordMandatory {
    type Outcome = MandatoryRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<MandatoryRow> {
        let (item, completed_on) = (self.item, self.completed_on);
        check_completed_by("completed_on", completed_on, act.today)?;
        let ctx = act.audit();
        if !assignments::lock_navigator(conn, &self.navigator_id)? {
            return Err(ApiError::NotFound {
                entity: "navigator",
            });
        }
        let nav = contracts::get_navigator(conn, &self.navigator_id)?.ok_or(ApiError::Internal)?;
        let path =
            training::path_of_selection(conn, &nav.selection_id)?.ok_or(ApiError::Internal)?;
        check_item(item, path.path.final_assessment_required)
            .map_err(|r| ApiError::mandatory(r, path.path.code.clone()))?;
        if mandatory::recorded(conn, &nav.id, item.as_str(), completed_on)? {
            return Err(ApiError::conflict(
                ProblemType::MandatoryTrainingRecorded,
                domain::Param::TextOn(item.as_str().to_owned(), completed_on),
            ));
        }
        let row = mandatory::insert(
            conn,
            &nav.id,
            item.as_str(),
            completed_on,
            ctx.actor.as_deref(),
        )?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "mandatory_training.recorded",
            "mandatory_training",
            &row.id,
            None,
            Some(&row),
        )?;
        refresh_locked(conn, act, &nav.id)?;
        Ok(row)
    }
}
