//! The words of problems, in Italian (the default) and English: the
//! catalogue of every problem type and every rule code.
//!
//! Every `match` on a code here is exhaustive, with no catch-all arm: a code
//! added to `ProblemType` or `RuleCode` without its words does not compile,
//! and the tests below walk every code in both languages. Parameters arrive
//! typed ([`Param`]) and each language writes them its own way: a day is
//! 30/04/2021 in Italian and 2021-04-30 in English.

use chrono::NaiveDate;
use domain::assignment::AssignmentRefusal;
use domain::second_factor::SecondFactorRefusal;
use domain::training::ojt::LogRefusal;
use domain::{Param, RuleCode, Violation};
use openapi::ProblemType;

use crate::error::{ApiError, FieldProblem, TokenProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    It,
    En,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }

    /// Picks Italian or English from an `Accept-Language` header by quality;
    /// Italian when neither is asked for.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::It;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "it" || tag.starts_with("it-") {
                Lang::It
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Self::It, |(_, l)| l)
    }
}

fn pick<T>(lang: Lang, it: T, en: T) -> T {
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

/// A day: 09/12/2019 in Italian, 2019-12-09 in English.
pub fn day(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::It => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A decimal point in English, a decimal comma in Italian.
fn decimal_text(text: String, lang: Lang) -> String {
    match lang {
        Lang::It => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Whole minutes as hours: `7,5` in Italian, `7.5` in English.
pub fn hours(minutes: i64, lang: Lang) -> String {
    decimal_text(domain::training::hours::hours_text(minutes), lang)
}

/// A parameter written the caller's way.
pub fn show(p: &Param, lang: Lang) -> String {
    match p {
        Param::Text(s) => s.clone(),
        Param::Day(d) => day(*d, lang),
        Param::Number(n) => n.to_string(),
        Param::Decimal(x) => decimal_text(x.to_string(), lang),
        Param::Minutes(m) => hours(*m, lang),
        Param::Range(low, high) => pick(
            lang,
            format!("da {low} a {high}"),
            format!("{low} to {high}"),
        ),
        Param::Period(first, Some(last)) => pick(
            lang,
            format!("dal {} al {}", day(*first, lang), day(*last, lang)),
            format!("from {} to {}", day(*first, lang), day(*last, lang)),
        ),
        Param::Period(first, None) => pick(
            lang,
            format!("dal {}", day(*first, lang)),
            format!("from {}", day(*first, lang)),
        ),
        Param::Sum { got, wanted } => pick(
            lang,
            format!("{got} su {wanted}"),
            format!("{got} of {wanted}"),
        ),
        Param::Position(n) => pick(lang, format!("posizione {n}"), format!("position {n}")),
        Param::TextOn(text, d) => pick(
            lang,
            format!("{text} del {}", day(*d, lang)),
            format!("{text} on {}", day(*d, lang)),
        ),
    }
}

/// The title of a problem type: the same for every occurrence.
pub fn title(code: ProblemType, lang: Lang) -> &'static str {
    use ProblemType as T;
    let (it, en) = match code {
        T::MalformedJson => ("JSON non valido", "Malformed JSON"),
        T::MissingField => ("Campo obbligatorio mancante", "Required field missing"),
        T::UnknownField => ("Campo non previsto", "Unexpected field"),
        T::UnknownEnumValue => ("Valore non ammesso", "Value not allowed"),
        T::InvalidFieldType => ("Tipo di campo errato", "Wrong field type"),
        T::InvalidField => ("Campo non valido", "Invalid field"),
        T::InvalidQueryParameter => ("Parametro non valido", "Invalid query parameter"),
        T::UnsupportedMediaType => ("Formato non supportato", "Unsupported media type"),
        T::PayloadTooLarge => ("Richiesta troppo grande", "Payload too large"),
        T::BodyUnreadable => ("Richiesta illeggibile", "Request body unreadable"),
        T::ValidationFailed => ("Dati non validi", "Validation failed"),
        T::FileRejected => ("File rifiutato", "File rejected"),
        T::NotFound => ("Non trovato", "Not found"),
        T::MethodNotAllowed => ("Metodo non consentito", "Method not allowed"),
        T::TokenMissing => ("Autenticazione richiesta", "Authentication required"),
        T::TokenExpired => ("Sessione scaduta", "Token expired"),
        T::TokenWrongAudience => (
            "Token non destinato a questo servizio",
            "Token for another audience",
        ),
        T::TokenWrongIssuer => ("Token di un altro emittente", "Token from another issuer"),
        T::TokenInvalid => ("Token non valido", "Invalid token"),
        T::TokenRevoked => ("Accesso revocato", "Access revoked"),
        T::InvalidCredentials => ("Credenziali non valide", "Invalid credentials"),
        T::RefreshTokenInvalid => ("Token di rinnovo non valido", "Invalid refresh token"),
        T::RefreshTokenReused => ("Token di rinnovo già usato", "Refresh token reused"),
        T::OneTimeTokenInvalid => ("Link non valido o scaduto", "Invalid or expired link"),
        T::TooManyAttempts => ("Troppi tentativi", "Too many attempts"),
        T::Forbidden => ("Operazione non consentita", "Forbidden"),
        T::SingleSignOnRequired => (
            "Accesso solo tramite l'identità dell'ente",
            "Single sign-on required",
        ),
        T::OutOfScope => ("Fuori dalla propria Regione", "Outside your Region"),
        T::ServiceUnavailable => ("Servizio non disponibile", "Service unavailable"),
        T::InternalError => ("Errore interno", "Internal error"),
        T::EmailTaken => ("Email già registrata", "Email already registered"),
        T::QuestionTaken => (
            "Domanda presa in carico da un altro esperto",
            "Question taken by another expert",
        ),
        T::QuestionNotTaken => ("Domanda non presa in carico", "Question not taken"),
        T::QuestionStatusForbids => (
            "Operazione non ammessa nello stato della domanda",
            "Not allowed in the question's status",
        ),
        T::NoDetailRequested => ("Nessun dettaglio richiesto", "No detail requested"),
        T::NavigatorHasAccount => (
            "Il navigator ha già un account",
            "Navigator already has an account",
        ),
        T::CpiExists => ("CPI già presente", "CPI already exists"),
        T::SelectionExists => ("Selezione già presente", "Selection already exists"),
        T::AdmissionDone => ("Ammissione già calcolata", "Admission already computed"),
        T::AdmissionNotDone => ("Ammissione non calcolata", "Admission not computed"),
        T::RankingsPublished => ("Graduatorie già pubblicate", "Rankings already published"),
        T::RankingNotPublished => ("Graduatoria non pubblicata", "Ranking not published"),
        T::PostsBelowTakenSeats => ("Posti insufficienti", "Posts below taken seats"),
        T::NoVacantSeat => ("Nessun posto vacante", "No vacant seat"),
        T::RankingExhausted => ("Graduatoria esaurita", "Ranking exhausted"),
        T::RankingExpired => ("Graduatoria scaduta", "Ranking expired"),
        T::OfferNotPending => ("Offerta non più in attesa", "Offer no longer pending"),
        T::CandidateActionNotAllowed => (
            "Operazione non consentita sul candidato",
            "Candidate action not allowed",
        ),
        T::CandidateHasContract => ("Candidato con contratto", "Candidate has a contract"),
        T::OfferNotAccepted => ("Offerta non accettata", "Offer not accepted"),
        T::ContractExists => ("Contratto già presente", "Contract already exists"),
        T::ContractAlreadySigned => ("Contratto già firmato", "Contract already signed"),
        T::ContractChanged => ("Contratto modificato", "Contract changed"),
        T::ContractSigned => (
            "Contratto firmato: non si annulla",
            "Signed contract: not cancellable",
        ),
        T::ContractCancelled => ("Contratto annullato", "Contract cancelled"),
        T::ContractEnded => ("Cessazione già registrata", "Contract already ending"),
        T::CpiInAnotherRegion => ("CPI di un'altra Regione", "CPI in another Region"),
        T::NoConventionInForce => ("Nessuna convenzione in vigore", "No convention in force"),
        T::ConventionForbidsCpiAssignment => (
            "La convenzione non prevede l'assegnazione ai CPI",
            "The convention forbids CPI assignment",
        ),
        T::ContractNotSigned => ("Contratto non firmato", "Contract not signed"),
        T::OutsideContract => ("Data fuori dal contratto", "Date outside the contract"),
        T::BeforeOperationalStart => (
            "Data precedente all'avvio operativo",
            "Before the operational start",
        ),
        T::AlreadyAssigned => ("Già assegnato a questo CPI", "Already assigned to this CPI"),
        T::AssignmentNotAfterCurrent => (
            "Data precedente all'assegnazione in corso",
            "Not after the current assignment",
        ),
        T::CpiAtCapacity => ("CPI al completo", "CPI at capacity"),
        T::AssignmentChanged => ("Assegnazioni modificate", "Assignments changed"),
        T::TrainingPathExists => (
            "Percorso formativo già presente",
            "Training path already exists",
        ),
        T::ModuleExists => ("Modulo già presente", "Module already exists"),
        T::NoDistanceBucket => (
            "Percorso senza formazione a distanza",
            "Path without distance learning",
        ),
        T::SessionNotHeldYet => ("Sessione non ancora svolta", "Session not held yet"),
        T::NoFinalAssessment => (
            "Percorso senza valutazione finale",
            "Path without a final assessment",
        ),
        T::MandatoryTrainingRecorded => ("Formazione già registrata", "Training already recorded"),
        T::DayInFuture => ("Giorno futuro", "Day in the future"),
        T::OutsideActiveContract => ("Fuori dal contratto attivo", "Outside an active contract"),
        T::NoCpiAssignment => ("Nessun CPI assegnato", "No CPI assignment"),
        T::NotAssignedCpi => ("CPI non assegnato", "Not the assigned CPI"),
        T::DailyHoursExceeded => ("Ore giornaliere superate", "Daily hours exceeded"),
        T::ClientIdReused => ("Identificativo già usato", "Client id reused"),
        T::LogNotPending => ("Registrazione già decisa", "Log no longer pending"),
        T::ForbiddenTransition => ("Passaggio di stato non consentito", "Forbidden transition"),
        T::KitPartHeld => ("Dotazione già assegnata", "Kit part already held"),
        T::ContractNotActive => (
            "Contratto non firmato o non attivo",
            "Contract not signed or active",
        ),
        T::SimAlreadyPaired => ("SIM già inserita", "SIM already paired"),
        T::DeviceAlreadyPaired => ("Dispositivo con SIM", "Device already has a SIM"),
        T::NotASim => ("Non è una SIM", "Not a SIM"),
        T::NotADevice => ("Non è un dispositivo", "Not a device"),
        T::SimPlanMismatch => (
            "SIM non adatta al dispositivo",
            "SIM plan does not fit the device",
        ),
        T::ItemOutOfService => ("Dotazione fuori servizio", "Item out of service"),
        T::DifferentHolders => ("Assegnatari diversi", "Different holders"),
        T::NothingToAcknowledge => ("Nessuna dotazione da confermare", "Nothing to acknowledge"),
        T::TotpRequired => ("Serve il codice di verifica", "Verification code required"),
        T::TotpWrongCode => ("Codice di verifica errato", "Wrong verification code"),
        T::TotpReplayed => (
            "Codice di verifica già usato",
            "Verification code already used",
        ),
        T::RecoveryCodeUsed => ("Codice di recupero già usato", "Recovery code already used"),
        T::TotpEnrolmentRequired => (
            "Attiva prima la verifica in due passaggi",
            "Set up two-step verification first",
        ),
        T::TotpAlreadyEnrolled => (
            "Verifica in due passaggi già attiva",
            "Two-step verification already set up",
        ),
        T::TotpNotEnrolled => (
            "Verifica in due passaggi non attiva",
            "Two-step verification not set up",
        ),
        T::FaqRetired => ("FAQ ritirata", "FAQ entry retired"),
        T::FaqChanged => (
            "FAQ modificata nel frattempo",
            "FAQ entry changed meanwhile",
        ),
        T::IdempotencyKeyReused => (
            "Chiave di idempotenza già usata per un'altra richiesta",
            "Idempotency key used for another request",
        ),
        T::IdempotencyKeyInFlight => (
            "Richiesta con questa chiave in corso",
            "Request with this key in progress",
        ),
        T::IdempotencyAnswerLost => (
            "Risposta della richiesta con questa chiave andata persa",
            "Answer of the request with this key lost",
        ),
    };
    pick(lang, it, en)
}

/// What went wrong this time.
pub fn detail(err: &ApiError, lang: Lang) -> String {
    use ApiError as E;
    match (err, lang) {
        (E::MalformedJson(d), Lang::It) => format!("Il corpo della richiesta non è JSON valido: {d}."),
        (E::MalformedJson(d), Lang::En) => format!("The request body is not valid JSON: {d}."),
        (E::InvalidField { problem, field, detail }, lang) => field_message(*problem, field, detail, lang),
        (E::InvalidQuery { field, detail }, Lang::It) => format!("Il parametro `{field}` non è valido: {detail}."),
        (E::InvalidQuery { field, detail }, Lang::En) => format!("Query parameter `{field}` is invalid: {detail}."),
        (E::QueryViolation(v), Lang::It) => format!("Il parametro `{}` non è valido. {}", v.field, violation_message(v, lang)),
        (E::QueryViolation(v), Lang::En) => format!("Query parameter `{}` is invalid. {}", v.field, violation_message(v, lang)),
        (E::UnsupportedMediaType { expected }, Lang::It) => format!("Il corpo deve essere {expected}."),
        (E::UnsupportedMediaType { expected }, Lang::En) => format!("The body must be {expected}."),
        (E::PayloadTooLarge { limit }, Lang::It) => format!("La richiesta supera il limite di {limit} byte."),
        (E::PayloadTooLarge { limit }, Lang::En) => format!("The request exceeds the limit of {limit} bytes."),
        (E::BodyUnreadable(d), Lang::It) => format!("Il corpo della richiesta non si è potuto leggere: {d}."),
        (E::BodyUnreadable(d), Lang::En) => format!("The request body could not be read: {d}."),
        (E::Validation(v), Lang::It) => format!("{} campi non rispettano le regole; vedi `errors`.", v.total()),
        (E::Validation(v), Lang::En) => format!("{} field(s) break a rule; see `errors`.", v.total()),
        (E::FileRejected(v), Lang::It) => format!(
            "Il file contiene {} errori e non è stato importato nulla; vedi `errors` per riga{}.",
            v.total(),
            if v.total() > v.0.len() { format!(" (i primi {})", v.0.len()) } else { String::new() }
        ),
        (E::FileRejected(v), Lang::En) => format!(
            "The file has {} error(s) and nothing was imported; see `errors` by line{}.",
            v.total(),
            if v.total() > v.0.len() { format!(" (the first {})", v.0.len()) } else { String::new() }
        ),
        (E::Unauthenticated(p), _) => pick(
            lang,
            match p {
                TokenProblem::Missing => "Serve un token di accesso (Authorization: Bearer ...).",
                TokenProblem::Expired => "Il token di accesso è scaduto: rinnovalo con il token di rinnovo.",
                TokenProblem::WrongAudience => "Il token non è stato emesso per questo servizio.",
                TokenProblem::WrongIssuer => "Il token non è stato emesso da questo servizio.",
                TokenProblem::Invalid => "Il token di accesso non è valido.",
                TokenProblem::Revoked => "L'account non è più abilitato: il contratto è terminato.",
                TokenProblem::SessionEnded => "La sessione è stata chiusa (uscita, anche da tutti i dispositivi, o credenziali reimpostate): accedi di nuovo.",
            },
            match p {
                TokenProblem::Missing => "An access token is required (Authorization: Bearer ...).",
                TokenProblem::Expired => "The access token has expired: renew it with the refresh token.",
                TokenProblem::WrongAudience => "The token was not issued for this service.",
                TokenProblem::WrongIssuer => "The token was not issued by this service.",
                TokenProblem::Invalid => "The access token is not valid.",
                TokenProblem::Revoked => "The account is no longer enabled: the contract has ended.",
                TokenProblem::SessionEnded => "The session was ended (signed out, on every device too, or credentials reset): log in again.",
            },
        )
        .to_owned(),
        (E::InvalidCredentials, _) => {
            pick(lang, "Email o password errate.", "Wrong email or password.").to_owned()
        }
        (E::RefreshTokenInvalid, _) => pick(
            lang,
            "Il token di rinnovo non è valido o è scaduto: accedi di nuovo.",
            "The refresh token is invalid or expired: log in again.",
        )
        .to_owned(),
        (E::RefreshTokenReused, _) => pick(
            lang,
            "Questo token di rinnovo era già stato usato: per sicurezza tutte le sessioni collegate sono state chiuse. Accedi di nuovo.",
            "This refresh token had already been used: for safety every session derived from it was closed. Log in again.",
        )
        .to_owned(),
        (E::OneTimeTokenInvalid, _) => pick(
            lang,
            "Il link è già stato usato o è scaduto: richiedine uno nuovo.",
            "The link was already used or has expired: ask for a new one.",
        )
        .to_owned(),
        (E::Forbidden, _) => pick(
            lang,
            "Il tuo ruolo non consente questa operazione.",
            "Your role does not allow this operation.",
        )
        .to_owned(),
        (E::SingleSignOnRequired, _) => pick(
            lang,
            "Il tuo ruolo accede solo con l'identità dell'ente (single sign-on): la password non apre una sessione. Usa il pulsante «Accedi con …» della console.",
            "Your role signs in only with the organisation's identity (single sign-on): a password opens no session. Use the console's \"Log in with …\" button.",
        )
        .to_owned(),
        (E::OutOfScope, _) => pick(
            lang,
            "L'operazione riguarda una Regione diversa dalla tua.",
            "The operation concerns a Region other than yours.",
        )
        .to_owned(),
        (E::NotFound { entity }, Lang::It) => format!("Nessun record trovato ({entity})."),
        (E::NotFound { entity }, Lang::En) => format!("No such {entity}."),
        (E::RouteNotFound, _) => pick(lang, "Indirizzo inesistente.", "No such endpoint.").to_owned(),
        (E::MethodNotAllowed { allowed }, Lang::It) => format!("Metodo non consentito qui; consentiti: {allowed}."),
        (E::MethodNotAllowed { allowed }, Lang::En) => format!("Method not allowed here; allowed: {allowed}."),
        (E::Conflict { code, subject } | E::Rule { code, subject }, lang) => state_detail(*code, subject, lang),
        (E::Assignment { refusal, region }, lang) => assignment_message(refusal, region, lang),
        (E::OjtLog(refusal), lang) => ojt_message(refusal, lang),
        (E::SecondFactor(refusal), lang) => second_factor_message(*refusal, lang).to_owned(),
        (E::Throttled { retry_after }, Lang::It) => {
            format!("Troppi tentativi di accesso falliti: riprova tra {retry_after} secondi.")
        }
        (E::Throttled { retry_after }, Lang::En) => {
            format!("Too many failed login attempts: retry in {retry_after} seconds.")
        }
        (E::Unavailable, _) => pick(
            lang,
            "La base dati non risponde: riprova tra poco.",
            "The database is not answering: retry shortly.",
        )
        .to_owned(),
        (E::Contended, _) => pick(
            lang,
            "Un'altra modifica contemporanea ha avuto la precedenza: riprova tra un secondo.",
            "A concurrent change came first: retry in a second.",
        )
        .to_owned(),
        (E::Internal, _) => pick(
            lang,
            "Errore interno: è stato registrato con l'identificativo della richiesta.",
            "Internal error: it was logged with the request id.",
        )
        .to_owned(),
    }
}

/// Why the current state refuses the operation (a conflict or a broken
/// business rule); `subject` is what it concerns.
fn state_detail(code: ProblemType, subject: &Param, lang: Lang) -> String {
    use ProblemType as T;
    let s = show(subject, lang);
    let (it, en) = match code {
        T::QuestionTaken => (
            format!("La domanda {s} è già stata presa in carico da un altro esperto: solo lui può rispondere, chiedere dettagli, chiuderla o unirla."),
            format!("Question {s} has already been taken by another expert: only they may answer it, ask for detail, close or merge it."),
        ),
        T::QuestionNotTaken => (
            format!("Prima di rispondere o chiedere dettagli, prendi in carico la domanda {s}."),
            format!("Take question {s} before answering it or asking for detail."),
        ),
        T::QuestionStatusForbids => (
            format!("La domanda è nello stato «{s}», che non ammette questa operazione."),
            format!("The question is {s}, which does not allow this operation."),
        ),
        T::NoDetailRequested => (
            format!("Nessun esperto ha chiesto dettagli sulla domanda {s}."),
            format!("No expert asked for detail on question {s}."),
        ),
        T::EmailTaken => (
            format!("L'indirizzo {s} è già registrato."),
            format!("{s} is already registered."),
        ),
        T::NavigatorHasAccount => (
            format!("Il navigator {s} ha già un account."),
            format!("Navigator {s} already has an account."),
        ),
        T::CpiExists => (
            format!("Il CPI {s} esiste già."),
            format!("CPI {s} already exists."),
        ),
        T::SelectionExists => (
            format!("Esiste già una selezione con codice {s}."),
            format!("A selection with code {s} already exists."),
        ),
        T::AdmissionDone => (
            format!("L'ammissione alla prova è già stata calcolata ({s}): le domande non si possono più importare."),
            format!("Admission to the test was already computed ({s}): applications can no longer be imported."),
        ),
        T::AdmissionNotDone => (
            format!("Prima va calcolata l'ammissione alla prova ({s})."),
            format!("Admission to the test must be computed first ({s})."),
        ),
        T::RankingsPublished => (
            format!("Le graduatorie sono già pubblicate ({s}): si correggono con una rettifica."),
            format!("The rankings are already published ({s}): change them with a correction."),
        ),
        T::RankingNotPublished => (
            format!("La graduatoria di {s} non è ancora pubblicata."),
            format!("The ranking of {s} is not published yet."),
        ),
        T::PostsBelowTakenSeats => (
            format!("I posti di {s} non possono scendere sotto quelli già coperti o offerti."),
            format!("The posts of {s} cannot go below the seats already filled or offered."),
        ),
        T::NoVacantSeat => (
            format!("Nessun posto vacante in {s}: posti coperti o offerte in attesa di risposta."),
            format!("No vacant seat in {s}: seats are filled or offers await an answer."),
        ),
        T::RankingExhausted => (
            format!("La graduatoria di {s} non ha più candidati in attesa; si può chiamare dalle altre province della Regione con fallback."),
            format!("The ranking of {s} has no waiting candidate left; call from the Region's other provinces with fallback."),
        ),
        T::RankingExpired => (
            format!("La graduatoria è scaduta il {s}: non si possono fare altre chiamate."),
            format!("The ranking expired on {s}: no more calls can be made."),
        ),
        T::OfferNotPending => (
            format!("L'offerta non è più in attesa di risposta (stato: {s})."),
            format!("The offer no longer awaits an answer (status: {s})."),
        ),
        T::CandidateActionNotAllowed => (
            format!("Operazione non consentita per un candidato in questo stato ({s})."),
            format!("Not allowed for a candidate in this state ({s})."),
        ),
        T::CandidateHasContract => (
            format!("Il candidato ha un contratto ({s}): si chiude con recesso o esclusione dal contratto."),
            format!("The candidate has a contract ({s}): end it through the contract."),
        ),
        T::OfferNotAccepted => (
            format!("Il contratto si prepara solo da un'offerta accettata (stato: {s})."),
            format!("A contract is drafted only from an accepted offer (status: {s})."),
        ),
        T::ContractExists => (
            format!("Esiste già un contratto per l'offerta {s}."),
            format!("Offer {s} already has a contract."),
        ),
        T::ContractAlreadySigned => (
            format!("Il contratto {s} è già firmato."),
            format!("Contract {s} is already signed."),
        ),
        T::ContractChanged => (
            format!("Il contratto {s} è cambiato nel frattempo: riprova."),
            format!("Contract {s} changed meanwhile: try again."),
        ),
        T::ContractEnded => (
            format!("Il contratto {s} ha già una cessazione registrata."),
            format!("Contract {s} already has an ending registered."),
        ),
        T::ContractSigned => (
            format!("Il contratto {s} è firmato: non si annulla, si chiude con dimissioni, recesso o esclusione."),
            format!("Contract {s} is signed: it is not cancelled but ended by resignation, withdrawal or exclusion."),
        ),
        T::ContractCancelled => (
            format!("Il contratto {s} è stato annullato: non si firma né si annulla di nuovo."),
            format!("Contract {s} was cancelled: it can be neither signed nor cancelled again."),
        ),
        T::AssignmentChanged => (
            format!("Le assegnazioni del navigator {s} sono cambiate nel frattempo: riprova."),
            format!("Navigator {s}'s assignments changed meanwhile: try again."),
        ),
        T::TrainingPathExists => (
            format!("Esiste già un percorso formativo con codice {s}."),
            format!("A training path with code {s} already exists."),
        ),
        T::ModuleExists => (
            format!("Il modulo {s} esiste già."),
            format!("Module {s} already exists."),
        ),
        T::NoDistanceBucket => (
            format!("Il percorso {s} non ha una quota di formazione a distanza: non può avere moduli."),
            format!("Path {s} has no distance-learning bucket: it cannot have modules."),
        ),
        T::SessionNotHeldYet => (
            format!("La sessione si tiene il {s}: le presenze si registrano da quel giorno."),
            format!("The session is held on {s}: attendance is recorded from that day on."),
        ),
        T::NoFinalAssessment => (
            format!("Il percorso {s} non prevede una valutazione finale."),
            format!("Path {s} has no final assessment."),
        ),
        T::MandatoryTrainingRecorded => (
            format!("Questa formazione è già registrata ({s})."),
            format!("This training is already recorded ({s})."),
        ),
        T::ClientIdReused => (
            format!("L'identificativo {s} è già stato usato per una registrazione diversa: il tablet deve generarne uno nuovo per ogni registrazione."),
            format!("Client id {s} was already used for a different log: the tablet must make a new one for each log."),
        ),
        T::LogNotPending => (
            format!("La registrazione non è più in attesa di validazione (stato: {s})."),
            format!("The log no longer awaits validation (status: {s})."),
        ),
        T::ForbiddenTransition => (
            format!("La dotazione non può fare questo passaggio dal suo stato attuale ({s}); il ciclo è: in magazzino → personalizzata → assegnata → restituita, smarrita, rubata o guasta → dismessa."),
            format!("The item cannot make this move from its current state ({s}); the cycle is: in stock → personalised → assigned → returned, lost, stolen or broken → retired."),
        ),
        T::KitPartHeld => (
            format!("Il navigator ha già una dotazione di questo tipo ({s}): va restituita o dichiarata smarrita prima di assegnarne un'altra."),
            format!("The Navigator already holds an item of this kind ({s}): return or write it off before assigning another."),
        ),
        T::ContractNotActive => (
            format!("Il {s} il contratto del navigator non è firmato né attivo: non riceve dotazioni."),
            format!("On {s} the Navigator's contract is neither signed nor active: no items are issued."),
        ),
        T::SimAlreadyPaired => (
            format!("La SIM è già inserita in un dispositivo ({s})."),
            format!("The SIM is already in a device ({s})."),
        ),
        T::DeviceAlreadyPaired => (
            format!("Il dispositivo ha già una SIM ({s})."),
            format!("The device already holds a SIM ({s})."),
        ),
        T::NotASim => (
            format!("Si inserisce in un dispositivo solo una SIM ({s})."),
            format!("Only a SIM goes into a device ({s})."),
        ),
        T::NotADevice => (
            format!("Una SIM va inserita in uno smartphone o in un tablet ({s})."),
            format!("A SIM goes into a smartphone or a tablet ({s})."),
        ),
        T::SimPlanMismatch => (
            format!("La SIM voce e dati va nello smartphone, la SIM dati nel tablet ({s})."),
            format!("The voice and data SIM goes into the smartphone, the data SIM into the tablet ({s})."),
        ),
        T::ItemOutOfService => (
            format!("Una delle due dotazioni è fuori servizio: restituita, smarrita, rubata, guasta o dismessa ({s})."),
            format!("One of the two items is out of service: returned, lost, stolen, broken or retired ({s})."),
        ),
        T::DifferentHolders => (
            format!("SIM e dispositivo sono assegnati a navigator diversi ({s})."),
            format!("The SIM and the device are held by different Navigators ({s})."),
        ),
        T::NothingToAcknowledge => (
            "Non hai dotazioni assegnate da confermare.".to_owned(),
            "You hold no items to acknowledge.".to_owned(),
        ),
        T::FaqRetired => (
            format!("La FAQ {s} è stata ritirata: resta leggibile ma non si modifica più."),
            format!("FAQ entry {s} was retired: it stays readable but is no longer edited."),
        ),
        T::FaqChanged => (
            format!("La FAQ è stata modificata nel frattempo (ora alla versione {s}): rileggila e riparti da quella versione."),
            format!("The FAQ entry was changed meanwhile (now at version {s}): read it again and start from that version."),
        ),
        T::IdempotencyKeyReused => (
            format!("La chiave di idempotenza {s} è già stata usata per una richiesta diversa: per una nuova richiesta serve una nuova chiave."),
            format!("Idempotency key {s} was already used for a different request: a new request needs a new key."),
        ),
        T::IdempotencyKeyInFlight => (
            format!("Una richiesta con la chiave di idempotenza {s} è in corso o la sua risposta non è stata conservata: riprova tra poco, poi verifica l'esito prima di ripetere con una nuova chiave."),
            format!("A request with idempotency key {s} is in progress or its answer was not kept: retry shortly, then check the outcome before repeating with a new key."),
        ),
        T::IdempotencyAnswerLost => (
            format!("La richiesta con la chiave di idempotenza {s} è stata eseguita, ma la sua risposta è andata persa per un'interruzione del servizio: verifica l'esito (per esempio rileggendo l'elenco) prima di ripeterla con una nuova chiave."),
            format!("The request with idempotency key {s} was carried out, but its answer was lost when the service stopped: check the outcome (for example by reading the list again) before repeating it with a new key."),
        ),
        // Never raised as a conflict or a rule: each has an `ApiError`
        // variant of its own, whose words are in `detail`, with the data
        // they need. Listed, not caught by `_`, so that a new code must be
        // placed on one side or the other.
        T::MalformedJson
        | T::MissingField
        | T::UnknownField
        | T::UnknownEnumValue
        | T::InvalidFieldType
        | T::InvalidField
        | T::InvalidQueryParameter
        | T::UnsupportedMediaType
        | T::PayloadTooLarge
        | T::BodyUnreadable
        | T::ValidationFailed
        | T::FileRejected
        | T::NotFound
        | T::MethodNotAllowed
        | T::TokenMissing
        | T::TokenExpired
        | T::TokenWrongAudience
        | T::TokenWrongIssuer
        | T::TokenInvalid
        | T::TokenRevoked
        | T::InvalidCredentials
        | T::RefreshTokenInvalid
        | T::RefreshTokenReused
        | T::OneTimeTokenInvalid
        | T::TooManyAttempts
        | T::Forbidden
        | T::SingleSignOnRequired
        | T::OutOfScope
        | T::ServiceUnavailable
        | T::InternalError
        | T::CpiInAnotherRegion
        | T::NoConventionInForce
        | T::ConventionForbidsCpiAssignment
        | T::ContractNotSigned
        | T::OutsideContract
        | T::BeforeOperationalStart
        | T::AlreadyAssigned
        | T::AssignmentNotAfterCurrent
        | T::CpiAtCapacity
        | T::DayInFuture
        | T::OutsideActiveContract
        | T::NoCpiAssignment
        | T::NotAssignedCpi
        | T::DailyHoursExceeded
        | T::TotpRequired
        | T::TotpWrongCode
        | T::TotpReplayed
        | T::RecoveryCodeUsed
        | T::TotpEnrolmentRequired
        | T::TotpAlreadyEnrolled
        | T::TotpNotEnrolled => (
            format!("{} ({s}).", title(code, Lang::It)),
            format!("{} ({s}).", title(code, Lang::En)),
        ),
    };
    pick(lang, it, en)
}

/// Why a second factor was refused, in words the person acts on.
pub fn second_factor_message(r: SecondFactorRefusal, lang: Lang) -> &'static str {
    use SecondFactorRefusal as R;
    match r {
        R::Required => pick(
            lang,
            "L'account usa la verifica in due passaggi: inserisci anche il codice di 6 cifre dell'app di autenticazione (campo `totp`), o un codice di recupero.",
            "The account uses two-step verification: give the 6-digit code from the authenticator app too (field `totp`), or a recovery code.",
        ),
        R::WrongCode => pick(
            lang,
            "Il codice di verifica è errato o scaduto: controlla che l'orologio del telefono sia giusto e usa il codice mostrato ora.",
            "The verification code is wrong or expired: check the phone's clock and use the code shown now.",
        ),
        R::Replayed => pick(
            lang,
            "Questo codice di verifica è già stato usato: attendi il prossimo (ogni 30 secondi).",
            "This verification code was already used: wait for the next one (every 30 seconds).",
        ),
        R::RecoveryCodeUsed => pick(
            lang,
            "Questo codice di recupero è già stato usato: ognuno vale una sola volta.",
            "This recovery code was already used: each one works once.",
        ),
        R::EnrolmentRequired => pick(
            lang,
            "Il tuo ruolo richiede la verifica in due passaggi: finché non la attivi (POST /api/v1/me/totp, poi /api/v1/me/totp/confirm) la sessione serve solo ad attivarla.",
            "Your role requires two-step verification: until you set it up (POST /api/v1/me/totp, then /api/v1/me/totp/confirm) the session only serves to set it up.",
        ),
        R::AlreadyEnrolled => pick(
            lang,
            "La verifica in due passaggi è già attiva: per cambiare app disattivala prima con un codice valido.",
            "Two-step verification is already set up: to move to another app, turn it off first with a valid code.",
        ),
        R::NotEnrolled => pick(
            lang,
            "La verifica in due passaggi non è attiva (o non è in attesa di conferma) per questo account.",
            "Two-step verification is not set up (or not waiting for confirmation) for this account.",
        ),
    }
}

/// Why an assignment was refused, in words a coordinator acts on.
fn assignment_message(r: &AssignmentRefusal, region: &str, lang: Lang) -> String {
    use AssignmentRefusal as R;
    match (r, lang) {
        (R::CpiInAnotherRegion, Lang::It) => format!("Il CPI non è nella Regione del navigator ({region}): scegli un CPI di {region}."),
        (R::CpiInAnotherRegion, Lang::En) => format!("The CPI is not in the Navigator's Region ({region}): choose a CPI of {region}."),
        (R::NoConvention, Lang::It) => format!("La Regione {region} non ha una convenzione con ANPAL Servizi: i navigator non vi operano."),
        (R::NoConvention, Lang::En) => format!("{region} has no convention with ANPAL Servizi: Navigators do not operate there."),
        (R::ConventionForbidsCpiAssignment { signed_on }, Lang::It) => format!(
            "La convenzione tra la Regione {region} e ANPAL Servizi, firmata il {}, prevede che i navigator assistano i beneficiari senza essere assegnati a un CPI.",
            day(*signed_on, lang)
        ),
        (R::ConventionForbidsCpiAssignment { signed_on }, Lang::En) => format!(
            "The convention between {region} and ANPAL Servizi, signed on {}, has Navigators assist beneficiaries without being assigned to a CPI.",
            day(*signed_on, lang)
        ),
        (R::ContractNotSigned, Lang::It) => "Il contratto del navigator non è ancora firmato.".to_owned(),
        (R::ContractNotSigned, Lang::En) => "The Navigator's contract is not signed yet.".to_owned(),
        (R::OutsideContract { start, last_day }, lang) => {
            let last = last_day.map(|d| day(d, lang));
            match (lang, last) {
                (Lang::It, Some(l)) => format!("La data è fuori dal contratto, che va dal {} al {l}.", day(*start, lang)),
                (Lang::It, None) => format!("La data è precedente all'inizio del contratto ({}).", day(*start, lang)),
                (Lang::En, Some(l)) => format!("The date is outside the contract, which runs from {} to {l}.", day(*start, lang)),
                (Lang::En, None) => format!("The date is before the contract starts ({}).", day(*start, lang)),
            }
        }
        (R::BeforeOperationalStart { operational_start }, Lang::It) => format!(
            "Il navigator è operativo dal {}: prima non può essere assegnato a un CPI.",
            day(*operational_start, lang)
        ),
        (R::BeforeOperationalStart { operational_start }, Lang::En) => format!(
            "The Navigator is operational from {}: no CPI assignment before then.",
            day(*operational_start, lang)
        ),
        (R::ConventionNotInForce { signed_on, valid_until }, lang) => {
            let until = valid_until.map(|d| day(d, lang)).unwrap_or_default();
            match lang {
                Lang::It => format!("In quella data la convenzione della Regione {region} (firmata il {}, valida fino al {until}) non è in vigore.", day(*signed_on, lang)),
                Lang::En => format!("On that date the convention of {region} (signed on {}, valid until {until}) is not in force.", day(*signed_on, lang)),
            }
        }
        (R::AlreadyAssigned { cpi_code, from }, Lang::It) => format!("Il navigator è già assegnato al CPI {cpi_code} dal {}.", day(*from, lang)),
        (R::AlreadyAssigned { cpi_code, from }, Lang::En) => format!("The Navigator is already assigned to CPI {cpi_code} since {}.", day(*from, lang)),
        (R::NotAfterCurrent { cpi_code, earliest }, Lang::It) => format!(
            "Lo storico non si riscrive: l'assegnazione al CPI {cpi_code} copre già quella data; la nuova può iniziare dal {}.",
            day(*earliest, lang)
        ),
        (R::NotAfterCurrent { cpi_code, earliest }, Lang::En) => format!(
            "History is not rewritten: the assignment to CPI {cpi_code} already covers that date; the new one may start from {}.",
            day(*earliest, lang)
        ),
        (R::CpiAtCapacity { capacity }, Lang::It) => format!("Il CPI ha già {capacity} navigator, il massimo previsto."),
        (R::CpiAtCapacity { capacity }, Lang::En) => format!("The CPI already has {capacity} Navigators, its maximum."),
    }
}

/// Why an on-the-job log was refused.
fn ojt_message(r: &LogRefusal, lang: Lang) -> String {
    use LogRefusal as R;
    match (r, lang) {
        (R::DayInFuture, Lang::It) => "Non si registrano ore per un giorno futuro.".to_owned(),
        (R::DayInFuture, Lang::En) => "Hours cannot be logged for a future day.".to_owned(),
        (R::OutsideActiveContract, Lang::It) => "In quel giorno il contratto non era attivo (non ancora iniziato, sospeso o cessato).".to_owned(),
        (R::OutsideActiveContract, Lang::En) => "The contract was not active that day (not started, suspended or ended).".to_owned(),
        (R::NoConventionInForce, Lang::It) => "In quel giorno nessuna convenzione era in vigore nella Regione: non si svolge formazione on the job.".to_owned(),
        (R::NoConventionInForce, Lang::En) => "No convention was in force in the Region that day: no on-the-job training takes place.".to_owned(),
        (R::BeforeOperationalStart { operational_start }, _) => {
            let it = format!("Sei operativo dal {}: prima non si registrano ore.", day(*operational_start, Lang::It));
            let en = format!("You are operational from {}: no hours before then.", day(*operational_start, Lang::En));
            if lang == Lang::It { it } else { en }
        }
        (R::NoCpiAssignment, Lang::It) => "In quel giorno non eri assegnato a nessun CPI: chiedi al coordinatore regionale l'assegnazione.".to_owned(),
        (R::NoCpiAssignment, Lang::En) => "You were assigned to no CPI that day: ask your regional coordinator for an assignment.".to_owned(),
        (R::NotAssignedCpi { assigned: Some(cpi) }, Lang::It) => format!("In quel giorno eri assegnato al CPI {cpi}: le ore si registrano lì."),
        (R::NotAssignedCpi { assigned: Some(cpi) }, Lang::En) => format!("You were assigned to CPI {cpi} that day: hours are logged there."),
        (R::NotAssignedCpi { assigned: None }, Lang::It) => "Nella tua Regione i navigator operano senza CPI: registra le ore senza indicarne uno.".to_owned(),
        (R::NotAssignedCpi { assigned: None }, Lang::En) => "Navigators of your Region work without a CPI: log the hours without one.".to_owned(),
        (R::DailyHoursExceeded { max_minutes, already_minutes }, Lang::It) => format!(
            "Un giorno ha al massimo {} ore; ne hai già registrate {}.",
            hours(*max_minutes, lang),
            hours(*already_minutes, lang)
        ),
        (R::DailyHoursExceeded { max_minutes, already_minutes }, Lang::En) => format!(
            "A day holds at most {} hours; {} are already logged.",
            hours(*max_minutes, lang),
            hours(*already_minutes, lang)
        ),
    }
}

/// A JSON field that does not fit, in words; serde's own text follows in
/// brackets for the technically minded.
pub fn field_message(problem: FieldProblem, field: &str, detail: &str, lang: Lang) -> String {
    let (it, en) = match problem {
        FieldProblem::Missing => (
            format!("Manca il campo obbligatorio `{field}`."),
            format!("Required field `{field}` is missing."),
        ),
        FieldProblem::Unknown => (
            format!("Il campo `{field}` non è previsto."),
            format!("Field `{field}` is not expected."),
        ),
        FieldProblem::UnknownEnumValue => (
            format!("Il campo `{field}` ha un valore non ammesso ({detail})."),
            format!("Field `{field}` has a value that is not allowed ({detail})."),
        ),
        FieldProblem::WrongType => (
            format!("Il campo `{field}` ha un tipo errato ({detail})."),
            format!("Field `{field}` has the wrong type ({detail})."),
        ),
        FieldProblem::Invalid => (
            format!("Il campo `{field}` non è valido ({detail})."),
            format!("Field `{field}` is invalid ({detail})."),
        ),
    };
    pick(lang, it, en)
}

/// One broken rule, in words.
pub fn violation_message(v: &Violation, lang: Lang) -> String {
    use RuleCode as C;
    let d = v.detail.as_ref().map(|p| show(p, lang)).unwrap_or_default();
    // " (detail)" when there is one, nothing otherwise.
    let paren = if d.is_empty() {
        String::new()
    } else {
        format!(" ({d})")
    };
    let (it, en): (String, String) = match v.code {
        C::Required => ("Campo obbligatorio.".into(), "Required.".into()),
        C::TooLong => (
            format!("Troppo lungo: al massimo {d} caratteri."),
            format!("Too long: at most {d} characters."),
        ),
        C::TooMany => (
            format!("Al massimo {d} elementi per richiesta."),
            format!("At most {d} items per request."),
        ),
        C::EmptyList => ("L'elenco è vuoto.".into(), "The list is empty.".into()),
        C::Duplicate => (
            format!("Valore ripetuto{paren}."),
            format!("Duplicate value{paren}."),
        ),
        C::AlreadyExists => (
            format!("Esiste già{paren}."),
            format!("Already exists{paren}."),
        ),
        C::MustBePositive => (
            format!("Deve essere maggiore di zero{paren}."),
            format!("Must be greater than zero{paren}."),
        ),
        C::MustNotBeNegative => (
            "Non può essere negativo.".into(),
            "Cannot be negative.".into(),
        ),
        C::OutOfRange => (
            format!("Fuori dall'intervallo ammesso{paren}."),
            format!("Outside the allowed range{paren}."),
        ),
        C::TooManyDecimals => (
            format!("Al massimo due cifre decimali{paren}."),
            format!("At most two decimal places{paren}."),
        ),
        C::EndsBeforeItStarts => (
            format!("La data di fine precede quella di inizio{paren}."),
            format!("The end date is before the start date{paren}."),
        ),
        C::MissingField => (
            format!("Campo obbligatorio mancante{paren}."),
            format!("Required field missing{paren}."),
        ),
        C::UnknownField => (
            format!("Campo non previsto{paren}."),
            format!("Unexpected field{paren}."),
        ),
        C::UnknownEnumValue => (
            format!("Valore non ammesso{paren}."),
            format!("Value not allowed{paren}."),
        ),
        C::InvalidFieldType => (
            format!("Tipo di campo errato{paren}."),
            format!("Wrong field type{paren}."),
        ),
        C::InvalidField => (
            format!("Campo non valido{paren}."),
            format!("Invalid field{paren}."),
        ),
        C::InvalidQueryParameter => (
            format!("Parametro non valido{paren}."),
            format!("Invalid query parameter{paren}."),
        ),
        C::UnknownCursor => (
            "Cursore sconosciuto: usare il `next_cursor` di una pagina di questo stesso elenco.".into(),
            "Unknown cursor: give the `next_cursor` of a page of this same list.".into(),
        ),
        C::NotUtf8 => (
            "Il file non è in UTF-8.".into(),
            "The file is not UTF-8.".into(),
        ),
        C::EmptyFile => (
            "Il file non contiene righe.".into(),
            "The file has no rows.".into(),
        ),
        C::WrongHeader => (
            format!("Intestazione del file errata: attesa `{d}`."),
            format!("Wrong file header: expected `{d}`."),
        ),
        C::WrongColumnCount => (
            format!("Numero di colonne errato: attese {d}."),
            format!("Wrong number of columns: expected {d}."),
        ),
        C::Unreadable => (
            format!("Riga illeggibile{paren}."),
            format!("Unreadable row{paren}."),
        ),
        C::DuplicateInFile if d.is_empty() => (
            "Valore già presente nel file.".into(),
            "Value already in the file.".into(),
        ),
        C::DuplicateInFile => (
            format!("Già presente nel file alla riga {d}."),
            format!("Already in the file at line {d}."),
        ),
        C::NotANumber => (
            format!("Non è un numero intero{paren}."),
            format!("Not a whole number{paren}."),
        ),
        C::InvalidDate => (
            format!("Data non valida{paren}: usare AAAA-MM-GG."),
            format!("Invalid date{paren}: use YYYY-MM-DD."),
        ),
        C::DateOutOfRange => (
            format!("Data fuori dall'intervallo ammesso{paren}."),
            format!("Date outside the accepted range{paren}."),
        ),
        C::NulCharacter => (
            "Il testo non può contenere il carattere NUL (U+0000).".into(),
            "Text must not contain the NUL character (U+0000).".into(),
        ),
        C::NotABoolean => (
            format!("Valore non ammesso{paren}: true o false."),
            format!("Not allowed{paren}: true or false."),
        ),
        C::InvalidEmail => (
            "Indirizzo email non valido.".into(),
            "Not a valid email address.".into(),
        ),
        C::PasswordTooShort => (
            format!("Password troppo corta: almeno {d} caratteri."),
            format!("Password too short: at least {d} characters."),
        ),
        C::PasswordTooLong => (
            format!("Password troppo lunga: al massimo {d} caratteri."),
            format!("Password too long: at most {d} characters."),
        ),
        C::PasswordIsEmail => (
            "La password non può essere l'indirizzo email.".into(),
            "The password cannot be the email address.".into(),
        ),
        C::PasswordTooCommon => (
            "Password troppo comune o prevedibile (una parola nota, una sequenza della tastiera o una ripetizione, anche con cifre e simboli): scegli una frase di più parole.".into(),
            "Password too common or predictable (a well-known word, a keyboard run or a repetition, even with digits and symbols added): choose a phrase of several words.".into(),
        ),
        C::CoordinatorNeedsRegion => (
            "Un coordinatore deve avere almeno una Regione.".into(),
            "A coordinator needs at least one Region.".into(),
        ),
        C::RegionScopeOnlyForCoordinators => (
            "Solo i coordinatori hanno Regioni di competenza.".into(),
            "Only coordinators have a Region scope.".into(),
        ),
        C::NavigatorAccountNeedsNavigator => (
            "Un account navigator deve indicare il navigator (navigator_id).".into(),
            "A navigator account must name its Navigator (navigator_id).".into(),
        ),
        C::NavigatorIdOnlyForNavigators => (
            "Solo gli account navigator hanno un navigator_id.".into(),
            "Only navigator accounts have a navigator_id.".into(),
        ),
        C::InvalidRegionCode => (
            format!("Codice Regione ISTAT non valido{paren}: va da 01 a 20."),
            format!("Invalid ISTAT Region code{paren}: 01 to 20."),
        ),
        C::UnknownRegion => (
            format!("Regione {d} inesistente."),
            format!("No Region {d}."),
        ),
        C::InvalidProvinceSigla => (
            format!("Sigla di provincia non valida{paren}: due lettere, es. NA."),
            format!("Invalid province sigla{paren}: two letters, e.g. NA."),
        ),
        C::UnknownProvince => (
            format!("Provincia {d} inesistente."),
            format!("No province {d}."),
        ),
        C::InvalidCpiCode => (
            format!("Codice CPI non valido{paren}: lettere, cifre, - e _, al massimo 32."),
            format!("Invalid CPI code{paren}: letters, digits, - and _, at most 32."),
        ),
        C::UnknownCpi => (
            format!("Nessun CPI con codice {d}."),
            format!("No CPI with code {d}."),
        ),
        C::UnknownNavigator => (
            format!("Nessun navigator con id {d}."),
            format!("No Navigator with id {d}."),
        ),
        C::InvalidSelectionCode => (
            format!("Codice di selezione non valido{paren}: lettere, cifre, - _ /, al massimo 40."),
            format!("Invalid selection code{paren}: letters, digits, - _ /, at most 40."),
        ),
        C::InvalidApplicationNo => (
            format!("Numero di domanda non valido{paren}: lettere, cifre, - _ /."),
            format!("Invalid application number{paren}: letters, digits, - _ /."),
        ),
        C::DuplicateApplicationNo => (
            format!("Numero di domanda ripetuto in graduatoria{paren}."),
            format!("Application number repeated in the ranking{paren}."),
        ),
        C::UnknownApplication => (
            format!("Nessuna domanda con numero {d} in questa selezione."),
            format!("No application number {d} in this selection."),
        ),
        C::AlreadyApplied => (
            "Questo codice fiscale ha già una domanda nella selezione: una sola domanda per persona.".into(),
            "This codice fiscale already has an application in the selection: one application per person.".into(),
        ),
        C::NeighbourIsTheProvince => (
            format!("Una provincia non è vicina di sé stessa ({d})."),
            format!("A province is not its own neighbour ({d})."),
        ),
        C::NeighbourInAnotherRegion => (
            format!("La provincia {d} è di un'altra Regione: lo scorrimento chiama solo dalle province della stessa Regione."),
            format!("Province {d} is in another Region: a fallback calls only from provinces of the same Region."),
        ),
        C::ProvinceWithoutPosts => (
            format!("La provincia {d} non ha posti in questa selezione."),
            format!("Province {d} has no posts in this selection."),
        ),
        C::InvalidCodiceFiscaleFormat => match &v.detail {
            Some(Param::Position(_)) => (
                format!("Codice fiscale non valido: carattere non ammesso in {d}."),
                format!("Invalid codice fiscale: a character not allowed at {d}."),
            ),
            _ => (
                format!("Codice fiscale non valido: servono {d} lettere e cifre."),
                format!("Invalid codice fiscale: it takes {d} letters and digits."),
            ),
        },
        C::InvalidCodiceFiscaleCheck => (
            "Codice fiscale non valido: il carattere di controllo non corrisponde.".into(),
            "Invalid codice fiscale: the check character does not match.".into(),
        ),
        C::ImplausibleBirthDate => (
            format!("Data di nascita non plausibile{paren}: il candidato deve essere maggiorenne alla data del bando."),
            format!("Implausible birth date{paren}: the candidate must be of age on the notice's date."),
        ),
        C::InvalidPhone => (
            format!("Numero di telefono non valido{paren}: da 6 a 15 cifre."),
            format!("Invalid phone number{paren}: 6 to 15 digits."),
        ),
        C::HonoursNeed110 => (
            format!("La lode si dà solo con 110 (voto indicato: {d})."),
            format!("Honours come only with 110 (grade given: {d})."),
        ),
        C::AnswersMustSumToQuestions => (
            format!("Risposte esatte, errate e non date devono sommare alle domande della prova ({d})."),
            format!("Right, wrong and blank answers must add up to the test's questions ({d})."),
        ),
        C::NotAdmitted => (
            format!("La domanda {d} non è stata ammessa alla prova."),
            format!("Application {d} was not admitted to the test."),
        ),
        C::BeforeTheNotice => (
            format!("La data precede la pubblicazione del bando ({d})."),
            format!("The date is before the notice was published ({d})."),
        ),
        C::RequirementsNotVerified => (
            "Prima di preparare il contratto vanno verificati i requisiti del candidato.".into(),
            "The candidate's requirements must be verified before drafting the contract.".into(),
        ),
        C::SignedBeforeRankingPublished => (
            format!("Il contratto non si firma prima della pubblicazione della graduatoria ({d})."),
            format!("The contract cannot be signed before the ranking was published ({d})."),
        ),
        C::StartsBeforeSignature => (
            "Il contratto non può iniziare prima della firma.".into(),
            "The contract cannot start before it is signed.".into(),
        ),
        C::ContractNotSigned => (
            "Il contratto del navigator non è firmato.".into(),
            "The Navigator's contract is not signed.".into(),
        ),
        C::ContractEnded => (
            "Il contratto è cessato o ha già una cessazione registrata.".into(),
            "The contract has ended or already has an ending registered.".into(),
        ),
        C::ContractSuspended => (
            format!("Il contratto è sospeso il {d}."),
            format!("The contract is suspended on {d}."),
        ),
        C::OutsideContract => (
            format!("La data è fuori dal contratto{paren}."),
            format!("The date is outside the contract{paren}."),
        ),
        C::ExtensionNotLater => (
            format!("La proroga deve spostare la fine del contratto oltre quella attuale, il {d}."),
            format!("An extension must move the contract's end past the current one, {d}."),
        ),
        C::BeforeNotice => (
            format!("Con il preavviso le dimissioni hanno effetto non prima del {d}."),
            format!("With the notice the resignation takes effect no earlier than {d}."),
        ),
        C::BeforeContractStart => (
            "La data precede l'inizio del contratto.".into(),
            "The date is before the contract starts.".into(),
        ),
        C::AfterContractEnd => (
            "La data è successiva alla fine del contratto.".into(),
            "The date is after the contract ends.".into(),
        ),
        C::BeforeSignature => (
            "La data precede la firma del contratto.".into(),
            "The date is before the contract was signed.".into(),
        ),
        C::TerminationCause => (
            format!("Causa non ammessa{paren}: HR chiude un contratto per recesso (withdrawn) o esclusione (excluded)."),
            format!("Cause not allowed{paren}: HR ends a contract by withdrawal (withdrawn) or exclusion (excluded)."),
        ),
        C::OverlapsSuspension => (
            "Il periodo si sovrappone a una sospensione già registrata.".into(),
            "The period overlaps a suspension already registered.".into(),
        ),
        C::SharesMustSumTo100 => (
            format!("Le quote devono sommare a 100 (ora {d})."),
            format!("The shares must sum to 100 (now {d})."),
        ),
        C::HoursNotWhole => (
            "Con questa quota le ore non sono un numero intero.".into(),
            "This share does not give a whole number of hours.".into(),
        ),
        C::ModulesMustFillBucket => (
            format!("I moduli sommano {d} ore: meno delle ore della quota."),
            format!("The modules add up to {d} hours: fewer than the bucket's hours."),
        ),
        C::ModulesOnlyOnDistance => (
            format!("Solo la formazione a distanza ha moduli, non {d}."),
            format!("Only distance learning has modules, not {d}."),
        ),
        C::NotQuarterHours => (
            format!("Le ore vanno indicate in quarti d'ora{paren}."),
            format!("Hours are given in quarter hours{paren}."),
        ),
        C::TooManyHours => (
            format!("Al massimo {d} ore."),
            format!("At most {d} hours."),
        ),
        C::CompletedInFuture => (
            format!("La data{paren} è successiva a oggi."),
            format!("The date{paren} is after today."),
        ),
        C::UnknownCodiceFiscale => (
            "Nessun navigator con questo codice fiscale.".into(),
            "No Navigator with this codice fiscale.".into(),
        ),
        C::UnknownTrainingPath => (
            format!("Nessun percorso formativo con codice {d}."),
            format!("No training path with code {d}."),
        ),
        C::UnknownModule => (
            format!("Modulo inesistente nel percorso del navigator: {d}."),
            format!("No such module in the Navigator's path: {d}."),
        ),
        C::InvalidClientId => (
            format!("Identificativo non valido: lettere, cifre e - _ . :, al massimo {d} caratteri."),
            format!("Invalid id: letters, digits and - _ . :, at most {d} characters."),
        ),
        C::UnknownLog => (
            format!("Nessuna registrazione con id {d}."),
            format!("No log with id {d}."),
        ),
        C::LogNotPending => (
            format!("Registrazione già decisa (stato: {d})."),
            format!("Log already decided (status: {d})."),
        ),
        C::UnknownKind => (
            format!("Tipo di dotazione sconosciuto{paren}: smartphone, tablet, sim o mailbox."),
            format!("Unknown kind{paren}: smartphone, tablet, sim or mailbox."),
        ),
        C::UnknownPlan => (
            format!("Piano sconosciuto{paren}: voice_data o data."),
            format!("Unknown plan{paren}: voice_data or data."),
        ),
        C::NotForKind => (
            format!("Campo non previsto per questo tipo di dotazione{paren}."),
            format!("Not a field of this kind of item{paren}."),
        ),
        C::InvalidImei => (
            "IMEI non valido: 15 cifre.".into(),
            "Invalid IMEI: 15 digits.".into(),
        ),
        C::ImeiCheckDigit => (
            format!("La cifra di controllo dell'IMEI {d} non torna."),
            format!("The check digit of IMEI {d} is wrong."),
        ),
        C::InvalidIccid => (
            "ICCID non valido: 19-20 cifre, inizia con 89.".into(),
            "Invalid ICCID: 19-20 digits starting with 89.".into(),
        ),
        C::IccidCheckDigit => (
            format!("La cifra di controllo dell'ICCID {d} non torna."),
            format!("The check digit of ICCID {d} is wrong."),
        ),
        C::InvalidMobileNumber => (
            format!("Numero di cellulare italiano non valido{paren}."),
            format!("Invalid Italian mobile number{paren}."),
        ),
        C::InvalidMailbox => (
            format!("Indirizzo di casella non valido{paren}."),
            format!("Invalid mailbox address{paren}."),
        ),
        C::SerialOrImeiRequired => (
            "Serve il numero di serie o l'IMEI.".into(),
            "A serial number or an IMEI is required.".into(),
        ),
        C::AlreadyInInventory => (
            format!("Già presente in inventario{paren}."),
            format!("Already in the inventory{paren}."),
        ),
        C::UnknownItem => (
            format!("Nessuna dotazione con id {d}."),
            format!("No item with id {d}."),
        ),
        C::WipeNotConfirmed => (
            "Va confermata la cancellazione dei dati del dispositivo.".into(),
            "The device's data wipe must be confirmed.".into(),
        ),
        C::DayInFuture => (
            format!("Data futura{paren}."),
            format!("A future day{paren}."),
        ),
        C::BeforeLastMovement => (
            format!("Data precedente all'ultimo movimento{paren}."),
            format!("Before the last movement{paren}."),
        ),
        C::UnknownTopic => (
            format!("Nessun argomento con codice {d}."),
            format!("No topic with code {d}."),
        ),
        C::UnknownQuestion => (
            format!("Nessuna domanda con id {d}."),
            format!("No question with id {d}."),
        ),
        C::QuestionNotAnswered => (
            format!("La domanda {d} non ha avuto risposta, oppure è stata ritirata o unita a un'altra: una FAQ nasce da domande con risposta."),
            format!("Question {d} has had no answer, or was withdrawn or merged into another: a FAQ entry comes from answered questions."),
        ),
        C::MergeIntoItself => (
            "Una domanda non si unisce a se stessa.".into(),
            "A question cannot be merged into itself.".into(),
        ),
        C::MergeTargetSettled => (
            format!("La domanda {d} è ritirata o a sua volta unita a un'altra: scegli quella in cui è confluita."),
            format!("Question {d} is withdrawn or itself merged into another: choose the one it went into."),
        ),
    };
    pick(lang, it, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_unless_english_is_preferred() {
        assert_eq!(Lang::from_accept_language(None), Lang::It);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("it-IT,it;q=0.9,en;q=0.8")),
            Lang::It
        );
        assert_eq!(Lang::from_accept_language(Some("de,en;q=0.5")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::It);
        assert_eq!(Lang::from_accept_language(Some("en;q=0")), Lang::It);
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const LANGS: [Lang; 2] = [Lang::It, Lang::En];

    /// A raw code is for machines: the words never show it.
    fn assert_words(code: &str, it: &str, en: &str) {
        for words in [it, en] {
            assert!(!words.trim().is_empty(), "{code}: no words");
            assert!(!words.contains(code), "{code} shows its raw code: {words}");
        }
        assert_ne!(it, en, "{code}: the same words in both languages");
    }

    /// One error of each problem type, as the service raises it. The match
    /// is exhaustive, so a new type needs an example here too.
    fn example(t: ProblemType) -> ApiError {
        use ProblemType as T;
        let today = d("2021-04-30");
        let state = |code| ApiError::conflict(code, "RM");
        let region = "Campania".to_owned();
        let assignment = |refusal| ApiError::Assignment {
            refusal,
            region: region.clone(),
        };
        let field = |problem| ApiError::InvalidField {
            problem,
            field: "count".into(),
            detail: "invalid type: string \"one\", expected i64".into(),
        };
        match t {
            T::MalformedJson => ApiError::MalformedJson("EOF while parsing".into()),
            T::MissingField => field(FieldProblem::Missing),
            T::UnknownField => field(FieldProblem::Unknown),
            T::UnknownEnumValue => field(FieldProblem::UnknownEnumValue),
            T::InvalidFieldType => field(FieldProblem::WrongType),
            T::InvalidField => field(FieldProblem::Invalid),
            T::InvalidQueryParameter => ApiError::InvalidQuery {
                field: "limit".into(),
                detail: "1..=500".into(),
            },
            T::UnsupportedMediaType => ApiError::UnsupportedMediaType {
                expected: "application/json",
            },
            T::PayloadTooLarge => ApiError::PayloadTooLarge { limit: 262_144 },
            T::BodyUnreadable => ApiError::BodyUnreadable("connection reset".into()),
            T::ValidationFailed => ApiError::violation("email", RuleCode::InvalidEmail),
            T::FileRejected => ApiError::FileRejected(
                Violation::new("hours", RuleCode::NotANumber)
                    .at_line(3)
                    .into(),
            ),
            T::NotFound => ApiError::NotFound { entity: "contract" },
            T::MethodNotAllowed => ApiError::MethodNotAllowed {
                allowed: "GET, POST".into(),
            },
            T::TokenMissing => ApiError::Unauthenticated(TokenProblem::Missing),
            T::TokenExpired => ApiError::Unauthenticated(TokenProblem::Expired),
            T::TokenWrongAudience => ApiError::Unauthenticated(TokenProblem::WrongAudience),
            T::TokenWrongIssuer => ApiError::Unauthenticated(TokenProblem::WrongIssuer),
            T::TokenInvalid => ApiError::Unauthenticated(TokenProblem::Invalid),
            T::TokenRevoked => ApiError::Unauthenticated(TokenProblem::Revoked),
            T::InvalidCredentials => ApiError::InvalidCredentials,
            T::RefreshTokenInvalid => ApiError::RefreshTokenInvalid,
            T::RefreshTokenReused => ApiError::RefreshTokenReused,
            T::OneTimeTokenInvalid => ApiError::OneTimeTokenInvalid,
            T::TooManyAttempts => ApiError::Throttled { retry_after: 60 },
            T::Forbidden => ApiError::Forbidden,
            T::SingleSignOnRequired => ApiError::SingleSignOnRequired,
            T::OutOfScope => ApiError::OutOfScope,
            T::ServiceUnavailable => ApiError::Unavailable,
            T::InternalError => ApiError::Internal,
            T::CpiInAnotherRegion => assignment(AssignmentRefusal::CpiInAnotherRegion),
            T::NoConventionInForce => assignment(AssignmentRefusal::NoConvention),
            T::ConventionForbidsCpiAssignment => {
                assignment(AssignmentRefusal::ConventionForbidsCpiAssignment {
                    signed_on: d("2019-12-09"),
                })
            }
            T::ContractNotSigned => assignment(AssignmentRefusal::ContractNotSigned),
            T::OutsideContract => assignment(AssignmentRefusal::OutsideContract {
                start: d("2019-08-01"),
                last_day: Some(today),
            }),
            T::BeforeOperationalStart => assignment(AssignmentRefusal::BeforeOperationalStart {
                operational_start: d("2019-07-17"),
            }),
            T::AlreadyAssigned => assignment(AssignmentRefusal::AlreadyAssigned {
                cpi_code: "RM-EUR".into(),
                from: d("2019-08-01"),
            }),
            T::AssignmentNotAfterCurrent => assignment(AssignmentRefusal::NotAfterCurrent {
                cpi_code: "RM-EUR".into(),
                earliest: d("2019-08-02"),
            }),
            T::CpiAtCapacity => assignment(AssignmentRefusal::CpiAtCapacity { capacity: 6 }),
            T::DayInFuture => ApiError::OjtLog(LogRefusal::DayInFuture),
            T::OutsideActiveContract => ApiError::OjtLog(LogRefusal::OutsideActiveContract),
            T::NoCpiAssignment => ApiError::OjtLog(LogRefusal::NoCpiAssignment),
            T::NotAssignedCpi => ApiError::OjtLog(LogRefusal::NotAssignedCpi {
                assigned: Some("RM-EUR".into()),
            }),
            T::DailyHoursExceeded => ApiError::OjtLog(LogRefusal::DailyHoursExceeded {
                max_minutes: 480,
                already_minutes: 450,
            }),
            T::RankingExpired | T::SessionNotHeldYet | T::ContractNotActive => {
                ApiError::rule(t, today)
            }
            T::NoFinalAssessment => ApiError::mandatory(
                domain::training::mandatory::MandatoryRefusal::NoFinalAssessment,
                "NAV-2019",
            ),
            T::NotASim => ApiError::pairing(domain::equipment::PairingRefusal::NotASim, "a → b"),
            T::NotADevice => {
                ApiError::pairing(domain::equipment::PairingRefusal::NotADevice, "a → b")
            }
            T::SimPlanMismatch => ApiError::pairing(
                domain::equipment::PairingRefusal::PlanMismatch {
                    plan: domain::equipment::Plan::Data,
                    device: domain::equipment::ItemKind::Smartphone,
                },
                "a → b",
            ),
            T::ItemOutOfService => {
                ApiError::pairing(domain::equipment::PairingRefusal::OutOfService, "a → b")
            }
            T::DifferentHolders => {
                ApiError::pairing(domain::equipment::PairingRefusal::DifferentHolders, "a → b")
            }
            T::MandatoryTrainingRecorded => ApiError::conflict(
                t,
                Param::TextOn("health_and_safety".into(), d("2019-09-02")),
            ),
            T::EmailTaken
            | T::NavigatorHasAccount
            | T::CpiExists
            | T::SelectionExists
            | T::AdmissionDone
            | T::AdmissionNotDone
            | T::RankingsPublished
            | T::RankingNotPublished
            | T::PostsBelowTakenSeats
            | T::NoVacantSeat
            | T::RankingExhausted
            | T::OfferNotPending
            | T::CandidateActionNotAllowed
            | T::CandidateHasContract
            | T::OfferNotAccepted
            | T::ContractExists
            | T::ContractAlreadySigned
            | T::ContractChanged
            | T::ContractEnded
            | T::ContractSigned
            | T::ContractCancelled
            | T::AssignmentChanged
            | T::TrainingPathExists
            | T::ModuleExists
            | T::NoDistanceBucket
            | T::ClientIdReused
            | T::LogNotPending
            | T::ForbiddenTransition
            | T::KitPartHeld
            | T::SimAlreadyPaired
            | T::DeviceAlreadyPaired
            | T::NothingToAcknowledge
            | T::IdempotencyKeyInFlight
            | T::IdempotencyAnswerLost
            | T::FaqRetired
            | T::FaqChanged
            | T::QuestionTaken
            | T::QuestionNotTaken
            | T::QuestionStatusForbids
            | T::NoDetailRequested => state(t),
            T::IdempotencyKeyReused => ApiError::rule(t, "3f2c…"),
            T::TotpRequired => ApiError::SecondFactor(SecondFactorRefusal::Required),
            T::TotpWrongCode => ApiError::SecondFactor(SecondFactorRefusal::WrongCode),
            T::TotpReplayed => ApiError::SecondFactor(SecondFactorRefusal::Replayed),
            T::RecoveryCodeUsed => ApiError::SecondFactor(SecondFactorRefusal::RecoveryCodeUsed),
            T::TotpEnrolmentRequired => {
                ApiError::SecondFactor(SecondFactorRefusal::EnrolmentRequired)
            }
            T::TotpAlreadyEnrolled => ApiError::SecondFactor(SecondFactorRefusal::AlreadyEnrolled),
            T::TotpNotEnrolled => ApiError::SecondFactor(SecondFactorRefusal::NotEnrolled),
        }
    }

    #[test]
    fn every_problem_type_has_a_title_and_words_in_both_languages() {
        for &t in ProblemType::ALL {
            let err = example(t);
            assert_eq!(
                err.type_code(),
                t,
                "the example of {t} raises {}",
                err.type_code()
            );
            let code = t.as_str();
            assert_words(code, title(t, Lang::It), title(t, Lang::En));
            assert_words(code, &detail(&err, Lang::It), &detail(&err, Lang::En));
            for e in err.to_problem(Lang::It, None).errors {
                assert!(
                    !e.message.contains(e.code.as_str()),
                    "{code}: {}",
                    e.message
                );
            }
            // Raised as a conflict by mistake, a type still reads as words.
            let misplaced = ApiError::conflict(t, "RM");
            assert_words(
                code,
                &detail(&misplaced, Lang::It),
                &detail(&misplaced, Lang::En),
            );
        }
    }

    #[test]
    fn every_rule_code_has_words_in_both_languages_whatever_its_parameter() {
        let params = [
            None,
            Some(Param::from("RM-01")),
            Some(Param::Day(d("2021-04-30"))),
            Some(Param::Number(7)),
            Some(Param::Decimal(7.125)),
            Some(Param::Minutes(450)),
            Some(Param::Range(1, 90)),
            Some(Param::Period(d("2019-08-01"), None)),
            Some(Param::Sum {
                got: 99,
                wanted: 100,
            }),
            Some(Param::Position(7)),
        ];
        for &c in RuleCode::ALL {
            for p in &params {
                let v = Violation {
                    detail: p.clone(),
                    ..Violation::new("field", c)
                };
                let [it, en] = LANGS.map(|l| violation_message(&v, l));
                assert_words(c.as_str(), &it, &en);
            }
        }
    }

    #[test]
    fn wire_names_are_what_serde_writes_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for &t in ProblemType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert!(seen.insert(t.as_str()), "{t} twice");
        }
        for &c in RuleCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn each_language_writes_parameters_its_own_way() {
        let v = Violation::new("new_end_date", RuleCode::ExtensionNotLater)
            .with_detail(d("2021-04-30"));
        assert!(violation_message(&v, Lang::It).contains("30/04/2021"));
        assert!(violation_message(&v, Lang::En).contains("2021-04-30"));
        assert_eq!(show(&Param::Decimal(7.5), Lang::It), "7,5");
        assert_eq!(show(&Param::Decimal(7.5), Lang::En), "7.5");
        assert_eq!(show(&Param::Minutes(450), Lang::It), "7,5");
        assert_eq!(show(&Param::Minutes(480), Lang::En), "8");
        assert_eq!(
            show(
                &Param::Period(d("2019-08-01"), Some(d("2019-11-30"))),
                Lang::It
            ),
            "dal 01/08/2019 al 30/11/2019"
        );
        let expired = ApiError::rule(ProblemType::RankingExpired, d("2021-04-30"));
        assert!(detail(&expired, Lang::It).contains("30/04/2021"));
        assert!(detail(&expired, Lang::En).contains("2021-04-30"));
    }
}
