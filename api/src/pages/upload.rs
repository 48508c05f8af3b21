//! A form that carries a file (the console's CSV imports): its fields and
//! the one file chosen, read whole within the import size limit. The file's
//! rows are then parsed by the same code as the JSON API's import.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

/// A posted form with a file.
pub struct Upload {
    fields: Vec<(String, String)>,
    /// The chosen file's name and bytes; `None` when no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

/// Why a posted form with a file could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadRefused {
    /// Not a `multipart/form-data` body, or a broken one.
    NotAForm,
    /// Larger than the import limit.
    TooLarge,
}

impl Upload {
    /// Reads the form posted to `req`, refusing it past `limit` bytes.
    pub async fn read(
        req: &HttpRequest,
        payload: web::Payload,
        limit: usize,
    ) -> Result<Self, UploadRefused> {
        let mut parts = Multipart::new(req.headers(), payload);
        let (mut fields, mut file, mut total) = (Vec::new(), None, 0usize);
        while let Some(part) = parts.next().await {
            let mut part = part.map_err(|_| UploadRefused::NotAForm)?;
            let disposition = part.content_disposition().cloned();
            let name = disposition
                .as_ref()
                .and_then(|d| d.get_name())
                .unwrap_or_default()
                .to_owned();
            let file_name = disposition
                .as_ref()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            let mut bytes = Vec::new();
            while let Some(chunk) = part.next().await {
                let chunk = chunk.map_err(|_| UploadRefused::NotAForm)?;
                total += chunk.len();
                if total > limit {
                    return Err(UploadRefused::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            match file_name {
                // A file input left empty still sends a part, nameless and empty.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(f) => file = Some((f, bytes)),
                None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        Ok(Self { fields, file })
    }

    /// The value of field `name`, empty when it was not sent.
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}
