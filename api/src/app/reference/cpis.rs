//! The CPI registry: listed and read by anyone, added one at a time or
//! imported from a file by administrators.

use std::collections::{HashMap, HashSet};

use domain::account::Role;
use domain::cpi::{CpiInput, NewCpi};
use domain::{RuleCode, Violation, Violations};
use openapi::ProblemType;
use persistence::reference::{self, CpiFilter, CpiWithRegion};
use persistence::{audit, DbConnection};

use crate::app::{Access, Act, UseCase};
use crate::csv_import;
use crate::error::{ApiError, ApiResult};

pub const CSV_HEADER: [&str; 5] = ["code", "name", "province_sigla", "address", "capacity"];

/// CPIs by code, optionally of one Region or province, a page at a time.
#[derive(Clone)]
pub struct ListCpis {
    pub filter: CpiFilter,
}

impl UseCase for ListCpis {
    type Outcome = Vec<CpiWithRegion>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<CpiWithRegion>> {
        Ok(reference::list_cpis(conn, &self.filter)?)
    }
}

#[derive(Clone)]
pub struct ReadCpi {
    pub code: String,
}

impl UseCase for ReadCpi {
    type Outcome = CpiWithRegion;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<CpiWithRegion> {
        let code = self.code.to_ascii_uppercase();
        reference::get_cpi(conn, &code)?.ok_or(ApiError::NotFound { entity: "CPI" })
    }
}

fn insert_all(
    conn: &mut DbConnection,
    ctx: &audit::AuditContext,
    cpis: &[NewCpi],
) -> ApiResult<Vec<CpiWithRegion>> {
    let mut out = Vec::with_capacity(cpis.len());
    for cpi in cpis {
        let row = reference::insert_cpi(conn, cpi, false).map_err(|e| {
            if e.is_unique_violation() {
                ApiError::Conflict {
                    code: ProblemType::CpiExists,
                    subject: cpi.code.as_str().into(),
                }
            } else {
                e.into()
            }
        })?;
        audit::append::<(), _>(conn, ctx, "cpi.created", "cpi", &row.code, None, Some(&row))?;
        let region_code = reference::get_province(conn, &row.province_sigla)?
            .map(|p| p.region_code)
            .ok_or(ApiError::Internal)?;
        out.push(CpiWithRegion {
            cpi: row,
            region_code,
        });
    }
    Ok(out)
}

/// One CPI added.
#[derive(Clone)]
pub struct CreateCpi {
    pub cpi: NewCpi,
}

impl UseCase for CreateCpi {
    type Outcome = CpiWithRegion;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<CpiWithRegion> {
        let cpi = self.cpi;
        if reference::get_province(conn, cpi.province.as_str())?.is_none() {
            return Err(Violation::new("province_sigla", RuleCode::UnknownProvince)
                .with_detail(cpi.province.as_str())
                .into());
        }
        insert_all(conn, &act.audit(), std::slice::from_ref(&cpi))?
            .pop()
            .ok_or(ApiError::Internal)
    }
}

/// The CPI registry imported from CSV (`code,name,province_sigla,address,capacity`):
/// every row is checked and either all are created or none, with every bad
/// row named by line.
#[derive(Clone)]
pub struct ImportCpis {
    pub file: Vec<u8>,
}

impl UseCase for ImportCpis {
    /// How many CPIs came in.
    type Outcome = usize;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Admin];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<usize> {
        let provinces: HashSet<String> = reference::province_siglas(conn)?.into_iter().collect();
        let codes = csv_import::records(&self.file, &CSV_HEADER)
            .map(|rs| {
                rs.iter()
                    .map(|(_, r)| r[0].trim().to_ascii_uppercase())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let existing: HashSet<String> = reference::cpi_codes_existing(conn, &codes)?
            .into_iter()
            .collect();
        let cpis =
            parse_cpi_file(&self.file, &provinces, &existing).map_err(ApiError::FileRejected)?;
        Ok(insert_all(conn, &act.audit(), &cpis)?.len())
    }
}

/// Checks every row of a CPI file against the rules and the known provinces
/// and CPIs; all violations, each with its line.
pub fn parse_cpi_file(
    bytes: &[u8],
    provinces: &HashSet<String>,
    existing: &HashSet<String>,
) -> Result<Vec<NewCpi>, Violations> {
    let records = csv_import::records(bytes, &CSV_HEADER)?;
    let mut bad = Violations::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    for (line, r) in &records {
        let line = *line;
        let capacity = csv_import::optional_int(&r[4], "capacity", line)
            .map_err(|v| bad.push(v))
            .ok()
            .flatten();
        let parsed = NewCpi::parse(&CpiInput {
            code: &r[0],
            name: &r[1],
            province_sigla: &r[2],
            address: csv_import::optional(&r[3]),
            capacity,
        });
        match parsed {
            Err(v) => v.0.into_iter().for_each(|v| bad.push(v.at_line(line))),
            Ok(cpi) => {
                if !provinces.contains(cpi.province.as_str()) {
                    bad.push(
                        Violation::new("province_sigla", RuleCode::UnknownProvince)
                            .with_detail(cpi.province.as_str())
                            .at_line(line),
                    );
                }
                if let Some(first) = seen.get(&cpi.code) {
                    bad.push(
                        Violation::new("code", RuleCode::DuplicateInFile)
                            .with_detail(*first)
                            .at_line(line),
                    );
                } else if existing.contains(&cpi.code) {
                    bad.push(
                        Violation::new("code", RuleCode::AlreadyExists)
                            .with_detail(cpi.code.clone())
                            .at_line(line),
                    );
                }
                seen.entry(cpi.code.clone()).or_insert(line);
                out.push(cpi);
            }
        }
    }
    bad.into_result(out)
}
