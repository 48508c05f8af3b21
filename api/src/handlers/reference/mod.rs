pub mod conventions;
pub mod cpis;
pub mod provinces;
pub mod regions;
