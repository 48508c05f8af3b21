//! The monitoring indicators (DOMAIN.md §11) as of a day D, by area: what
//! counts on D, and the sums. A person counts once.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::contract::{ContractDates, ContractStatus, EndCause};
use crate::equipment::KitPart;

pub mod series;

/// Where a fact lies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    pub region: String,
    pub province: String,
}

/// How the rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Region,
    Province,
}

impl GroupBy {
    fn key(self, p: &Place) -> &str {
        match self {
            Self::Region => &p.region,
            Self::Province => &p.province,
        }
    }
}

// ------------------------------------------------------------ what counts on D

/// Contracted on D: signed on or before D, ended or not.
pub fn contracted_on(c: &ContractDates, d: NaiveDate) -> bool {
    c.signed_on.is_some_and(|s| s <= d)
}

/// Active on D: started, not suspended, not ended (a resignation effective
/// on D ends it on D).
pub fn active_on(c: &ContractDates, d: NaiveDate) -> bool {
    c.status_on(d) == ContractStatus::Active
}

/// Resigned by D: ended by resignation with effect on or before D.
pub fn resigned_by(c: &ContractDates, d: NaiveDate) -> bool {
    matches!(c.early_end, Some((EndCause::Resigned, on)) if on <= d) && c.signed_on.is_some()
}

/// Ended by D, whatever the cause.
pub fn ended_by(c: &ContractDates, d: NaiveDate) -> bool {
    c.signed_on.is_some() && c.status_on(d) == ContractStatus::Ended
}

/// A day something filled or happened counts from that day on.
pub fn reached_by(day: Option<NaiveDate>, d: NaiveDate) -> bool {
    day.is_some_and(|x| x <= d)
}

/// A CPI has had a Navigator on some day up to D once an assignment to it
/// has started, on D or before, whether or not it is still open; one
/// closed before it started never gave it one.
pub fn assigned_by(from: NaiveDate, to: Option<NaiveDate>, d: NaiveDate) -> bool {
    from <= d && to.is_none_or(|t| from <= t)
}

/// What became of an offer by D.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferOn {
    Pending,
    Accepted,
    Declined,
    Lapsed,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFacts {
    pub place: Place,
    pub called_on: NaiveDate,
    /// The moment it lapses unless answered.
    pub deadline: DateTime<Utc>,
    /// The final status and its day, once decided.
    pub outcome: Option<(OfferOn, NaiveDate)>,
    /// For an accepted offer: the first day its contract no longer holds
    /// the seat (the contract's end).
    pub seat_released_on: Option<NaiveDate>,
}

impl OfferFacts {
    /// Its state on D, taken at `moment` (see [`compute`]); `None` before
    /// the call. Pending means called by D, not decided by D, and its
    /// deadline not passed by then; an undecided offer whose deadline has
    /// passed counts as lapsed whether or not the lapse has been written.
    pub fn on(&self, d: NaiveDate, moment: DateTime<Utc>) -> Option<OfferOn> {
        if self.called_on > d {
            return None;
        }
        match self.outcome {
            Some((status, day)) if day <= d => Some(status),
            _ if self.deadline < moment => Some(OfferOn::Lapsed),
            _ => Some(OfferOn::Pending),
        }
    }

    /// Whether it fills a seat on D: accepted, its contract not ended.
    pub fn fills_seat_on(&self, d: NaiveDate, moment: DateTime<Utc>) -> bool {
        self.on(d, moment) == Some(OfferOn::Accepted) && !reached_by(self.seat_released_on, d)
    }
}

/// A person's facts for the indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub place: Place,
    pub contract: ContractDates,
    /// The days each bucket filled and the whole path completed.
    pub classroom_filled_on: Option<NaiveDate>,
    pub distance_filled_on: Option<NaiveDate>,
    pub on_the_job_filled_on: Option<NaiveDate>,
    pub path_completed_on: Option<NaiveDate>,
}

/// One item held by a Navigator from `from` until the day it left
/// (`until`, excluded: returned on that day, not held on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub navigator: String,
    pub part: KitPart,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Holding {
    pub fn held_on(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d < u)
    }
}

/// Everything the indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Navigators by id.
    pub people: BTreeMap<String, PersonFacts>,
    pub offers: Vec<OfferFacts>,
    /// Posts of each province, from the day their selection was published.
    pub posts: Vec<(Place, i64, NaiveDate)>,
    /// CPI assignments: `(cpi code, the CPI's place, from, to)`.
    pub assignments: Vec<(String, Place, NaiveDate, Option<NaiveDate>)>,
    /// Validated on-the-job logs: `(cpi code, the CPI's place, day)`.
    pub ojt_days: Vec<(String, Place, NaiveDate)>,
    pub holdings: Vec<Holding>,
}

/// The indicators of one area, named as in API.md.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Indicators {
    pub contracted: i64,
    pub active: i64,
    pub posts: i64,
    pub seats_filled: i64,
    pub seats_vacant: i64,
    pub offers_pending: i64,
    pub calls_made: i64,
    pub offers_declined: i64,
    pub offers_lapsed: i64,
    pub resigned: i64,
    pub classroom_completed: i64,
    pub distance_completed: i64,
    pub on_the_job_completed: i64,
    pub path_completed: i64,
    pub cpis_with_navigators: i64,
    pub cpis_with_on_the_job: i64,
    pub regions_with_navigators: i64,
    pub equipped: i64,
    pub items_outstanding_after_end: i64,
}

impl Indicators {
    /// The names, in the order of API.md (the CSV header).
    pub const NAMES: [&'static str; 19] = [
        "contracted",
        "active",
        "posts",
        "seats_filled",
        "seats_vacant",
        "offers_pending",
        "calls_made",
        "offers_declined",
        "offers_lapsed",
        "resigned",
        "classroom_completed",
        "distance_completed",
        "on_the_job_completed",
        "path_completed",
        "cpis_with_navigators",
        "cpis_with_on_the_job",
        "regions_with_navigators",
        "equipped",
        "items_outstanding_after_end",
    ];

    pub fn values(&self) -> [i64; 19] {
        [
            self.contracted,
            self.active,
            self.posts,
            self.seats_filled,
            self.seats_vacant,
            self.offers_pending,
            self.calls_made,
            self.offers_declined,
            self.offers_lapsed,
            self.resigned,
            self.classroom_completed,
            self.distance_completed,
            self.on_the_job_completed,
            self.path_completed,
            self.cpis_with_navigators,
            self.cpis_with_on_the_job,
            self.regions_with_navigators,
            self.equipped,
            self.items_outstanding_after_end,
        ]
    }
}

/// Distinct things counted per area.
#[derive(Default)]
struct Tally {
    n: Indicators,
    filled: i64,
    pending: i64,
    posts: i64,
    cpis: BTreeSet<String>,
    ojt_cpis: BTreeSet<String>,
    regions: BTreeSet<String>,
}

impl Tally {
    fn finish(mut self) -> Indicators {
        self.n.posts = self.posts;
        self.n.seats_filled = self.filled;
        self.n.offers_pending = self.pending;
        self.n.seats_vacant = (self.posts - self.filled - self.pending).max(0);
        self.n.cpis_with_navigators = self.cpis.len() as i64;
        self.n.cpis_with_on_the_job = self.ojt_cpis.len() as i64;
        self.n.regions_with_navigators = self.regions.len() as i64;
        self.n
    }
}

/// The indicators on D of everything `keep` admits, in one total and, with
/// `group_by`, one row per area (keyed by ISTAT code of the Region or sigla
/// of the province).
///
/// `moment` is when D's figures are taken, excluded: the first moment of
/// the day after D or, while D has not ended, the moment of asking (what
/// may still happen later on D is not known yet). Offer deadlines before it
/// have passed.
pub fn compute(
    records: &Records,
    d: NaiveDate,
    moment: DateTime<Utc>,
    keep: impl Fn(&Place) -> bool,
    group_by: Option<GroupBy>,
) -> (Indicators, BTreeMap<String, Indicators>) {
    let mut total = Tally::default();
    let mut rows: BTreeMap<String, Tally> = BTreeMap::new();
    let mut each = |place: &Place, f: &mut dyn FnMut(&mut Tally)| {
        if !keep(place) {
            return;
        }
        f(&mut total);
        if let Some(g) = group_by {
            f(rows.entry(g.key(place).to_owned()).or_default());
        }
    };

    // Who is equipped, and who holds what, on D.
    let mut parts_held: BTreeMap<&str, BTreeSet<KitPart>> = BTreeMap::new();
    let mut items_held: BTreeMap<&str, i64> = BTreeMap::new();
    for h in records.holdings.iter().filter(|h| h.held_on(d)) {
        parts_held.entry(&h.navigator).or_default().insert(h.part);
        *items_held.entry(&h.navigator).or_default() += 1;
    }

    for (id, p) in &records.people {
        let c = &p.contract;
        let equipped = parts_held
            .get(id.as_str())
            .is_some_and(|held| KitPart::ALL.iter().all(|k| held.contains(k)));
        let outstanding = if ended_by(c, d) {
            items_held.get(id.as_str()).copied().unwrap_or(0)
        } else {
            0
        };
        each(&p.place, &mut |t: &mut Tally| {
            let n = &mut t.n;
            n.contracted += i64::from(contracted_on(c, d));
            n.active += i64::from(active_on(c, d));
            n.resigned += i64::from(resigned_by(c, d));
            n.classroom_completed += i64::from(reached_by(p.classroom_filled_on, d));
            n.distance_completed += i64::from(reached_by(p.distance_filled_on, d));
            n.on_the_job_completed += i64::from(reached_by(p.on_the_job_filled_on, d));
            n.path_completed += i64::from(reached_by(p.path_completed_on, d));
            n.equipped += i64::from(equipped);
            n.items_outstanding_after_end += outstanding;
            if active_on(c, d) {
                t.regions.insert(p.place.region.clone());
            }
        });
    }
    for o in &records.offers {
        let Some(state) = o.on(d, moment) else {
            continue;
        };
        let fills = o.fills_seat_on(d, moment);
        each(&o.place, &mut |t: &mut Tally| {
            t.n.calls_made += 1;
            match state {
                OfferOn::Pending => t.pending += 1,
                OfferOn::Declined => t.n.offers_declined += 1,
                OfferOn::Lapsed => t.n.offers_lapsed += 1,
                OfferOn::Accepted | OfferOn::Withdrawn => {}
            }
            t.filled += i64::from(fills);
        });
    }
    for (place, posts, from) in &records.posts {
        if *from <= d {
            each(place, &mut |t: &mut Tally| t.posts += posts);
        }
    }
    for (cpi, place, from, to) in &records.assignments {
        if assigned_by(*from, *to, d) {
            each(place, &mut |t: &mut Tally| {
                t.cpis.insert(cpi.clone());
            });
        }
    }
    for (cpi, place, day) in &records.ojt_days {
        if *day <= d {
            each(place, &mut |t: &mut Tally| {
                t.ojt_cpis.insert(cpi.clone());
            });
        }
    }
    (
        total.finish(),
        rows.into_iter().map(|(k, t)| (k, t.finish())).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Suspension;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The moment a day's figures are taken once it has ended (in these
    /// tests' clock, UTC).
    fn end(s: &str) -> DateTime<Utc> {
        d(s).succ_opt()
            .unwrap()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
    }

    /// A moment of a day, `hh:mm` UTC.
    fn at(s: &str, hm: &str) -> DateTime<Utc> {
        chrono::NaiveDateTime::parse_from_str(&format!("{s} {hm}"), "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
    }

    /// On D, once it has ended.
    fn compute_on(
        r: &Records,
        day: &str,
        keep: impl Fn(&Place) -> bool,
        group_by: Option<GroupBy>,
    ) -> (Indicators, BTreeMap<String, Indicators>) {
        compute(r, d(day), end(day), keep, group_by)
    }

    fn place(region: &str, province: &str) -> Place {
        Place {
            region: region.into(),
            province: province.into(),
        }
    }

    fn contract(signed: &str, start: &str) -> ContractDates {
        ContractDates {
            signed_on: Some(d(signed)),
            start_date: Some(d(start)),
            end_date: Some(d("2021-04-30")),
            early_end: None,
            suspensions: vec![],
            cancelled_on: None,
        }
    }

    fn person(region: &str, province: &str, c: ContractDates) -> PersonFacts {
        PersonFacts {
            place: place(region, province),
            contract: c,
            classroom_filled_on: None,
            distance_filled_on: None,
            on_the_job_filled_on: None,
            path_completed_on: None,
        }
    }

    #[test]
    fn a_contract_signed_on_d_counts_on_d() {
        let c = contract("2019-07-29", "2019-08-01");
        assert!(!contracted_on(&c, d("2019-07-28")));
        assert!(contracted_on(&c, d("2019-07-29")));
        assert!(!active_on(&c, d("2019-07-31")));
        assert!(active_on(&c, d("2019-08-01")));
    }

    #[test]
    fn a_resignation_effective_on_d_ends_it_on_d() {
        let mut c = contract("2019-07-29", "2019-08-01");
        c.early_end = Some((EndCause::Resigned, d("2019-11-15")));
        assert!(active_on(&c, d("2019-11-14")));
        assert!(!resigned_by(&c, d("2019-11-14")));
        assert!(!active_on(&c, d("2019-11-15")));
        assert!(resigned_by(&c, d("2019-11-15")));
        assert!(ended_by(&c, d("2019-11-15")));
        // Still contracted: ended or not.
        assert!(contracted_on(&c, d("2019-12-31")));
    }

    #[test]
    fn a_suspended_contract_is_not_active() {
        let mut c = contract("2019-07-29", "2019-08-01");
        c.suspensions.push(Suspension {
            from: d("2019-10-01"),
            to: d("2019-10-10"),
        });
        assert!(!active_on(&c, d("2019-10-05")));
        assert!(active_on(&c, d("2019-10-11")));
    }

    #[test]
    fn a_bucket_that_fills_on_d_is_complete_on_d() {
        assert!(!reached_by(Some(d("2019-10-03")), d("2019-10-02")));
        assert!(reached_by(Some(d("2019-10-03")), d("2019-10-03")));
        assert!(!reached_by(None, d("2030-01-01")));
    }

    #[test]
    fn an_assignment_counts_from_its_first_day_on() {
        assert!(!assigned_by(d("2019-09-02"), None, d("2019-09-01")));
        assert!(assigned_by(d("2019-09-02"), None, d("2019-09-02")));
        assert!(assigned_by(
            d("2019-09-02"),
            Some(d("2019-09-30")),
            d("2019-09-30")
        ));
        // Closed, it still counts: the CPI had a Navigator on some day up to D.
        assert!(assigned_by(
            d("2019-09-02"),
            Some(d("2019-09-30")),
            d("2019-10-01")
        ));
        // Closed before it started: never a day with a Navigator.
        assert!(!assigned_by(
            d("2019-09-02"),
            Some(d("2019-09-01")),
            d("2019-10-01")
        ));
    }

    #[test]
    fn offers_count_by_their_days() {
        let o = OfferFacts {
            place: place("12", "RM"),
            called_on: d("2019-07-01"),
            deadline: at("2019-07-08", "10:00"),
            outcome: Some((OfferOn::Accepted, d("2019-07-03"))),
            seat_released_on: Some(d("2019-11-15")),
        };
        let on = |day: &str| o.on(d(day), end(day));
        assert_eq!(on("2019-06-30"), None);
        assert_eq!(on("2019-07-02"), Some(OfferOn::Pending));
        assert_eq!(on("2019-07-03"), Some(OfferOn::Accepted));
        // Answered in time: its deadline no longer matters.
        assert_eq!(on("2019-07-10"), Some(OfferOn::Accepted));
        assert!(o.fills_seat_on(d("2019-11-14"), end("2019-11-14")));
        assert!(!o.fills_seat_on(d("2019-11-15"), end("2019-11-15")));
    }

    #[test]
    fn an_offer_past_its_deadline_is_not_pending_whether_or_not_its_lapse_is_written() {
        let unwritten = OfferFacts {
            place: place("12", "RM"),
            called_on: d("2019-07-01"),
            deadline: at("2019-07-08", "10:00"),
            outcome: None,
            seat_released_on: None,
        };
        // The lapse written late, on the 12th, and the lapse written on time.
        let late = OfferFacts {
            outcome: Some((OfferOn::Lapsed, d("2019-07-12"))),
            ..unwritten.clone()
        };
        let on_time = OfferFacts {
            outcome: Some((OfferOn::Lapsed, d("2019-07-08"))),
            ..unwritten.clone()
        };
        for o in [&unwritten, &late, &on_time] {
            let on = |day: &str| o.on(d(day), end(day));
            assert_eq!(on("2019-07-07"), Some(OfferOn::Pending), "{o:?}");
            // The deadline passed during the 8th: lapsed on the 8th.
            assert_eq!(on("2019-07-08"), Some(OfferOn::Lapsed), "{o:?}");
            assert_eq!(on("2019-07-10"), Some(OfferOn::Lapsed), "{o:?}");
            // Asked on the 8th before the deadline: still pending.
            assert_eq!(
                o.on(d("2019-07-08"), at("2019-07-08", "09:59")),
                if o.outcome == on_time.outcome {
                    Some(OfferOn::Lapsed)
                } else {
                    Some(OfferOn::Pending)
                },
                "{o:?}"
            );
        }

        // In the figures: a call, a lapse, no pending offer and the seat vacant.
        let r = Records {
            posts: vec![(place("12", "RM"), 1, d("2019-04-18"))],
            offers: vec![unwritten],
            ..Records::default()
        };
        let (t, _) = compute_on(&r, "2019-07-10", |_| true, None);
        assert_eq!(
            (
                t.calls_made,
                t.offers_pending,
                t.offers_lapsed,
                t.seats_vacant
            ),
            (1, 0, 1, 1)
        );
        let (t, _) = compute_on(&r, "2019-07-07", |_| true, None);
        assert_eq!(
            (
                t.calls_made,
                t.offers_pending,
                t.offers_lapsed,
                t.seats_vacant
            ),
            (1, 1, 0, 0)
        );
    }

    #[test]
    fn a_cpi_counts_once_it_has_had_a_navigator_even_after_they_moved() {
        // Moved from RM-01 to RM-02 on 1 October; an assignment to RM-03
        // was closed before its first day.
        let assignments = vec![
            (
                "RM-01".into(),
                place("12", "RM"),
                d("2019-09-02"),
                Some(d("2019-09-30")),
            ),
            ("RM-02".into(), place("12", "RM"), d("2019-10-01"), None),
            (
                "RM-03".into(),
                place("12", "RM"),
                d("2019-11-01"),
                Some(d("2019-10-31")),
            ),
        ];
        let r = Records {
            assignments,
            ..Records::default()
        };
        let cpis = |day: &str| compute_on(&r, day, |_| true, None).0.cpis_with_navigators;
        assert_eq!(cpis("2019-09-01"), 0);
        assert_eq!(cpis("2019-09-02"), 1);
        assert_eq!(cpis("2019-10-15"), 2, "RM-01 had a Navigator up to D");
        assert_eq!(cpis("2019-12-31"), 2);
    }

    #[test]
    fn a_region_counts_only_with_a_navigator_active_on_d() {
        let mut r = Records::default();
        // Lazio: signed on 29 July, not started before 1 August; suspended
        // through October. Campania: one resigned on 15 November.
        let mut a = person("12", "RM", contract("2019-07-29", "2019-08-01"));
        a.contract.suspensions.push(Suspension {
            from: d("2019-10-01"),
            to: d("2019-10-31"),
        });
        let mut b = person("15", "NA", contract("2019-07-29", "2019-07-29"));
        b.contract.early_end = Some((EndCause::Resigned, d("2019-11-15")));
        r.people.insert("a".into(), a);
        r.people.insert("b".into(), b);
        let regions = |day: &str| {
            compute_on(&r, day, |_| true, None)
                .0
                .regions_with_navigators
        };
        assert_eq!(regions("2019-07-30"), 1, "Lazio's contract has not started");
        assert_eq!(regions("2019-08-01"), 2);
        assert_eq!(regions("2019-10-15"), 1, "Lazio's Navigator is suspended");
        assert_eq!(regions("2019-11-14"), 2);
        assert_eq!(regions("2019-11-15"), 1, "Campania's resigned");
    }

    #[test]
    fn an_item_returned_on_d_is_not_held_on_d() {
        let h = Holding {
            navigator: "n".into(),
            part: KitPart::Tablet,
            from: d("2019-08-01"),
            until: Some(d("2019-12-01")),
        };
        assert!(!h.held_on(d("2019-07-31")));
        assert!(h.held_on(d("2019-08-01")));
        assert!(h.held_on(d("2019-11-30")));
        assert!(!h.held_on(d("2019-12-01")));
    }

    fn small_programme() -> Records {
        let mut r = Records::default();
        // Lazio: one active, one resigned on 15 November; Campania: one.
        let mut a = person("12", "RM", contract("2019-07-29", "2019-08-01"));
        a.classroom_filled_on = Some(d("2019-08-10"));
        a.on_the_job_filled_on = Some(d("2019-12-20"));
        let mut b = person("12", "LT", contract("2019-07-29", "2019-08-01"));
        b.contract.early_end = Some((EndCause::Resigned, d("2019-11-15")));
        b.classroom_filled_on = Some(d("2019-08-12"));
        let c = person("15", "NA", contract("2019-11-20", "2019-11-20"));
        r.people.insert("a".into(), a);
        r.people.insert("b".into(), b);
        r.people.insert("c".into(), c);
        let notice = d("2019-04-18");
        r.posts = vec![
            (place("12", "RM"), 2, notice),
            (place("12", "LT"), 1, notice),
            (place("15", "NA"), 1, notice),
        ];
        let offer = |p: Place,
                     called: &str,
                     outcome: Option<(OfferOn, &str)>,
                     released: Option<&str>| OfferFacts {
            place: p,
            called_on: d(called),
            deadline: d(called)
                .checked_add_days(chrono::Days::new(7))
                .unwrap()
                .and_time(chrono::NaiveTime::MIN)
                .and_utc(),
            outcome: outcome.map(|(o, day)| (o, d(day))),
            seat_released_on: released.map(d),
        };
        r.offers = vec![
            offer(
                place("12", "RM"),
                "2019-07-01",
                Some((OfferOn::Accepted, "2019-07-02")),
                None,
            ),
            offer(
                place("12", "LT"),
                "2019-07-01",
                Some((OfferOn::Accepted, "2019-07-02")),
                Some("2019-11-15"),
            ),
            offer(
                place("12", "RM"),
                "2019-07-01",
                Some((OfferOn::Declined, "2019-07-03")),
                None,
            ),
            offer(
                place("12", "RM"),
                "2019-07-04",
                Some((OfferOn::Lapsed, "2019-07-11")),
                None,
            ),
            offer(
                place("15", "NA"),
                "2019-11-01",
                Some((OfferOn::Accepted, "2019-11-05")),
                None,
            ),
            offer(place("12", "LT"), "2019-12-28", None, None),
        ];
        r.assignments = vec![("RM-01".into(), place("12", "RM"), d("2019-09-02"), None)];
        r.ojt_days = vec![("RM-01".into(), place("12", "RM"), d("2019-09-10"))];
        r.holdings = KitPart::ALL
            .iter()
            .map(|p| Holding {
                navigator: "a".into(),
                part: *p,
                from: d("2019-08-01"),
                until: None,
            })
            .chain(std::iter::once(Holding {
                navigator: "b".into(),
                part: KitPart::Tablet,
                from: d("2019-08-01"),
                until: None,
            }))
            .collect();
        r
    }

    #[test]
    fn the_small_programme_on_31_december_2019() {
        let r = small_programme();
        let (total, rows) = compute_on(&r, "2019-12-31", |_| true, Some(GroupBy::Region));
        assert_eq!(total.contracted, 3);
        assert_eq!(total.active, 2);
        assert_eq!(total.resigned, 1);
        assert_eq!(total.posts, 4);
        // RM 1 filled; LT released, then a pending call; NA filled.
        assert_eq!(
            (total.seats_filled, total.offers_pending, total.seats_vacant),
            (2, 1, 1)
        );
        assert_eq!(
            (total.calls_made, total.offers_declined, total.offers_lapsed),
            (6, 1, 1)
        );
        // Completing then resigning still counts.
        assert_eq!(total.classroom_completed, 2);
        assert_eq!(total.on_the_job_completed, 1);
        assert_eq!(total.path_completed, 0);
        // Campania's Navigator is contracted but in no CPI.
        assert_eq!(
            (total.cpis_with_navigators, total.cpis_with_on_the_job),
            (1, 1)
        );
        assert_eq!(total.regions_with_navigators, 2);
        assert_eq!(total.equipped, 1);
        assert_eq!(total.items_outstanding_after_end, 1);
        assert_eq!(rows["15"].contracted, 1);
        assert_eq!(rows["15"].cpis_with_navigators, 0);
        assert_eq!(rows["12"].contracted, 2);
        // The rows add up to the total for the counts that are sums.
        let sum: i64 = rows.values().map(|r| r.contracted).sum();
        assert_eq!(sum, total.contracted);
    }

    #[test]
    fn before_the_first_call_only_the_posts_count() {
        let r = small_programme();
        let (total, _) = compute_on(&r, "2019-06-01", |_| true, None);
        assert_eq!(
            total,
            Indicators {
                posts: 4,
                seats_vacant: 4,
                ..Indicators::default()
            }
        );
        let (before, _) = compute_on(&r, "2019-04-17", |_| true, None);
        assert_eq!(before, Indicators::default(), "before the selection, zeros");
    }

    #[test]
    fn an_area_keeps_only_its_facts() {
        let r = small_programme();
        let (lt, rows) = compute_on(
            &r,
            "2019-12-31",
            |p| p.province == "LT",
            Some(GroupBy::Province),
        );
        assert_eq!(lt.contracted, 1);
        assert_eq!(lt.posts, 1);
        assert_eq!((lt.seats_filled, lt.offers_pending), (0, 1));
        assert_eq!(rows.keys().collect::<Vec<_>>(), vec!["LT"]);
        assert_eq!(Indicators::NAMES.len(), lt.values().len());
    }
}
