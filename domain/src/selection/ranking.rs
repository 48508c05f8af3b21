//! The graduatoria of one province (DOMAIN.md §4.4): every candidate at or
//! above the pass mark, strictly ordered, the first `posts` winners
//! (vincitori) and the rest eligible reserves (idonei) for scorrimento. Each
//! position records the criterion that put it ahead of the next one, so the
//! ranking can be defended on appeal.

use crate::RuleCode;
use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::merit::{cmp_application_no, DegreeGrade};
use super::scoring::Score;
use crate::violation::{Violation, Violations};

/// One candidate of a province with a test result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankingEntry {
    pub application_no: String,
    pub score: Score,
    /// Grade with the honours flag; 110 with honours ranks above 110.
    pub degree_grade: DegreeGrade,
    pub birth_date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankingStatus {
    /// Vincitore: placed within the province's posts.
    Winner,
    /// Idoneo: passed, placed beyond the posts; called by scorrimento.
    Reserve,
}

impl RankingStatus {
    pub const ALL: [RankingStatus; 2] = [Self::Winner, Self::Reserve];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Winner => "winner",
            Self::Reserve => "reserve",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// The criterion that put an entry ahead of the next one in the graduatoria,
/// in the order they are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// Higher test score.
    Score,
    /// Same score, higher degree grade.
    DegreeGrade,
    /// Same score and grade (110), honours against none.
    Honours,
    /// Same score and degree, younger (later birth date).
    Age,
    /// Same in everything else, lower application number.
    ApplicationNumber,
    /// The last entry: nobody follows it.
    Last,
}

impl DecidedBy {
    pub const ALL: [DecidedBy; 6] = [
        Self::Score,
        Self::DegreeGrade,
        Self::Honours,
        Self::Age,
        Self::ApplicationNumber,
        Self::Last,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Score => "score",
            Self::DegreeGrade => "degree_grade",
            Self::Honours => "honours",
            Self::Age => "age",
            Self::ApplicationNumber => "application_number",
            Self::Last => "last",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }
}

/// One position of a published graduatoria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedEntry {
    /// 1-based.
    pub position: i64,
    pub application_no: String,
    pub status: RankingStatus,
    /// Why this entry is ahead of the one at `position + 1`.
    pub decided_by: DecidedBy,
}

/// The first criterion on which `a` and `b` differ and the order it gives
/// (`Less`: `a` is ranked ahead). `None` only for two entries alike in
/// every criterion, application number included.
pub fn decide(a: &RankingEntry, b: &RankingEntry) -> Option<(Ordering, DecidedBy)> {
    let steps = [
        (b.score.cmp(&a.score), DecidedBy::Score),
        (
            b.degree_grade.grade().cmp(&a.degree_grade.grade()),
            DecidedBy::DegreeGrade,
        ),
        (
            b.degree_grade.honours().cmp(&a.degree_grade.honours()),
            DecidedBy::Honours,
        ),
        // A later birth date is a younger candidate, ranked ahead.
        (b.birth_date.cmp(&a.birth_date), DecidedBy::Age),
        (
            cmp_application_no(&a.application_no, &b.application_no),
            DecidedBy::ApplicationNumber,
        ),
    ];
    steps.into_iter().find(|(o, _)| o.is_ne())
}

/// The graduatoria order: score desc, degree grade desc (honours above 110),
/// younger first, application number asc. `Less` means `a` ranks ahead.
/// Also the order of "best score first, then the usual tie-breaks" for the
/// fallback of §5.3.
pub fn compare(a: &RankingEntry, b: &RankingEntry) -> Ordering {
    decide(a, b).map_or(Ordering::Equal, |(o, _)| o)
}

/// Builds a province's graduatoria from its candidates' results.
///
/// Entries below `pass_mark` are left out (not eligible); the others are
/// strictly ordered by [`compare`]; positions `1..=posts` are winners, the
/// rest reserves (`posts <= 0` makes everyone a reserve). The input order does
/// not matter.
///
/// Application numbers must be unique: two entries with the same number
/// could not be told apart on appeal, so the whole ranking is refused with
/// `duplicate-application-no` on `application_no` for each repeated number,
/// whatever its score.
pub fn rank(
    entries: &[RankingEntry],
    posts: i64,
    pass_mark: Score,
) -> Result<Vec<RankedEntry>, Violations> {
    let mut v = Violations::new();
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for e in entries {
        if !seen.insert(e.application_no.as_str()) && reported.insert(e.application_no.as_str()) {
            v.push(
                Violation::new("application_no", RuleCode::DuplicateApplicationNo)
                    .with_detail(e.application_no.clone()),
            );
        }
    }
    if !v.is_empty() {
        return Err(v);
    }

    let mut eligible: Vec<&RankingEntry> =
        entries.iter().filter(|e| e.score >= pass_mark).collect();
    eligible.sort_by(|a, b| compare(a, b));

    let ranked = eligible
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let position = i64::try_from(i).map_or(i64::MAX, |i| i.saturating_add(1));
            let decided_by = eligible
                .get(i + 1)
                .and_then(|next| decide(e, next))
                .map_or(DecidedBy::Last, |(_, by)| by);
            RankedEntry {
                position,
                application_no: e.application_no.clone(),
                status: if position <= posts {
                    RankingStatus::Winner
                } else {
                    RankingStatus::Reserve
                },
                decided_by,
            }
        })
        .collect();
    Ok(ranked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Param;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn entry(no: &str, score: i64, grade: i64, honours: bool, born: &str) -> RankingEntry {
        RankingEntry {
            application_no: no.into(),
            score: Score::from_hundredths(score),
            degree_grade: DegreeGrade::parse("g", grade, honours).unwrap(),
            birth_date: d(born),
        }
    }

    fn pass() -> Score {
        Score::from_points(60)
    }

    fn summary(r: &[RankedEntry]) -> Vec<(i64, &str, RankingStatus, DecidedBy)> {
        r.iter()
            .map(|e| {
                (
                    e.position,
                    e.application_no.as_str(),
                    e.status,
                    e.decided_by,
                )
            })
            .collect()
    }

    #[test]
    fn every_criterion_in_turn() {
        use DecidedBy::*;
        use RankingStatus::*;
        let entries = vec![
            entry("7", 7_000, 100, false, "1990-01-01"), // same as 6 but higher number
            entry("1", 9_000, 100, false, "1990-01-01"), // best score
            entry("2", 8_000, 110, true, "1980-01-01"),  // honours beat plain 110
            entry("3", 8_000, 110, false, "1980-01-01"), // grade beats 105
            entry("4", 8_000, 105, false, "1980-01-01"), // score beats 7 000
            entry("5", 7_000, 100, false, "1995-06-30"), // younger than 6
            entry("6", 7_000, 100, false, "1990-01-01"),
        ];
        let r = rank(&entries, 3, pass()).unwrap();
        assert_eq!(
            summary(&r),
            vec![
                (1, "1", Winner, Score),
                (2, "2", Winner, Honours),
                (3, "3", Winner, DegreeGrade),
                (4, "4", Reserve, Score),
                (5, "5", Reserve, Age),
                (6, "6", Reserve, ApplicationNumber),
                (7, "7", Reserve, Last),
            ]
        );
    }

    #[test]
    fn below_the_pass_mark_is_not_ranked() {
        let entries = vec![
            entry("1", 5_999, 110, true, "1999-01-01"),
            entry("2", 6_000, 66, false, "1960-01-01"),
            entry("3", -400, 90, false, "1990-01-01"),
        ];
        let r = rank(&entries, 5, pass()).unwrap();
        assert_eq!(
            summary(&r),
            vec![(1, "2", RankingStatus::Winner, DecidedBy::Last)]
        );
        let r = rank(&entries, 5, Score::from_points(-10)).unwrap();
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn winners_are_the_first_posts_and_no_more() {
        let entries: Vec<_> = (1..=5)
            .map(|i| entry(&i.to_string(), 9_000 - i, 100, false, "1990-01-01"))
            .collect();
        let statuses = |posts| -> Vec<RankingStatus> {
            rank(&entries, posts, pass())
                .unwrap()
                .iter()
                .map(|e| e.status)
                .collect()
        };
        use RankingStatus::*;
        assert_eq!(statuses(2), vec![Winner, Winner, Reserve, Reserve, Reserve]);
        assert_eq!(statuses(0), vec![Reserve; 5]);
        assert_eq!(statuses(-1), vec![Reserve; 5]);
        assert_eq!(statuses(9), vec![Winner; 5]);
    }

    #[test]
    fn application_numbers_break_ties_as_numbers() {
        let entries = vec![
            entry("10", 7_000, 100, false, "1990-01-01"),
            entry("9", 7_000, 100, false, "1990-01-01"),
        ];
        let r = rank(&entries, 1, pass()).unwrap();
        assert_eq!(r[0].application_no, "9");
        assert_eq!(r[0].decided_by, DecidedBy::ApplicationNumber);
    }

    #[test]
    fn duplicate_application_numbers_refuse_the_ranking() {
        let entries = vec![
            entry("1", 7_000, 100, false, "1990-01-01"),
            entry("1", 5_000, 100, false, "1990-01-01"), // even below the pass mark
            entry("2", 7_000, 100, false, "1990-01-01"),
            entry("1", 7_000, 100, false, "1990-01-01"),
        ];
        let e = rank(&entries, 1, pass()).unwrap_err();
        assert_eq!(e.0.len(), 1, "one violation per repeated number");
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code, e.0[0].detail.clone()),
            (
                "application_no",
                RuleCode::DuplicateApplicationNo,
                Some(Param::from("1"))
            )
        );
    }

    #[test]
    fn an_empty_province_has_an_empty_ranking() {
        assert_eq!(rank(&[], 10, pass()).unwrap(), vec![]);
    }

    #[test]
    fn names_are_snake_case_and_match_serde() {
        use serde::de::{value::Error, IntoDeserializer};
        fn from_serde<T: for<'de> Deserialize<'de>>(raw: &str) -> Option<T> {
            T::deserialize(IntoDeserializer::<Error>::into_deserializer(raw)).ok()
        }
        for by in DecidedBy::ALL {
            assert_eq!(DecidedBy::parse(by.as_str()), Some(by));
            assert_eq!(from_serde::<DecidedBy>(by.as_str()), Some(by));
        }
        for s in RankingStatus::ALL {
            assert_eq!(RankingStatus::parse(s.as_str()), Some(s));
            assert_eq!(from_serde::<RankingStatus>(s.as_str()), Some(s));
        }
        assert_eq!(
            from_serde::<DecidedBy>("application_number"),
            Some(DecidedBy::ApplicationNumber)
        );
        assert_eq!(from_serde::<DecidedBy>("ApplicationNumber"), None);
        assert_eq!(DecidedBy::parse("Score"), None);
    }

    fn entries() -> impl Strategy<Value = Vec<RankingEntry>> {
        // Few distinct values, so that every tie-break is exercised.
        let score = prop_oneof![
            Just(5_960i64),
            Just(6_000),
            Just(7_040),
            Just(8_000),
            4_000i64..=10_000
        ];
        let grade = prop::sample::select(vec![66i64, 105, 110]);
        let attrs = (score, grade, any::<bool>(), 0i64..3);
        prop::collection::btree_map("[AB]?[0-9]{1,3}", attrs, 0..40).prop_map(|m| {
            m.into_iter()
                .map(|(no, (score, grade, honours, days))| RankingEntry {
                    application_no: no,
                    score: Score::from_hundredths(score),
                    degree_grade: DegreeGrade::parse("g", grade, honours && grade == 110).unwrap(),
                    birth_date: d("1990-01-01") + chrono::Duration::days(days),
                })
                .collect()
        })
    }

    /// What `by` claims about `a` placed right before `b`, checked field by
    /// field rather than through `decide`.
    fn claim_holds(a: &RankingEntry, b: &RankingEntry, by: DecidedBy) -> bool {
        let (ga, gb) = (a.degree_grade, b.degree_grade);
        let same_score = a.score == b.score;
        let same_grade = same_score && ga.grade() == gb.grade();
        let same_degree = same_grade && ga.honours() == gb.honours();
        let same_age = same_degree && a.birth_date == b.birth_date;
        match by {
            DecidedBy::Score => a.score > b.score,
            DecidedBy::DegreeGrade => same_score && ga.grade() > gb.grade(),
            DecidedBy::Honours => same_grade && ga.honours() && !gb.honours(),
            DecidedBy::Age => same_degree && a.birth_date > b.birth_date,
            DecidedBy::ApplicationNumber => {
                same_age && cmp_application_no(&a.application_no, &b.application_no).is_lt()
            }
            DecidedBy::Last => false,
        }
    }

    proptest! {
        #[test]
        fn ranking_properties(
            (input, shuffled) in entries().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            posts in -2i64..50,
            pass_points in prop::sample::select(vec![50i64, 60, 70]),
        ) {
            let pass_mark = Score::from_points(pass_points);
            let ranked = rank(&input, posts, pass_mark).unwrap();
            let by_no: std::collections::HashMap<&str, &RankingEntry> =
                input.iter().map(|e| (e.application_no.as_str(), e)).collect();
            let got: Vec<&RankingEntry> =
                ranked.iter().map(|r| by_no[r.application_no.as_str()]).collect();

            // Independent of the input order.
            prop_assert_eq!(&rank(&shuffled, posts, pass_mark).unwrap(), &ranked);

            // Exactly the entries at or above the pass mark.
            prop_assert!(got.iter().all(|e| e.score >= pass_mark));
            let eligible = input.iter().filter(|e| e.score >= pass_mark).count();
            prop_assert_eq!(ranked.len(), eligible);

            // Positions 1..=n, every pair strictly ordered.
            for (i, r) in ranked.iter().enumerate() {
                prop_assert_eq!(r.position, i as i64 + 1);
            }
            for i in 0..got.len() {
                for j in i + 1..got.len() {
                    prop_assert_eq!(compare(got[i], got[j]), Ordering::Less);
                    prop_assert_eq!(compare(got[j], got[i]), Ordering::Greater);
                }
            }

            // Each decided_by is what tells the entry from the next one.
            for (i, r) in ranked.iter().enumerate() {
                match got.get(i + 1) {
                    Some(next) => prop_assert!(
                        claim_holds(got[i], next, r.decided_by),
                        "{:?} before {:?} decided by {:?}", got[i], next, r.decided_by
                    ),
                    None => prop_assert_eq!(r.decided_by, DecidedBy::Last),
                }
            }

            // Winners are exactly the first min(posts, n).
            let winners = usize::try_from(posts.max(0)).unwrap().min(ranked.len());
            for (i, r) in ranked.iter().enumerate() {
                let expected = if i < winners { RankingStatus::Winner } else { RankingStatus::Reserve };
                prop_assert_eq!(r.status, expected);
            }
        }
    }
}
