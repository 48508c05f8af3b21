//! `/console/accesso-dati`: HR and administrators produce a person's
//! subject access file (GDPR art. 15) by codice fiscale, to read and
//! print, or as the JSON document (`.json`). Each production is recorded
//! in the audit log by the use case. Anyone else finds no page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use domain::selection::CodiceFiscale;
use serde::Deserialize;

use super::{staff, Frame, Section};
use crate::app::subjects::ProduceAccessFile;
use crate::app::UseCase;
use crate::auth::Caller;
use crate::pages::access_file::{json_download, AccessFilePage};
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

const PATH: &str = "/console/accesso-dati";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/accesso-dati", web::get().to(show))
        .route("/accesso-dati.json", web::get().to(download));
}

#[derive(Deserialize, Default)]
struct Lookup {
    #[serde(default)]
    codice_fiscale: String,
}

fn lookup(req: &HttpRequest) -> Lookup {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

async fn producer(
    req: &HttpRequest,
    visit: &mut Visit,
    signed: &SignedIn,
) -> Result<Caller, Box<HttpResponse>> {
    let caller = staff(req, visit, signed).await?;
    match ProduceAccessFile::ROLES.contains(&caller.role) {
        true => Ok(caller),
        false => Err(Box::new(visit.not_found())),
    }
}

#[derive(Template)]
#[template(path = "console/access_file_form.html")]
struct FormPage<'a> {
    page: &'a Visit,
    frame: Frame,
    codice_fiscale: String,
    errors: FieldErrors,
    /// Whether a well-formed code names nobody the service knows.
    unknown: bool,
}

/// The form; with a codice fiscale, the person's file as a page.
async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match producer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let typed = lookup(&req).codice_fiscale.trim().to_owned();
    let form = |visit: &Visit, errors: FieldErrors, unknown: bool, status| {
        visit.render(
            status,
            &FormPage {
                page: visit,
                frame: Frame::of(Section::Audit, &caller),
                codice_fiscale: typed.clone(),
                errors,
                unknown,
            },
        )
    };
    if typed.is_empty() {
        return form(&visit, FieldErrors::default(), false, StatusCode::OK);
    }
    let codice = match CodiceFiscale::parse("codice_fiscale", &typed) {
        Ok(c) => c,
        Err(_) => {
            let errors = FieldErrors::default().with(
                "codice_fiscale",
                visit.t(
                    "Indica un codice fiscale valido: 16 caratteri, con il carattere di controllo giusto.",
                    "Give a valid codice fiscale: 16 characters, with the right check character.",
                ),
            );
            return form(&visit, errors, false, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let case = ProduceAccessFile {
        codice: codice.clone(),
    };
    match visit.state.use_cases.run(visit.act_as(&caller), case).await {
        Ok(file) => {
            let json_href = format!("{PATH}.json?codice_fiscale={}", codice.as_str());
            let back = (
                PATH.to_owned(),
                visit
                    .t("Cerca un'altra persona", "Look up another person")
                    .to_owned(),
            );
            let page = AccessFilePage::of(&visit, &file, json_href, back);
            visit.render(StatusCode::OK, &page)
        }
        Err(crate::error::ApiError::NotFound { .. }) => {
            form(&visit, FieldErrors::default(), true, StatusCode::NOT_FOUND)
        }
        Err(e) => visit.console_error(&e),
    }
}

/// The JSON document, as a file.
async fn download(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match producer(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let Ok(codice) = CodiceFiscale::parse("codice_fiscale", &lookup(&req).codice_fiscale) else {
        return visit.see_other(PATH);
    };
    match visit
        .state
        .use_cases
        .run(visit.act_as(&caller), ProduceAccessFile { codice })
        .await
    {
        Ok(file) => json_download(&visit, &file),
        Err(e) => visit.console_error(&e),
    }
}
