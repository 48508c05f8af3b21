//! Reference data (DOMAIN.md §2-3): Regions, provinces, the regional
//! conventions and the CPI registry.

mod conventions;
mod cpis;
mod regions;

pub use conventions::{ReadConvention, SetConvention};
pub use cpis::{parse_cpi_file, CreateCpi, ImportCpis, ListCpis, ReadCpi, CSV_HEADER};
pub use regions::{ListProvinces, ListRegions, ReadRegion};
