//! The training path (DOMAIN.md §8): buckets whose shares sum to 100%, the
//! hours recorded against them, and the progress they add up to.

pub mod hours;
pub mod ojt;
pub mod progress;

use serde::{Deserialize, Serialize};

use crate::violation::{Violation, Violations};

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
        v.check(!self.code.trim().is_empty(), "code", "required");
        v.check(!self.name.trim().is_empty(), "name", "required");
        v.check(self.total_hours > 0, "total_hours", "must-be-positive");
        let sum: i64 = self.buckets.iter().map(|b| b.share_percent).sum();
        if sum != 100 {
            v.push(
                Violation::new("buckets", "shares-must-sum-to-100").with_detail(sum.to_string()),
            );
        }
        for (i, b) in self.buckets.iter().enumerate() {
            if self.buckets[..i].iter().any(|o| o.kind == b.kind) {
                v.push(
                    Violation::new(format!("buckets[{i}].kind"), "duplicate")
                        .with_detail(b.kind.as_str()),
                );
            }
            if !(1..=100).contains(&b.share_percent) {
                v.push(Violation::new(
                    format!("buckets[{i}].share_percent"),
                    "out-of-range",
                ));
            } else if (self.total_hours * b.share_percent) % 100 != 0 {
                v.push(Violation::new(
                    format!("buckets[{i}].share_percent"),
                    "hours-not-whole",
                ));
            }
            if !b.modules.is_empty() {
                let module_hours: i64 = b.modules.iter().map(|m| m.hours).sum();
                if module_hours < self.bucket_hours(b) {
                    v.push(
                        Violation::new(format!("buckets[{i}].modules"), "modules-must-fill-bucket")
                            .with_detail(module_hours.to_string()),
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
            (e.0[0].field.as_str(), e.0[0].code),
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
}
