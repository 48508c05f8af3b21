//! The console's tables: filters as GET parameters (so a filtered list has
//! an address to keep and share), pages by the API's opaque cursors, and
//! "Scarica CSV" of the same rows.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::pages::Visit;

/// How many rows a page of a console table shows.
pub const PAGE_ROWS: i64 = 50;
/// How many rows a download reads at a time.
pub const DOWNLOAD_BATCH: i64 = 500;

/// A list page's state, as its address holds it.
pub struct Listing {
    /// The page's address, without parameters.
    pub path: &'static str,
    /// The filters, by name, as typed (blank ones left out).
    filters: Vec<(&'static str, String)>,
    /// Where the page shown starts (`cursore`).
    pub cursor: Option<String>,
}

impl Listing {
    /// The filters named `names` and the cursor, read from the visit's address.
    pub fn of(visit: &Visit, path: &'static str, names: &[&'static str]) -> Self {
        let value = |name: &str| {
            visit
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            path,
            filters: names
                .iter()
                .filter_map(|n| value(n).map(|v| (*n, v)))
                .collect(),
            cursor: value("cursore"),
        }
    }

    /// The value of filter `name`, if one was given.
    pub fn filter(&self, name: &str) -> Option<String> {
        self.filters
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }

    /// The value of filter `name` for the form, empty when none.
    pub fn shown(&self, name: &str) -> String {
        self.filter(name).unwrap_or_default()
    }

    pub fn filtered(&self) -> bool {
        !self.filters.is_empty()
    }

    fn address(&self, path: &str, cursor: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.filters {
            query.append_pair(k, v);
        }
        if let Some(c) = cursor {
            query.append_pair("cursore", c);
        }
        let query = query.finish();
        match query.is_empty() {
            true => path.to_owned(),
            false => format!("{path}?{query}"),
        }
    }

    /// The first page with the same filters and `name` set to `value`
    /// (another order, say), or without `name` when `value` is empty.
    pub fn with(&self, name: &'static str, value: &str) -> String {
        let mut other = Self {
            path: self.path,
            filters: self
                .filters
                .iter()
                .filter(|(k, _)| *k != name)
                .cloned()
                .collect(),
            cursor: None,
        };
        if !value.is_empty() {
            other.filters.push((name, value.to_owned()));
        }
        other.first_page()
    }

    /// The first page, with the same filters.
    pub fn first_page(&self) -> String {
        self.address(self.path, None)
    }

    /// The page after this one, when there is one.
    pub fn next_page(&self, next_cursor: &Option<String>) -> Option<String> {
        next_cursor
            .as_deref()
            .map(|c| self.address(self.path, Some(c)))
    }

    /// Every row of the list, with the same filters, as CSV.
    pub fn download(&self) -> String {
        self.address(&format!("{}.csv", self.path), None)
    }
}

/// Every row of a list, read `DOWNLOAD_BATCH` at a time: `page` reads the
/// rows after a cursor and the next page's cursor.
pub async fn every_row<R, Page>(
    mut page: impl FnMut(Option<String>) -> Page,
) -> Result<Vec<R>, crate::error::ApiError>
where
    Page: std::future::Future<Output = Result<(Vec<R>, Option<String>), crate::error::ApiError>>,
{
    let (mut all, mut after) = (Vec::new(), None);
    loop {
        let (rows, next) = page(after).await?;
        all.extend(rows);
        match next {
            Some(n) => after = Some(n),
            None => return Ok(all),
        }
    }
}

/// A CSV download: a header and rows, as a file to keep.
pub fn csv_answer(
    visit: &Visit,
    file: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> HttpResponse {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut written = w.write_record(header);
    for r in rows {
        written = written.and_then(|()| w.write_record(r));
    }
    let bytes = match written {
        Ok(()) => w.into_inner().map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match bytes {
        Ok(body) => file_answer(visit, file, CSV, body),
        Err(e) => {
            tracing::error!(error = %e, "a CSV download could not be written");
            visit.failure()
        }
    }
}

/// The media type of CSV downloads.
pub const CSV: &str = "text/csv; charset=utf-8";
/// The media type of JSON downloads.
pub const JSON: &str = "application/json";

/// A file to keep, named `file`: never cached, since it holds people's data.
pub fn file_answer(visit: &Visit, file: &str, content_type: &str, body: Vec<u8>) -> HttpResponse {
    visit
        .answer(StatusCode::OK)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body)
}
