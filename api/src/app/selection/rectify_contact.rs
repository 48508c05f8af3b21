//! Rectification of an applicant's contact data (GDPR art. 16) by HR,
//! audited with the fields it changed, before and after.

use std::collections::BTreeMap;

use diesel::prelude::*;
use domain::account::Role;
use domain::ids::ApplicationId;
use domain::selection::application::ContactRectification;
use persistence::schema::{applications, navigators};
use persistence::selection::{self, ApplicationRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct RectifyContact {
    pub id: ApplicationId,
    pub change: ContactRectification,
}

/// The application after the change, and the fields changed.
pub struct RectifiedContact {
    pub application: ApplicationRow,
    pub changed: Vec<String>,
}

impl UseCase for RectifyContact {
    type Outcome = RectifiedContact;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<RectifiedContact> {
        let not_found = || ApiError::NotFound {
            entity: "application",
        };
        let before = selection::get_application(conn, &self.id)?.ok_or_else(not_found)?;
        // An erased person's record stays without their identity.
        if domain::retention::is_erased_email(&before.email) {
            return Err(not_found());
        }
        let mut was = BTreeMap::new();
        let mut now = BTreeMap::new();
        if let Some(email) = self.change.email.as_ref().map(|e| e.as_str().to_owned()) {
            if email != before.email {
                diesel::update(applications::table.filter(applications::id.eq(&before.id)))
                    .set(applications::email.eq(&email))
                    .execute(conn)
                    .map_err(persistence::PersistenceError::from)?;
                // A Navigator's record was copied from the application.
                diesel::update(navigators::table.filter(navigators::application_id.eq(&before.id)))
                    .set(navigators::email.eq(&email))
                    .execute(conn)
                    .map_err(persistence::PersistenceError::from)?;
                was.insert("email", serde_json::json!(before.email));
                now.insert("email", serde_json::json!(email));
            }
        }
        if let Some(phone) = self.change.phone.clone() {
            if phone != before.phone {
                diesel::update(applications::table.filter(applications::id.eq(&before.id)))
                    .set(applications::phone.eq(&phone))
                    .execute(conn)
                    .map_err(persistence::PersistenceError::from)?;
                was.insert("phone", serde_json::json!(before.phone));
                now.insert("phone", serde_json::json!(phone));
            }
        }
        let changed: Vec<String> = now.keys().map(|k| (*k).to_owned()).collect();
        if !changed.is_empty() {
            persistence::audit::append(
                conn,
                &act.audit(),
                "application.contact_rectified",
                "application",
                &before.id,
                Some(&was),
                Some(&now),
            )?;
        }
        let application = selection::get_application(conn, &before.id)?.ok_or_else(not_found)?;
        Ok(RectifiedContact {
            application,
            changed,
        })
    }
}
