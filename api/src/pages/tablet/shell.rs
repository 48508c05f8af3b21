//! What makes the app installable and usable without network: the web app
//! manifest, the service worker (served under `/app/` so that its scope is
//! the app), the page it falls back to offline, and the small JSON `app.js`
//! reads before sending entries kept on the device.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::hours::Entry;
use super::{json_answer, Frame};
use crate::pages::assets;
use crate::pages::session::SignedIn;
use crate::pages::{FieldErrors, Visit};

/// The static files every page of the app loads (the stylesheets `base.html`
/// names, the app's script, style and icons). Fonts are not kept at
/// install, so as not to fetch every face the vendored set holds: the
/// worker keeps each one the first time a page uses it.
fn shell_files(path: &str) -> bool {
    matches!(
        path,
        "navigator.css"
            | "vendor/bootstrap-italia/css/bootstrap-italia.min.css"
            | "vendor/bootstrap-italia/css/fonts.css"
    ) || path.starts_with("app/") && path != "app/sw.js"
}

/// Whether `app.js` may send: who is signed in (whose entries are theirs)
/// and the anti-forgery token of this browser, for entries kept since an
/// older page.
pub async fn session(visit: Visit, signed: SignedIn) -> HttpResponse {
    let account = signed
        .caller()
        .filter(|c| c.role == domain::account::Role::Navigator)
        .map(|c| c.user_id.clone());
    let body = json!({
        "signed_in": account.is_some(),
        "account": account,
        "csrf": visit.csrf,
    });
    // The answer sets the token's cookie when the browser had none.
    json_answer(&visit, StatusCode::OK, &body)
}

#[derive(Template)]
#[template(path = "app/offline.html")]
struct OfflinePage<'a> {
    page: &'a Visit,
    frame: Frame,
    entry: Entry,
    errors: FieldErrors,
}

/// The page the service worker shows for an address it holds no copy of
/// while offline: hours can still be entered, and are kept on the device.
pub async fn offline(visit: Visit) -> HttpResponse {
    let today = visit.state.today().format("%Y-%m-%d").to_string();
    visit.render(
        StatusCode::OK,
        &OfflinePage {
            page: &visit,
            frame: Frame::outside(),
            entry: Entry::blank(today),
            errors: FieldErrors::default(),
        },
    )
}

/// The service worker: its fixed script, preceded by the list of the files
/// it keeps (their names carry their digests, so each release has its own
/// list and therefore its own worker).
pub async fn service_worker() -> HttpResponse {
    let Some((script, _)) = assets::content("app/sw.js") else {
        return HttpResponse::NotFound().finish();
    };
    let mut shell = assets::urls_where(shell_files);
    shell.extend(
        ["/app/offline", "/app/manifest.webmanifest"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    let mut digest = Sha256::new();
    for url in &shell {
        digest.update(url.as_bytes());
    }
    digest.update(&script);
    let version: String = digest.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let head = format!(
        "\"use strict\";\nconst VERSION = {};\nconst SHELL = {};\n",
        json!(version),
        json!(shell)
    );
    let mut body = head.into_bytes();
    body.extend_from_slice(&script);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        // Checked at every visit: a new release installs a new worker.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("service-worker-allowed", "/app/"))
        .body(body)
}

/// The web app manifest: installable, opening on the path, in the
/// language of the visit.
pub async fn manifest(visit: Visit) -> HttpResponse {
    let icon = |size: u32| {
        json!({
            "src": assets::url(&format!("app/icon-{size}.png")),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": "any maskable",
        })
    };
    let body = json!({
        "name": visit.t("Navigator · il mio percorso", "Navigator · my path"),
        "short_name": "Navigator",
        "description": visit.t(
            "L'app del Navigator: percorso formativo, ore on the job, sede, dotazione e contratto.",
            "The Navigator's app: training path, on-the-job hours, seat, equipment and contract.",
        ),
        "lang": visit.lang.tag(),
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0066cc",
        "icons": [icon(192), icon(512)],
    });
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "application/manifest+json; charset=utf-8",
        ))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body.to_string())
}
