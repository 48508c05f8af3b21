//! `/app/i-miei-dati`: the Navigator's own subject access file (the same
//! use case as `GET /me/access-file`), to read and print, and as the JSON
//! document (`/app/i-miei-dati.json`). Each production is recorded in the
//! audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::navigator;
use crate::app::subjects::ProduceOwnAccessFile;
use crate::extract::RequestMeta;
use crate::pages::access_file::{json_download, AccessFilePage};
use crate::pages::session::SignedIn;
use crate::pages::Visit;

pub async fn show(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    match visit.state.run(&caller, &meta, ProduceOwnAccessFile).await {
        Ok(file) => {
            let back = (
                "/app/contratto".to_owned(),
                visit
                    .t("Torna al contratto", "Back to the contract")
                    .to_owned(),
            );
            let page = AccessFilePage::of(&visit, &file, "/app/i-miei-dati.json".to_owned(), back);
            visit.render(StatusCode::OK, &page)
        }
        Err(e) => visit.error_page(&e),
    }
}

pub async fn download(
    req: HttpRequest,
    visit: Visit,
    signed: SignedIn,
    meta: RequestMeta,
) -> HttpResponse {
    let caller = match navigator(&req, &visit, &signed) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    match visit.state.run(&caller, &meta, ProduceOwnAccessFile).await {
        Ok(file) => json_download(&visit, &file),
        Err(e) => visit.error_page(&e),
    }
}
