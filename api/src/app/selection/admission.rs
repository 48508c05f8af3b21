//! Who sits the test: per province at most `admission_multiplier x posts`
//! applicants, by degree grade, ties to the younger. Can be run again until
//! the rankings are published.

use std::collections::{BTreeMap, HashSet};

use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::{admission_quota, admit, AdmissionCandidate};
use openapi::ProblemType;
use persistence::{audit, selection, DbConnection};
use serde::Serialize;

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// How many were admitted, by province.
#[derive(Debug, Clone, Serialize)]
pub struct Admission {
    pub admitted: i64,
    pub provinces: Vec<ProvinceAdmission>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceAdmission {
    pub province: String,
    pub posts: i64,
    pub applicants: i64,
    pub quota: i64,
    pub admitted: i64,
}

#[derive(Clone)]
pub struct ComputeAdmission {
    pub selection_id: SelectionId,
}

impl UseCase for ComputeAdmission {
    type Outcome = Admission;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Admission> {
        let sel = load_selection(conn, &self.selection_id)?;
        if sel.rankings_published_on.is_some() {
            return Err(ApiError::conflict(
                ProblemType::RankingsPublished,
                sel.code.clone(),
            ));
        }
        let posts = selection::posts(conn, &sel.id, None)?;
        let mut by_province: BTreeMap<String, Vec<(String, AdmissionCandidate)>> = BTreeMap::new();
        for a in selection::list_applications(conn, &sel.id, None)? {
            let degree_grade = a.degree_grade()?;
            let candidate = AdmissionCandidate {
                application_no: a.application_no.clone(),
                degree_grade,
                birth_date: a.birth_date,
            };
            by_province
                .entry(a.province_sigla)
                .or_default()
                .push((a.id, candidate));
        }
        let mut admitted_ids = Vec::new();
        let mut provinces = Vec::new();
        for (p, _) in &posts {
            let applicants = by_province.remove(&p.province_sigla).unwrap_or_default();
            let candidates: Vec<AdmissionCandidate> =
                applicants.iter().map(|(_, c)| c.clone()).collect();
            let chosen = admit(&candidates, p.posts, sel.admission_multiplier)
                .map_err(ApiError::Validation)?;
            let chosen: HashSet<&str> = chosen.iter().map(String::as_str).collect();
            let ids: Vec<String> = applicants
                .iter()
                .filter(|(_, c)| chosen.contains(c.application_no.as_str()))
                .map(|(id, _)| id.clone())
                .collect();
            provinces.push(ProvinceAdmission {
                province: p.province_sigla.clone(),
                posts: p.posts,
                applicants: applicants.len() as i64,
                quota: admission_quota(p.posts, sel.admission_multiplier),
                admitted: ids.len() as i64,
            });
            admitted_ids.extend(ids);
        }
        selection::set_admitted(conn, &sel.id, &admitted_ids)?;
        selection::mark_admission_done(conn, &sel.id)?;
        let result = Admission {
            admitted: admitted_ids.len() as i64,
            provinces,
        };
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "selection.admission-computed",
            "selection",
            &sel.id,
            None,
            Some(&result),
        )?;
        Ok(result)
    }
}
