//! Edits a FAQ entry into its next version: the earlier text stays in the
//! entry's versions, the index takes the new one. An edit names the version
//! it started from, so two experts editing at once do not overwrite each
//! other: the second is told the entry changed.

use domain::account::Role;
use domain::faq::ranking::IndexedText;
use domain::faq::{may_change, EntryState, EntryText};
use domain::ids::FaqEntryId;
use openapi::ProblemType;
use persistence::time::to_db;
use persistence::{audit, faq, DbConnection};

use super::{load, Entry, EDITORS};
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct EditEntry {
    pub id: FaqEntryId,
    pub version: i64,
    pub text: EntryText,
    /// Questions to link besides those already linked.
    pub questions: Vec<String>,
}

impl UseCase for EditEntry {
    type Outcome = Entry;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = EDITORS;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Entry> {
        let before = load(conn, &self.id)?;
        refuse_change(&before)?;
        if before.row.version != self.version {
            return Err(ApiError::conflict(
                ProblemType::FaqChanged,
                before.row.version,
            ));
        }
        super::check_topic(conn, &self.text.topic)?;
        super::check_sources(conn, &self.questions)?;
        let at = to_db(act.now);
        let by = act.caller.as_ref().map(|c| c.user_id.as_str());
        let indexed = IndexedText::of(&self.text.title, &self.text.answer);
        if !faq::advance(
            conn,
            &self.id,
            self.version,
            &self.text,
            indexed.length,
            by,
            at,
        )? {
            // Edited or retired between the read and the write.
            let now = load(conn, &self.id)?;
            refuse_change(&now)?;
            return Err(ApiError::conflict(ProblemType::FaqChanged, now.row.version));
        }
        // The text replaced is `before`'s: the version matched.
        let was = IndexedText::of(&before.row.title, &before.row.answer);
        faq::unindex(conn, &self.id, &before.row.topic, &was)?;
        faq::index(conn, &self.id, &self.text.topic, &indexed)?;
        faq::link_questions(conn, &self.id, &self.questions, at)?;
        let after = load(conn, &self.id)?;
        audit::append(
            conn,
            &act.audit(),
            "faq.edited",
            "faq_entry",
            &self.id,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    }
}

/// 409 `faq-retired` for a retired entry.
pub(super) fn refuse_change(entry: &Entry) -> ApiResult<()> {
    if may_change(state(entry)) {
        Ok(())
    } else {
        Err(ApiError::conflict(
            ProblemType::FaqRetired,
            entry.row.id.clone(),
        ))
    }
}

pub fn state(entry: &Entry) -> EntryState {
    if entry.row.retired_at.is_some() {
        EntryState::Retired
    } else {
        EntryState::Published
    }
}
