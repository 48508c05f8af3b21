//! Who may see which Region: national roles and the system see every one,
//! a coordinator their own. Every use case that reads or changes something
//! of a Region asks here.

use persistence::{reference, DbConnection};

use crate::app::Act;
use crate::error::{ApiError, ApiResult};

/// Whether the one acting covers `region`.
pub(crate) fn covers_region(act: &Act, region: &str) -> bool {
    act.caller.as_ref().is_none_or(|c| c.covers_region(region))
}

/// `region` must be covered by the one acting.
pub(crate) fn check_region(act: &Act, region: &str) -> ApiResult<()> {
    if covers_region(act, region) {
        Ok(())
    } else {
        Err(ApiError::OutOfScope)
    }
}

/// The Regions a list may show: the one asked for, if the one acting covers
/// it, else all of theirs (`None`: every Region, for HR and the system).
pub(crate) fn regions_in_scope(act: &Act, asked: Option<String>) -> ApiResult<Option<Vec<String>>> {
    let Some(caller) = &act.caller else {
        return Ok(asked.map(|r| vec![r]));
    };
    match asked {
        Some(r) if caller.covers_region(&r) => Ok(Some(vec![r])),
        Some(_) => Err(ApiError::OutOfScope),
        None if caller.role == domain::account::Role::Coordinator => {
            Ok(Some(caller.regions.clone()))
        }
        None => Ok(None),
    }
}

/// A list's `province` filter: an unknown sigla is a bad query (400), and
/// another Region's province is as far out of scope as its Region (403).
pub(crate) fn province_filter(conn: &mut DbConnection, act: &Act, sigla: &str) -> ApiResult<()> {
    let province = reference::get_province(conn, sigla)?.ok_or_else(|| ApiError::InvalidQuery {
        field: "province".into(),
        detail: format!("{sigla}: no such province"),
    })?;
    check_region(act, &province.region_code)
}
