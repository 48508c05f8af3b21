use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    #[error("database error: {0}")]
    Query(#[from] DieselError),
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot open the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("invalid database URL: {0}")]
    Url(String),
    #[error("reference data file {file} is invalid: {reason}")]
    Seed { file: &'static str, reason: String },
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}

impl PersistenceError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(
            self,
            Self::Query(DieselError::DatabaseError(
                DatabaseErrorKind::ForeignKeyViolation,
                _
            ))
        )
    }

    /// Another transaction got there first: it committed a key this one
    /// inserts too (a check, then an insert, raced), or PostgreSQL gave up
    /// on one of the two (a serialization failure, a deadlock). Running the
    /// same change again sees what the other committed.
    pub fn is_contention(&self) -> bool {
        match self {
            Self::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure,
                _,
            )) => true,
            Self::Query(DieselError::DatabaseError(_, info)) => {
                info.message().contains("deadlock detected")
            }
            _ => false,
        }
    }

    /// The database cannot be reached or is locked out: worth a 503, not a 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Pool(_) | Self::Connection(_) => true,
            Self::Query(DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => true,
            Self::Query(DieselError::DatabaseError(_, info)) => {
                let m = info.message();
                m.contains("database is locked") || m.contains("terminating connection")
            }
            _ => false,
        }
    }
}

pub type Result<T, E = PersistenceError> = std::result::Result<T, E>;

/// A stored value read back as its domain type: a value no write puts
/// there is a damaged database, named by its column.
pub(crate) fn stored<T>(
    column: &str,
    raw: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    parse(raw).ok_or_else(|| PersistenceError::Corrupt(format!("{column} {raw:?}")))
}
