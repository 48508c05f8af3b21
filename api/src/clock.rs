//! Calendar dates are Italian dates (DOMAIN.md §6 rule 4).

use chrono::{NaiveDate, Utc};
use chrono_tz::Europe::Rome;

pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Rome).date_naive()
}
