use actix_web::{get, post, web, HttpResponse};
use domain::cpi::{CpiInput, NewCpi};
use openapi::dto::{CpiQuery, CpiView, ImportResult, NewCpiRequest, Page, PagedList};
use openapi::Problem;
use persistence::reference::{CpiFilter, CpiWithRegion};

use crate::app::reference::{CreateCpi, ImportCpis, ListCpis, ReadCpi};
use crate::auth::caller::{AdminOnly, AnyRole};
use crate::auth::Authorized;
use crate::error::ApiResult;
use crate::extract::{CsvUpload, RequestMeta, ValidJson, ValidPath, ValidQuery};
use crate::handlers::{cursor_key, next_cursor, page_limit};
use crate::state::AppState;

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
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    query: ValidQuery<CpiQuery>,
) -> ApiResult<web::Json<Page<CpiView>>> {
    let q = query.0;
    let filter = CpiFilter {
        region: q.region,
        province: q.province.map(|p| p.trim().to_ascii_uppercase()),
        after_code: cursor_key(q.cursor.as_ref(), PagedList::Cpis)?,
        limit: page_limit(q.limit)?,
    };
    let limit = filter.limit;
    let rows = state.run(&caller, &meta, ListCpis { filter }).await?;
    let next_key = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|c| c.cpi.code.clone()))
        .flatten();
    Ok(web::Json(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor: next_cursor(PagedList::Cpis, next_key),
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
    caller: Authorized<AnyRole>,
    meta: RequestMeta,
    code: ValidPath<String>,
) -> ApiResult<web::Json<CpiView>> {
    let case = ReadCpi {
        code: code.into_inner(),
    };
    Ok(web::Json(view(state.run(&caller, &meta, case).await?)))
}

/// Adds one CPI.
#[utoipa::path(
    tag = "reference",
    request_body = NewCpiRequest,
    security(("bearer_auth" = ["admin"])),
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
    let row = state.run(&caller, &meta, CreateCpi { cpi }).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/cpis/{}", row.cpi.code)))
        .json(view(row)))
}

/// Imports the CPI registry from CSV (`code,name,province_sigla,address,capacity`):
/// every row is checked and either all are created or none, with every bad
/// row named by line.
#[utoipa::path(
    tag = "reference",
    request_body(content = String, content_type = "text/csv", description = "code,name,province_sigla,address,capacity"),
    security(("bearer_auth" = ["admin"])),
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
    let imported = state
        .run(
            &caller,
            &meta,
            ImportCpis {
                file: file.0.to_vec(),
            },
        )
        .await?;
    Ok(HttpResponse::Created().json(ImportResult { imported }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::app::reference::parse_cpi_file;

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
