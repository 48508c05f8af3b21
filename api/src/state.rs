//! What every handler shares.

use std::sync::Arc;

use actix_web::web;
use persistence::{write_transaction, Database, DbConnection};

use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;

pub struct AppState {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    pub metrics: Metrics,
}

impl AppState {
    /// Runs `f` with a connection on the blocking pool (diesel is synchronous).
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.get().map_err(ApiError::from)?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` as one write transaction: all of it lands, or none.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.get().map_err(ApiError::from)?;
            write_transaction(&mut conn, f)
        })
        .await?
    }
}
