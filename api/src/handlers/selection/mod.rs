//! Selection (avviso), applications, admission, results and rankings.

pub mod admission;
pub mod applications;
pub mod extract;
pub mod neighbours;
pub mod rankings;
pub mod results;
pub mod seats;
pub mod selections;

/// Points with two decimals from hundredths.
pub fn points(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}
