//! What a contract's end does to the assignment, kept here for the
//! contracts area; the Navigators' use cases are in `app::navigators`.

pub use crate::app::navigators::end_assignment;
