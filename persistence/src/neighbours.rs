//! The fallback neighbours HR set per selection and province (DOMAIN.md
//! §5.3). A province without rows has the default: every other province of
//! its Region.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::selection_neighbours;

/// Every list set for the selection: `(province, neighbour)`, in order.
pub fn all(conn: &mut DbConnection, selection_id: &str) -> Result<Vec<(String, String)>> {
    Ok(selection_neighbours::table
        .filter(selection_neighbours::selection_id.eq(selection_id))
        .select((
            selection_neighbours::province_sigla,
            selection_neighbours::neighbour_sigla,
        ))
        .order((
            selection_neighbours::province_sigla,
            selection_neighbours::neighbour_sigla,
        ))
        .load(conn)?)
}

/// The list set for one province; empty when it has the default.
pub fn of(conn: &mut DbConnection, selection_id: &str, province: &str) -> Result<Vec<String>> {
    Ok(selection_neighbours::table
        .filter(selection_neighbours::selection_id.eq(selection_id))
        .filter(selection_neighbours::province_sigla.eq(province))
        .select(selection_neighbours::neighbour_sigla)
        .order(selection_neighbours::neighbour_sigla)
        .load(conn)?)
}

/// Replaces the lists of the given provinces; the others keep theirs. An
/// empty list gives its province back the default.
pub fn set(
    conn: &mut DbConnection,
    selection_id: &str,
    lists: &[(String, Vec<String>)],
) -> Result<()> {
    for (province, neighbours) in lists {
        diesel::delete(
            selection_neighbours::table
                .filter(selection_neighbours::selection_id.eq(selection_id))
                .filter(selection_neighbours::province_sigla.eq(province)),
        )
        .execute(conn)?;
        for n in neighbours {
            diesel::insert_into(selection_neighbours::table)
                .values((
                    selection_neighbours::selection_id.eq(selection_id),
                    selection_neighbours::province_sigla.eq(province),
                    selection_neighbours::neighbour_sigla.eq(n),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
