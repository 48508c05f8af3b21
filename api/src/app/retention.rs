//! The retention run: what the rules say is due is pseudonymised or
//! deleted, a batch per transaction, and counted by category. Run by
//! `navigator retention run` and, once a period, by one replica in the
//! background; only by the system, never by a request.

use std::sync::Arc;

use domain::account::Role;
use domain::retention::{Category, Disposal, RetentionRules};
use persistence::{Database, DbConnection};

use crate::app::{Access, Act, UseCase, UseCases};
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};

/// Records changed in one transaction at most.
pub const BATCH: usize = 500;

/// What a run did (or, dry, would do) in one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    pub category: Category,
    pub disposal: Disposal,
    pub records: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionReport {
    pub dry_run: bool,
    /// The day the rules were applied on.
    pub day: chrono::NaiveDate,
    pub counts: Vec<CategoryCount>,
    pub batches: usize,
}

impl RetentionReport {
    pub fn records(&self, category: Category) -> usize {
        self.counts
            .iter()
            .find(|c| c.category == category)
            .map_or(0, |c| c.records)
    }

    /// One line per category, as the command prints them.
    pub fn lines(&self) -> Vec<String> {
        self.counts
            .iter()
            .map(|c| {
                let done = match (self.dry_run, c.disposal) {
                    (true, Disposal::Pseudonymise) => "due, to pseudonymise",
                    (true, Disposal::Delete) => "due, to delete",
                    (false, Disposal::Pseudonymise) => "pseudonymised",
                    (false, Disposal::Delete) => "deleted",
                };
                format!("{:<20} {:>8} {done}", c.category.as_str(), c.records)
            })
            .collect()
    }
}

/// The ids of `category` due today.
#[derive(Clone)]
struct FindDue {
    category: Category,
    rules: RetentionRules,
}

impl UseCase for FindDue {
    type Outcome = Vec<String>;
    const ACCESS: Access = Access::Snapshot;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<String>> {
        Ok(persistence::retention::find_due(
            conn,
            self.category,
            &self.rules,
            act.today,
        )?)
    }
}

/// One batch, in one transaction, with its line in the audit log.
#[derive(Clone)]
struct DisposeBatch {
    category: Category,
    ids: Vec<String>,
    rules: RetentionRules,
}

impl UseCase for DisposeBatch {
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        let changed = persistence::retention::dispose(
            conn,
            self.category,
            &self.ids,
            act.today,
            &self.rules,
        )?;
        if changed > 0 {
            let disposal = self.category.disposal();
            persistence::audit::append::<(), _>(
                conn,
                &act.audit(),
                &format!("retention.{}", disposal.as_str()),
                "retention",
                self.category.as_str(),
                None,
                Some(&serde_json::json!({
                    "records": changed,
                    "day": act.today,
                    "ids": self.ids,
                })),
            )?;
        }
        Ok(changed)
    }
}

/// Runs the retention as the system: every category, its due records in
/// batches. A dry run only counts. `Ok(None)`: another process is running
/// one (PostgreSQL).
pub fn run(
    db: &Database,
    settings: Arc<Settings>,
    dry_run: bool,
) -> ApiResult<Option<RetentionReport>> {
    let rules = settings.retention_rules().map_err(|e| {
        tracing::error!(error = %e, "retention settings");
        ApiError::Internal
    })?;
    let cases = UseCases::new(db.clone());
    persistence::retention::exclusively(db, || {
        let mut report = RetentionReport {
            dry_run,
            day: Act::system(Arc::clone(&settings)).today,
            counts: Vec::new(),
            batches: 0,
        };
        for category in Category::ALL {
            // Each step its own act: "today" as the settings say, now.
            let act = Act::system(Arc::clone(&settings));
            let rules = rules.clone();
            let due = cases.run_blocking(
                &act,
                FindDue {
                    category,
                    rules: rules.clone(),
                },
            )?;
            let mut records = 0;
            if dry_run {
                records = due.len();
            } else {
                for ids in due.chunks(BATCH) {
                    let batch = DisposeBatch {
                        category,
                        ids: ids.to_vec(),
                        rules: rules.clone(),
                    };
                    records += cases.run_blocking(&act, batch)?;
                    report.batches += 1;
                }
            }
            report.counts.push(CategoryCount {
                category,
                disposal: category.disposal(),
                records,
            });
        }
        Ok(report)
    })?
    .transpose()
}

/// Every `every` (checked at most hourly), the replica that takes the
/// period's turn runs the retention; the others find the turn taken.
pub async fn run_in_background(
    db: Database,
    settings: Arc<Settings>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let every = std::time::Duration::from_secs(settings.retention_every_seconds.max(1));
    let check = every.min(std::time::Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(check) => {}
            _ = stop.changed() => return,
        }
        let (db, settings) = (db.clone(), Arc::clone(&settings));
        let ran = tokio::task::spawn_blocking(move || -> ApiResult<Option<RetentionReport>> {
            let period = chrono::Duration::from_std(every).map_err(|_| ApiError::Internal)?;
            let mut conn = db.get()?;
            let now = chrono::Utc::now().naive_utc();
            if !persistence::retention::take_turn(&mut conn, now, period)? {
                return Ok(None);
            }
            drop(conn);
            run(&db, settings, false)
        })
        .await;
        match ran {
            Ok(Ok(Some(report))) => {
                for c in &report.counts {
                    tracing::info!(
                        category = c.category.as_str(),
                        disposal = c.disposal.as_str(),
                        records = c.records,
                        "retention run"
                    );
                }
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "retention run failed"),
            Err(e) => tracing::error!(error = %e, "retention task failed"),
        }
    }
}
