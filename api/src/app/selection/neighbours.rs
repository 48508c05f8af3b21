//! The fallback neighbours of a selection's provinces (DOMAIN.md §5.3): the
//! provinces whose reserves an exhausted province calls from. By default
//! every other province of its Region; HR may set a shorter list.

use std::collections::{BTreeMap, BTreeSet};

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::neighbours::{check_neighbours, fallback_neighbours, NeighboursInput};
use persistence::{audit, neighbours, reference, selection, DbConnection};
use serde::Serialize;

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// The list in force for one province.
#[derive(Debug, Clone, Serialize)]
pub struct NeighboursInForce {
    pub province: String,
    /// Siglas, in order.
    pub neighbours: Vec<String>,
    /// The default (every other province of the Region), not a list HR set.
    pub default: bool,
}

/// The lists in force for every province with posts or a list of its own.
fn lists_in_force(
    conn: &mut DbConnection,
    selection_id: &str,
) -> ApiResult<Vec<NeighboursInForce>> {
    let region_of: BTreeMap<String, String> = reference::list_provinces(conn, None)?
        .into_iter()
        .map(|p| (p.sigla, p.region_code))
        .collect();
    let mut set: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (province, neighbour) in neighbours::all(conn, selection_id)? {
        set.entry(province).or_default().push(neighbour);
    }
    let provinces: BTreeSet<String> = selection::posts(conn, selection_id, None)?
        .into_iter()
        .map(|(p, _)| p.province_sigla)
        .chain(set.keys().cloned())
        .collect();
    provinces
        .into_iter()
        .map(|province| {
            let region = region_of.get(&province).ok_or(ApiError::Internal)?;
            let region_provinces: Vec<String> = region_of
                .iter()
                .filter(|(_, r)| *r == region)
                .map(|(p, _)| p.clone())
                .collect();
            let own = set.get(&province).map(Vec::as_slice).unwrap_or_default();
            Ok(NeighboursInForce {
                neighbours: fallback_neighbours(&province, own, &region_provinces),
                default: own.is_empty(),
                province,
            })
        })
        .collect()
}

/// The lists in force for each province of the selection.
#[derive(Clone)]
pub struct ReadNeighbours {
    pub selection_id: SelectionId,
}

impl UseCase for ReadNeighbours {
    type Outcome = Vec<NeighboursInForce>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<NeighboursInForce>> {
        let sel = load_selection(conn, &self.selection_id)?;
        lists_in_force(conn, &sel.id)
    }
}

/// Sets the lists of the named provinces (the others keep theirs): other
/// provinces of the same Region, each once; an empty list gives a province
/// back the default.
#[derive(Clone)]
pub struct SetNeighbours {
    pub selection_id: SelectionId,
    /// `(province, neighbours)` as HR sends them.
    pub lists: Vec<(String, Vec<String>)>,
}

impl UseCase for SetNeighbours {
    /// The lists in force afterwards.
    type Outcome = Vec<NeighboursInForce>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<NeighboursInForce>> {
        let sel = load_selection(conn, &self.selection_id)?;
        let region_of: BTreeMap<String, String> = reference::list_provinces(conn, None)?
            .into_iter()
            .map(|p| (p.sigla, p.region_code))
            .collect();
        let inputs: Vec<NeighboursInput<'_>> = self
            .lists
            .iter()
            .map(|(province, neighbours)| NeighboursInput {
                province,
                neighbours,
            })
            .collect();
        let lists: Vec<(String, Vec<String>)> = check_neighbours(&inputs, &region_of)?
            .into_iter()
            .map(|l| {
                (
                    l.province.as_str().to_owned(),
                    l.neighbours.iter().map(|n| n.as_str().to_owned()).collect(),
                )
            })
            .collect();
        let before = lists_in_force(conn, &sel.id)?;
        neighbours::set(conn, &sel.id, &lists)?;
        let after = lists_in_force(conn, &sel.id)?;
        audit::append(
            conn,
            &act.audit(),
            "selection.neighbours-set",
            "selection",
            &sel.id,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    }
}
