//! Reading uploaded CSV files: UTF-8, a header row that must match exactly,
//! every bad row reported with its line number (the header is line 1).

use domain::{Violation, Violations};

/// The records of `bytes` after checking the header, with their line numbers.
pub fn records(
    bytes: &[u8],
    header: &[&'static str],
) -> Result<Vec<(u64, csv::StringRecord)>, Violations> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Violations::from(Violation::new("file", "not-utf8")))?;
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
                Violation::new("header", "wrong-header")
                    .with_detail(format!("{expected} ({e})"))
                    .at_line(1),
            )
        })?
        .iter()
        .map(str::trim)
        .collect::<Vec<_>>();
    if found != header {
        return Err(Violation::new("header", "wrong-header")
            .with_detail(expected)
            .at_line(1)
            .into());
    }
    let mut out = Vec::new();
    let mut bad = Violations::new();
    for (i, rec) in reader.records().enumerate() {
        // Lines as a spreadsheet shows them; a quoted field may span lines.
        let fallback = i as u64 + 2;
        match rec {
            Ok(r) => {
                let line = r.position().map_or(fallback, |p| p.line());
                if r.len() != header.len() {
                    bad.push(
                        Violation::new("row", "wrong-column-count")
                            .with_detail(header.len().to_string())
                            .at_line(line),
                    );
                } else {
                    out.push((line, r));
                }
            }
            Err(e) => bad.push(
                Violation::new("row", "unreadable")
                    .with_detail(e.to_string())
                    .at_line(fallback),
            ),
        }
    }
    if out.is_empty() && bad.is_empty() {
        bad.push(Violation::new("file", "empty-file"));
    }
    bad.into_result(out)
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
                Violation::new(field, "not-a-number")
                    .with_detail(t)
                    .at_line(line)
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_must_match() {
        let e = records(b"code,nome\nA,B\n", &["code", "name"]).unwrap_err();
        assert_eq!((e.0[0].code, e.0[0].line), ("wrong-header", Some(1)));
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
        let e = records(b"code,name\n\xff,x\n", &["code", "name"]).unwrap_err();
        assert_eq!(e.0[0].code, "not-utf8");
    }
}
