//! Reading uploaded CSV files: UTF-8, a header row that must match exactly,
//! every bad row reported with its line number (the header is line 1).

use domain::RuleCode;
use domain::{Violation, Violations};

/// The records of `bytes` after checking the header, with their line numbers.
pub fn records(
    bytes: &[u8],
    header: &[&'static str],
) -> Result<Vec<(u64, csv::StringRecord)>, Violations> {
    let mut out = Vec::new();
    each_record(bytes, header, |line, r| out.push((line, r.clone())))?;
    Ok(out)
}

/// Hands each well-formed record of `bytes` to `row`, with its line, after
/// checking the header; then the rows of the wrong shape, if any, as the
/// file's violations. One record is read into again and again: a large
/// file costs no allocation per row here.
pub fn each_record(
    bytes: &[u8],
    header: &[&'static str],
    mut row: impl FnMut(u64, &csv::StringRecord),
) -> Result<(), Violations> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Violations::from(Violation::new("file", RuleCode::NotUtf8)))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let expected = header.join(",");
    let found = reader
        .headers()
        .map_err(|e| {
            Violations::from(
                Violation::new("header", RuleCode::WrongHeader)
                    .with_detail(format!("{expected} ({e})"))
                    .at_line(1),
            )
        })?
        .iter()
        .map(str::trim)
        .collect::<Vec<_>>();
    if found != header {
        return Err(Violation::new("header", RuleCode::WrongHeader)
            .with_detail(expected)
            .at_line(1)
            .into());
    }
    let mut bad = Violations::new();
    let mut record = csv::StringRecord::new();
    let mut any = false;
    for i in 0u64.. {
        // Lines as a spreadsheet shows them; a quoted field may span lines.
        let fallback = i + 2;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(fallback, |p| p.line());
                // PostgreSQL cannot store U+0000 in text; no cell needs it.
                if let Some(column) = record.iter().position(|cell| cell.contains('\0')) {
                    bad.push(
                        Violation::new(
                            header.get(column).copied().unwrap_or("row"),
                            RuleCode::NulCharacter,
                        )
                        .at_line(line),
                    );
                } else if record.len() != header.len() {
                    bad.push(
                        Violation::new("row", RuleCode::WrongColumnCount)
                            .with_detail(header.len())
                            .at_line(line),
                    );
                } else {
                    any = true;
                    row(line, &record);
                }
            }
            Err(e) => bad.push(
                Violation::new("row", RuleCode::Unreadable)
                    .with_detail(e.to_string())
                    .at_line(fallback),
            ),
        }
    }
    if !any && bad.is_empty() {
        bad.push(Violation::new("file", RuleCode::EmptyFile));
    }
    bad.into_result(())
}

/// An empty cell is `None`.
pub fn optional(cell: &str) -> Option<&str> {
    let t = cell.trim();
    (!t.is_empty()).then_some(t)
}

/// An optional whole number; a bad one becomes a violation on `field`.
pub fn optional_int(cell: &str, field: &str, line: u64) -> Result<Option<i64>, Violation> {
    optional(cell)
        .map(|t| {
            t.parse::<i64>().map_err(|_| {
                Violation::new(field, RuleCode::NotANumber)
                    .with_detail(t)
                    .at_line(line)
            })
        })
        .transpose()
}

/// Where a row of a list came from, to name its fields in a violation:
/// its index in a JSON array (`[2].hours`) or its line in a CSV file
/// (`hours`, line 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAt {
    Index(usize),
    Line(u64),
}

impl RowAt {
    /// The name of `field` of this row.
    pub fn field(self, field: &str) -> String {
        match self {
            Self::Index(i) => format!("[{i}].{field}"),
            Self::Line(_) => field.to_owned(),
        }
    }

    /// A violation of this row's `field`.
    pub fn violation(self, field: &str, code: RuleCode) -> Violation {
        self.place(Violation::new(self.field(field), code))
    }

    /// Adds the line to a violation made with [`RowAt::field`].
    pub fn place(self, v: Violation) -> Violation {
        match self {
            Self::Index(_) => v,
            Self::Line(line) => v.at_line(line),
        }
    }

    /// How another row is named in a duplicate's detail: `[0]`, or its line.
    pub fn describe(self) -> String {
        match self {
            Self::Index(i) => format!("[{i}]"),
            Self::Line(line) => line.to_string(),
        }
    }

    /// The code of a value this row repeats: `duplicate` in a list,
    /// `duplicate-in-file` (whose detail is the first line) in a file.
    pub fn duplicate_code(self) -> RuleCode {
        match self {
            Self::Index(_) => RuleCode::Duplicate,
            Self::Line(_) => RuleCode::DuplicateInFile,
        }
    }

    /// The problem for the rows' violations, in the order of the rows
    /// (they are found in more than one pass): a rejected file names lines.
    pub fn rejection(self, mut v: Violations) -> crate::error::ApiError {
        v.0.sort_by_key(|v| v.line.or_else(|| list_index(&v.field)).unwrap_or(0));
        match self {
            Self::Index(_) => crate::error::ApiError::Validation(v),
            Self::Line(_) => crate::error::ApiError::FileRejected(v),
        }
    }
}

/// The index of a list row's field, `[12].hours` -> 12.
fn list_index(field: &str) -> Option<u64> {
    let rest = field.strip_prefix('[')?;
    rest[..rest.find(']')?].parse().ok()
}

/// Hours as written in a file: `3`, `3.5`, or with the Italian decimal
/// comma, `3,5`.
pub fn hours_cell(cell: &str, field: &str, line: u64) -> Result<f64, Violation> {
    let t = cell.trim();
    t.replace(',', ".").parse::<f64>().map_err(|_| {
        Violation::new(field, RuleCode::NotANumber)
            .with_detail(t)
            .at_line(line)
    })
}

/// A `YYYY-MM-DD` date, within the range the service accepts.
pub fn date_cell(cell: &str, field: &str, line: u64) -> Result<chrono::NaiveDate, Violation> {
    let t = cell.trim();
    let day = match iso_date(t) {
        Some(d) => d,
        // Not in the usual shape: chrono's parser decides, as it always has
        // (`2019-4-5` is a date too).
        None => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            Violation::new(field, RuleCode::InvalidDate)
                .with_detail(t)
                .at_line(line)
        })?,
    };
    domain::day::check(field, day).map_err(|v| v.at_line(line))
}

/// `YYYY-MM-DD` read directly: a file of tens of thousands of rows spends
/// more on chrono's format-string parser than on all its other checks.
/// `None` when the text is not in exactly that shape or is no real date.
fn iso_date(t: &str) -> Option<chrono::NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&b[..4])?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..])?)
}

/// `true` or `false`.
pub fn bool_cell(cell: &str, field: &str, line: u64) -> Result<bool, Violation> {
    match cell.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(Violation::new(field, RuleCode::NotABoolean)
            .with_detail(other)
            .at_line(line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_violations_come_in_row_order() {
        let v = Violations::of(vec![
            Violation::new("hours", RuleCode::TooLong).at_line(7),
            Violation::new("codice_fiscale", RuleCode::Required).at_line(3),
            Violation::new("hours", RuleCode::NotANumber).at_line(3),
        ]);
        let crate::error::ApiError::FileRejected(v) = RowAt::Line(1).rejection(v) else {
            panic!("a file is rejected");
        };
        let got: Vec<_> = v.0.iter().map(|v| (v.line, v.code)).collect();
        assert_eq!(
            got,
            vec![
                (Some(3), RuleCode::Required),
                (Some(3), RuleCode::NotANumber),
                (Some(7), RuleCode::TooLong)
            ]
        );
        let v = Violations::of(vec![
            Violation::new("[10].hours", RuleCode::TooLong),
            Violation::new("[2].navigator_id", RuleCode::Required),
            Violation::new("body", RuleCode::NotANumber),
        ]);
        let crate::error::ApiError::Validation(v) = RowAt::Index(0).rejection(v) else {
            panic!("a list is invalid");
        };
        let got: Vec<_> = v.0.iter().map(|v| v.code).collect();
        assert_eq!(
            got,
            vec![RuleCode::NotANumber, RuleCode::Required, RuleCode::TooLong]
        );
    }

    #[test]
    fn cells_of_hours_dates_and_booleans() {
        assert_eq!(hours_cell(" 3,5 ", "hours", 2), Ok(3.5));
        assert_eq!(hours_cell("4", "hours", 2), Ok(4.0));
        assert_eq!(hours_cell("tre", "hours", 2).unwrap_err().line, Some(2));
        assert_eq!(
            date_cell(" 2019-09-10 ", "d", 2),
            Ok(chrono::NaiveDate::from_ymd_opt(2019, 9, 10).unwrap())
        );
        assert_eq!(
            date_cell("2019-9-1", "d", 2),
            Ok(chrono::NaiveDate::from_ymd_opt(2019, 9, 1).unwrap())
        );
        assert_eq!(
            date_cell("2019-02-30", "d", 2).unwrap_err().code,
            "invalid-date"
        );
        assert_eq!(
            date_cell("2019-0a-10", "d", 2).unwrap_err().code,
            "invalid-date"
        );
        assert_eq!(
            date_cell("10/09/2019", "d", 2).unwrap_err().code,
            "invalid-date"
        );
        assert_eq!(
            date_cell("+262142-12-31", "d", 2).unwrap_err().code,
            "date-out-of-range"
        );
        assert_eq!(
            date_cell("1899-12-31", "d", 2).unwrap_err().code,
            "date-out-of-range"
        );
        assert_eq!(bool_cell("false", "b", 2), Ok(false));
        assert_eq!(bool_cell("sì", "b", 2).unwrap_err().code, "not-a-boolean");
    }

    #[test]
    fn header_must_match() {
        let e = records(b"code,nome\nA,B\n", &["code", "name"]).unwrap_err();
        assert_eq!(
            (e.0[0].code.as_str(), e.0[0].line),
            ("wrong-header", Some(1))
        );
    }

    #[test]
    fn rows_keep_their_line_numbers() {
        let r = records(b"\xef\xbb\xbfcode,name\nA,B\nC,D\n", &["code", "name"]).unwrap();
        assert_eq!(r.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn short_rows_and_empty_files_are_refused() {
        let e = records(b"code,name\nA\nB,C\nD,E,F\n", &["code", "name"]).unwrap_err();
        assert_eq!(
            e.0.iter().map(|v| v.line).collect::<Vec<_>>(),
            vec![Some(2), Some(4)]
        );
        let e = records(b"code,name\n", &["code", "name"]).unwrap_err();
        assert_eq!(e.0[0].code, "empty-file");
        let e = records(b"code,name\nA,B\x00\n", &["code", "name"]).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str(), e.0[0].line),
            ("name", "nul-character", Some(2))
        );
        let e = records(b"code,name\n\xff,x\n", &["code", "name"]).unwrap_err();
        assert_eq!(e.0[0].code, "not-utf8");
    }
}
