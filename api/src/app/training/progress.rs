//! A Navigator's training progress, computed from their records by the
//! rules of `domain::training::progress`, and kept as a stored answer
//! (body and tag) refreshed in the same transaction as every record that
//! changes it: the tablet's poll is then one indexed read, taken with the
//! other polls waiting at that moment (`progress_polls`).

use std::collections::BTreeMap;

use domain::training::hours::hours_of;
use domain::training::ojt::LogStatus;
use domain::training::progress::{progress, BucketProgress, BucketRecords, Dated, FinalAssessment};
use domain::training::BucketKind;
use openapi::dto::{
    BucketProgressView, MandatoryTrainingView, ProgressBuckets, TrainingProgressView,
};
use persistence::contracts::NavigatorRow;
use persistence::training::FillDays;
use persistence::{assignments, training, DbConnection};

use crate::app::Act;
use crate::error::{ApiError, ApiResult};
use crate::etag::tag_of;

/// The shape of the stored progress body ([`TrainingProgressView`] as JSON).
/// Change it with the shape: reads serve only bodies of this shape, and a
/// body of another one (stored before a deploy) is rebuilt and stored anew.
pub const PROGRESS_BODY_VERSION: i32 = 1;

/// Computes the progress of a Navigator from their records, with the days
/// the buckets filled.
pub fn compute(
    conn: &mut DbConnection,
    nav: &NavigatorRow,
) -> ApiResult<(TrainingProgressView, FillDays)> {
    let path = training::path_of_selection(conn, &nav.selection_id)?.ok_or(ApiError::Internal)?;
    let mut records = Vec::new();
    for b in &path.buckets {
        let kind = b.kind()?;
        let mut pending_minutes = 0;
        let counted: Vec<Dated> = match kind {
            BucketKind::Classroom => training::attended(conn, &nav.id)?
                .into_iter()
                .map(|(day, minutes)| Dated { day, minutes })
                .collect(),
            BucketKind::Distance => training::passed_modules(conn, &nav.id, &path.path.id)?
                .into_iter()
                .map(|(day, hours)| Dated {
                    day,
                    minutes: hours * 60,
                })
                .collect(),
            BucketKind::OnTheJob => {
                let mut counted = Vec::new();
                for (day, minutes, status) in training::ojt_minutes(conn, &nav.id)? {
                    match LogStatus::parse(&status) {
                        Some(LogStatus::Validated) => counted.push(Dated { day, minutes }),
                        Some(LogStatus::Pending) => pending_minutes += minutes,
                        _ => {}
                    }
                }
                counted
            }
        };
        records.push(BucketRecords {
            kind,
            required_minutes: b.hours * 60,
            counted,
            pending_minutes,
        });
    }
    // The latest completion of each item.
    let mut latest: BTreeMap<String, chrono::NaiveDate> = BTreeMap::new();
    for m in training::mandatory_of(conn, &nav.id)? {
        let day = latest.entry(m.item).or_insert(m.completed_on);
        *day = (*day).max(m.completed_on);
    }
    let assessment = FinalAssessment {
        required: path.path.final_assessment_required,
        passed_on: latest
            .get(domain::training::mandatory::MandatoryItem::FinalAssessment.as_str())
            .copied(),
    };
    let p = progress(&records, assessment);
    let filled = |kind| p.bucket(kind).and_then(|b| b.filled_on);
    let days = FillDays {
        classroom: filled(BucketKind::Classroom),
        distance: filled(BucketKind::Distance),
        on_the_job: filled(BucketKind::OnTheJob),
        completed: p.completed_on,
    };
    let view = |kind| p.bucket(kind).map(bucket_view);
    let view = TrainingProgressView {
        path: path.path.code.clone(),
        buckets: ProgressBuckets {
            classroom: view(BucketKind::Classroom),
            distance: view(BucketKind::Distance),
            on_the_job: view(BucketKind::OnTheJob),
        },
        total_hours: hours_of(p.counted_minutes),
        required_hours: hours_of(p.required_minutes),
        percent: p.percent(),
        completed_on: p.completed_on,
        mandatory: latest
            .into_iter()
            .map(|(item, completed_on)| MandatoryTrainingView { item, completed_on })
            .collect(),
    };
    Ok((view, days))
}

fn bucket_view(b: &BucketProgress) -> BucketProgressView {
    BucketProgressView {
        required_hours: hours_of(b.required_minutes),
        validated_hours: hours_of(b.validated_minutes),
        pending_hours: hours_of(b.pending_minutes),
        complete: b.complete(),
        completed_on: b.filled_on,
    }
}

/// Recomputes and stores a Navigator's progress; call it in the
/// transaction that changed their records, after taking their row lock
/// (`assignments::lock_navigator`). Returns `(body, etag)`.
pub fn refresh(
    conn: &mut DbConnection,
    act: &Act,
    nav: &NavigatorRow,
) -> ApiResult<(String, String)> {
    let (view, days) = compute(conn, nav)?;
    let body = serde_json::to_string(&view).map_err(|_| ApiError::Internal)?;
    let tag = tag_of(body.as_bytes());
    training::store_progress(conn, &nav.id, &body, &tag, PROGRESS_BODY_VERSION, days)?;
    act.rewritten_progress.note(&nav.id);
    Ok((body, tag))
}

/// Locks the Navigator and refreshes their progress: for writers that
/// change one Navigator's records.
pub fn refresh_locked(conn: &mut DbConnection, act: &Act, navigator_id: &str) -> ApiResult<()> {
    assignments::lock_navigator(conn, navigator_id)?;
    let nav =
        persistence::contracts::get_navigator(conn, navigator_id)?.ok_or(ApiError::NotFound {
            entity: "navigator",
        })?;
    refresh(conn, act, &nav)?;
    Ok(())
}
