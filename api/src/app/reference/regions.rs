//! The Regions with their convention and 2019 posts, and the provinces.

use domain::account::Role;
use persistence::reference::{self, ProvinceRow, RegionSummary};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// Every Region.
#[derive(Clone)]
pub struct ListRegions;

impl UseCase for ListRegions {
    type Outcome = Vec<RegionSummary>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<RegionSummary>> {
        Ok(reference::list_regions(conn)?)
    }
}

/// One Region by ISTAT code.
#[derive(Clone)]
pub struct ReadRegion {
    pub code: String,
}

impl UseCase for ReadRegion {
    type Outcome = RegionSummary;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<RegionSummary> {
        reference::get_region(conn, &self.code)?.ok_or(ApiError::NotFound { entity: "region" })
    }
}

/// The provinces, or those of one Region.
#[derive(Clone)]
pub struct ListProvinces {
    pub region: Option<String>,
}

impl UseCase for ListProvinces {
    type Outcome = Vec<ProvinceRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<ProvinceRow>> {
        Ok(reference::list_provinces(conn, self.region.as_deref())?)
    }
}
