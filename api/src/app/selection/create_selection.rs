//! Opens a selection with its rules, and the training path its Navigators
//! will follow when one is named.

use domain::account::Role;
use domain::selection::settings::{
    default_contract_end, SelectionSettings, DEFAULT_ANNUAL_PAY_CENTS,
    DEFAULT_MONTHLY_EXPENSES_CENTS, DEFAULT_OFFER_DAYS, DEFAULT_RANKING_VALID_MONTHS,
};
use domain::selection::{ScoringRules, DEFAULT_MULTIPLIER};
use domain::{RuleCode, Violation, Violations};
use openapi::dto::SelectionRequest;
use openapi::ProblemType;
use persistence::{audit, selection, training, DbConnection};

use super::SelectionRecord;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// A decimal with at most two digits after the point, in hundredths.
fn hundredths(field: &str, value: f64) -> Result<i64, Violation> {
    let scaled = value * 100.0;
    let rounded = scaled.round();
    if !value.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e12 {
        return Err(Violation::new(field, RuleCode::TooManyDecimals).with_detail(value));
    }
    Ok(rounded as i64)
}

/// The rules of a selection as asked for (the API's body, the console's
/// form): omitted rules take the 2019 defaults; every broken rule named.
pub fn settings_of(r: SelectionRequest) -> Result<SelectionSettings, Violations> {
    let defaults = ScoringRules::default();
    // A penalty that is not a whole number of hundredths is reported with
    // every other broken rule, not alone.
    let (wrong_penalty, penalty_violation) =
        match r.wrong_penalty.map(|v| hundredths("wrong_penalty", v)) {
            Some(Ok(h)) => (h, None),
            Some(Err(v)) => (defaults.wrong_penalty, Some(v)),
            None => (defaults.wrong_penalty, None),
        };
    let checked = SelectionSettings {
        code: r.code,
        title: r.title,
        published_on: r.published_on,
        scoring: ScoringRules {
            questions: r.questions.unwrap_or(defaults.questions),
            wrong_penalty,
            pass_mark: r.pass_mark.unwrap_or(defaults.pass_mark),
        },
        admission_multiplier: r.admission_multiplier.unwrap_or(DEFAULT_MULTIPLIER),
        offer_days: r.offer_days.unwrap_or(DEFAULT_OFFER_DAYS),
        ranking_valid_months: r
            .ranking_valid_months
            .unwrap_or(DEFAULT_RANKING_VALID_MONTHS),
        annual_pay_cents: r.annual_pay_cents.unwrap_or(DEFAULT_ANNUAL_PAY_CENTS),
        monthly_expenses_cents: r
            .monthly_expenses_cents
            .unwrap_or(DEFAULT_MONTHLY_EXPENSES_CENTS),
        contract_end: r.contract_end.unwrap_or_else(default_contract_end),
        decline_is_final: r.decline_is_final.unwrap_or(true),
    }
    .validate();
    match (checked, penalty_violation) {
        (Ok(s), None) => Ok(s),
        (Ok(_), Some(v)) => Err(Violations::from(v)),
        (Err(mut all), Some(v)) => {
            all.push(v);
            Err(all)
        }
        (Err(all), None) => Err(all),
    }
}

#[derive(Clone)]
pub struct CreateSelection {
    /// Checked by `domain`.
    pub settings: SelectionSettings,
    /// The code of a training path, trimmed.
    pub training_path: Option<String>,
}

impl UseCase for CreateSelection {
    type Outcome = SelectionRecord;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<SelectionRecord> {
        let (s, path_code) = (self.settings, self.training_path);
        let ctx = act.audit();
        let path_id = match &path_code {
            None => None,
            Some(code) => Some(training::path_id_of_code(conn, code)?.ok_or_else(|| {
                ApiError::from(
                    Violation::new("training_path", RuleCode::UnknownTrainingPath)
                        .with_detail(code),
                )
            })?),
        };
        let row = selection::insert_selection(conn, &s).map_err(|e| {
            if e.is_unique_violation() {
                ApiError::conflict(ProblemType::SelectionExists, s.code.clone())
            } else {
                e.into()
            }
        })?;
        audit::append::<(), _>(
            conn,
            &ctx,
            "selection.created",
            "selection",
            &row.id,
            None,
            Some(&row),
        )?;
        if let Some(path_id) = &path_id {
            training::set_selection_path(conn, &row.id, path_id)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "selection.training_path_set",
                "selection",
                &row.id,
                None,
                Some(&serde_json::json!({ "training_path": path_code })),
            )?;
        }
        Ok(SelectionRecord {
            selection: row,
            training_path: path_code,
        })
    }
}
