//! The selection: its posts, applications, admission, results and rankings.

use anyhow::anyhow;
use chrono::NaiveDate;
use domain::ids::SelectionId;
use domain::selection::codice_fiscale::CodiceFiscale;
use domain::selection::settings::{
    SelectionSettings, DEFAULT_ANNUAL_PAY_CENTS, DEFAULT_MONTHLY_EXPENSES_CENTS,
    DEFAULT_OFFER_DAYS, DEFAULT_RANKING_VALID_MONTHS,
};
use domain::selection::{ScoringRules, DEFAULT_MULTIPLIER};

use crate::app::selection::{
    ComputeAdmission, CreateSelection, ImportApplications, ImportResults, ListSelections,
    PostsChange, PublishRankings, SetPosts,
};
use crate::auth::Caller;

use super::{
    day, invalid, letters, Demo, Lcg, APPLICANTS_PER_POST, FIRST_NAMES, LAST_NAMES, PROVINCES,
    SELECTION_CODE,
};

/// Whether the demo selection exists already.
pub(super) fn exists(demo: &Demo, hr: &Caller) -> anyhow::Result<bool> {
    let mut cursor = None;
    loop {
        let page = demo.run(
            hr,
            ListSelections {
                cursor: cursor.take(),
                limit: 500,
            },
        )?;
        if page
            .items
            .iter()
            .any(|s| s.selection.code == SELECTION_CODE)
        {
            return Ok(true);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(false),
        }
    }
}

/// The selection with its rankings published; its id and how many applied.
pub(super) fn select(
    demo: &Demo,
    hr: &Caller,
    rng: &mut Lcg,
    today: NaiveDate,
) -> anyhow::Result<(SelectionId, usize)> {
    let notice = day(today, -240);
    let ranked_on = day(today, -200);
    // The selection, its posts, applications, admission, results, rankings;
    // the rules not named take the 2019 defaults, as for a request.
    let scoring = ScoringRules::default();
    let settings = SelectionSettings {
        code: SELECTION_CODE.to_owned(),
        title: "Selezione Navigator (dati demo)".to_owned(),
        published_on: notice,
        scoring,
        admission_multiplier: DEFAULT_MULTIPLIER,
        offer_days: DEFAULT_OFFER_DAYS,
        ranking_valid_months: DEFAULT_RANKING_VALID_MONTHS,
        annual_pay_cents: DEFAULT_ANNUAL_PAY_CENTS,
        monthly_expenses_cents: DEFAULT_MONTHLY_EXPENSES_CENTS,
        contract_end: day(today, 365),
        decline_is_final: true,
    }
    .validate()
    .map_err(invalid)?;
    let selection = demo.run(
        hr,
        CreateSelection {
            settings,
            training_path: None,
        },
    )?;
    let sel = SelectionId::from_stored(selection.selection.id);
    let changes = PROVINCES
        .iter()
        .map(|(p, _, n, _)| PostsChange {
            province: (*p).to_owned(),
            posts: *n,
        })
        .collect();
    demo.run(
        hr,
        SetPosts {
            selection_id: sel.clone(),
            changes,
        },
    )?;
    let mut csv = crate::handlers::selection::applications::CSV_HEADER.join(",");
    csv.push('\n');
    let mut results = String::from("application_no,right,wrong,blank\n");
    let mut n = 0usize;
    for (sigla, _, posts, _) in PROVINCES {
        for _ in 0..(posts as usize * APPLICANTS_PER_POST) {
            let year = 1975 + rng.below(24) as i32;
            let month = 1 + rng.below(12) as usize;
            let dom = 1 + rng.below(28);
            let months = b"ABCDEHLMPRST";
            let cf = CodiceFiscale::complete(&format!(
                "{}{}{:02}{}{dom:02}H501",
                letters(n),
                letters(n / 7 + 11),
                year % 100,
                months[month - 1] as char
            ))
            .ok_or_else(|| anyhow!("generated codice fiscale"))?;
            let first = FIRST_NAMES[rng.below(16) as usize];
            let last = LAST_NAMES[rng.below(16) as usize];
            let grade = 95 + rng.below(16);
            let honours = grade == 110 && rng.below(2) == 0;
            csv.push_str(&format!(
                "DEMO{n:05},{},{first},{last} (demo),{year}-{month:02}-{dom:02},demo.candidato{n}@navigator-demo.it,,{sigla},LM-56,{grade},{honours}\n",
                cf.as_str()
            ));
            let right = 55 + rng.below(45) as i64;
            let wrong = rng.below((100 - right) as u64 + 1) as i64;
            results.push_str(&format!(
                "DEMO{n:05},{right},{wrong},{}\n",
                100 - right - wrong
            ));
            n += 1;
        }
    }
    demo.run(
        hr,
        ImportApplications {
            selection_id: sel.clone(),
            csv: csv.into_bytes(),
        },
    )?;
    demo.run(
        hr,
        ComputeAdmission {
            selection_id: sel.clone(),
        },
    )?;
    demo.run(
        hr,
        ImportResults {
            selection_id: sel.clone(),
            csv: results.into_bytes(),
        },
    )?;
    demo.run(
        hr,
        PublishRankings {
            selection_id: sel.clone(),
            published_on: ranked_on,
        },
    )?;
    Ok((sel, n))
}
