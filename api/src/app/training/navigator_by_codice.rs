//! The Navigator a codice fiscale names (the newest record of a person
//! hired more than once): how the training office names people in its
//! forms, as in its files.

use std::collections::BTreeSet;

use domain::account::Role;
use domain::selection::CodiceFiscale;
use persistence::contracts::NavigatorRow;
use persistence::DbConnection;

use super::navigators_by_codice;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct NavigatorByCodice {
    pub codice: CodiceFiscale,
}

impl UseCase for NavigatorByCodice {
    type Outcome = NavigatorRow;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<NavigatorRow> {
        let codice = self.codice.as_str().to_owned();
        let mut found = navigators_by_codice(conn, &BTreeSet::from([codice.clone()]))?;
        found.remove(&codice).ok_or(ApiError::NotFound {
            entity: "navigator",
        })
    }
}
