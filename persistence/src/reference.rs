//! Regions, provinces, posts, conventions and CPIs.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::convention::{Convention, ConventionMode};
use domain::cpi::NewCpi;

use crate::connection::DbConnection;
use crate::error::{PersistenceError, Result};
use crate::schema::{conventions, cpis, provinces, reference_posts, regions};
use crate::time::now;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = regions)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provinces)]
pub struct ProvinceRow {
    pub istat_code: String,
    pub sigla: String,
    pub name: String,
    pub region_code: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conventions)]
pub struct ConventionRow {
    pub region_code: String,
    pub mode: String,
    pub signed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub updated_at: chrono::NaiveDateTime,
}

impl ConventionRow {
    pub fn to_domain(&self) -> Result<Convention> {
        let mode = ConventionMode::parse(&self.mode)
            .ok_or_else(|| PersistenceError::Corrupt(format!("convention mode {}", self.mode)))?;
        Ok(Convention {
            signed_on: self.signed_on,
            valid_until: self.valid_until,
            mode,
        })
    }
}

/// A Region with what its summary shows.
#[derive(Debug, Clone)]
pub struct RegionSummary {
    pub region: RegionRow,
    pub convention: Option<ConventionRow>,
    pub posts_2019: i64,
    pub provinces: i64,
}

pub fn list_regions(conn: &mut DbConnection) -> Result<Vec<RegionSummary>> {
    let regions: Vec<RegionRow> = regions::table
        .select(RegionRow::as_select())
        .order(regions::code)
        .load(conn)?;
    let mut conventions: HashMap<String, ConventionRow> = conventions::table
        .select(ConventionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.region_code.clone(), c))
        .collect();
    let mut posts: HashMap<String, i64> = HashMap::new();
    for (region, p) in reference_posts::table
        .select((reference_posts::region_code, reference_posts::posts))
        .load::<(String, i64)>(conn)?
    {
        *posts.entry(region).or_default() += p;
    }
    let mut province_count: HashMap<String, i64> = HashMap::new();
    for region in provinces::table
        .select(provinces::region_code)
        .load::<String>(conn)?
    {
        *province_count.entry(region).or_default() += 1;
    }
    Ok(regions
        .into_iter()
        .map(|r| RegionSummary {
            convention: conventions.remove(&r.code),
            posts_2019: posts.get(&r.code).copied().unwrap_or(0),
            provinces: province_count.get(&r.code).copied().unwrap_or(0),
            region: r,
        })
        .collect())
}

pub fn get_region(conn: &mut DbConnection, code: &str) -> Result<Option<RegionSummary>> {
    // Twenty rows: reading them all is simpler than a second query shape.
    Ok(list_regions(conn)?
        .into_iter()
        .find(|r| r.region.code == code))
}

pub fn list_provinces(conn: &mut DbConnection, region: Option<&str>) -> Result<Vec<ProvinceRow>> {
    let mut q = provinces::table
        .select(ProvinceRow::as_select())
        .into_boxed();
    if let Some(r) = region {
        q = q.filter(provinces::region_code.eq(r.to_owned()));
    }
    Ok(q.order(provinces::istat_code).load(conn)?)
}

pub fn get_province(conn: &mut DbConnection, sigla: &str) -> Result<Option<ProvinceRow>> {
    Ok(provinces::table
        .select(ProvinceRow::as_select())
        .filter(provinces::sigla.eq(sigla))
        .first(conn)
        .optional()?)
}

pub fn get_convention(conn: &mut DbConnection, region: &str) -> Result<Option<ConventionRow>> {
    Ok(conventions::table
        .select(ConventionRow::as_select())
        .filter(conventions::region_code.eq(region))
        .first(conn)
        .optional()?)
}

/// Creates or replaces a Region's convention; returns the one it replaced.
pub fn put_convention(
    conn: &mut DbConnection,
    region: &str,
    convention: &Convention,
) -> Result<(Option<ConventionRow>, ConventionRow)> {
    let before = get_convention(conn, region)?;
    let values = (
        conventions::mode.eq(convention.mode.as_str()),
        conventions::signed_on.eq(convention.signed_on),
        conventions::valid_until.eq(convention.valid_until),
        conventions::updated_at.eq(now()),
    );
    if before.is_some() {
        diesel::update(conventions::table.filter(conventions::region_code.eq(region)))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(conventions::table)
            .values((conventions::region_code.eq(region), values))
            .execute(conn)?;
    }
    let after = get_convention(conn, region)?
        .ok_or_else(|| PersistenceError::Corrupt(format!("convention of {region} vanished")))?;
    Ok((before, after))
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = cpis)]
pub struct CpiRow {
    pub code: String,
    pub name: String,
    pub province_sigla: String,
    pub address: Option<String>,
    pub capacity: Option<i64>,
    pub demo: bool,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

/// A CPI with the Region of its province.
#[derive(Debug, Clone)]
pub struct CpiWithRegion {
    pub cpi: CpiRow,
    pub region_code: String,
}

pub fn insert_cpi(conn: &mut DbConnection, cpi: &NewCpi, demo: bool) -> Result<CpiRow> {
    diesel::insert_into(cpis::table)
        .values((
            cpis::code.eq(&cpi.code),
            cpis::name.eq(&cpi.name),
            cpis::province_sigla.eq(cpi.province.as_str()),
            cpis::address.eq(cpi.address.as_deref()),
            cpis::capacity.eq(cpi.capacity),
            cpis::demo.eq(demo),
            cpis::created_at.eq(now()),
        ))
        .execute(conn)?;
    cpis::table
        .select(CpiRow::as_select())
        .filter(cpis::code.eq(&cpi.code))
        .first(conn)
        .map_err(Into::into)
}

pub fn cpi_codes_existing(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    // Chunked: SQLite caps the number of bound parameters.
    for chunk in codes.chunks(500) {
        found.extend(
            cpis::table
                .select(cpis::code)
                .filter(cpis::code.eq_any(chunk))
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}

pub fn province_siglas(conn: &mut DbConnection) -> Result<Vec<String>> {
    Ok(provinces::table.select(provinces::sigla).load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct CpiFilter {
    pub region: Option<String>,
    pub province: Option<String>,
    pub after_code: Option<String>,
    pub limit: i64,
}

pub fn list_cpis(conn: &mut DbConnection, f: &CpiFilter) -> Result<Vec<CpiWithRegion>> {
    let mut q = cpis::table
        .inner_join(provinces::table.on(provinces::sigla.eq(cpis::province_sigla)))
        .select((CpiRow::as_select(), provinces::region_code))
        .into_boxed();
    if let Some(r) = &f.region {
        q = q.filter(provinces::region_code.eq(r.clone()));
    }
    if let Some(p) = &f.province {
        q = q.filter(cpis::province_sigla.eq(p.clone()));
    }
    if let Some(c) = &f.after_code {
        q = q.filter(cpis::code.gt(c.clone()));
    }
    let rows: Vec<(CpiRow, String)> = q.order(cpis::code).limit(f.limit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(cpi, region_code)| CpiWithRegion { cpi, region_code })
        .collect())
}

pub fn get_cpi(conn: &mut DbConnection, code: &str) -> Result<Option<CpiWithRegion>> {
    let row: Option<(CpiRow, String)> = cpis::table
        .inner_join(provinces::table.on(provinces::sigla.eq(cpis::province_sigla)))
        .select((CpiRow::as_select(), provinces::region_code))
        .filter(cpis::code.eq(code))
        .first(conn)
        .optional()?;
    Ok(row.map(|(cpi, region_code)| CpiWithRegion { cpi, region_code }))
}
