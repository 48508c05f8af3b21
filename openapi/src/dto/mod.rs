//! Request and response bodies, one file per area. Field names are the
//! contract of API.md.

mod accounts;
mod contracts;
mod cursor;
mod equipment;
mod extract;
mod faq;
mod navigators;
mod operations;
mod progress;
mod questions;
mod reference;
mod reports;
mod selection;
mod subject;
mod training;

pub use accounts::*;
pub use contracts::*;
pub use cursor::*;
pub use equipment::*;
pub use extract::*;
pub use faq::*;
pub use navigators::*;
pub use operations::*;
pub use progress::*;
pub use questions::*;
pub use reference::*;
pub use reports::*;
pub use selection::*;
pub use subject::*;
pub use training::*;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A page of a list; pass `next_cursor` back as `cursor` for the next one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many items (1-500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// Paging of a list with at most one row per Region or province.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WholeListPageQuery {
    /// At most this many items (1-500, default 500: the whole list).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Navigator,
    Coordinator,
    Trainer,
    Hr,
    Admin,
    Expert,
}

impl From<Role> for domain::account::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Navigator => Self::Navigator,
            Role::Coordinator => Self::Coordinator,
            Role::Trainer => Self::Trainer,
            Role::Hr => Self::Hr,
            Role::Admin => Self::Admin,
            Role::Expert => Self::Expert,
        }
    }
}

impl From<domain::account::Role> for Role {
    fn from(r: domain::account::Role) -> Self {
        use domain::account::Role as D;
        match r {
            D::Navigator => Self::Navigator,
            D::Coordinator => Self::Coordinator,
            D::Trainer => Self::Trainer,
            D::Hr => Self::Hr,
            D::Admin => Self::Admin,
            D::Expert => Self::Expert,
        }
    }
}
