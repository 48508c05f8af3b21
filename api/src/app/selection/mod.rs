//! Selection (avviso): the selection and its posts, applications,
//! admission, results, rankings, the fallback neighbours and the seats
//! (DOMAIN.md §4–§5). The rules are `domain`'s; these use cases move the
//! records.

mod admission;
mod correct_ranking;
mod create_selection;
mod extract_ranking;
mod import_applications;
mod import_results;
mod list_selections;
mod neighbours;
mod progress;
mod publish_rankings;
mod rankings;
mod read_ranking;
mod read_selection;
mod rectify_contact;
mod seats;
mod set_posts;

pub use admission::{Admission, ComputeAdmission, ProvinceAdmission};
pub use correct_ranking::{CorrectRanking, CorrectedResult};
pub use create_selection::{settings_of, CreateSelection};
pub use extract_ranking::{ExtractFormat, ExtractRanking, RankingExtract};
pub use import_applications::{
    parse_application_file, ApplicationContext, ImportApplications,
    CSV_HEADER as APPLICATIONS_CSV_HEADER,
};
pub use import_results::{ImportResults, ResultsImported};
pub use list_selections::{ListSelections, SelectionPage};
pub use neighbours::{NeighboursInForce, ReadNeighbours, SetNeighbours};
pub use progress::{ProvinceProgress, ReadProgress};
pub use publish_rankings::PublishRankings;
pub use rankings::RankingSummary;
pub use read_ranking::{RankingRecord, ReadRanking};
pub use read_selection::ReadSelection;
pub use rectify_contact::{RectifiedContact, RectifyContact};
pub use seats::{ListSeats, SeatRecord};
pub use set_posts::{PostsChange, SetPosts};

use persistence::selection::{self, SelectionRow};
use persistence::DbConnection;

use crate::error::{ApiError, ApiResult};

/// A selection with the code of the training path set for it, if any.
#[derive(Debug, Clone)]
pub struct SelectionRecord {
    pub selection: SelectionRow,
    pub training_path: Option<String>,
}

pub fn load_selection(conn: &mut DbConnection, id: &str) -> ApiResult<SelectionRow> {
    selection::get_selection(conn, id)?.ok_or(ApiError::NotFound {
        entity: "selection",
    })
}
