//! `/attivazione` and `/reimposta-password`: the links of the activation and
//! reset mails, where a person chooses a password; and
//! `/password-dimenticata`, where a person asks for a reset link.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use domain::account::{OneTimePurpose, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use serde::Deserialize;

use super::offer::TokenQuery;
use super::{read_form, FieldErrors, Message, Visit};
use crate::app::auth::{CheckOneTimeLink, ConfirmPasswordReset, RequestPasswordReset};
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    page: &'a Visit,
    activation: bool,
    action: &'a str,
    token: &'a str,
    errors: FieldErrors,
    min_chars: usize,
    max_chars: usize,
}

fn link_not_usable(visit: &Visit, activation: bool) -> HttpResponse {
    let text = match activation {
        true => visit.t(
            "Il link di attivazione è scaduto, è già stato usato o non è completo. Se hai già scelto la password, accedi; altrimenti chiedi un nuovo link con «Password dimenticata».",
            "The activation link has expired, has been used already or is incomplete. If you already chose your password, log in; otherwise ask for a new link with \"Forgotten password\".",
        ),
        false => visit.t(
            "Il link per reimpostare la password è scaduto, è già stato usato o non è completo. Chiedine uno nuovo.",
            "The link to reset the password has expired, has been used already or is incomplete. Ask for a new one.",
        ),
    };
    let page = Message {
        page: visit,
        title: visit.t("Link non più valido", "Link no longer valid"),
        text,
        next: Some((
            "/password-dimenticata",
            visit.t("Chiedi un nuovo link", "Ask for a new link"),
        )),
    };
    visit.render(StatusCode::GONE, &page)
}

async fn show(visit: Visit, query: web::Query<TokenQuery>, activation: bool) -> HttpResponse {
    let token = query.token.as_deref().map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return link_not_usable(&visit, activation);
    }
    let check = CheckOneTimeLink {
        token: token.to_owned(),
    };
    match visit.state.use_cases.run(visit.act(), check).await {
        Ok(purpose) if (purpose == OneTimePurpose::Activation) == activation => form(
            &visit,
            activation,
            token,
            FieldErrors::default(),
            StatusCode::OK,
        ),
        Ok(_) | Err(ApiError::OneTimeTokenInvalid) => link_not_usable(&visit, activation),
        Err(e) => visit.error_page(&e),
    }
}

fn form(
    visit: &Visit,
    activation: bool,
    token: &str,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let page = PasswordPage {
        page: visit,
        activation,
        action: match activation {
            true => "/attivazione",
            false => "/reimposta-password",
        },
        token,
        errors,
        min_chars: PASSWORD_MIN_CHARS,
        max_chars: PASSWORD_MAX_CHARS,
    };
    visit.render(status, &page)
}

pub async fn show_activation(visit: Visit, query: web::Query<TokenQuery>) -> HttpResponse {
    show(visit, query, true).await
}

pub async fn show_reset(visit: Visit, query: web::Query<TokenQuery>) -> HttpResponse {
    show(visit, query, false).await
}

#[derive(Deserialize)]
struct NewPassword {
    csrf: String,
    token: String,
    new_password: String,
    confirm_password: String,
}

async fn set(visit: Visit, body: web::Bytes, activation: bool) -> HttpResponse {
    let Some(posted) = read_form::<NewPassword>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&posted.csrf) {
        return visit.forged_page();
    }
    if posted.new_password != posted.confirm_password {
        let errors = FieldErrors::one(
            "confirm_password",
            visit.t(
                "Le due password non coincidono.",
                "The two passwords differ.",
            ),
        );
        return form(
            &visit,
            activation,
            &posted.token,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let confirm = ConfirmPasswordReset {
        token: posted.token.clone(),
        new_password: posted.new_password,
    };
    match visit.state.use_cases.run(visit.act(), confirm).await {
        Ok(closed) => {
            visit.state.apply_revoked(closed);
            let page = Message {
                page: &visit,
                title: match activation {
                    true => visit.t("Account attivato", "Account activated"),
                    false => visit.t("Password cambiata", "Password changed"),
                },
                text: visit.t(
                    "La nuova password è impostata. Se sei un Navigator, accedi dall'app del tablet; il personale accede dalla pagina iniziale.",
                    "Your new password is set. Navigators log in from the tablet app; staff log in from the home page.",
                ),
                next: Some(("/app/", visit.t("Vai all'app Navigator", "Go to the Navigator app"))),
            };
            visit.render(StatusCode::OK, &page)
        }
        Err(ApiError::OneTimeTokenInvalid) => link_not_usable(&visit, activation),
        Err(e) => match FieldErrors::of(&e, visit.lang) {
            Some(errors) => form(
                &visit,
                activation,
                &posted.token,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            None => visit.error_page(&e),
        },
    }
}

pub async fn set_activation(visit: Visit, body: web::Bytes) -> HttpResponse {
    set(visit, body, true).await
}

pub async fn set_reset(visit: Visit, body: web::Bytes) -> HttpResponse {
    set(visit, body, false).await
}

#[derive(Template)]
#[template(path = "forgotten.html")]
struct ForgottenPage<'a> {
    page: &'a Visit,
}

pub async fn show_forgotten(visit: Visit) -> HttpResponse {
    visit.render(StatusCode::OK, &ForgottenPage { page: &visit })
}

#[derive(Deserialize)]
struct ResetAsked {
    csrf: String,
    email: String,
}

pub async fn ask_reset(visit: Visit, body: web::Bytes) -> HttpResponse {
    let Some(asked) = read_form::<ResetAsked>(&body) else {
        return visit.forged_page();
    };
    if visit.forged(&asked.csrf) {
        return visit.forged_page();
    }
    let request = RequestPasswordReset { email: asked.email };
    if let Err(e) = visit.state.use_cases.run(visit.act(), request).await {
        return visit.error_page(&e);
    }
    let page = Message {
        page: &visit,
        title: visit.t("Controlla la posta", "Check your mail"),
        text: visit.t(
            "Se l'indirizzo corrisponde a un account, riceverai a breve un messaggio con il link per scegliere una nuova password. Il link vale un'ora.",
            "If the address belongs to an account, you will shortly receive a message with a link to choose a new password. The link is valid for one hour.",
        ),
        next: Some(("/", visit.t("Vai alla pagina iniziale", "Go to the home page"))),
    };
    visit.render(StatusCode::OK, &page)
}
