//! A Navigator's stored training progress: kept by the use cases
//! (`app::training`), read in batches by `progress_polls`.

pub use crate::app::training::{compute, refresh, refresh_locked, PROGRESS_BODY_VERSION};
