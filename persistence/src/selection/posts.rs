//! The posts of a selection per province and their seat counters.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{contracts, offers, provinces, selection_posts};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = selection_posts)]
pub struct PostsRow {
    pub selection_id: String,
    pub province_sigla: String,
    pub posts: i64,
    pub filled: i64,
    pub pending: i64,
}

/// The posts of every province, with its Region.
pub fn posts(
    conn: &mut DbConnection,
    selection_id: &str,
    region: Option<&str>,
) -> Result<Vec<(PostsRow, String)>> {
    let mut q = selection_posts::table
        .inner_join(provinces::table.on(provinces::sigla.eq(selection_posts::province_sigla)))
        .select((PostsRow::as_select(), provinces::region_code))
        .filter(selection_posts::selection_id.eq(selection_id))
        .into_boxed();
    if let Some(r) = region {
        q = q.filter(provinces::region_code.eq(r.to_owned()));
    }
    Ok(q.order(selection_posts::province_sigla).load(conn)?)
}

/// The accepted offers of a selection whose contract is not signed (not
/// drafted yet, or a draft) and still holds its seat, counted per province
/// as `(province, count)`. They are part of the `filled` counter, which
/// holds every accepted seat.
pub fn accepted_unsigned(
    conn: &mut DbConnection,
    selection_id: &str,
) -> Result<Vec<(String, i64)>> {
    Ok(offers::table
        .left_join(contracts::table.on(contracts::offer_id.eq(offers::id)))
        .filter(offers::selection_id.eq(selection_id))
        .filter(offers::status.eq("accepted"))
        .filter(contracts::signed_on.is_null())
        .filter(contracts::seat_released_on.is_null())
        .group_by(offers::province_sigla)
        .select((offers::province_sigla, diesel::dsl::count_star()))
        .load(conn)?)
}

pub fn posts_of(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
) -> Result<Option<PostsRow>> {
    Ok(selection_posts::table
        .select(PostsRow::as_select())
        .filter(selection_posts::selection_id.eq(selection_id))
        .filter(selection_posts::province_sigla.eq(province))
        .first(conn)
        .optional()?)
}

/// Sets the posts of the listed provinces; the others keep theirs. Lowering
/// posts below the seats already taken fails on the table's check.
pub fn set_posts(
    conn: &mut DbConnection,
    selection_id: &str,
    posts: &[(String, i64)],
) -> Result<()> {
    for (province, n) in posts {
        let updated = diesel::update(
            selection_posts::table
                .filter(selection_posts::selection_id.eq(selection_id))
                .filter(selection_posts::province_sigla.eq(province)),
        )
        .set(selection_posts::posts.eq(n))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(selection_posts::table)
                .values((
                    selection_posts::selection_id.eq(selection_id),
                    selection_posts::province_sigla.eq(province),
                    selection_posts::posts.eq(n),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Moves a province's seat counters; the table's check refuses any move that
/// would break `filled + pending <= posts`.
pub fn move_seats(
    conn: &mut DbConnection,
    selection_id: &str,
    province: &str,
    filled: i64,
    pending: i64,
) -> Result<()> {
    diesel::update(
        selection_posts::table
            .filter(selection_posts::selection_id.eq(selection_id))
            .filter(selection_posts::province_sigla.eq(province)),
    )
    .set((
        selection_posts::filled.eq(selection_posts::filled + filled),
        selection_posts::pending.eq(selection_posts::pending + pending),
    ))
    .execute(conn)?;
    Ok(())
}

/// Holds one vacant seat for a call. `false` when none is vacant: the
/// condition is evaluated by the database on the row it locks, so concurrent
/// calls from any number of processes never overfill a province.
pub fn hold_seat(conn: &mut DbConnection, selection_id: &str, province: &str) -> Result<bool> {
    let n = diesel::update(
        selection_posts::table
            .filter(selection_posts::selection_id.eq(selection_id))
            .filter(selection_posts::province_sigla.eq(province))
            .filter(
                (selection_posts::filled + selection_posts::pending).lt(selection_posts::posts),
            ),
    )
    .set(selection_posts::pending.eq(selection_posts::pending + 1))
    .execute(conn)?;
    Ok(n == 1)
}
