use domain::RuleCode;
use openapi::ProblemType;
use std::collections::{HashMap, HashSet};

use actix_web::{get, post, web, HttpResponse};
use domain::cpi::{CpiInput, NewCpi};
use domain::{Violation, Violations};
use openapi::dto::{CpiQuery, CpiView, ImportResult, NewCpiRequest, Page};
use openapi::Problem;
use persistence::reference::{self, CpiFilter, CpiWithRegion};
use persistence::{audit, DbConnection};

use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::csv_import;
use crate::error::{ApiError, ApiResult};
use crate::extract::{CsvUpload, RequestMeta, ValidJson, ValidQuery};
use crate::handlers::page_limit;
use crate::state::AppState;

pub const CSV_HEADER: [&str; 5] = ["code", "name", "province_sigla", "address", "capacity"];

fn view(c: CpiWithRegion) -> CpiView {
    CpiView {
        code: c.cpi.code,
        name: c.cpi.name,
        province: c.cpi.province_sigla,
        region: c.region_code,
        address: c.cpi.address,
        capacity: c.cpi.capacity,
        demo: c.cpi.demo,
    }
}

/// CPIs by code, optionally of one Region or province.
#[utoipa::path(
    tag = "reference",
    params(CpiQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = Page<CpiView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpis")]
pub async fn list_cpis(
    state: web::Data<AppState>,
    _caller: Authorized<AnyRole>,
    query: ValidQuery<CpiQuery>,
) -> ApiResult<web::Json<Page<CpiView>>> {
    let q = query.0;
    let filter = CpiFilter {
        region: q.region,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        after_code: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let rows = state
        .read(move |conn| Ok(reference::list_cpis(conn, &filter)?))
        .await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|c| c.cpi.code.clone()))
        .flatten();
    Ok(web::Json(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }))
}

/// One CPI.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "CPI code")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = CpiView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpis/{code}")]
pub async fn get_cpi(
    state: web::Data<AppState>,
    _caller: Authorized<AnyRole>,
    code: web::Path<String>,
) -> ApiResult<web::Json<CpiView>> {
    let code = code.into_inner().to_ascii_uppercase();
    let row = state
        .read(move |conn| Ok(reference::get_cpi(conn, &code)?))
        .await?
        .ok_or(ApiError::NotFound { entity: "CPI" })?;
    Ok(web::Json(view(row)))
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

/// Adds one CPI.
#[utoipa::path(
    tag = "reference",
    request_body = NewCpiRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = CpiView),
        (status = 409, description = "cpi-exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpis")]
pub async fn create_cpi(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    body: ValidJson<NewCpiRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.0;
    let cpi = NewCpi::parse(&CpiInput {
        code: &r.code,
        name: &r.name,
        province_sigla: &r.province_sigla,
        address: r.address.as_deref(),
        capacity: r.capacity,
    })?;
    let ctx = meta.audit(Some(&caller));
    let mut rows = state
        .write(move |conn| {
            if reference::get_province(conn, cpi.province.as_str())?.is_none() {
                return Err(Violation::new("province_sigla", RuleCode::UnknownProvince)
                    .with_detail(cpi.province.as_str())
                    .into());
            }
            insert_all(conn, &ctx, std::slice::from_ref(&cpi))
        })
        .await?;
    let row = rows.pop().ok_or(ApiError::Internal)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/cpis/{}", row.cpi.code)))
        .json(view(row)))
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

/// Imports the CPI registry from CSV (`code,name,province_sigla,address,capacity`):
/// every row is checked and either all are created or none, with every bad
/// row named by line.
#[utoipa::path(
    tag = "reference",
    request_body(content = String, content_type = "text/csv", description = "code,name,province_sigla,address,capacity"),
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = ImportResult),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "file-rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpis/import")]
pub async fn import_cpis(
    state: web::Data<AppState>,
    caller: Authorized<AdminOnly>,
    meta: RequestMeta,
    file: CsvUpload,
) -> ApiResult<HttpResponse> {
    let ctx = meta.audit(Some(&caller));
    let bytes = file.0;
    let imported = state
        .write(move |conn| {
            let provinces: HashSet<String> =
                reference::province_siglas(conn)?.into_iter().collect();
            let codes = csv_import::records(&bytes, &CSV_HEADER)
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
                parse_cpi_file(&bytes, &provinces, &existing).map_err(ApiError::FileRejected)?;
            Ok(insert_all(conn, &ctx, &cpis)?.len())
        })
        .await?;
    Ok(HttpResponse::Created().json(ImportResult { imported }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provinces() -> HashSet<String> {
        ["NA", "RM"].into_iter().map(String::from).collect()
    }

    #[test]
    fn a_good_file_parses() {
        let f = b"code,name,province_sigla,address,capacity\nNA01,CPI Napoli,na,\"Via Roma 1, Napoli\",10\nRM01,CPI Roma,RM,,\n";
        let cpis = parse_cpi_file(f, &provinces(), &HashSet::new()).unwrap();
        assert_eq!(cpis.len(), 2);
        assert_eq!(cpis[0].address.as_deref(), Some("Via Roma 1, Napoli"));
        assert_eq!(cpis[1].capacity, None);
    }

    #[test]
    fn every_bad_row_is_named_with_its_line() {
        let f = b"code,name,province_sigla,address,capacity\n\
                  NA01,CPI Napoli,NA,,10\n\
                  NA01,Doppione,NA,,\n\
                  XX01,Ignota,ZZ,,\n\
                  RM01,,RM,,dieci\n\
                  RM02,Esistente,RM,,0\n\
                  OLD1,Vecchio,RM,,\n";
        let existing: HashSet<String> = ["OLD1".to_owned()].into();
        let e = parse_cpi_file(f, &provinces(), &existing).unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|v| (v.line.unwrap_or(0), v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                (3, "code", "duplicate-in-file"),
                (4, "province_sigla", "unknown-province"),
                (5, "capacity", "not-a-number"),
                (5, "name", "required"),
                (6, "capacity", "must-be-positive"),
                (7, "code", "already-exists"),
            ]
        );
    }
}
