//! Selection and ranking (DOMAIN.md §4) and the seats that scorrimento fills
//! (§5): the codice fiscale that makes an application unique, admission to
//! the test, scoring, the graduatoria of each province, its records-request
//! extract, its seats and the neighbours a province's fallback calls from.

pub mod admission;
pub mod application;
pub mod codice_fiscale;
pub mod extract;
pub mod merit;
pub mod neighbours;
pub mod ranking;
pub mod scoring;
pub mod scorrimento;
pub mod seats;
pub mod settings;

pub use admission::{
    admission_quota, admit, check_multiplier, AdmissionCandidate, DEFAULT_MULTIPLIER,
};
pub use codice_fiscale::CodiceFiscale;
pub use merit::{cmp_application_no, DegreeGrade};
pub use ranking::{rank, DecidedBy, RankedEntry, RankingEntry, RankingStatus};
pub use scoring::{Score, ScoringRules, TestResult};
pub use seats::{SeatViolation, Seats};
