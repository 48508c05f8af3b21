//! Selections and their publication.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::selection::settings::SelectionSettings;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::selections;
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = selections)]
pub struct SelectionRow {
    pub id: String,
    pub code: String,
    pub title: String,
    pub published_on: NaiveDate,
    pub questions: i64,
    pub pass_mark: i64,
    pub wrong_penalty_hundredths: i64,
    pub admission_multiplier: i64,
    pub offer_days: i64,
    pub ranking_valid_months: i64,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub contract_end: NaiveDate,
    pub decline_is_final: bool,
    pub admission_done_at: Option<chrono::NaiveDateTime>,
    pub rankings_published_on: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl SelectionRow {
    pub fn scoring(&self) -> domain::selection::ScoringRules {
        domain::selection::ScoringRules {
            questions: self.questions,
            wrong_penalty: self.wrong_penalty_hundredths,
            pass_mark: self.pass_mark,
        }
    }
}

pub fn insert_selection(conn: &mut DbConnection, s: &SelectionSettings) -> Result<SelectionRow> {
    let id = new_id();
    diesel::insert_into(selections::table)
        .values((
            selections::id.eq(&id),
            selections::code.eq(&s.code),
            selections::title.eq(&s.title),
            selections::published_on.eq(s.published_on),
            selections::questions.eq(s.scoring.questions),
            selections::pass_mark.eq(s.scoring.pass_mark),
            selections::wrong_penalty_hundredths.eq(s.scoring.wrong_penalty),
            selections::admission_multiplier.eq(s.admission_multiplier),
            selections::offer_days.eq(s.offer_days),
            selections::ranking_valid_months.eq(s.ranking_valid_months),
            selections::annual_pay_cents.eq(s.annual_pay_cents),
            selections::monthly_expenses_cents.eq(s.monthly_expenses_cents),
            selections::contract_end.eq(s.contract_end),
            selections::decline_is_final.eq(s.decline_is_final),
            selections::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_selection(conn, &id)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("selection {id} vanished")))
}

pub fn get_selection(conn: &mut DbConnection, id: &str) -> Result<Option<SelectionRow>> {
    Ok(selections::table
        .select(SelectionRow::as_select())
        .filter(selections::id.eq(id))
        .first(conn)
        .optional()?)
}

/// Selections newest first (ids grow with time), those before `before_id`.
pub fn list_selections(
    conn: &mut DbConnection,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<SelectionRow>> {
    let mut q = selections::table
        .select(SelectionRow::as_select())
        .into_boxed();
    if let Some(b) = before_id {
        q = q.filter(selections::id.lt(b.to_owned()));
    }
    Ok(q.order(selections::id.desc()).limit(limit).load(conn)?)
}

pub fn mark_admission_done(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(selections::table.filter(selections::id.eq(id)))
        .set(selections::admission_done_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}

pub fn mark_published(conn: &mut DbConnection, id: &str, on: NaiveDate) -> Result<()> {
    diesel::update(selections::table.filter(selections::id.eq(id)))
        .set(selections::rankings_published_on.eq(Some(on)))
        .execute(conn)?;
    Ok(())
}
