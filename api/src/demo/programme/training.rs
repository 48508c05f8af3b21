//! Training at four stages: 0 nothing yet, 1 classroom, 2 classroom and
//! distance with part of the on-the-job hours, 3 the whole path.

use chrono::NaiveDate;
use domain::ids::{OjtLogId, TrainingSessionId};
use domain::selection::codice_fiscale::CodiceFiscale;
use domain::training::classroom::{NewSession, SessionInput};
use domain::training::distance::Completion;
use domain::Violations;

use crate::app::training::{
    CreateSession, LogHours, LogRequest, Logged, Person, RecordAttendance, RecordCompletions,
    RegisterRow, Reported, ValidateLogs,
};
use crate::auth::Caller;
use crate::csv_import::RowAt;

use super::{day, invalid, Demo, Hired};

/// Classroom, distance and on-the-job training of the hired; how many
/// on-the-job logs were written.
pub(super) fn train(
    demo: &Demo,
    hr: &Caller,
    hired: &[Hired],
    start: NaiveDate,
) -> anyhow::Result<usize> {
    let stage = |i: usize| i % 4;
    let trainer = demo.of_email("demo.formatore@navigator-demo.it")?;
    for k in 0..5i64 {
        let session = NewSession::parse(&SessionInput {
            day: day(start, 1 + k),
            hours: 8.0,
            place: "Aula demo, Roma",
            trainer: "Formatore demo",
        })
        .map_err(invalid)?;
        let session = demo.run(&trainer, CreateSession { session })?;
        let rows = hired
            .iter()
            .enumerate()
            .filter(|(i, _)| stage(*i) >= 1)
            .enumerate()
            .map(|(at, (_, h))| RegisterRow {
                at: RowAt::Index(at),
                person: Person::Id(h.navigator.clone()),
                hours: 8.0,
            })
            .collect();
        demo.run(
            &trainer,
            RecordAttendance {
                session_id: TrainingSessionId::from_stored(session.id),
                rows,
                rejected: Violations::new(),
                kind: RowAt::Index(0),
            },
        )?;
    }
    let mut completions = Vec::new();
    for (i, h) in hired.iter().enumerate().filter(|(i, _)| stage(*i) >= 2) {
        let codice = CodiceFiscale::parse("codice_fiscale", &h.codice_fiscale)
            .map_err(|v| invalid(Violations::from(v)))?;
        for m in 1..=8i64 {
            completions.push(Reported {
                at: RowAt::Index(completions.len()),
                codice: codice.clone(),
                module_code: format!("FAD-{m:02}"),
                completion: Completion {
                    completed_on: day(start, 10 + m + (i % 5) as i64),
                    test_passed: true,
                },
            });
        }
    }
    demo.run(
        hr,
        RecordCompletions {
            rows: completions,
            rejected: Violations::new(),
            kind: RowAt::Index(0),
        },
    )?;

    let mut ojt_logs = 0;
    for (i, h) in hired.iter().enumerate() {
        let (validated, pending) = match stage(i) {
            0 => (0, 0),
            1 => (0, 4),
            2 => (8, 2),
            _ => (15, 0),
        };
        if validated + pending == 0 {
            continue;
        }
        let navigator = demo.of_navigator(&h.navigator)?;
        let mut ids = Vec::new();
        for k in 0..(validated + pending) {
            let case = LogHours::new(
                LogRequest {
                    client_id: format!("demo-{i}-{k}"),
                    day: day(start, 20 + k),
                    hours: 8.0,
                    activity: "Affiancamento agli operatori del CPI (demo)".to_owned(),
                    cpi_code: None,
                },
                demo.settings.ojt_max_day_hours,
            )
            .map_err(invalid)?;
            let log = match demo.run(&navigator, case)? {
                Logged::Created(row) | Logged::Replayed(row) => row,
            };
            ojt_logs += 1;
            if k < validated {
                ids.push(OjtLogId::from_stored(log.id));
            }
        }
        if !ids.is_empty() {
            let coordinator = match h.region {
                "12" => "demo.coordinatore.lazio@navigator-demo.it",
                "03" => "demo.coordinatore.lombardia@navigator-demo.it",
                _ => "demo.coordinatore.campania@navigator-demo.it",
            };
            demo.run(
                &demo.of_email(coordinator)?,
                ValidateLogs::new(ids).map_err(invalid)?,
            )?;
        }
    }
    Ok(ojt_logs)
}
