//! Training (DOMAIN.md §8): paths, classroom sessions and attendance,
//! distance-learning completions and mandatory training; the use cases are
//! in `app::training`.

pub mod distance;
pub mod mandatory;
pub mod paths;
pub mod sessions;
