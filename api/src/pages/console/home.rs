//! The console's home page: what this role finds in the console.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use domain::account::Role;

use super::{staff, Frame, Section};
use crate::pages::session::SignedIn;
use crate::pages::Visit;

#[derive(Template)]
#[template(path = "console/home.html")]
struct Home<'a> {
    page: &'a Visit,
    frame: Frame,
}

impl Home<'_> {
    /// What this role finds here so far, in words.
    fn role_text(&self) -> &str {
        let p = self.page;
        match self.frame.role {
            Some(Role::Coordinator) => p.t(
                "Qui trovi i Navigator della tua Regione, con il CPI in cui lavorano oggi e l'avanzamento del percorso, e le ore on the job da convalidare.",
                "Here you find your Region's Navigators, with the CPI they work in today and their path progress, and the on-the-job hours to validate.",
            ),
            Some(Role::Hr) => p.t(
                "Qui trovi i Navigator di tutte le Regioni e lo scorrimento delle graduatorie: i posti per provincia, la chiamata del prossimo candidato e le offerte. Selezioni, contratti, dotazioni, formazione, indicatori e audit arriveranno nella console; fino ad allora sono nell'API.",
                "Here you find the Navigators of every Region and the scorrimento of the rankings: the seats per province, calling the next candidate and the offers. Selections, contracts, equipment, training, indicators and audit will come to the console; until then they are in the API.",
            ),
            _ => p.t(
                "Le pagine del tuo ruolo arriveranno nella console; fino ad allora il tuo lavoro è nell'API.",
                "Your role's pages will come to the console; until then your work is in the API.",
            ),
        }
    }
}

pub async fn show(req: HttpRequest, mut visit: Visit, signed: SignedIn) -> HttpResponse {
    let caller = match staff(&req, &mut visit, &signed).await {
        Ok(c) => c,
        Err(away) => return *away,
    };
    let page = Home {
        page: &visit,
        frame: Frame::of(Section::Home, &caller),
    };
    visit.render(StatusCode::OK, &page)
}
