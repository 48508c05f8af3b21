//! Navigators and their CPI assignments (DOMAIN.md §9): who may see a
//! Navigator's record, the lists, the assignment to a CPI and its history,
//! a Navigator's training read by others, and what a contract's end does
//! to the assignment ([`end_assignment`]).

mod assign;
mod history;
mod list;
mod read;
mod training;

pub use assign::AssignNavigator;
pub use history::{AssignmentHistory, MyAssignment, OwnAssignment};
pub use list::{CpiNavigators, ListNavigators, NavigatorPage};
pub use read::ReadNavigator;
pub use training::{MakeProgress, PathStages, ReadStoredProgress};

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::account::Role;
use domain::assignment::{on_contract_end, EndOfContract};
use domain::contract::ContractStatus;
use domain::convention::operational_start;
use persistence::assignments::{self, AssignmentRow, ClosedBy};
use persistence::audit::{self, AuditContext};
use persistence::contracts::{self, ContractRow, NavigatorRow};
use persistence::{reference, DbConnection};

use crate::app::Act;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};

/// A Navigator on a day: their contract's state, and the assignment
/// covering the day with its CPI's name.
#[derive(Debug, Clone)]
pub struct NavigatorRecord {
    pub navigator: NavigatorRow,
    pub contract: ContractRow,
    pub status: ContractStatus,
    pub operational_start: Option<NaiveDate>,
    pub current: Option<AssignmentRow>,
    pub cpi_name: Option<String>,
}

/// An assignment with its CPI's name.
#[derive(Debug, Clone)]
pub struct AssignmentRecord {
    pub assignment: AssignmentRow,
    pub cpi_name: String,
}

/// A Navigator's record is theirs, their Region's coordinators' and HR's.
/// Another Navigator gets 404: even its existence is not theirs to know.
pub fn check_access(caller: &Caller, nav: &NavigatorRow) -> ApiResult<()> {
    if caller.role == Role::Navigator {
        return if caller.navigator_id.as_deref() == Some(nav.id.as_str()) {
            Ok(())
        } else {
            Err(ApiError::NotFound {
                entity: "navigator",
            })
        };
    }
    if caller.covers_region(&nav.region_code) {
        Ok(())
    } else {
        Err(ApiError::OutOfScope)
    }
}

/// A Navigator caller asking for another Navigator's id: 404 before any read.
pub fn check_own_id(caller: &Caller, id: &str) -> ApiResult<()> {
    if caller.role == Role::Navigator && caller.navigator_id.as_deref() != Some(id) {
        return Err(ApiError::NotFound {
            entity: "navigator",
        });
    }
    Ok(())
}

pub(crate) use crate::app::scope::{covers_region, regions_in_scope};

/// [`check_own_id`] for the one acting.
pub(crate) fn own_id_only(act: &Act, id: &str) -> ApiResult<()> {
    act.caller.as_ref().map_or(Ok(()), |c| check_own_id(c, id))
}

/// A Navigator the one acting may see: 404 unknown, then [`check_access`].
pub(crate) fn navigator_in_scope(
    conn: &mut DbConnection,
    act: &Act,
    id: &str,
) -> ApiResult<NavigatorRow> {
    let nav = contracts::get_navigator(conn, id)?.ok_or(ApiError::NotFound {
        entity: "navigator",
    })?;
    if let Some(caller) = &act.caller {
        check_access(caller, &nav)?;
    }
    Ok(nav)
}

/// The assignment covering `day`, if any.
pub(crate) fn covering(rows: &[AssignmentRow], day: NaiveDate) -> Option<&AssignmentRow> {
    rows.iter()
        .find(|a| a.from_day <= day && a.to_day.is_none_or(|t| t >= day))
}

/// Assignment rows with their CPIs' names.
pub(crate) fn assignment_records(
    conn: &mut DbConnection,
    rows: Vec<AssignmentRow>,
) -> ApiResult<Vec<AssignmentRecord>> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.cpi_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let names = assignments::cpi_names(conn, &codes)?;
    rows.into_iter()
        .map(|r| {
            let cpi_name = names
                .iter()
                .find(|(c, _)| *c == r.cpi_code)
                .map(|(_, n)| n.clone())
                .ok_or(ApiError::Internal)?;
            Ok(AssignmentRecord {
                assignment: r,
                cpi_name,
            })
        })
        .collect()
}

/// A Navigator on `today`, with the assignment covering it.
pub(crate) fn navigator_record(
    conn: &mut DbConnection,
    nav: &NavigatorRow,
    contract: &ContractRow,
    current: Option<&AssignmentRow>,
    today: NaiveDate,
) -> ApiResult<NavigatorRecord> {
    let rows = [(nav.clone(), contract.clone(), current.cloned())];
    let mut records = navigator_records(conn, &rows, today)?;
    records.pop().ok_or(ApiError::Internal)
}

/// The records of a page of Navigators, reading what they share once:
/// the contracts' suspensions in one query, each Region's convention once,
/// the CPIs' names in one query.
pub(crate) fn navigator_records(
    conn: &mut DbConnection,
    rows: &[(NavigatorRow, ContractRow, Option<AssignmentRow>)],
    today: NaiveDate,
) -> ApiResult<Vec<NavigatorRecord>> {
    let contract_ids: Vec<String> = rows.iter().map(|(_, c, _)| c.id.clone()).collect();
    let suspensions = contracts::suspensions_of_many(conn, &contract_ids)?;
    let mut codes: Vec<String> = rows
        .iter()
        .filter_map(|(_, _, a)| a.as_ref().map(|a| a.cpi_code.clone()))
        .collect();
    codes.sort();
    codes.dedup();
    let names: HashMap<String, String> =
        assignments::cpi_names(conn, &codes)?.into_iter().collect();
    let mut conventions = HashMap::new();
    let mut records = Vec::with_capacity(rows.len());
    for (nav, contract, current) in rows {
        if !conventions.contains_key(&nav.region_code) {
            let convention = reference::get_convention(conn, &nav.region_code)?
                .map(|r| r.to_domain())
                .transpose()?;
            conventions.insert(nav.region_code.clone(), convention);
        }
        let convention = conventions.get(&nav.region_code).and_then(Option::as_ref);
        let none = Vec::new();
        let d = contract.dates_with(suspensions.get(&contract.id).unwrap_or(&none))?;
        records.push(NavigatorRecord {
            navigator: nav.clone(),
            contract: contract.clone(),
            status: d.status_on(today),
            operational_start: contract
                .start_date
                .and_then(|s| operational_start(s, convention)),
            current: current.clone(),
            cpi_name: current
                .as_ref()
                .and_then(|a| names.get(&a.cpi_code).cloned()),
        });
    }
    Ok(records)
}

/// Closes the Navigator's open assignment on the contract's last day, or
/// cancels one that was to start after it (DOMAIN.md §6: an ending closes
/// the CPI assignment).
pub fn end_assignment(
    conn: &mut DbConnection,
    navigator_id: &str,
    last_day: NaiveDate,
) -> ApiResult<()> {
    // Waits for an assignment being made at this moment, then sees it.
    assignments::lock_navigator(conn, navigator_id)?;
    let Some(open) = assignments::history_of(conn, navigator_id)?
        .into_iter()
        .find(|a| a.to_day.is_none())
    else {
        return Ok(());
    };
    let (action, done) = match on_contract_end(&open.to_domain(), last_day) {
        EndOfContract::Keep => return Ok(()),
        EndOfContract::Close(to) => (
            "assignment.closed",
            assignments::close_open(conn, navigator_id, to, ClosedBy::ContractEnded)?,
        ),
        EndOfContract::Cancel => ("assignment.cancelled", assignments::cancel(conn, &open.id)?),
    };
    if done {
        audit::append(
            conn,
            &AuditContext::system(),
            action,
            "navigator",
            navigator_id,
            Some(&open),
            Some(&serde_json::json!({ "contract_last_day": last_day })),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::Settings;

    fn act(caller: Option<Caller>) -> Act {
        let settings = Arc::new(Settings::defaults_only().expect("default settings"));
        Act {
            caller,
            ..Act::system(settings)
        }
    }

    fn coordinator_of(region: &str) -> Caller {
        Caller {
            user_id: "c".into(),
            role: Role::Coordinator,
            regions: vec![region.into()],
            navigator_id: None,
            session: None,
            enrolment_only: false,
        }
    }

    #[test]
    fn a_coordinator_covers_their_region_and_the_system_every_one() {
        let coordinator = act(Some(coordinator_of("12")));
        assert!(covers_region(&coordinator, "12"));
        assert!(!covers_region(&coordinator, "03"));
        assert!(covers_region(&act(None), "03"));
    }

    #[test]
    fn a_list_shows_the_regions_of_whoever_acts() {
        let coordinator = act(Some(coordinator_of("12")));
        assert_eq!(
            regions_in_scope(&coordinator, None).ok(),
            Some(Some(vec!["12".to_owned()]))
        );
        assert!(matches!(
            regions_in_scope(&coordinator, Some("03".into())),
            Err(ApiError::OutOfScope)
        ));
        let system = act(None);
        assert_eq!(regions_in_scope(&system, None).ok(), Some(None));
        assert_eq!(
            regions_in_scope(&system, Some("03".into())).ok(),
            Some(Some(vec!["03".to_owned()]))
        );
    }

    #[test]
    fn a_navigator_asking_for_another_is_not_found_and_the_system_may() {
        let navigator = act(Some(Caller {
            user_id: "n".into(),
            role: Role::Navigator,
            regions: Vec::new(),
            navigator_id: Some("nav-1".into()),
            session: None,
            enrolment_only: false,
        }));
        assert!(own_id_only(&navigator, "nav-1").is_ok());
        assert!(matches!(
            own_id_only(&navigator, "nav-2"),
            Err(ApiError::NotFound { .. })
        ));
        assert!(own_id_only(&act(None), "nav-2").is_ok());
    }
}
