//! `/app/`, "Il mio percorso": the 200-hour path as three bars (classroom,
//! distance, on the job) with validated and pending hours and the
//! completion date, from the same stored progress as `GET /me/training`.
//! The page and its bars alone (`/app/percorso`, which `app.js` polls)
//! carry a weak tag: an unchanged path costs a 304.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use openapi::dto::{BucketProgressView, TrainingProgressView};

use super::{hours_text, navigator, Frame, Section};
use crate::extract::RequestMeta;
use crate::handlers::navigators::training::progress_of;
use crate::pages::session::SignedIn;
use crate::pages::Visit;
use crate::progress_polls::ProgressPolls;

/// One bucket as a bar: the validated share, then the pending share, of
/// the hours required.
pub struct Bar {
    pub kind: &'static str,
    pub title: String,
    pub required: String,
    pub validated: String,
    pub pending: String,
    /// Widths on a bar 100 wide: validated, then pending (never past the end).
    pub validated_width: String,
    pub pending_width: String,
    pub complete: bool,
    pub completed_on: String,
    pub has_pending: bool,
}

/// The path as the page shows it.
pub struct Path {
    pub bars: Vec<Bar>,
    pub total: String,
    pub required: String,
    pub percent: String,
    pub completed_on: String,
}

fn width(x: f64) -> String {
    format!("{:.1}", x.clamp(0.0, 100.0))
}

fn bar(visit: &Visit, kind: &'static str, b: &BucketProgressView) -> Bar {
    let title = match kind {
        "classroom" => visit.t("Formazione in aula", "Classroom training"),
        "distance" => visit.t("Formazione a distanza", "Distance learning"),
        _ => visit.t("Formazione on the job", "On-the-job training"),
    };
    let share = |h: f64| match b.required_hours > 0.0 {
        true => h / b.required_hours * 100.0,
        false => 0.0,
    };
    let validated = share(b.validated_hours).min(100.0);
    Bar {
        kind,
        title: title.to_owned(),
        required: hours_text(b.required_hours, visit),
        validated: hours_text(b.validated_hours, visit),
        pending: hours_text(b.pending_hours, visit),
        validated_width: width(validated),
        pending_width: width(share(b.pending_hours).min(100.0 - validated)),
        complete: b.complete,
        completed_on: b.completed_on.map(|d| visit.day(&d)).unwrap_or_default(),
        has_pending: b.pending_hours > 0.0,
    }
}

fn path_of(visit: &Visit, p: &TrainingProgressView) -> Path {
    let buckets = [
        ("classroom", p.buckets.classroom.as_ref()),
        ("distance", p.buckets.distance.as_ref()),
        ("on_the_job", p.buckets.on_the_job.as_ref()),
    ];
    let percent = match visit.lang {
        crate::i18n::Lang::It => format!("{}", p.percent).replace('.', ","),
        crate::i18n::Lang::En => format!("{}", p.percent),
    };
    Path {
        bars: buckets
            .into_iter()
            .filter_map(|(kind, b)| b.map(|b| bar(visit, kind, b)))
            .collect(),
        total: hours_text(p.total_hours, visit),
        required: hours_text(p.required_hours, visit),
        percent,
        completed_on: p.completed_on.map(|d| visit.day(&d)).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "app/path.html")]
struct PathPage<'a> {
    page: &'a Visit,
    frame: Frame,
    path: Path,
}

#[derive(Template)]
#[template(path = "app/path_bars.html")]
struct PathBars<'a> {
    page: &'a Visit,
    path: Path,
}

/// The signed-in Navigator's path, or the answer for anyone else.
async fn read(
    req: &HttpRequest,
    visit: &Visit,
    signed: &SignedIn,
    polls: &ProgressPolls,
    meta: &RequestMeta,
) -> Result<(Frame, Path), HttpResponse> {
    let caller = navigator(req, visit, signed).map_err(|away| *away)?;
    let Some(id) = caller.navigator_id.clone() else {
        return Err(visit.failure());
    };
    let (body, _) = progress_of(&visit.state, polls, &caller, meta, id)
        .await
        .map_err(|e| visit.error_page(&e))?;
    let progress: TrainingProgressView = serde_json::from_str(&body).map_err(|e| {
        tracing::error!(error = %e, "stored progress does not read back");
        visit.failure()
    })?;
    Ok((Frame::of(Section::Path, &caller), path_of(visit, &progress)))
}

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    polls: web::Data<ProgressPolls>,
    meta: RequestMeta,
) -> HttpResponse {
    match read(&req, &visit, &signed, &polls, &meta).await {
        Ok((frame, path)) => visit.render_tagged(
            &req,
            &PathPage {
                page: &visit,
                frame,
                path,
            },
        ),
        Err(answer) => answer,
    }
}

/// The bars alone, for `app.js` to poll.
pub async fn bars(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    polls: web::Data<ProgressPolls>,
    meta: RequestMeta,
) -> HttpResponse {
    match read(&req, &visit, &signed, &polls, &meta).await {
        Ok((_, path)) => visit.render_tagged(&req, &PathBars { page: &visit, path }),
        Err(answer) => answer,
    }
}

#[cfg(test)]
mod tests {
    use super::width;

    #[test]
    fn a_bar_never_runs_past_its_ends() {
        assert_eq!(width(53.333), "53.3");
        assert_eq!(width(140.0), "100.0");
        assert_eq!(width(-2.0), "0.0");
    }
}
