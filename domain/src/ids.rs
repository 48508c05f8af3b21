//! The ids of the aggregates. Each is stored as the text of a UUID; a
//! newtype per aggregate keeps a contract's id from being passed where an
//! offer's is expected.

use std::fmt;
use std::str::FromStr;

/// The text is not a UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a UUID")]
pub struct NotAnId;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// An id as the database stores it (or as a request names it:
            /// text that is no stored id finds nothing).
            pub fn from_stored(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }

            /// A new id, from a generated UUID.
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id.to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Only the text of a UUID is an id; it is kept as written.
        impl FromStr for $name {
            type Err = NotAnId;

            fn from_str(raw: &str) -> Result<Self, NotAnId> {
                uuid::Uuid::parse_str(raw).map_err(|_| NotAnId)?;
                Ok(Self(raw.to_owned()))
            }
        }

        /// Persistence takes ids as text.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        /// A rule's detail names the id.
        impl From<$name> for crate::Param {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }

        impl From<&$name> for crate::Param {
            fn from(id: &$name) -> Self {
                id.as_str().into()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )*};
}

ids! {
    /// A user account.
    UserId;
    /// A Navigator (a signed contract's person).
    NavigatorId;
    ContractId;
    OfferId;
    SelectionId;
    /// An application, called a candidate once ranked.
    ApplicationId;
    RankingId;
    /// A FAQ entry (all its versions).
    FaqEntryId;
    EquipmentItemId;
    TrainingSessionId;
    OjtLogId;
    TrainingPathId;
    ModuleId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_uuid_parses_and_keeps_its_text() {
        let raw = "0191e1a4-7c1e-7b0e-8f3a-3c2b1a0f9e8d";
        let id: ContractId = raw.parse().unwrap();
        assert_eq!(id.as_str(), raw);
        assert_eq!(id.to_string(), raw);
        assert_eq!("garbage".parse::<ContractId>(), Err(NotAnId));
        assert_eq!(ContractId::from_stored(raw), id);
    }
}
