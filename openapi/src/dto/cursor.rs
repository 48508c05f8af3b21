//! The cursor of a list: opaque to clients, and checked when it comes back.
//!
//! A cursor is base64url (no padding) of a version byte, the list it belongs
//! to, the key of the last item of the page it follows, and the first bytes
//! of a SHA-256 over those. A list takes back only a cursor it gave out:
//! one of another list, a hand-edited one or any other text is refused
//! (400 `unknown-cursor`), rather than read as a key that happens to sort
//! somewhere. The check is not a secret: a cursor grants nothing, it only
//! says where a list the caller may read goes on.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// The lists that page, each with the byte that names it in its cursors.
/// A byte is never reused for another list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PagedList {
    Users = 1,
    Audit = 2,
    Regions = 3,
    Provinces = 4,
    Cpis = 5,
    CpiNavigators = 6,
    TrainingPaths = 7,
    Selections = 8,
    Seats = 9,
    Offers = 10,
    Contracts = 11,
    Offboarding = 12,
    Navigators = 13,
    Assignments = 14,
    OjtLogs = 15,
    OwnOjtLogs = 16,
    Equipment = 17,
    Pairings = 18,
    Questions = 19,
    Faqs = 20,
}

impl PagedList {
    pub const ALL: &'static [Self] = &[
        Self::Users,
        Self::Audit,
        Self::Regions,
        Self::Provinces,
        Self::Cpis,
        Self::CpiNavigators,
        Self::TrainingPaths,
        Self::Selections,
        Self::Seats,
        Self::Offers,
        Self::Contracts,
        Self::Offboarding,
        Self::Navigators,
        Self::Assignments,
        Self::OjtLogs,
        Self::OwnOjtLogs,
        Self::Equipment,
        Self::Pairings,
        Self::Questions,
        Self::Faqs,
    ];
}

/// The format of the cursors given out now.
const VERSION: u8 = 1;
/// Bytes of the SHA-256 kept as the check.
const CHECK_LEN: usize = 8;
/// Longer text is no cursor of any list (keys are ids and days), and is
/// refused before it is decoded.
pub const CURSOR_MAX_LEN: usize = 256;

/// A list's cursor: the `next_cursor` of a page, given back as `cursor`
/// for the next one. Opaque; a list takes back only its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor of `list` that goes on after the item with `key`.
    pub fn new(list: PagedList, key: &str) -> Self {
        let mut bytes = Vec::with_capacity(2 + key.len() + CHECK_LEN);
        bytes.push(VERSION);
        bytes.push(list as u8);
        bytes.extend_from_slice(key.as_bytes());
        let check = check(&bytes);
        bytes.extend_from_slice(&check);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The key this cursor holds, when it is one `list` gave out; `None`
    /// for any other text.
    pub fn key(&self, list: PagedList) -> Option<String> {
        if self.0.is_empty() || self.0.len() > CURSOR_MAX_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(&self.0).ok()?;
        if bytes.len() < 2 + CHECK_LEN {
            return None;
        }
        let (signed, given) = bytes.split_at(bytes.len() - CHECK_LEN);
        if check(signed) != given || signed[0] != VERSION || signed[1] != list as u8 {
            return None;
        }
        String::from_utf8(signed[2..].to_vec()).ok()
    }

    /// The text as given out and taken back.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Cursor {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn check(signed: &[u8]) -> [u8; CHECK_LEN] {
    let digest = Sha256::new()
        .chain_update(b"navigator-ops cursor\0")
        .chain_update(signed)
        .finalize();
    let mut out = [0; CHECK_LEN];
    out.copy_from_slice(&digest[..CHECK_LEN]);
    out
}

impl PartialSchema for Cursor {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Opaque: the `next_cursor` of a page of the same list. A cursor of another \
                 list, or any other text, is refused (400 `unknown-cursor`).",
            ))
            .min_length(Some(1))
            .max_length(Some(CURSOR_MAX_LEN))
            .pattern(Some("^[A-Za-z0-9_-]+$"))
            .into()
    }
}

impl ToSchema for Cursor {
    fn name() -> std::borrow::Cow<'static, str> {
        "Cursor".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_back_its_own_cursor() {
        for &list in PagedList::ALL {
            for key in [
                "",
                "RM-01",
                "2019-08-30_0191c1f2-7f5e-7000-8000-000000000001",
            ] {
                let cursor = Cursor::new(list, key);
                assert!(
                    cursor
                        .as_str()
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                    "{cursor}"
                );
                assert!(cursor.as_str().len() <= CURSOR_MAX_LEN);
                assert_eq!(cursor.key(list).as_deref(), Some(key), "{list:?}");
            }
        }
    }

    #[test]
    fn a_list_refuses_another_lists_cursor() {
        for &list in PagedList::ALL {
            let cursor = Cursor::new(list, "0191c1f2");
            for &other in PagedList::ALL.iter().filter(|&&o| o != list) {
                assert_eq!(cursor.key(other), None, "{list:?} read as {other:?}");
            }
        }
    }

    #[test]
    fn bytes_are_list_codes_once_each() {
        let mut seen = std::collections::HashSet::new();
        for &list in PagedList::ALL {
            assert!(seen.insert(list as u8), "{list:?}");
        }
    }

    #[test]
    fn garbage_and_edited_cursors_are_refused() {
        let list = PagedList::Users;
        for text in [
            "",
            "zzz",
            "000",
            "not-a-cursor",
            "2019-13-45_x",
            "AQE",
            "====",
            "é",
        ] {
            assert_eq!(Cursor::from(text.to_owned()).key(list), None, "{text}");
        }
        // A raw key, as cursors were before.
        assert_eq!(Cursor::from("0191c1f2".to_owned()).key(list), None);
        // Every one-character edit of a real cursor.
        let good = Cursor::new(list, "0191c1f2-7f5e");
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..good.as_str().len() {
            for c in alphabet.chars() {
                let mut edited = good.as_str().to_owned();
                edited.replace_range(i..=i, &c.to_string());
                if edited != good.as_str() {
                    assert_eq!(Cursor::from(edited.clone()).key(list), None, "{edited}");
                }
            }
        }
        // Too long to be anyone's.
        let long = Cursor::new(list, &"x".repeat(CURSOR_MAX_LEN));
        assert_eq!(long.key(list), None);
    }

    #[test]
    fn a_cursor_travels_as_a_plain_string() {
        let cursor = Cursor::new(PagedList::Offers, "id");
        let json = serde_json::to_value(&cursor).unwrap();
        assert_eq!(json, serde_json::Value::String(cursor.as_str().to_owned()));
        let back: Cursor = serde_json::from_value(json).unwrap();
        assert_eq!(back, cursor);
    }
}
