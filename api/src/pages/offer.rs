//! `/offerta?token=…`: the link in the offer mail. The candidate reads the
//! offer and accepts or declines it, once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use domain::selection::scorrimento::{OfferStatus, Outcome};
use serde::Deserialize;

use super::{read_form, FieldErrors, Visit};
use crate::app::scorrimento::{LetterState, OfferLetter, ReadOfferLetter, RespondToOffer};
use crate::error::ApiError;

#[derive(Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

#[derive(Template)]
#[template(path = "offer.html")]
struct OfferPage<'a> {
    page: &'a Visit,
    token: &'a str,
    letter: &'a OfferLetter,
    errors: FieldErrors,
    reason: &'a str,
}

impl OfferPage<'_> {
    fn open(&self) -> bool {
        self.letter.state == LetterState::Open
    }

    fn answered(&self) -> bool {
        self.letter.state == LetterState::Answered
    }

    fn accepted(&self) -> bool {
        self.letter.status == OfferStatus::Accepted
    }

    fn declined(&self) -> bool {
        self.letter.status == OfferStatus::Declined
    }

    fn deadline(&self) -> String {
        let rome = self.letter.deadline.with_timezone(&chrono_tz::Europe::Rome);
        match self.page.lang {
            crate::i18n::Lang::It => rome.format("%d/%m/%Y alle %H:%M").to_string(),
            crate::i18n::Lang::En => rome.format("%Y-%m-%d at %H:%M").to_string(),
        }
    }

    fn decided_on(&self) -> String {
        self.letter
            .decided_at
            .map(|d| {
                self.page
                    .day(&d.with_timezone(&chrono_tz::Europe::Rome).date_naive())
            })
            .unwrap_or_default()
    }

    fn contract_end(&self) -> String {
        self.page.day(&self.letter.contract_end)
    }

    fn annual_pay(&self) -> String {
        euros(self.letter.annual_pay_cents, self.page.lang)
    }

    fn monthly_expenses(&self) -> String {
        euros(self.letter.monthly_expenses_cents, self.page.lang)
    }
}

/// 27338.76 EUR as "27.338,76 €" in Italian, "€27,338.76" in English.
pub(super) fn euros(cents: i64, lang: crate::i18n::Lang) -> String {
    let (units, cents) = (cents / 100, (cents % 100).abs());
    let digits = units.abs().to_string();
    let (group, decimal) = match lang {
        crate::i18n::Lang::It => ('.', ','),
        crate::i18n::Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(d);
    }
    let sign = if units < 0 { "-" } else { "" };
    match lang {
        crate::i18n::Lang::It => format!("{sign}{grouped}{decimal}{cents:02} €"),
        crate::i18n::Lang::En => format!("{sign}€{grouped}{decimal}{cents:02}"),
    }
}

fn link_not_valid(visit: &Visit) -> HttpResponse {
    let page = super::Message {
        page: visit,
        title: visit.t("Link non valido", "Link not valid"),
        text: visit.t(
            "Il link aperto non corrisponde a nessuna proposta di incarico. Controlla di averlo copiato per intero dal messaggio ricevuto.",
            "The link you opened does not match any job offer. Check that you copied all of it from the message you received.",
        ),
        next: Some(("/", visit.t("Vai alla pagina iniziale", "Go to the home page"))),
    };
    visit.render(StatusCode::NOT_FOUND, &page)
}

async fn letter_page(
    visit: &Visit,
    token: &str,
    errors: FieldErrors,
    reason: &str,
    status: Option<StatusCode>,
) -> HttpResponse {
    let letter = match visit
        .state
        .use_cases
        .run(visit.act(), ReadOfferLetter::new(token))
        .await
    {
        Ok(letter) => letter,
        Err(ApiError::OneTimeTokenInvalid) => return link_not_valid(visit),
        Err(e) => return visit.error_page(&e),
    };
    let status = status.unwrap_or(match letter.state {
        LetterState::Open | LetterState::Answered => StatusCode::OK,
        LetterState::Closed => StatusCode::GONE,
    });
    let page = OfferPage {
        page: visit,
        token,
        letter: &letter,
        errors,
        reason,
    };
    visit.render(status, &page)
}

pub async fn show(visit: Visit, query: web::Query<TokenQuery>) -> HttpResponse {
    match query
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(token) => letter_page(&visit, token, FieldErrors::default(), "", None).await,
        None => link_not_valid(&visit),
    }
}

#[derive(Deserialize)]
pub struct Answer {
    csrf: String,
    token: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn respond(visit: Visit, body: web::Bytes) -> HttpResponse {
    let Some(answer) = read_form::<Answer>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&answer.csrf) {
        return visit.forged_page();
    }
    let outcome = match answer.decision.as_str() {
        "accept" => Outcome::Accept,
        "decline" => Outcome::Decline,
        _ => return visit.forged_page(),
    };
    let reason = Some(answer.reason.clone()).filter(|r| !r.trim().is_empty());
    let respond = RespondToOffer::new(&answer.token, outcome).with_reason(reason);
    match visit.state.use_cases.run(visit.act(), respond).await {
        // Post, redirect, get: a reload shows the answer, it does not send it again.
        Ok(_) => {
            let mut to = form_urlencoded::Serializer::new(String::from("/offerta?"));
            to.append_pair("token", &answer.token);
            visit.see_other(&to.finish())
        }
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => {
                letter_page(
                    &visit,
                    &answer.token,
                    errors,
                    &answer.reason,
                    Some(StatusCode::UNPROCESSABLE_ENTITY),
                )
                .await
            }
            // Used already, lapsed, withdrawn or unknown: the letter says which.
            None if matches!(e, ApiError::OneTimeTokenInvalid | ApiError::Conflict { .. }) => {
                letter_page(
                    &visit,
                    &answer.token,
                    FieldErrors::default(),
                    "",
                    Some(StatusCode::CONFLICT),
                )
                .await
            }
            None => visit.error_page(&e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn pay_is_written_as_each_language_writes_money() {
        assert_eq!(euros(2_733_876, Lang::It), "27.338,76 €");
        assert_eq!(euros(2_733_876, Lang::En), "€27,338.76");
        assert_eq!(euros(30_000, Lang::It), "300,00 €");
        assert_eq!(euros(5, Lang::En), "€0.05");
    }
}
