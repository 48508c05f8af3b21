//! On-the-job hours: logged from the tablet, validated by the Region's
//! coordinator (DOMAIN.md §8 rule 3).

pub mod decide;
pub mod log;

use openapi::dto::OjtLogView;
use persistence::ojt::OjtLogRow;

use crate::accounts::parse_uuid;
use crate::error::ApiResult;

pub fn log_view(row: &OjtLogRow) -> ApiResult<OjtLogView> {
    Ok(OjtLogView {
        id: parse_uuid(&row.id)?,
        navigator_id: parse_uuid(&row.navigator_id)?,
        client_id: row.client_id.clone(),
        day: row.day,
        hours: domain::training::hours::hours_of(row.minutes),
        activity: row.activity.clone(),
        cpi_code: row.cpi_code.clone(),
        status: row.status()?.into(),
        reason: row.reason.clone(),
    })
}
