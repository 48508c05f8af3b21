//! Writes a FAQ entry from answered questions: its first version, its links
//! to the questions, and its terms in the search index, all in one
//! transaction.

use domain::account::Role;
use domain::faq::ranking::IndexedText;
use domain::faq::{new_entry_id, EntryText};
use persistence::time::to_db;
use persistence::{audit, faq, DbConnection};

use super::{load, Entry, EDITORS};
use crate::app::{Access, Act, UseCase};
use crate::error::ApiResult;

#[derive(Clone)]
pub struct WriteEntry {
    pub text: EntryText,
    /// Checked ids of the questions (`domain::faq::question_ids`).
    pub questions: Vec<String>,
}

impl UseCase for WriteEntry {
    type Outcome = Entry;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = EDITORS;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Entry> {
        super::check_topic(conn, &self.text.topic)?;
        super::check_sources(conn, &self.questions)?;
        let id = new_entry_id();
        let at = to_db(act.now);
        let by = act.caller.as_ref().map(|c| c.user_id.as_str());
        let indexed = IndexedText::of(&self.text.title, &self.text.answer);
        faq::insert(conn, &id, &self.text, &indexed, by, at)?;
        faq::link_questions(conn, &id, &self.questions, at)?;
        let entry = load(conn, &id)?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "faq.written",
            "faq_entry",
            &id,
            None,
            Some(&entry),
        )?;
        Ok(entry)
    }
}
