//! What a change to a contract would do, read only, before HR confirms it:
//! the same checks as the change's own use case (so a refusal shows before
//! the confirmation), and the effects DOMAIN.md §6 gives an ending — the
//! last day, the day the login stops, the day the seat is vacated, the CPI
//! assignment that closes and the equipment to recover.

use chrono::NaiveDate;
use domain::account::Role;
use domain::contract::{self, ContractDates, EndCause, Suspension};
use domain::ids::ContractId;
use domain::RuleCode;
use persistence::{accounts, assignments, equipment, selection, DbConnection};

use super::sign_contract::refuse_signature;
use super::{check_scope, dates, load, record, ContractRecord, Termination};
use crate::app::equipment::{item_record, ItemRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A change HR may make to a contract, as a console form proposes it.
#[derive(Debug, Clone)]
pub enum ProposedChange {
    Signature {
        signed_on: NaiveDate,
        start_date: NaiveDate,
        /// The draft's when not given.
        end_date: Option<NaiveDate>,
    },
    Extension {
        new_end_date: NaiveDate,
    },
    Suspension {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Registered by HR on the Navigator's behalf.
    Resignation {
        submitted_on: NaiveDate,
        effective_on: NaiveDate,
    },
    /// Submitted today, as [`super::TerminateContract`] is.
    Termination {
        cause: Termination,
        effective_on: NaiveDate,
    },
}

#[derive(Clone)]
pub struct PreviewChange {
    pub id: ContractId,
    pub change: ProposedChange,
}

/// The contract as it is, and as it would be after the change.
pub struct ChangeEffects {
    pub contract: ContractRecord,
    /// The last day the contract would run.
    pub last_day: Option<NaiveDate>,
    /// The first day the Navigator could no longer log in.
    pub login_stops_on: Option<NaiveDate>,
    /// The day the province's seat would be vacated (an ending): the next
    /// call can be made from then on.
    pub seat_vacated_on: Option<NaiveDate>,
    /// The CPI of the open assignment, which an ending closes on the last day.
    pub assignment_closes: Option<String>,
    /// What the Navigator holds now: at an ending, to be returned or written
    /// off (the mailbox is deprovisioned).
    pub equipment: Vec<ItemRecord>,
    /// A signature creates the Navigator's account and mails its activation.
    pub account_created: bool,
}

impl UseCase for PreviewChange {
    type Outcome = ChangeEffects;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ChangeEffects> {
        let (c, nav, no) = load(conn, &self.id)?;
        check_scope(act, &c.region_code)?;
        let now = dates(conn, &c)?;
        let mut after: ContractDates = now.clone();
        let mut account_created = false;
        let ending = match self.change {
            ProposedChange::Signature {
                signed_on,
                start_date,
                end_date,
            } => {
                refuse_signature(&c)?;
                let sel =
                    selection::get_selection(conn, &c.selection_id)?.ok_or(ApiError::Internal)?;
                let published = sel.rankings_published_on.ok_or(ApiError::Internal)?;
                let end = end_date.unwrap_or(c.end_date);
                contract::check_signature(signed_on, start_date, end, published)?;
                after.signed_on = Some(signed_on);
                after.start_date = Some(start_date);
                after.end_date = Some(end);
                account_created = accounts::find_by_navigator(conn, &nav.id)?.is_none();
                false
            }
            ProposedChange::Extension { new_end_date } => {
                contract::check_extension(&now, new_end_date, act.today)?;
                after.end_date = Some(new_end_date);
                false
            }
            ProposedChange::Suspension { from, to } => {
                if c.signed_on.is_none() {
                    return Err(ApiError::violation("contract", RuleCode::ContractNotSigned));
                }
                contract::check_suspension(&now, Suspension { from, to })?;
                false
            }
            ProposedChange::Resignation {
                submitted_on,
                effective_on,
            } => {
                contract::check_resignation(
                    &now,
                    submitted_on,
                    effective_on,
                    act.settings.resignation_notice_days,
                )?;
                after.early_end = Some((EndCause::Resigned, effective_on));
                true
            }
            ProposedChange::Termination {
                cause,
                effective_on,
            } => {
                let cause = match cause {
                    Termination::Withdrawn => EndCause::Withdrawn,
                    Termination::Excluded => EndCause::Excluded,
                };
                contract::check_termination(&now, cause, effective_on)?;
                after.early_end = Some((cause, effective_on));
                true
            }
        };
        let (equipment, assignment_closes) = match ending {
            true => (
                equipment::held_by(conn, &nav.id)?
                    .into_iter()
                    .map(|i| item_record(conn, i))
                    .collect::<ApiResult<_>>()?,
                assignments::history_of(conn, &nav.id)?
                    .into_iter()
                    .find(|a| a.to_day.is_none())
                    .map(|a| a.cpi_code),
            ),
            false => (Vec::new(), None),
        };
        Ok(ChangeEffects {
            last_day: after.last_day(),
            login_stops_on: after.ended_from(),
            seat_vacated_on: ending.then(|| after.ended_from()).flatten(),
            assignment_closes,
            equipment,
            account_created,
            contract: record(conn, c, nav, no, act.today)?,
        })
    }
}
