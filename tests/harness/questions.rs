//! Questions of "Question RdC" put straight into the tables, for the tests
//! of what is built on them (the FAQ's entries come from answered
//! questions): asking and answering through the API is tested on its own.

use diesel::prelude::*;
use persistence::schema::{questions, users};

use crate::TestApp;

impl TestApp {
    /// Questions with these ids at `status` (`answered`, `closed`, `open`,
    /// ...), asked by the first account; those at `answered` or `closed`
    /// have had an answer. Ids already there are left as they are.
    pub fn questions_at(&self, ids: &[&str], status: &str) {
        let mut conn = self.db.get().unwrap();
        let author: String = users::table
            .select(users::id)
            .order(users::id)
            .first(&mut *conn)
            .unwrap();
        let now = chrono::Utc::now().naive_utc();
        let answered = matches!(status, "answered" | "closed");
        for id in ids {
            let exists: i64 = questions::table
                .filter(questions::id.eq(*id))
                .count()
                .get_result(&mut *conn)
                .unwrap();
            if exists > 0 {
                continue;
            }
            diesel::insert_into(questions::table)
                .values((
                    questions::id.eq(*id),
                    questions::author_id.eq(&author),
                    questions::topic.eq("eligibility"),
                    questions::text.eq("Come si calcola la scadenza dell'ISEE?"),
                    questions::status.eq(status),
                    questions::awaiting_detail.eq(false),
                    questions::first_answered_at.eq(answered.then_some(now)),
                    questions::unread_by_author.eq(false),
                    questions::created_at.eq(now),
                    questions::updated_at.eq(now),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
    }
}
