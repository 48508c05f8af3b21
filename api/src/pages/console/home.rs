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
                "Qui trovi i Navigator della tua Regione, con il CPI in cui lavorano oggi e l'avanzamento del percorso, le ore on the job da convalidare e gli indicatori della Regione.",
                "Here you find your Region's Navigators, with the CPI they work in today and their path progress, the on-the-job hours to validate and the Region's indicators.",
            ),
            Some(Role::Hr) => p.t(
                "Qui trovi le selezioni e le graduatorie, lo scorrimento, i contratti, i Navigator di tutte le Regioni, le dotazioni, la formazione, gli indicatori, il registro delle operazioni e le domande e le FAQ di Question RdC.",
                "Here you find the selections and rankings, the scorrimento, the contracts, the Navigators of every Region, the equipment, the training, the indicators, the audit log and Question RdC's questions and FAQ.",
            ),
            Some(Role::Trainer) => p.t(
                "Qui trovi le sessioni di formazione con i loro registri presenze, le attività a distanza completate e la formazione obbligatoria.",
                "Here you find the training sessions with their attendance registers, the distance activities completed and the mandatory training.",
            ),
            Some(Role::Admin) => p.t(
                "Qui trovi il registro delle operazioni e le domande e le FAQ di Question RdC. Gli account e i dati di riferimento si gestiscono dall'API.",
                "Here you find the audit log and Question RdC's questions and FAQ. Accounts and reference data are managed through the API.",
            ),
            Some(Role::Expert) => p.t(
                "Qui trovi le domande dei Navigator, dalla più vecchia: prendile, rispondi o chiedi dettagli, e trasforma le risposte in FAQ.",
                "Here you find the Navigators' questions, oldest first: take them, answer or ask for detail, and turn the answers into FAQ entries.",
            ),
            Some(Role::Navigator) | None => "",
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
