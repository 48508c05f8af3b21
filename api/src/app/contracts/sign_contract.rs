//! Signs a draft with its dates (the end defaults to the selection's);
//! creates the Navigator's account and mails them an activation link.

use chrono::NaiveDate;
use domain::account::{NewAccount, Role};
use domain::contract;
use domain::ids::ContractId;
use openapi::ProblemType;
use persistence::contracts::{self, ContractRow};
use persistence::{accounts, audit, selection, DbConnection};

use super::{audit_state, load, login_cutoff, record, reload, ContractChange};
use crate::accounts::{create_account, parse_uuid, MailContext};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct SignContract {
    pub id: ContractId,
    pub signed_on: NaiveDate,
    pub start_date: NaiveDate,
    /// The draft's when not given.
    pub end_date: Option<NaiveDate>,
}

/// Only a draft is signed: not a signed one again, nor a cancelled one.
pub(super) fn refuse_signature(c: &ContractRow) -> ApiResult<()> {
    if c.signed_on.is_some() {
        Err(ApiError::conflict(
            ProblemType::ContractAlreadySigned,
            c.id.clone(),
        ))
    } else if c.cancelled_on.is_some() {
        Err(ApiError::conflict(
            ProblemType::ContractCancelled,
            c.id.clone(),
        ))
    } else {
        Ok(())
    }
}

impl UseCase for SignContract {
    type Outcome = ContractChange;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<ContractChange> {
        let ctx = act.audit();
        let (c, nav, application_no) = load(conn, &self.id)?;
        refuse_signature(&c)?;
        let sel = selection::get_selection(conn, &c.selection_id)?.ok_or(ApiError::Internal)?;
        let published = sel.rankings_published_on.ok_or(ApiError::Internal)?;
        let end = self.end_date.unwrap_or(c.end_date);
        contract::check_signature(self.signed_on, self.start_date, end, published)?;
        if !contracts::sign(conn, &c.id, self.signed_on, self.start_date, end)? {
            // Signed or cancelled by a request that committed first.
            refuse_signature(&reload(conn, &c.id)?)?;
            return Err(ApiError::conflict(
                ProblemType::ContractChanged,
                c.id.clone(),
            ));
        }
        if accounts::find_by_navigator(conn, &nav.id)?.is_none() {
            let new =
                NewAccount::parse(&nav.email, Role::Navigator, &[], Some(parse_uuid(&nav.id)?))?;
            let domain = act.settings.public_host();
            let mail = MailContext {
                public_url: &act.settings.public_url,
                message_domain: &domain,
            };
            create_account(conn, &ctx, &new, None, &mail)?;
        }
        let signed = reload(conn, &c.id)?;
        let cutoff = login_cutoff(conn, &signed)?;
        audit::append(
            conn,
            &ctx,
            "contract.signed",
            "contract",
            &c.id,
            Some(&audit_state(&c)),
            Some(&audit_state(&signed)),
        )?;
        Ok(ContractChange {
            contract: record(conn, signed, nav, application_no, act.today)?,
            cutoff,
        })
    }
}
