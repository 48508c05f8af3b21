//! The indicators' records, from their rows to the facts the rules of
//! `domain::indicators` count.

use std::collections::{BTreeMap, HashMap};

use domain::contract::{ContractDates, Suspension};
use domain::equipment::KitPart;
use domain::indicators::{Holding, OfferFacts, OfferOn, PersonFacts, Place, Records};
use persistence::indicators::{ContractDays, IndicatorRecords};

use crate::error::{ApiError, ApiResult};

fn contract_dates(c: &ContractDays, suspensions: &[Suspension]) -> ApiResult<ContractDates> {
    let early_end = c.early_end()?;
    Ok(ContractDates {
        signed_on: c.signed_on,
        start_date: c.start_date,
        end_date: Some(c.end_date),
        early_end,
        suspensions: suspensions.to_vec(),
        cancelled_on: c.cancelled_on,
    })
}

fn offer_on(status: &str) -> ApiResult<Option<OfferOn>> {
    Ok(match status {
        "pending" => None,
        "accepted" => Some(OfferOn::Accepted),
        "declined" => Some(OfferOn::Declined),
        "lapsed" => Some(OfferOn::Lapsed),
        "withdrawn" => Some(OfferOn::Withdrawn),
        _ => return Err(ApiError::Internal),
    })
}

pub fn records(rows: IndicatorRecords) -> ApiResult<Records> {
    let mut suspensions: HashMap<String, Vec<Suspension>> = HashMap::new();
    for s in &rows.suspensions {
        suspensions
            .entry(s.contract_id.clone())
            .or_default()
            .push(Suspension {
                from: s.from_day,
                to: s.to_day,
            });
    }
    let none = Vec::new();
    let dates_of = |c: &ContractDays| contract_dates(c, suspensions.get(&c.id).unwrap_or(&none));
    let fill: HashMap<String, persistence::training::FillDays> =
        rows.fill_days.into_iter().collect();

    let mut people = BTreeMap::new();
    for (nav, contract) in &rows.people {
        let days = fill.get(&nav.id).copied().unwrap_or_default();
        people.insert(
            nav.id.clone(),
            PersonFacts {
                place: Place {
                    region: nav.region_code.clone(),
                    province: nav.province_sigla.clone(),
                },
                contract: dates_of(contract)?,
                classroom_filled_on: days.classroom,
                distance_filled_on: days.distance,
                on_the_job_filled_on: days.on_the_job,
                path_completed_on: days.completed,
            },
        );
    }

    let mut offers = Vec::new();
    for o in &rows.offers {
        // Offers made before their days were recorded have none: not counted.
        let Some(called_on) = o.called_on else {
            continue;
        };
        let mut outcome =
            offer_on(&o.status)?.map(|status| (status, o.decided_on.unwrap_or(called_on)));
        // The offer of a cancelled draft was withdrawn at the cancellation,
        // but accepted from its decision day: it filled the seat until then.
        if let (Some(c), Some((OfferOn::Withdrawn, day))) = (&o.contract, outcome) {
            if c.cancelled_on.is_some() {
                outcome = Some((OfferOn::Accepted, day));
            }
        }
        // A signed contract gives the seat back when it ends; a draft keeps
        // it whatever its provisional end, unless it was ended early or
        // cancelled.
        let seat_released_on = match &o.contract {
            Some(c) if c.signed_on.is_some() => dates_of(c)?.ended_from(),
            Some(c) => c.cancelled_on.or(c.end_effective_on),
            None => None,
        };
        offers.push(OfferFacts {
            place: Place {
                region: o.region.clone(),
                province: o.province.clone(),
            },
            called_on,
            deadline: o.deadline,
            outcome,
            seat_released_on,
        });
    }

    // Past holdings: each assignment an end movement closed. The open one
    // an item may have after them is among the current holdings.
    let mut holdings = Vec::with_capacity(rows.current_holdings.len());
    let mut open: Option<(String, String, KitPart, chrono::NaiveDate)> = None;
    for m in &rows.movements {
        if open.as_ref().is_some_and(|(item, ..)| *item != m.item_id) {
            open = None;
        }
        match m.movement.as_str() {
            "assign" => {
                let part = m.kit_part()?;
                let navigator = m.navigator_id.clone().ok_or(ApiError::Internal)?;
                open = Some((m.item_id.clone(), navigator, part, m.day));
            }
            "return" | "write-off" | "deprovision" => {
                if let Some((_, navigator, part, from)) = open.take() {
                    holdings.push(Holding {
                        navigator,
                        part,
                        from,
                        until: Some(m.day),
                    });
                }
            }
            _ => {}
        }
    }
    for (navigator, part, from) in rows.current_holdings {
        holdings.push(Holding {
            navigator,
            part,
            from,
            until: None,
        });
    }

    Ok(Records {
        people,
        offers,
        posts: rows
            .posts
            .into_iter()
            .map(|(region, province, posts, from)| (Place { region, province }, posts, from))
            .collect(),
        assignments: rows
            .assignments
            .into_iter()
            .map(|(cpi, region, province, from, to)| (cpi, Place { region, province }, from, to))
            .collect(),
        ojt_days: rows
            .ojt_first_days
            .into_iter()
            .map(|(cpi, region, province, day)| (cpi, Place { region, province }, day))
            .collect(),
        holdings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use persistence::indicators::MovementRecord;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, 9, d).unwrap()
    }

    fn movement(item: &str, movement: &str, d: u32, navigator: Option<&str>) -> MovementRecord {
        MovementRecord {
            item_id: item.to_owned(),
            movement: movement.to_owned(),
            day: day(d),
            navigator_id: navigator.map(str::to_owned),
            kit_part: "tablet".to_owned(),
        }
    }

    #[test]
    fn past_holdings_come_from_movements_and_the_current_one_from_the_item() {
        let rows = IndicatorRecords {
            // The tablet went from A to B; B holds it today.
            current_holdings: vec![("B".to_owned(), KitPart::Tablet, day(12))],
            movements: vec![
                movement("t1", "assign", 1, Some("A")),
                movement("t1", "return", 10, Some("A")),
                movement("t1", "assign", 12, Some("B")),
                // A SIM written off from C: only a past holding.
                movement("s1", "assign", 2, Some("C")),
                movement("s1", "write-off", 5, Some("C")),
            ],
            ..IndicatorRecords::default()
        };
        let records = records(rows).unwrap();
        let held: Vec<(&str, NaiveDate, Option<NaiveDate>)> = records
            .holdings
            .iter()
            .map(|h| (h.navigator.as_str(), h.from, h.until))
            .collect();
        assert_eq!(
            held,
            vec![
                ("A", day(1), Some(day(10))),
                ("C", day(2), Some(day(5))),
                ("B", day(12), None),
            ],
            "B's holding once, from the item, not again from the open assignment"
        );
        let holders_on = |d: u32| -> Vec<&str> {
            records
                .holdings
                .iter()
                .filter(|h| h.held_on(day(d)))
                .map(|h| h.navigator.as_str())
                .collect()
        };
        assert_eq!(holders_on(9), ["A"]);
        assert_eq!(holders_on(10), Vec::<&str>::new());
        assert_eq!(holders_on(12), ["B"]);
    }
}
