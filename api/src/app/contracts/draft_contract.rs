//! A draft contract from an accepted offer, once HR has verified the
//! requirements; the Navigator's record is created with the first draft.

use domain::account::Role;
use domain::contract::ContractType;
use domain::ids::OfferId;
use domain::RuleCode;
use openapi::ProblemType;
use persistence::contracts::{self, NewContract, NewNavigator};
use persistence::{audit, offers, reference, selection, DbConnection};

use super::{record, ContractRecord};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct DraftContract {
    offer_id: OfferId,
}

impl DraftContract {
    /// Refused unless HR states the requirements are verified.
    pub fn new(offer_id: OfferId, requirements_verified: bool) -> ApiResult<Self> {
        if !requirements_verified {
            return Err(ApiError::violation(
                "requirements_verified",
                RuleCode::RequirementsNotVerified,
            ));
        }
        Ok(Self { offer_id })
    }
}

impl UseCase for DraftContract {
    type Outcome = ContractRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractRecord> {
        let offer = offers::get_offer(conn, &self.offer_id)?
            .ok_or(ApiError::NotFound { entity: "offer" })?;
        if offer.status != "accepted" {
            return Err(ApiError::conflict(
                ProblemType::OfferNotAccepted,
                offer.status,
            ));
        }
        if contracts::contract_of_offer(conn, &offer.id)?.is_some() {
            return Err(ApiError::conflict(
                ProblemType::ContractExists,
                offer.id.clone(),
            ));
        }
        let sel = selection::get_selection(conn, &offer.selection_id)?.ok_or(ApiError::Internal)?;
        let app =
            selection::get_application(conn, &offer.application_id)?.ok_or(ApiError::Internal)?;
        let province =
            reference::get_province(conn, &offer.province_sigla)?.ok_or(ApiError::Internal)?;
        let nav = match contracts::navigator_of_application(conn, &app.id)? {
            Some(n) => n,
            None => contracts::insert_navigator(
                conn,
                &NewNavigator {
                    application_id: &app.id,
                    selection_id: &sel.id,
                    codice_fiscale: &app.codice_fiscale,
                    first_name: &app.first_name,
                    last_name: &app.last_name,
                    email: &app.email,
                    province: &offer.province_sigla,
                    region: &province.region_code,
                },
            )?,
        };
        let c = contracts::insert_contract(
            conn,
            &NewContract {
                navigator_id: &nav.id,
                offer_id: &offer.id,
                selection_id: &sel.id,
                province: &offer.province_sigla,
                region: &province.region_code,
                end_date: sel.contract_end,
                annual_pay_cents: sel.annual_pay_cents,
                monthly_expenses_cents: sel.monthly_expenses_cents,
                contract_type: ContractType::OF_THE_PROGRAMME,
            },
        )?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "contract.drafted",
            "contract",
            &c.id,
            None,
            Some(&c),
        )?;
        record(conn, c, nav, app.application_no, act.today)
    }
}
