//! Navigators' CPI assignments with their history, and the Navigator list.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::contracts::{ContractRow, NavigatorRow};
use crate::error::{PersistenceError, Result};
use crate::schema::{contracts, cpi_assignments, cpis, navigators};
use crate::time::{new_id, now};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = cpi_assignments)]
pub struct AssignmentRow {
    pub id: String,
    pub navigator_id: String,
    pub cpi_code: String,
    pub region_code: String,
    pub from_day: NaiveDate,
    pub to_day: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub created_by: Option<String>,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

impl AssignmentRow {
    pub fn to_domain(&self) -> domain::assignment::Assignment {
        domain::assignment::Assignment {
            cpi_code: self.cpi_code.clone(),
            from: self.from_day,
            to: self.to_day,
        }
    }
}

/// Why an assignment closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    Reassigned,
    ContractEnded,
}

impl ClosedBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reassigned => "reassigned",
            Self::ContractEnded => "contract-ended",
        }
    }
}

/// Takes the Navigator's row lock until the transaction ends (a no-op
/// update: the portable `SELECT ... FOR UPDATE`), so that two assignments of
/// one Navigator run one after the other and the second sees the first.
/// `false` when the Navigator does not exist.
pub fn lock_navigator(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let n = diesel::update(navigators::table.filter(navigators::id.eq(id)))
        .set(navigators::id.eq(navigators::id))
        .execute(conn)?;
    Ok(n == 1)
}

/// The same for a CPI, so that its capacity is counted by one writer at a time.
pub fn lock_cpi(conn: &mut DbConnection, code: &str) -> Result<bool> {
    let n = diesel::update(cpis::table.filter(cpis::code.eq(code)))
        .set(cpis::code.eq(cpis::code))
        .execute(conn)?;
    Ok(n == 1)
}

/// A Navigator's assignments, newest first.
pub fn history_of(conn: &mut DbConnection, navigator_id: &str) -> Result<Vec<AssignmentRow>> {
    Ok(cpi_assignments::table
        .select(AssignmentRow::as_select())
        .filter(cpi_assignments::navigator_id.eq(navigator_id))
        .order(cpi_assignments::from_day.desc())
        .load(conn)?)
}

/// Other Navigators' assignments to `cpi` that reach `from` or later.
pub fn at_cpi_from(
    conn: &mut DbConnection,
    cpi: &str,
    from: NaiveDate,
    except_navigator: &str,
) -> Result<Vec<AssignmentRow>> {
    Ok(cpi_assignments::table
        .select(AssignmentRow::as_select())
        .filter(cpi_assignments::cpi_code.eq(cpi))
        .filter(cpi_assignments::navigator_id.ne(except_navigator))
        .filter(
            cpi_assignments::to_day
                .is_null()
                .or(cpi_assignments::to_day.ge(from)),
        )
        .load(conn)?)
}

/// Closes the Navigator's open assignment on `to`; `false` when none was open.
pub fn close_open(
    conn: &mut DbConnection,
    navigator_id: &str,
    to: NaiveDate,
    by: ClosedBy,
) -> Result<bool> {
    let n = diesel::update(
        cpi_assignments::table
            .filter(cpi_assignments::navigator_id.eq(navigator_id))
            .filter(cpi_assignments::to_day.is_null())
            .filter(cpi_assignments::from_day.le(to)),
    )
    .set((
        cpi_assignments::to_day.eq(Some(to)),
        cpi_assignments::closed_by.eq(Some(by.as_str())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Removes an open assignment that never took effect (its contract ended
/// before its first day); the audit log keeps the record of it.
pub fn cancel(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let n = diesel::delete(
        cpi_assignments::table
            .filter(cpi_assignments::id.eq(id))
            .filter(cpi_assignments::to_day.is_null()),
    )
    .execute(conn)?;
    Ok(n == 1)
}

pub struct NewAssignment<'a> {
    pub navigator_id: &'a str,
    pub cpi_code: &'a str,
    pub region_code: &'a str,
    pub from: NaiveDate,
    pub created_by: Option<&'a str>,
}

/// Inserts an open assignment. The partial unique index refuses a second
/// open one for the Navigator, whatever the number of servers.
pub fn insert(conn: &mut DbConnection, a: &NewAssignment<'_>) -> Result<AssignmentRow> {
    let id = new_id();
    diesel::insert_into(cpi_assignments::table)
        .values((
            cpi_assignments::id.eq(&id),
            cpi_assignments::navigator_id.eq(a.navigator_id),
            cpi_assignments::cpi_code.eq(a.cpi_code),
            cpi_assignments::region_code.eq(a.region_code),
            cpi_assignments::from_day.eq(a.from),
            cpi_assignments::created_by.eq(a.created_by),
            cpi_assignments::created_at.eq(now()),
        ))
        .execute(conn)?;
    cpi_assignments::table
        .select(AssignmentRow::as_select())
        .filter(cpi_assignments::id.eq(&id))
        .first(conn)
        .optional()?
        .ok_or_else(|| PersistenceError::Corrupt(format!("assignment {id} vanished")))
}

/// The names of the CPIs with these codes.
pub fn cpi_names(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        out.extend(
            cpis::table
                .select((cpis::code, cpis::name))
                .filter(cpis::code.eq_any(chunk))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The order of a list of Navigators; the cursor is a Navigator's id in
/// either order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NavigatorOrder {
    /// By id: the order they were hired in.
    #[default]
    Id,
    /// By last name, then first name.
    Name,
}

#[derive(Debug, Clone, Default)]
pub struct NavigatorFilter {
    /// Only these Regions; `None` for all.
    pub regions: Option<Vec<String>>,
    pub province: Option<String>,
    /// Only those working in this CPI on `day`.
    pub cpi: Option<String>,
    /// Only those with no CPI on `day`.
    pub unassigned: bool,
    /// Only those whose first or last name contains this, in any case.
    pub name: Option<String>,
    pub order: NavigatorOrder,
    pub day: Option<NaiveDate>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// A Navigator with their newest contract and the assignment covering the day.
pub type NavigatorListRow = (NavigatorRow, ContractRow, Option<AssignmentRow>);

/// Navigators by id, with the assignment that covers `f.day`.
pub fn list_navigators(
    conn: &mut DbConnection,
    f: &NavigatorFilter,
) -> Result<Vec<NavigatorListRow>> {
    let day = f.day.unwrap_or_else(|| now().date());
    let mut q = navigators::table
        .inner_join(contracts::table.on(contracts::navigator_id.eq(navigators::id)))
        .left_join(
            cpi_assignments::table.on(cpi_assignments::navigator_id
                .eq(navigators::id)
                .and(cpi_assignments::from_day.le(day))
                .and(
                    cpi_assignments::to_day
                        .is_null()
                        .or(cpi_assignments::to_day.ge(day)),
                )),
        )
        .select((
            NavigatorRow::as_select(),
            ContractRow::as_select(),
            Option::<AssignmentRow>::as_select(),
        ))
        .into_boxed();
    if let Some(r) = &f.regions {
        q = q.filter(navigators::region_code.eq_any(r.clone()));
    }
    if let Some(p) = &f.province {
        q = q.filter(navigators::province_sigla.eq(p.clone()));
    }
    if let Some(c) = &f.cpi {
        q = q.filter(cpi_assignments::cpi_code.eq(c.clone()));
    }
    if f.unassigned {
        q = q.filter(cpi_assignments::id.is_null());
    }
    if let Some(name) = f.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        // `%` and `_` typed in a name match themselves.
        let escaped = name
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        q = q.filter(
            lower(navigators::first_name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(navigators::last_name).like(pattern).escape('\\')),
        );
    }
    match (f.order, &f.after_id) {
        (NavigatorOrder::Id, after) => {
            if let Some(a) = after {
                q = q.filter(navigators::id.gt(a.clone()));
            }
            q = q.order(navigators::id);
        }
        (NavigatorOrder::Name, after) => {
            // After the cursor's Navigator in (last name, first name, id).
            let at: Option<(String, String)> = match after {
                Some(a) => navigators::table
                    .select((navigators::last_name, navigators::first_name))
                    .filter(navigators::id.eq(a.clone()))
                    .first(conn)
                    .optional()?,
                None => None,
            };
            if let (Some(a), Some((last, first))) = (after, at) {
                q = q.filter(
                    navigators::last_name
                        .gt(last.clone())
                        .or(navigators::last_name.eq(last).and(
                            navigators::first_name
                                .gt(first.clone())
                                .or(navigators::first_name
                                    .eq(first)
                                    .and(navigators::id.gt(a.clone()))),
                        )),
                );
            }
            q = q.order((
                navigators::last_name,
                navigators::first_name,
                navigators::id,
            ));
        }
    }
    Ok(q.limit(f.limit).load(conn)?)
}
