//! Bucket arithmetic (DOMAIN.md §8 rules 4 and 6): what a Navigator has
//! done of each bucket, what counts, and the day the path was complete.

use chrono::NaiveDate;

use super::BucketKind;

/// Minutes that count from a day: an attended session, a passed module, a
/// validated on-the-job log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub day: NaiveDate,
    pub minutes: i64,
}

/// What was recorded against one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRecords {
    pub kind: BucketKind,
    pub required_minutes: i64,
    pub counted: Vec<Dated>,
    /// Recorded but not yet validated (on-the-job logs awaiting the
    /// coordinator): shown apart, never counted.
    pub pending_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketProgress {
    pub kind: BucketKind,
    pub required_minutes: i64,
    /// Everything validated, also above the requirement.
    pub validated_minutes: i64,
    pub pending_minutes: i64,
    /// What counts towards the path: never above the requirement, so hours
    /// never spill into another bucket.
    pub counted_minutes: i64,
    /// The day the bucket filled, if it has.
    pub filled_on: Option<NaiveDate>,
}

impl BucketProgress {
    pub fn complete(&self) -> bool {
        self.filled_on.is_some()
    }

    /// Whether it was complete on `day` (a bucket that fills on D is
    /// complete on D).
    pub fn complete_on(&self, day: NaiveDate) -> bool {
        self.filled_on.is_some_and(|f| f <= day)
    }
}

pub fn bucket_progress(records: &BucketRecords) -> BucketProgress {
    let mut counted = records.counted.clone();
    counted.sort_by_key(|d| d.day);
    let mut running = 0;
    let mut filled_on = None;
    for d in &counted {
        running += d.minutes;
        if filled_on.is_none() && running >= records.required_minutes {
            filled_on = Some(d.day);
        }
    }
    BucketProgress {
        kind: records.kind,
        required_minutes: records.required_minutes,
        validated_minutes: running,
        pending_minutes: records.pending_minutes,
        counted_minutes: running.min(records.required_minutes),
        filled_on,
    }
}

/// A path's optional final assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FinalAssessment {
    pub required: bool,
    pub passed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub buckets: Vec<BucketProgress>,
    pub required_minutes: i64,
    /// The sum of what counts: never above the path's total.
    pub counted_minutes: i64,
    /// Tenths of a percent, rounded down: 1000 only when every bucket is full.
    pub permille: i64,
    /// The day the last bucket filled (or the assessment was passed, when
    /// the path asks for one); `None` until then.
    pub completed_on: Option<NaiveDate>,
}

impl Progress {
    pub fn bucket(&self, kind: BucketKind) -> Option<&BucketProgress> {
        self.buckets.iter().find(|b| b.kind == kind)
    }

    pub fn complete_on(&self, day: NaiveDate) -> bool {
        self.completed_on.is_some_and(|c| c <= day)
    }

    /// The percent with one decimal, for display.
    pub fn percent(&self) -> f64 {
        self.permille as f64 / 10.0
    }
}

pub fn progress(buckets: &[BucketRecords], assessment: FinalAssessment) -> Progress {
    let buckets: Vec<BucketProgress> = buckets.iter().map(bucket_progress).collect();
    let required_minutes: i64 = buckets.iter().map(|b| b.required_minutes).sum();
    let counted_minutes: i64 = buckets.iter().map(|b| b.counted_minutes).sum();
    let permille = if required_minutes > 0 {
        counted_minutes * 1000 / required_minutes
    } else {
        1000
    };
    let last_fill = buckets
        .iter()
        .map(|b| b.filled_on)
        .try_fold(None::<NaiveDate>, |latest, f| {
            f.map(|f| latest.max(Some(f)))
        });
    let completed_on = match (last_fill.flatten(), assessment.required) {
        (Some(day), false) => Some(day),
        (Some(day), true) => assessment.passed_on.map(|p| p.max(day)),
        (None, _) => None,
    };
    Progress {
        buckets,
        required_minutes,
        counted_minutes,
        permille,
        completed_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn day(offset: u32) -> NaiveDate {
        d("2019-08-01") + chrono::Days::new(u64::from(offset))
    }

    fn hours(h: i64) -> i64 {
        h * 60
    }

    fn records(kind: BucketKind, required_h: i64, counted: &[(&str, i64)]) -> BucketRecords {
        BucketRecords {
            kind,
            required_minutes: hours(required_h),
            counted: counted
                .iter()
                .map(|(day, h)| Dated {
                    day: d(day),
                    minutes: hours(*h),
                })
                .collect(),
            pending_minutes: 0,
        }
    }

    fn path_2019(
        classroom: &[(&str, i64)],
        distance: &[(&str, i64)],
        ojt: &[(&str, i64)],
    ) -> Vec<BucketRecords> {
        vec![
            records(BucketKind::Classroom, 40, classroom),
            records(BucketKind::Distance, 40, distance),
            records(BucketKind::OnTheJob, 120, ojt),
        ]
    }

    #[test]
    fn a_bucket_fills_on_the_day_its_hours_reach_the_requirement() {
        let b = bucket_progress(&records(
            BucketKind::Classroom,
            40,
            &[("2019-08-05", 8), ("2019-08-01", 30), ("2019-08-09", 8)],
        ));
        assert_eq!(b.validated_minutes, hours(46));
        assert_eq!(b.counted_minutes, hours(40));
        // 30 + 8 = 38 on the 5th; 46 on the 9th.
        assert_eq!(b.filled_on, Some(d("2019-08-09")));
        assert!(!b.complete_on(d("2019-08-08")));
        assert!(b.complete_on(d("2019-08-09")));
    }

    #[test]
    fn hours_above_a_bucket_never_spill_into_another() {
        let p = progress(
            &path_2019(&[("2019-08-01", 100)], &[("2019-08-02", 10)], &[]),
            FinalAssessment::default(),
        );
        assert_eq!(p.counted_minutes, hours(50));
        assert_eq!(
            p.bucket(BucketKind::Distance).unwrap().counted_minutes,
            hours(10)
        );
        assert_eq!(p.permille, 250);
        assert_eq!(p.completed_on, None);
    }

    #[test]
    fn the_path_completes_the_day_the_last_bucket_fills() {
        let p = progress(
            &path_2019(
                &[("2019-08-01", 40)],
                &[("2019-09-15", 40)],
                &[("2019-08-10", 60), ("2019-10-03", 60)],
            ),
            FinalAssessment::default(),
        );
        assert_eq!(p.completed_on, Some(d("2019-10-03")));
        assert_eq!(p.percent(), 100.0);
        assert!(p.complete_on(d("2019-10-03")));
        assert!(!p.complete_on(d("2019-10-02")));
    }

    #[test]
    fn a_required_assessment_must_be_passed_too() {
        let full = path_2019(
            &[("2019-08-01", 40)],
            &[("2019-08-02", 40)],
            &[("2019-08-03", 120)],
        );
        let pending = FinalAssessment {
            required: true,
            passed_on: None,
        };
        assert_eq!(progress(&full, pending).completed_on, None);
        let passed = FinalAssessment {
            required: true,
            passed_on: Some(d("2019-09-01")),
        };
        assert_eq!(progress(&full, passed).completed_on, Some(d("2019-09-01")));
        // Passed before the hours were done: complete when the hours are.
        let early = FinalAssessment {
            required: true,
            passed_on: Some(d("2019-07-01")),
        };
        assert_eq!(progress(&full, early).completed_on, Some(d("2019-08-03")));
    }

    #[test]
    fn pending_hours_are_shown_apart_and_never_counted() {
        let mut r = path_2019(&[], &[], &[("2019-08-01", 100)]);
        r[2].pending_minutes = hours(30);
        let p = progress(&r, FinalAssessment::default());
        let ojt = p.bucket(BucketKind::OnTheJob).unwrap();
        assert_eq!(
            (ojt.counted_minutes, ojt.pending_minutes),
            (hours(100), hours(30))
        );
        assert!(!ojt.complete());
    }

    fn bucket_strategy(kind: BucketKind, required_h: i64) -> impl Strategy<Value = BucketRecords> {
        (
            proptest::collection::vec((0u32..200, 1i64..=32), 0..20),
            0i64..5000,
        )
            .prop_map(move |(recs, pending)| BucketRecords {
                kind,
                required_minutes: hours(required_h),
                counted: recs
                    .into_iter()
                    .map(|(o, quarters)| Dated {
                        day: day(o),
                        minutes: quarters * 15,
                    })
                    .collect(),
                pending_minutes: pending,
            })
    }

    fn path_strategy() -> impl Strategy<Value = Vec<BucketRecords>> {
        (
            bucket_strategy(BucketKind::Classroom, 40),
            bucket_strategy(BucketKind::Distance, 40),
            bucket_strategy(BucketKind::OnTheJob, 120),
        )
            .prop_map(|(a, b, c)| vec![a, b, c])
    }

    proptest! {
        /// What counts is never above a bucket's requirement nor the path's
        /// total, and the percent reaches 100 only with every bucket full.
        #[test]
        fn counted_hours_are_capped(path in path_strategy()) {
            let p = progress(&path, FinalAssessment::default());
            for b in &p.buckets {
                prop_assert!(b.counted_minutes <= b.required_minutes);
                prop_assert_eq!(b.counted_minutes, b.validated_minutes.min(b.required_minutes));
                prop_assert_eq!(b.complete(), b.validated_minutes >= b.required_minutes);
            }
            prop_assert!(p.counted_minutes <= p.required_minutes);
            prop_assert!(p.permille <= 1000);
            prop_assert_eq!(p.permille == 1000, p.buckets.iter().all(BucketProgress::complete));
        }

        /// Adding hours to one bucket changes no other bucket.
        #[test]
        fn no_spill_between_buckets(path in path_strategy(), which in 0usize..3, extra in 1i64..100) {
            let before = progress(&path, FinalAssessment::default());
            let mut more = path;
            more[which].counted.push(Dated { day: day(0), minutes: extra * 15 });
            let after = progress(&more, FinalAssessment::default());
            for i in (0..3).filter(|i| *i != which) {
                prop_assert_eq!(&before.buckets[i], &after.buckets[i]);
            }
            prop_assert!(after.buckets[which].counted_minutes >= before.buckets[which].counted_minutes);
        }

        /// The order records arrive in changes nothing.
        #[test]
        fn the_order_of_records_does_not_matter(path in path_strategy()) {
            let mut reversed = path.clone();
            for b in &mut reversed {
                b.counted.reverse();
            }
            prop_assert_eq!(
                progress(&path, FinalAssessment::default()),
                progress(&reversed, FinalAssessment::default())
            );
        }

        /// The completion date is the latest fill date, and a bucket's fill
        /// date is the first day its running total reaches the requirement.
        #[test]
        fn completion_is_the_last_fill(path in path_strategy()) {
            let p = progress(&path, FinalAssessment::default());
            for (b, r) in p.buckets.iter().zip(&path) {
                if let Some(f) = b.filled_on {
                    let upto: i64 = r.counted.iter().filter(|x| x.day <= f).map(|x| x.minutes).sum();
                    let before: i64 = r.counted.iter().filter(|x| x.day < f).map(|x| x.minutes).sum();
                    prop_assert!(upto >= r.required_minutes && before < r.required_minutes);
                }
            }
            let expected = p
                .buckets
                .iter()
                .map(|b| b.filled_on)
                .collect::<Option<Vec<_>>>()
                .and_then(|days| days.into_iter().max());
            prop_assert_eq!(p.completed_on, expected);
        }
    }
}
