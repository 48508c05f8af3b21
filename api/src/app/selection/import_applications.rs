//! Imports applications from CSV (API.md): every field is checked, one
//! application per codice fiscale per selection; all rows or none, until
//! admission is computed.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::account::Role;
use domain::ids::SelectionId;
use domain::selection::application::{ApplicationInput, NewApplication, OnePerPerson};
use domain::RuleCode;
use domain::{Violation, Violations};
use openapi::ProblemType;
use persistence::{audit, selection, DbConnection};

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::csv_import;
use crate::error::{ApiError, ApiResult};

pub const CSV_HEADER: [&str; 11] = [
    "application_no",
    "codice_fiscale",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "province_sigla",
    "degree_class",
    "degree_grade",
    "degree_honours",
];

pub(crate) fn parse_int(cell: &str, field: &str, line: u64) -> Result<i64, Violation> {
    cell.trim().parse::<i64>().map_err(|_| {
        Violation::new(field, RuleCode::NotANumber)
            .with_detail(cell.trim())
            .at_line(line)
    })
}

/// What a file is checked against: the selection's provinces with posts and
/// the applications it already holds.
pub struct ApplicationContext {
    pub published_on: NaiveDate,
    pub provinces_with_posts: HashSet<String>,
    pub known_codici: HashSet<String>,
    pub known_numbers: HashSet<String>,
}

/// Checks every row; all the violations, each with its line, or every application.
pub fn parse_application_file(
    bytes: &[u8],
    ctx: &ApplicationContext,
) -> Result<Vec<NewApplication>, Violations> {
    // Room for a row per line up front: growing the maps row by row rehashes
    // every key seen so far, again and again.
    let rows = bytes.iter().filter(|&&b| b == b'\n').count();
    let mut bad = Violations::new();
    let mut out = Vec::with_capacity(rows);
    let mut one_per_person = OnePerPerson::new(&ctx.known_codici, rows);
    let mut seen_no: HashMap<String, u64> = HashMap::with_capacity(rows);
    csv_import::each_record(bytes, &CSV_HEADER, |line, r| {
        let birth = csv_import::date_cell(&r[4], "birth_date", line)
            .map_err(|v| bad.push(v))
            .ok();
        let grade = parse_int(&r[9], "degree_grade", line)
            .map_err(|v| bad.push(v))
            .ok();
        let honours = csv_import::bool_cell(&r[10], "degree_honours", line)
            .map_err(|v| bad.push(v))
            .ok();
        let (Some(birth_date), Some(degree_grade), Some(degree_honours)) = (birth, grade, honours)
        else {
            return;
        };
        let input = ApplicationInput {
            application_no: &r[0],
            codice_fiscale: &r[1],
            first_name: &r[2],
            last_name: &r[3],
            birth_date,
            email: &r[5],
            phone: csv_import::optional(&r[6]),
            province_sigla: &r[7],
            degree_class: &r[8],
            degree_grade,
            degree_honours,
        };
        match NewApplication::parse(&input, ctx.published_on) {
            Err(v) => v.0.into_iter().for_each(|v| bad.push(v.at_line(line))),
            Ok(a) => {
                if !ctx.provinces_with_posts.contains(a.province.as_str()) {
                    bad.push(
                        Violation::new("province_sigla", RuleCode::ProvinceWithoutPosts)
                            .with_detail(a.province.as_str())
                            .at_line(line),
                    );
                }
                if let Err(v) = one_per_person.admit(&a.codice_fiscale, line) {
                    bad.push(v);
                }
                match seen_no.entry(a.application_no.clone()) {
                    Entry::Occupied(first) => bad.push(
                        Violation::new("application_no", RuleCode::DuplicateInFile)
                            .with_detail(*first.get())
                            .at_line(line),
                    ),
                    Entry::Vacant(slot) => {
                        if ctx.known_numbers.contains(slot.key()) {
                            bad.push(
                                Violation::new("application_no", RuleCode::AlreadyExists)
                                    .with_detail(a.application_no.clone())
                                    .at_line(line),
                            );
                        }
                        slot.insert(line);
                    }
                }
                out.push(a);
            }
        }
    })?;
    bad.into_result(out)
}

#[derive(Clone)]
pub struct ImportApplications {
    pub selection_id: SelectionId,
    /// The CSV file as sent.
    pub csv: Vec<u8>,
}

impl UseCase for ImportApplications {
    /// How many applications were imported.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        let bytes = self.csv;
        let sel = load_selection(conn, &self.selection_id)?;
        if sel.admission_done_at.is_some() {
            return Err(ApiError::conflict(
                ProblemType::AdmissionDone,
                sel.code.clone(),
            ));
        }
        let provinces_with_posts = selection::posts(conn, &sel.id, None)?
            .into_iter()
            .filter(|(p, _)| p.posts > 0)
            .map(|(p, _)| p.province_sigla)
            .collect();
        let (known_codici, known_numbers) = selection::application_identities(conn, &sel.id)?;
        let context = ApplicationContext {
            published_on: sel.published_on,
            provinces_with_posts,
            known_codici,
            known_numbers,
        };
        let apps = parse_application_file(&bytes, &context).map_err(ApiError::FileRejected)?;
        let n = selection::insert_applications(conn, &sel.id, &apps)?;
        // One line for the file: the applications themselves are the record.
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "applications.imported",
            "selection",
            &sel.id,
            None,
            Some(&serde_json::json!({ "imported": n, "bytes": bytes.len() })),
        )?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ApplicationContext {
        ApplicationContext {
            published_on: NaiveDate::from_ymd_opt(2019, 4, 18).unwrap(),
            provinces_with_posts: ["NA".to_owned(), "RM".to_owned()].into(),
            known_codici: ["BNCGLI90A41H501E".to_owned()].into(),
            known_numbers: HashSet::new(),
        }
    }

    const HEADER: &str = "application_no,codice_fiscale,first_name,last_name,birth_date,email,phone,province_sigla,degree_class,degree_grade,degree_honours\n";

    #[test]
    fn a_good_file_parses() {
        let f = format!("{HEADER}1,RSSMRA85T10A562S,Mario,Rossi,1985-12-10,mario@example.it,,NA,LM-56,110,true\n");
        let apps = parse_application_file(f.as_bytes(), &context()).unwrap();
        assert_eq!(apps.len(), 1);
    }

    #[test]
    fn every_bad_row_is_named() {
        let f = format!(
            "{HEADER}\
             1,RSSMRA85T10A562S,Mario,Rossi,1985-12-10,mario@example.it,,NA,LM-56,110,true\n\
             2,RSSMRA85T10A562S,Mario,Rossi,1985-12-10,mario@example.it,,NA,LM-56,110,true\n\
             3,BNCGLI90A41H501E,Giulia,Bianchi,1990-01-01,g@example.it,,RM,LM-56,100,false\n\
             4,VRDGPP13R10B293P,Giuseppe,Verdi,10/10/1980,v@example.it,,RM,LM-56,100,false\n\
             5,VRDGPP13R10B293X,Giuseppe,Verdi,1980-10-10,v@example.it,,RM,LM-56,120,no\n\
             6,VRDGPP13R10B293P,Giuseppe,Verdi,1980-10-10,v@example.it,,MI,LM-56,100,false\n"
        );
        let e = parse_application_file(f.as_bytes(), &context()).unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| (v.line.unwrap(), v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                (3, "codice_fiscale", "duplicate-in-file"),
                (4, "codice_fiscale", "already-applied"),
                (5, "birth_date", "invalid-date"),
                (6, "degree_honours", "not-a-boolean"),
                (7, "province_sigla", "province-without-posts"),
            ]
        );
    }
}
