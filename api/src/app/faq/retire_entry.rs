//! Retires a FAQ entry: it leaves the search and stays readable by id, with
//! its versions and questions.

use domain::account::Role;
use domain::faq::ranking::IndexedText;
use domain::ids::FaqEntryId;
use persistence::time::to_db;
use persistence::{audit, faq, DbConnection};

use super::edit_entry::refuse_change;
use super::{load, Entry, EDITORS};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct RetireEntry {
    pub id: FaqEntryId,
}

impl UseCase for RetireEntry {
    type Outcome = Entry;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = EDITORS;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Entry> {
        let before = load(conn, &self.id)?;
        refuse_change(&before)?;
        let by = act.caller.as_ref().map(|c| c.user_id.as_str());
        if !faq::retire(conn, &self.id, by, to_db(act.now))? {
            refuse_change(&load(conn, &self.id)?)?;
        }
        let after = load(conn, &self.id)?;
        // The text retired is the one the row holds now, locked by the
        // change just made.
        let was = IndexedText::of(&after.row.title, &after.row.answer);
        faq::unindex(conn, &self.id, &after.row.topic, &was)?;
        audit::append(
            conn,
            &act.audit(),
            "faq.retired",
            "faq_entry",
            &self.id,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    }
}
