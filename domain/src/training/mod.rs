//! The training path (DOMAIN.md §8): buckets whose shares sum to 100%, the
//! hours recorded against them, and the progress they add up to.

pub mod classroom;
pub mod distance;
pub mod hours;
pub mod mandatory;
pub mod ojt;
pub mod progress;

use crate::{Param, RuleCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

/// The most hours a path, a bucket or a module may have: far above any
/// real path, low enough that no sum of them can overflow.
pub const MAX_PATH_HOURS: i64 = 10_000;
/// Longest path and module code, in characters.
pub const MAX_CODE_LEN: usize = 32;
/// Longest name or title, in characters.
pub const MAX_NAME_LEN: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketKind {
    Classroom,
    Distance,
    OnTheJob,
}

impl BucketKind {
    pub const ALL: [BucketKind; 3] = [Self::Classroom, Self::Distance, Self::OnTheJob];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classroom => "classroom",
            Self::Distance => "distance",
            Self::OnTheJob => "on_the_job",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub code: String,
    pub title: String,
    pub hours: i64,
}

impl Module {
    /// A module as given: the code trimmed and upper-cased (completions
    /// name it the way the e-learning platform writes it), the title trimmed.
    pub fn new(code: &str, title: &str, hours: i64) -> Self {
        Self {
            code: module_code(code),
            title: title.trim().to_owned(),
            hours,
        }
    }

    /// Its own rules, with fields named under `prefix` (`""` for a module
    /// given alone, `buckets[1].modules[0].` within a path).
    pub fn check(&self, prefix: &str) -> Violations {
        let mut v = Violations::new();
        let field = |name: &str| format!("{prefix}{name}");
        if self.code.trim().is_empty() {
            v.push(Violation::new(field("code"), RuleCode::Required));
        } else if self.code.trim().chars().count() > MAX_CODE_LEN {
            v.push(Violation::new(field("code"), RuleCode::TooLong).with_detail(MAX_CODE_LEN));
        }
        if self.title.trim().is_empty() {
            v.push(Violation::new(field("title"), RuleCode::Required));
        } else if self.title.trim().chars().count() > MAX_NAME_LEN {
            v.push(Violation::new(field("title"), RuleCode::TooLong).with_detail(MAX_NAME_LEN));
        }
        if self.hours <= 0 {
            v.push(Violation::new(field("hours"), RuleCode::MustBePositive));
        } else if self.hours > MAX_PATH_HOURS {
            v.push(
                Violation::new(field("hours"), RuleCode::TooManyHours).with_detail(MAX_PATH_HOURS),
            );
        }
        v
    }
}

/// A module code as stored and looked up: trimmed, upper case.
pub fn module_code(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// A completion (a module's test, a mandatory course) cannot be dated
/// after today: it has not happened yet.
pub fn check_completed_by(field: &str, day: NaiveDate, today: NaiveDate) -> Result<(), Violation> {
    if day > today {
        Err(Violation::new(field, RuleCode::CompletedInFuture).with_detail(day))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub kind: BucketKind,
    pub share_percent: i64,
    pub modules: Vec<Module>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingPath {
    pub code: String,
    pub name: String,
    pub total_hours: i64,
    pub final_assessment_required: bool,
    pub buckets: Vec<Bucket>,
}

impl TrainingPath {
    /// Shares are whole percents summing to 100, each kind once, each
    /// bucket a whole number of hours; distance modules, when listed, are
    /// enough to fill their bucket (more may be offered to choose from).
    pub fn validate(self) -> Result<Self, Violations> {
        let mut v = Violations::new();
        v.check(!self.code.trim().is_empty(), "code", RuleCode::Required);
        if self.code.trim().chars().count() > MAX_CODE_LEN {
            v.push(Violation::new("code", RuleCode::TooLong).with_detail(MAX_CODE_LEN));
        }
        v.check(!self.name.trim().is_empty(), "name", RuleCode::Required);
        if self.name.trim().chars().count() > MAX_NAME_LEN {
            v.push(Violation::new("name", RuleCode::TooLong).with_detail(MAX_NAME_LEN));
        }
        v.check(
            self.total_hours > 0,
            "total_hours",
            RuleCode::MustBePositive,
        );
        if self.total_hours > MAX_PATH_HOURS {
            v.push(
                Violation::new("total_hours", RuleCode::TooManyHours).with_detail(MAX_PATH_HOURS),
            );
        }
        // Bucket hours mean something (and their products fit) only then.
        let total_known = (1..=MAX_PATH_HOURS).contains(&self.total_hours);
        v.check(!self.buckets.is_empty(), "buckets", RuleCode::Required);
        // Saturating: a share of i64::MAX must be refused, not wrap.
        let sum = self
            .buckets
            .iter()
            .fold(0_i64, |acc, b| acc.saturating_add(b.share_percent));
        if !self.buckets.is_empty() && sum != 100 {
            v.push(Violation::new("buckets", RuleCode::SharesMustSumTo100).with_detail(sum));
        }
        for (i, b) in self.buckets.iter().enumerate() {
            if self.buckets[..i].iter().any(|o| o.kind == b.kind) {
                v.push(
                    Violation::new(format!("buckets[{i}].kind"), RuleCode::Duplicate)
                        .with_detail(b.kind.as_str()),
                );
            }
            if !(1..=100).contains(&b.share_percent) {
                v.push(
                    Violation::new(format!("buckets[{i}].share_percent"), RuleCode::OutOfRange)
                        .with_detail(Param::Range(1, 100)),
                );
            } else if total_known && (self.total_hours * b.share_percent) % 100 != 0 {
                v.push(Violation::new(
                    format!("buckets[{i}].share_percent"),
                    RuleCode::HoursNotWhole,
                ));
            }
            if !b.modules.is_empty() && b.kind != BucketKind::Distance {
                v.push(
                    Violation::new(
                        format!("buckets[{i}].modules"),
                        RuleCode::ModulesOnlyOnDistance,
                    )
                    .with_detail(b.kind.as_str()),
                );
                continue;
            }
            for (j, m) in b.modules.iter().enumerate() {
                let prefix = format!("buckets[{i}].modules[{j}].");
                v.extend(m.check(&prefix));
                if b.modules[..j].iter().any(|o| o.code == m.code) {
                    v.push(
                        Violation::new(format!("{prefix}code"), RuleCode::Duplicate)
                            .with_detail(m.code.clone()),
                    );
                }
            }
            if total_known && !b.modules.is_empty() && (1..=100).contains(&b.share_percent) {
                let module_hours = b
                    .modules
                    .iter()
                    .fold(0_i64, |acc, m| acc.saturating_add(m.hours));
                if module_hours < self.bucket_hours(b) {
                    v.push(
                        Violation::new(
                            format!("buckets[{i}].modules"),
                            RuleCode::ModulesMustFillBucket,
                        )
                        .with_detail(module_hours),
                    );
                }
            }
        }
        v.into_result(self)
    }

    pub fn bucket_hours(&self, bucket: &Bucket) -> i64 {
        self.total_hours * bucket.share_percent / 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_2019() -> TrainingPath {
        TrainingPath {
            code: "navigator-2019".into(),
            name: "2019".into(),
            total_hours: 200,
            final_assessment_required: false,
            buckets: vec![
                Bucket {
                    kind: BucketKind::Classroom,
                    share_percent: 20,
                    modules: vec![],
                },
                Bucket {
                    kind: BucketKind::Distance,
                    share_percent: 20,
                    modules: (1..=8)
                        .map(|i| Module {
                            code: format!("FAD-{i:02}"),
                            title: "m".into(),
                            hours: 5,
                        })
                        .collect(),
                },
                Bucket {
                    kind: BucketKind::OnTheJob,
                    share_percent: 60,
                    modules: vec![],
                },
            ],
        }
    }

    #[test]
    fn the_2019_path_is_40_40_120_hours() {
        let p = path_2019().validate().unwrap();
        let hours: Vec<_> = p.buckets.iter().map(|b| p.bucket_hours(b)).collect();
        assert_eq!(hours, vec![40, 40, 120]);
    }

    #[test]
    fn shares_must_sum_to_100() {
        let mut p = path_2019();
        p.buckets[2].share_percent = 50;
        let e = p.validate().unwrap_err();
        assert_eq!(e.0[0].code, "shares-must-sum-to-100");
    }

    #[test]
    fn a_kind_appears_once() {
        let mut p = path_2019();
        p.buckets[1].kind = BucketKind::Classroom;
        let e = p.validate().unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("buckets[1].kind", "duplicate")
        );
    }

    #[test]
    fn modules_fill_their_bucket() {
        let mut p = path_2019();
        p.buckets[1].modules.pop();
        let e = p.validate().unwrap_err();
        assert_eq!(e.0[0].code, "modules-must-fill-bucket");
        // More than enough is a choice, not an error.
        let mut p = path_2019();
        p.buckets[1].modules.push(Module {
            code: "FAD-09".into(),
            title: "m".into(),
            hours: 5,
        });
        assert!(p.validate().is_ok());
    }

    #[test]
    fn bucket_hours_are_whole() {
        let mut p = path_2019();
        p.total_hours = 199;
        p.buckets[1].modules.clear();
        let e = p.validate().unwrap_err();
        assert!(e.0.iter().all(|v| v.code == "hours-not-whole"));
    }
    #[test]
    fn modules_are_checked_one_by_one() {
        let mut p = path_2019();
        p.buckets[1].modules[3].code = "FAD-01".into();
        p.buckets[1].modules[4].hours = 0;
        p.buckets[1].modules[5].title = " ".into();
        p.buckets[1].modules.push(Module::new("fad-09", "m", 5));
        let e = p.validate().unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| (v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("buckets[1].modules[3].code", "duplicate"),
                ("buckets[1].modules[4].hours", "must-be-positive"),
                ("buckets[1].modules[5].title", "required"),
            ]
        );
    }

    #[test]
    fn only_the_distance_bucket_has_modules() {
        let mut p = path_2019();
        p.buckets[0].modules.push(Module::new("AULA-1", "m", 40));
        let e = p.validate().unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("buckets[0].modules", "modules-only-on-distance")
        );
    }

    #[test]
    fn absurd_numbers_are_refused_not_overflowed() {
        let mut p = path_2019();
        p.total_hours = i64::MAX;
        p.buckets[0].share_percent = i64::MAX;
        p.buckets[1].modules[0].hours = i64::MAX;
        let e = p.validate().unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|v| v.code.as_str()).collect();
        assert!(codes.contains(&"too-many-hours"), "{codes:?}");
        assert!(codes.contains(&"shares-must-sum-to-100"), "{codes:?}");
        let mut p = path_2019();
        p.total_hours = i64::MIN;
        assert!(p.validate().is_err());
        let mut p = path_2019();
        p.buckets.clear();
        assert_eq!(p.validate().unwrap_err().0[0].code, "required");
    }

    #[test]
    fn module_codes_are_kept_in_upper_case() {
        let m = Module::new(" fad-10 ", " Titolo ", 5);
        assert_eq!((m.code.as_str(), m.title.as_str()), ("FAD-10", "Titolo"));
        assert!(m.check("").is_empty());
        let long = Module::new(&"X".repeat(MAX_CODE_LEN + 1), "t", 1);
        assert_eq!(long.check("").0[0].code, "too-long");
    }

    #[test]
    fn a_completion_is_not_in_the_future() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(check_completed_by("completed_on", d("2019-10-15"), d("2019-10-15")).is_ok());
        let e = check_completed_by("completed_on", d("2019-10-16"), d("2019-10-15")).unwrap_err();
        assert_eq!(e.code, "completed-in-future");
    }
}
