//! The neighbours of a province for the fallback of scorrimento (DOMAIN.md
//! §5.3): the provinces whose reserves an exhausted province calls from. By
//! default every other province of its Region; HR may set a list of its own
//! per selection and province, always within the Region.

use std::collections::{BTreeMap, BTreeSet};

use crate::reference::ProvinceSigla;
use crate::violation::{Violation, Violations};
use crate::RuleCode;

/// One province's list as HR sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighboursInput<'a> {
    pub province: &'a str,
    pub neighbours: &'a [String],
}

/// One province's list, checked. An empty list gives the province back
/// its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourList {
    pub province: ProvinceSigla,
    pub neighbours: Vec<ProvinceSigla>,
}

/// Checks the lists HR sets, every broken rule named by its field
/// (`[i].province`, `[i].neighbours[j]`): each province exists and is listed
/// once; each neighbour exists, is not the province itself, is a province of
/// the same Region and is listed once. `region_of` maps every province's
/// sigla to its Region's code.
pub fn check_neighbours(
    items: &[NeighboursInput<'_>],
    region_of: &BTreeMap<String, String>,
) -> Result<Vec<NeighbourList>, Violations> {
    let mut v = Violations::new();
    let mut out: Vec<NeighbourList> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = format!("[{i}].province");
        let province = match ProvinceSigla::parse(&field, item.province) {
            Ok(p) => p,
            Err(e) => {
                v.push(e);
                continue;
            }
        };
        let Some(region) = region_of.get(province.as_str()) else {
            v.push(Violation::new(field, RuleCode::UnknownProvince).with_detail(province.as_str()));
            continue;
        };
        if out.iter().any(|l| l.province == province) {
            v.push(Violation::new(field, RuleCode::Duplicate).with_detail(province.as_str()));
            continue;
        }
        let mut neighbours: Vec<ProvinceSigla> = Vec::with_capacity(item.neighbours.len());
        for (j, raw) in item.neighbours.iter().enumerate() {
            let field = format!("[{i}].neighbours[{j}]");
            let n = match ProvinceSigla::parse(&field, raw) {
                Ok(n) => n,
                Err(e) => {
                    v.push(e);
                    continue;
                }
            };
            match region_of.get(n.as_str()) {
                None => {
                    v.push(
                        Violation::new(field, RuleCode::UnknownProvince).with_detail(n.as_str()),
                    );
                }
                Some(_) if n == province => {
                    v.push(
                        Violation::new(field, RuleCode::NeighbourIsTheProvince)
                            .with_detail(n.as_str()),
                    );
                }
                Some(r) if r != region => v.push(
                    Violation::new(field, RuleCode::NeighbourInAnotherRegion)
                        .with_detail(n.as_str()),
                ),
                Some(_) if neighbours.contains(&n) => {
                    v.push(Violation::new(field, RuleCode::Duplicate).with_detail(n.as_str()));
                }
                Some(_) => neighbours.push(n),
            }
        }
        out.push(NeighbourList {
            province,
            neighbours,
        });
    }
    v.into_result(out)
}

/// The provinces a fallback from `province` calls from: the list set for
/// the selection, or by default every other province of its Region
/// (`region` lists the Region's provinces). Each once, in sigla order.
pub fn fallback_neighbours(province: &str, set: &[String], region: &[String]) -> Vec<String> {
    let from = if set.is_empty() { region } else { set };
    from.iter()
        .filter(|p| p.as_str() != province)
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Param;

    fn regions() -> BTreeMap<String, String> {
        [
            ("RM", "12"),
            ("LT", "12"),
            ("FR", "12"),
            ("VT", "12"),
            ("RI", "12"),
            ("NA", "15"),
        ]
        .into_iter()
        .map(|(p, r)| (p.to_owned(), r.to_owned()))
        .collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_list_within_the_region_is_kept_normalised() {
        let n = strings(&["lt", "FR"]);
        let got = check_neighbours(
            &[NeighboursInput {
                province: "rm",
                neighbours: &n,
            }],
            &regions(),
        )
        .unwrap();
        assert_eq!(got[0].province.as_str(), "RM");
        let names: Vec<_> = got[0]
            .neighbours
            .iter()
            .map(ProvinceSigla::as_str)
            .collect();
        assert_eq!(names, vec!["LT", "FR"]);
    }

    #[test]
    fn every_broken_rule_is_named_by_its_field() {
        let rm = strings(&["NA", "RM", "LT", "lt", "XX", "1"]);
        let empty: Vec<String> = Vec::new();
        let e = check_neighbours(
            &[
                NeighboursInput {
                    province: "RM",
                    neighbours: &rm,
                },
                NeighboursInput {
                    province: "ZZ",
                    neighbours: &empty,
                },
                NeighboursInput {
                    province: "rm",
                    neighbours: &empty,
                },
            ],
            &regions(),
        )
        .unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| {
                    let detail = match &v.detail {
                        Some(Param::Text(t)) => t.as_str(),
                        _ => "",
                    };
                    (v.field.as_str(), v.code.as_str(), detail)
                })
                .collect();
        assert_eq!(
            got,
            vec![
                ("[0].neighbours[0]", "neighbour-in-another-region", "NA"),
                ("[0].neighbours[1]", "neighbour-is-the-province", "RM"),
                ("[0].neighbours[3]", "duplicate", "LT"),
                ("[0].neighbours[4]", "unknown-province", "XX"),
                ("[0].neighbours[5]", "invalid-province-sigla", "1"),
                ("[1].province", "unknown-province", "ZZ"),
                ("[2].province", "duplicate", "RM"),
            ]
        );
    }

    #[test]
    fn without_a_list_the_fallback_takes_the_whole_region() {
        let region = strings(&["VT", "RM", "LT", "FR", "RI"]);
        assert_eq!(
            fallback_neighbours("RM", &[], &region),
            strings(&["FR", "LT", "RI", "VT"])
        );
        assert_eq!(
            fallback_neighbours("RM", &strings(&["LT"]), &region),
            strings(&["LT"])
        );
    }
}
