//! The words of problems, in Italian (the default) and English.

use domain::assignment::AssignmentRefusal;
use domain::Violation;

use crate::error::{ApiError, TokenProblem};

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

fn pick(lang: Lang, it: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

/// The title of a problem type: the same for every occurrence.
pub fn title(code: &str, lang: Lang) -> &'static str {
    let (it, en) = match code {
        "malformed-json" => ("JSON non valido", "Malformed JSON"),
        "invalid-field-type" => ("Tipo di campo errato", "Wrong field type"),
        "unknown-enum-value" => ("Valore non ammesso", "Value not allowed"),
        "missing-field" => ("Campo obbligatorio mancante", "Required field missing"),
        "unknown-field" => ("Campo non previsto", "Unexpected field"),
        "invalid-field" => ("Campo non valido", "Invalid field"),
        "invalid-query-parameter" => ("Parametro non valido", "Invalid query parameter"),
        "unsupported-media-type" => ("Formato non supportato", "Unsupported media type"),
        "payload-too-large" => ("Richiesta troppo grande", "Payload too large"),
        "body-unreadable" => ("Richiesta illeggibile", "Request body unreadable"),
        "validation-failed" => ("Dati non validi", "Validation failed"),
        "file-rejected" => ("File rifiutato", "File rejected"),
        "token-missing" => ("Autenticazione richiesta", "Authentication required"),
        "token-expired" => ("Sessione scaduta", "Token expired"),
        "token-wrong-audience" => (
            "Token non destinato a questo servizio",
            "Token for another audience",
        ),
        "token-wrong-issuer" => ("Token di un altro emittente", "Token from another issuer"),
        "token-invalid" => ("Token non valido", "Invalid token"),
        "token-revoked" => ("Accesso revocato", "Access revoked"),
        "invalid-credentials" => ("Credenziali non valide", "Invalid credentials"),
        "refresh-token-invalid" => ("Token di rinnovo non valido", "Invalid refresh token"),
        "refresh-token-reused" => ("Token di rinnovo già usato", "Refresh token reused"),
        "one-time-token-invalid" => ("Link non valido o scaduto", "Invalid or expired link"),
        "forbidden" => ("Operazione non consentita", "Forbidden"),
        "out-of-scope" => ("Fuori dalla propria Regione", "Outside your Region"),
        "not-found" => ("Non trovato", "Not found"),
        "method-not-allowed" => ("Metodo non consentito", "Method not allowed"),
        "email-taken" => ("Email già registrata", "Email already registered"),
        "navigator-has-account" => (
            "Il navigator ha già un account",
            "Navigator already has an account",
        ),
        "cpi-exists" => ("CPI già presente", "CPI already exists"),
        "offer-not-accepted" => ("Offerta non accettata", "Offer not accepted"),
        "contract-exists" => ("Contratto già presente", "Contract already exists"),
        "contract-already-signed" => ("Contratto già firmato", "Contract already signed"),
        "contract-changed" => ("Contratto modificato", "Contract changed"),
        "contract-ended" => ("Cessazione già registrata", "Contract already ending"),
        "contract-signed" => (
            "Contratto firmato: non si annulla",
            "Signed contract: not cancellable",
        ),
        "contract-cancelled" => ("Contratto annullato", "Contract cancelled"),
        "candidate-has-contract" => ("Candidato con contratto", "Candidate has a contract"),
        "selection-exists" => ("Selezione già presente", "Selection already exists"),
        "admission-done" => ("Ammissione già calcolata", "Admission already computed"),
        "admission-not-done" => ("Ammissione non calcolata", "Admission not computed"),
        "rankings-published" => ("Graduatorie già pubblicate", "Rankings already published"),
        "ranking-not-published" => ("Graduatoria non pubblicata", "Ranking not published"),
        "no-vacant-seat" => ("Nessun posto vacante", "No vacant seat"),
        "ranking-exhausted" => ("Graduatoria esaurita", "Ranking exhausted"),
        "ranking-expired" => ("Graduatoria scaduta", "Ranking expired"),
        "offer-not-pending" => ("Offerta non più in attesa", "Offer no longer pending"),
        "candidate-action-not-allowed" => (
            "Operazione non consentita sul candidato",
            "Candidate action not allowed",
        ),
        "posts-below-taken-seats" => ("Posti insufficienti", "Posts below taken seats"),
        "cpi-in-another-region" => ("CPI di un'altra Regione", "CPI in another Region"),
        "no-convention-in-force" => ("Nessuna convenzione in vigore", "No convention in force"),
        "convention-forbids-cpi-assignment" => (
            "La convenzione non prevede l'assegnazione ai CPI",
            "The convention forbids CPI assignment",
        ),
        "contract-not-signed" => ("Contratto non firmato", "Contract not signed"),
        "outside-contract" => ("Data fuori dal contratto", "Date outside the contract"),
        "before-operational-start" => (
            "Data precedente all'avvio operativo",
            "Before the operational start",
        ),
        "already-assigned" => ("Già assegnato a questo CPI", "Already assigned to this CPI"),
        "assignment-not-after-current" => (
            "Data precedente all'assegnazione in corso",
            "Not after the current assignment",
        ),
        "cpi-at-capacity" => ("CPI al completo", "CPI at capacity"),
        "training-path-exists" => (
            "Percorso formativo già presente",
            "Training path already exists",
        ),
        "module-exists" => ("Modulo già presente", "Module already exists"),
        "no-distance-bucket" => (
            "Percorso senza formazione a distanza",
            "Path without distance learning",
        ),
        "session-not-held-yet" => ("Sessione non ancora svolta", "Session not held yet"),
        "no-final-assessment" => (
            "Percorso senza valutazione finale",
            "Path without a final assessment",
        ),
        "mandatory-training-recorded" => ("Formazione già registrata", "Training already recorded"),
        "day-in-future" => ("Giorno futuro", "Day in the future"),
        "forbidden-transition" => ("Passaggio di stato non consentito", "Forbidden transition"),
        "kit-part-held" => ("Dotazione già assegnata", "Kit part already held"),
        "contract-not-active" => (
            "Contratto non firmato o non attivo",
            "Contract not signed or active",
        ),
        "sim-already-paired" => ("SIM già inserita", "SIM already paired"),
        "device-already-paired" => ("Dispositivo con SIM", "Device already has a SIM"),
        "not-a-sim" => ("Non è una SIM", "Not a SIM"),
        "not-a-device" => ("Non è un dispositivo", "Not a device"),
        "sim-plan-mismatch" => (
            "SIM non adatta al dispositivo",
            "SIM plan does not fit the device",
        ),
        "item-out-of-service" => ("Dotazione fuori servizio", "Item out of service"),
        "different-holders" => ("Assegnatari diversi", "Different holders"),
        "nothing-to-acknowledge" => ("Nessuna dotazione da confermare", "Nothing to acknowledge"),
        "outside-active-contract" => ("Fuori dal contratto attivo", "Outside an active contract"),
        "no-cpi-assignment" => ("Nessun CPI assegnato", "No CPI assignment"),
        "not-assigned-cpi" => ("CPI non assegnato", "Not the assigned CPI"),
        "daily-hours-exceeded" => ("Ore giornaliere superate", "Daily hours exceeded"),
        "client-id-reused" => ("Identificativo già usato", "Client id reused"),
        "log-not-pending" => ("Registrazione già decisa", "Log no longer pending"),
        "too-many-attempts" => ("Troppi tentativi", "Too many attempts"),
        "service-unavailable" => ("Servizio non disponibile", "Service unavailable"),
        "internal-error" => ("Errore interno", "Internal error"),
        _ => ("Richiesta non valida", "Invalid request"),
    };
    pick(lang, it, en)
}

/// What went wrong this time.
pub fn detail(err: &ApiError, lang: Lang) -> String {
    use ApiError as E;
    match (err, lang) {
        (E::MalformedJson(d), Lang::It) => format!("Il corpo della richiesta non è JSON valido: {d}."),
        (E::MalformedJson(d), Lang::En) => format!("The request body is not valid JSON: {d}."),
        (E::InvalidField { code, field, detail }, lang) => field_message(code, field, detail, lang),
        (E::InvalidQuery { field, detail }, Lang::It) => format!("Il parametro `{field}` non è valido: {detail}."),
        (E::InvalidQuery { field, detail }, Lang::En) => format!("Query parameter `{field}` is invalid: {detail}."),
        (E::UnsupportedMediaType { expected }, Lang::It) => format!("Il corpo deve essere {expected}."),
        (E::UnsupportedMediaType { expected }, Lang::En) => format!("The body must be {expected}."),
        (E::PayloadTooLarge { limit }, Lang::It) => format!("La richiesta supera il limite di {limit} byte."),
        (E::PayloadTooLarge { limit }, Lang::En) => format!("The request exceeds the limit of {limit} bytes."),
        (E::BodyUnreadable(d), _) => d.clone(),
        (E::Validation(v), Lang::It) => format!("{} campi non rispettano le regole; vedi `errors`.", v.0.len()),
        (E::Validation(v), Lang::En) => format!("{} field(s) break a rule; see `errors`.", v.0.len()),
        (E::FileRejected(v), Lang::It) => format!(
            "Il file contiene {} errori e non è stato importato nulla; vedi `errors` per riga.",
            v.0.len()
        ),
        (E::FileRejected(v), Lang::En) => format!(
            "The file has {} error(s) and nothing was imported; see `errors` by line.",
            v.0.len()
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
            },
            match p {
                TokenProblem::Missing => "An access token is required (Authorization: Bearer ...).",
                TokenProblem::Expired => "The access token has expired: renew it with the refresh token.",
                TokenProblem::WrongAudience => "The token was not issued for this service.",
                TokenProblem::WrongIssuer => "The token was not issued by this service.",
                TokenProblem::Invalid => "The access token is not valid.",
                TokenProblem::Revoked => "The account is no longer enabled: the contract has ended.",
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
        (E::Conflict { code, subject } | E::Rule { code, subject }, lang) => conflict_message(code, subject, lang),
        (E::Assignment { refusal, region }, lang) => assignment_message(refusal, region, lang),
        (E::OjtLog(refusal), lang) => ojt_message(refusal, lang),
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
        (E::Internal, _) => pick(
            lang,
            "Errore interno: è stato registrato con l'identificativo della richiesta.",
            "Internal error: it was logged with the request id.",
        )
        .to_owned(),
    }
}

fn conflict_message(code: &str, subject: &str, lang: Lang) -> String {
    match (code, lang) {
        ("email-taken", Lang::It) => format!("L'indirizzo {subject} è già registrato."),
        ("email-taken", Lang::En) => format!("{subject} is already registered."),
        ("navigator-has-account", Lang::It) => format!("Il navigator {subject} ha già un account."),
        ("navigator-has-account", Lang::En) => {
            format!("Navigator {subject} already has an account.")
        }
        ("selection-exists", Lang::It) => format!("Esiste già una selezione con codice {subject}."),
        ("selection-exists", Lang::En) => format!("A selection with code {subject} already exists."),
        ("admission-done", Lang::It) => format!("L'ammissione alla prova è già stata calcolata ({subject}): le domande non si possono più importare."),
        ("admission-done", Lang::En) => format!("Admission to the test was already computed ({subject}): applications can no longer be imported."),
        ("admission-not-done", Lang::It) => format!("Prima va calcolata l'ammissione alla prova ({subject})."),
        ("admission-not-done", Lang::En) => format!("Admission to the test must be computed first ({subject})."),
        ("rankings-published", Lang::It) => format!("Le graduatorie sono già pubblicate ({subject}): si correggono con una rettifica."),
        ("rankings-published", Lang::En) => format!("The rankings are already published ({subject}): change them with a correction."),
        ("ranking-not-published", Lang::It) => format!("La graduatoria di {subject} non è ancora pubblicata."),
        ("ranking-not-published", Lang::En) => format!("The ranking of {subject} is not published yet."),
        ("no-vacant-seat", Lang::It) => format!("Nessun posto vacante in {subject}: posti coperti o offerte in attesa di risposta."),
        ("no-vacant-seat", Lang::En) => format!("No vacant seat in {subject}: seats are filled or offers await an answer."),
        ("ranking-exhausted", Lang::It) => format!("La graduatoria di {subject} non ha più candidati in attesa; si può chiamare dalle altre province della Regione con fallback."),
        ("ranking-exhausted", Lang::En) => format!("The ranking of {subject} has no waiting candidate left; call from the Region's other provinces with fallback."),
        ("ranking-expired", Lang::It) => format!("La graduatoria è scaduta il {subject}: non si possono fare altre chiamate."),
        ("ranking-expired", Lang::En) => format!("The ranking expired on {subject}: no more calls can be made."),
        ("offer-not-pending", Lang::It) => format!("L'offerta non è più in attesa di risposta (stato: {subject})."),
        ("offer-not-pending", Lang::En) => format!("The offer no longer awaits an answer (status: {subject})."),
        ("candidate-action-not-allowed", Lang::It) => format!("Operazione non consentita per un candidato in questo stato ({subject})."),
        ("candidate-action-not-allowed", Lang::En) => format!("Not allowed for a candidate in this state ({subject})."),
        ("posts-below-taken-seats", Lang::It) => format!("I posti di {subject} non possono scendere sotto quelli già coperti o offerti."),
        ("posts-below-taken-seats", Lang::En) => format!("The posts of {subject} cannot go below the seats already filled or offered."),
        ("offer-not-accepted", Lang::It) => format!("Il contratto si prepara solo da un'offerta accettata (stato: {subject})."),
        ("offer-not-accepted", Lang::En) => format!("A contract is drafted only from an accepted offer (status: {subject})."),
        ("contract-exists", Lang::It) => format!("Esiste già un contratto per l'offerta {subject}."),
        ("contract-exists", Lang::En) => format!("Offer {subject} already has a contract."),
        ("contract-already-signed", Lang::It) => format!("Il contratto {subject} è già firmato."),
        ("contract-already-signed", Lang::En) => format!("Contract {subject} is already signed."),
        ("contract-changed", Lang::It) => format!("Il contratto {subject} è cambiato nel frattempo: riprova."),
        ("contract-changed", Lang::En) => format!("Contract {subject} changed meanwhile: try again."),
        ("contract-signed", Lang::It) => format!("Il contratto {subject} è firmato: non si annulla, si chiude con dimissioni, recesso o esclusione."),
        ("contract-signed", Lang::En) => format!("Contract {subject} is signed: it is not cancelled but ended by resignation, withdrawal or exclusion."),
        ("contract-cancelled", Lang::It) => format!("Il contratto {subject} è stato annullato: non si firma né si annulla di nuovo."),
        ("contract-cancelled", Lang::En) => format!("Contract {subject} was cancelled: it can be neither signed nor cancelled again."),
        ("contract-ended", Lang::It) => format!("Il contratto {subject} ha già una cessazione registrata."),
        ("contract-ended", Lang::En) => format!("Contract {subject} already has an ending registered."),
        ("candidate-has-contract", Lang::It) => format!("Il candidato ha un contratto ({subject}): si chiude con recesso o esclusione dal contratto."),
        ("candidate-has-contract", Lang::En) => format!("The candidate has a contract ({subject}): end it through the contract."),
        ("cpi-exists", Lang::It) => format!("Il CPI {subject} esiste già."),
        ("cpi-exists", Lang::En) => format!("CPI {subject} already exists."),
        ("client-id-reused", Lang::It) => format!("L'identificativo {subject} è già stato usato per una registrazione diversa: il tablet deve generarne uno nuovo per ogni registrazione."),
        ("client-id-reused", Lang::En) => format!("Client id {subject} was already used for a different log: the tablet must make a new one for each log."),
        ("log-not-pending", Lang::It) => format!("La registrazione non è più in attesa di validazione (stato: {subject})."),
        ("log-not-pending", Lang::En) => format!("The log no longer awaits validation (status: {subject})."),
        ("forbidden-transition", Lang::It) => format!("La dotazione non può fare questo passaggio dal suo stato attuale ({subject}); il ciclo è: in magazzino → personalizzata → assegnata → restituita, smarrita, rubata o guasta → dismessa."),
        ("forbidden-transition", Lang::En) => format!("The item cannot make this move from its current state ({subject}); the cycle is: in stock → personalised → assigned → returned, lost, stolen or broken → retired."),
        ("kit-part-held", Lang::It) => format!("Il navigator ha già una dotazione di questo tipo ({subject}): va restituita o dichiarata smarrita prima di assegnarne un'altra."),
        ("kit-part-held", Lang::En) => format!("The Navigator already holds an item of this kind ({subject}): return or write it off before assigning another."),
        ("contract-not-active", Lang::It) => format!("Il {subject} il contratto del navigator non è firmato né attivo: non riceve dotazioni."),
        ("contract-not-active", Lang::En) => format!("On {subject} the Navigator's contract is neither signed nor active: no items are issued."),
        ("sim-already-paired", Lang::It) => format!("La SIM è già inserita in un dispositivo ({subject})."),
        ("sim-already-paired", Lang::En) => format!("The SIM is already in a device ({subject})."),
        ("device-already-paired", Lang::It) => format!("Il dispositivo ha già una SIM ({subject})."),
        ("device-already-paired", Lang::En) => format!("The device already holds a SIM ({subject})."),
        ("not-a-sim", Lang::It) => "Si inserisce in un dispositivo solo una SIM.".to_owned(),
        ("not-a-sim", Lang::En) => "Only a SIM goes into a device.".to_owned(),
        ("not-a-device", Lang::It) => "Una SIM va inserita in uno smartphone o in un tablet.".to_owned(),
        ("not-a-device", Lang::En) => "A SIM goes into a smartphone or a tablet.".to_owned(),
        ("sim-plan-mismatch", Lang::It) => "La SIM voce e dati va nello smartphone, la SIM dati nel tablet.".to_owned(),
        ("sim-plan-mismatch", Lang::En) => "The voice and data SIM goes into the smartphone, the data SIM into the tablet.".to_owned(),
        ("item-out-of-service", Lang::It) => "Una delle due dotazioni è fuori servizio (restituita, smarrita, rubata, guasta o dismessa).".to_owned(),
        ("item-out-of-service", Lang::En) => "One of the two items is out of service (returned, lost, stolen, broken or retired).".to_owned(),
        ("different-holders", Lang::It) => "SIM e dispositivo sono assegnati a navigator diversi.".to_owned(),
        ("different-holders", Lang::En) => "The SIM and the device are held by different Navigators.".to_owned(),
        ("nothing-to-acknowledge", Lang::It) => "Non hai dotazioni assegnate da confermare.".to_owned(),
        ("nothing-to-acknowledge", Lang::En) => "You hold no items to acknowledge.".to_owned(),
        ("assignment-changed", Lang::It) => format!("Le assegnazioni del navigator {subject} sono cambiate nel frattempo: riprova."),
        ("assignment-changed", Lang::En) => format!("Navigator {subject}'s assignments changed meanwhile: try again."),
        ("training-path-exists", Lang::It) => format!("Esiste già un percorso formativo con codice {subject}."),
        ("training-path-exists", Lang::En) => format!("A training path with code {subject} already exists."),
        ("module-exists", Lang::It) => format!("Il modulo {subject} esiste già."),
        ("module-exists", Lang::En) => format!("Module {subject} already exists."),
        ("no-distance-bucket", Lang::It) => format!("Il percorso {subject} non ha una quota di formazione a distanza: non può avere moduli."),
        ("no-distance-bucket", Lang::En) => format!("Path {subject} has no distance-learning bucket: it cannot have modules."),
        ("session-not-held-yet", Lang::It) => format!("La sessione si tiene il {subject}: le presenze si registrano da quel giorno."),
        ("session-not-held-yet", Lang::En) => format!("The session is held on {subject}: attendance is recorded from that day on."),
        ("no-final-assessment", Lang::It) => format!("Il percorso {subject} non prevede una valutazione finale."),
        ("no-final-assessment", Lang::En) => format!("Path {subject} has no final assessment."),
        ("mandatory-training-recorded", Lang::It) => format!("Questa formazione è già registrata ({subject})."),
        ("mandatory-training-recorded", Lang::En) => format!("This training is already recorded ({subject})."),
        (_, Lang::It) => format!("Conflitto con lo stato attuale ({subject})."),
        (_, Lang::En) => format!("Conflict with the current state ({subject})."),
    }
}

fn day(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::It => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
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
fn ojt_message(r: &domain::training::ojt::LogRefusal, lang: Lang) -> String {
    use domain::training::hours::hours_text;
    use domain::training::ojt::LogRefusal as R;
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
            hours_text(*max_minutes),
            hours_text(*already_minutes)
        ),
        (R::DailyHoursExceeded { max_minutes, already_minutes }, Lang::En) => format!(
            "A day holds at most {} hours; {} are already logged.",
            hours_text(*max_minutes),
            hours_text(*already_minutes)
        ),
    }
}

/// A JSON field that does not fit, in words; serde's own text follows in
/// brackets for the technically minded.
pub fn field_message(code: &str, field: &str, detail: &str, lang: Lang) -> String {
    match (code, lang) {
        ("missing-field", Lang::It) => format!("Manca il campo obbligatorio `{field}`."),
        ("missing-field", Lang::En) => format!("Required field `{field}` is missing."),
        ("unknown-field", Lang::It) => format!("Il campo `{field}` non è previsto."),
        ("unknown-field", Lang::En) => format!("Field `{field}` is not expected."),
        ("unknown-enum-value", Lang::It) => {
            format!("Il campo `{field}` ha un valore non ammesso ({detail}).")
        }
        ("unknown-enum-value", Lang::En) => {
            format!("Field `{field}` has a value that is not allowed ({detail}).")
        }
        ("invalid-field-type", Lang::It) => {
            format!("Il campo `{field}` ha un tipo errato ({detail}).")
        }
        ("invalid-field-type", Lang::En) => {
            format!("Field `{field}` has the wrong type ({detail}).")
        }
        (_, Lang::It) => format!("Il campo `{field}` non è valido ({detail})."),
        (_, Lang::En) => format!("Field `{field}` is invalid ({detail})."),
    }
}

/// One broken rule, in words.
pub fn violation_message(v: &Violation, lang: Lang) -> String {
    let d = v.detail.as_deref().unwrap_or("");
    let (it, en): (String, String) = match v.code {
        "required" => ("Campo obbligatorio.".into(), "Required.".into()),
        "invalid-email" => (
            "Indirizzo email non valido.".into(),
            "Not a valid email address.".into(),
        ),
        "invalid-region-code" => (
            format!("Codice Regione ISTAT non valido ({d}): va da 01 a 20."),
            format!("Invalid ISTAT Region code ({d}): 01 to 20."),
        ),
        "unknown-region" => (
            format!("Regione {d} inesistente."),
            format!("No Region {d}."),
        ),
        "invalid-province-sigla" => (
            format!("Sigla di provincia non valida ({d}): due lettere, es. NA."),
            format!("Invalid province sigla ({d}): two letters, e.g. NA."),
        ),
        "unknown-province" => (
            format!("Provincia {d} inesistente."),
            format!("No province {d}."),
        ),
        "invalid-client-id" => (
            format!(
                "Identificativo non valido: lettere, cifre e - _ . :, al massimo {d} caratteri."
            ),
            format!("Invalid id: letters, digits and - _ . :, at most {d} characters."),
        ),
        "too-many" => (
            format!("Al massimo {d} elementi per richiesta."),
            format!("At most {d} items per request."),
        ),
        "invalid-imei" => (
            format!("IMEI non valido: {d}."),
            "Invalid IMEI: 15 digits.".to_owned(),
        ),
        "imei-check-digit" => (
            format!("La cifra di controllo dell'IMEI {d} non torna."),
            format!("The check digit of IMEI {d} is wrong."),
        ),
        "invalid-iccid" => (
            format!("ICCID non valido: {d}."),
            "Invalid ICCID: 19-20 digits starting with 89.".to_owned(),
        ),
        "iccid-check-digit" => (
            format!("La cifra di controllo dell'ICCID {d} non torna."),
            format!("The check digit of ICCID {d} is wrong."),
        ),
        "invalid-mobile-number" => (
            format!("Numero di cellulare italiano non valido ({d})."),
            format!("Invalid Italian mobile number ({d})."),
        ),
        "invalid-mailbox" => (
            format!("Indirizzo di casella non valido ({d})."),
            format!("Invalid mailbox address ({d})."),
        ),
        "not-for-kind" => (
            format!("Campo non previsto per questo tipo di dotazione ({d})."),
            format!("Not a field of this kind of item ({d})."),
        ),
        "unknown-kind" => (
            format!("Tipo di dotazione sconosciuto ({d}): smartphone, tablet, sim o mailbox."),
            format!("Unknown kind ({d}): smartphone, tablet, sim or mailbox."),
        ),
        "unknown-plan" => (
            format!("Piano sconosciuto ({d}): voice_data o data."),
            format!("Unknown plan ({d}): voice_data or data."),
        ),
        "serial-or-imei-required" => (
            "Serve il numero di serie o l'IMEI.".to_owned(),
            "A serial number or an IMEI is required.".to_owned(),
        ),
        "already-in-inventory" => (
            format!("Già presente in inventario ({d})."),
            format!("Already in the inventory ({d})."),
        ),
        "wipe-not-confirmed" => (
            "Va confermata la cancellazione dei dati del dispositivo.".to_owned(),
            "The device's data wipe must be confirmed.".to_owned(),
        ),
        "day-in-future" => (
            format!("Data futura ({d})."),
            format!("A future day ({d})."),
        ),
        "before-last-movement" => (
            format!("Data precedente all'ultimo movimento ({d})."),
            format!("Before the last movement ({d})."),
        ),
        "unknown-item" => (
            format!("Nessuna dotazione con id {d}."),
            format!("No item with id {d}."),
        ),
        "unknown-log" => (
            format!("Nessuna registrazione con id {d}."),
            format!("No log with id {d}."),
        ),
        "log-not-pending" => (
            format!("Registrazione già decisa (stato: {d})."),
            format!("Log already decided (status: {d})."),
        ),
        "not-quarter-hours" => (
            format!("Le ore vanno indicate in quarti d'ora ({d})."),
            format!("Hours are given in quarter hours ({d})."),
        ),
        "too-many-hours" => (
            format!("Al massimo {d} ore."),
            format!("At most {d} hours."),
        ),
        "unknown-navigator" => (
            format!("Nessun navigator con id {d}."),
            format!("No Navigator with id {d}."),
        ),
        "unknown-cpi" => (
            format!("Nessun CPI con codice {d}."),
            format!("No CPI with code {d}."),
        ),
        "invalid-cpi-code" => (
            format!("Codice CPI non valido ({d}): lettere, cifre, - e _, al massimo 32."),
            format!("Invalid CPI code ({d}): letters, digits, - and _, at most 32."),
        ),
        "neighbour-is-the-province" => (
            format!("Una provincia non è vicina di sé stessa ({d})."),
            format!("A province is not its own neighbour ({d})."),
        ),
        "neighbour-in-another-region" => (
            format!("La provincia {d} è di un'altra Regione: lo scorrimento chiama solo dalle province della stessa Regione."),
            format!("Province {d} is in another Region: a fallback calls only from provinces of the same Region."),
        ),
        "already-applied" => (
            "Questa persona ha già una domanda in questa selezione: una sola per codice fiscale.".into(),
            "This person already applied to this selection: one application per codice fiscale.".into(),
        ),
        "duplicate" => (
            format!("Valore ripetuto ({d})."),
            format!("Duplicate value ({d})."),
        ),
        "duplicate-in-file" => (
            format!("Codice già presente nel file alla riga {d}."),
            format!("Code already in the file at line {d}."),
        ),
        "already-exists" => (
            format!("Esiste già ({d})."),
            format!("Already exists ({d})."),
        ),
        "too-long" => (
            format!("Troppo lungo: al massimo {d} caratteri."),
            format!("Too long: at most {d} characters."),
        ),
        "must-be-positive" => (
            "Deve essere maggiore di zero.".into(),
            "Must be greater than zero.".into(),
        ),
        "not-a-number" => (
            format!("Non è un numero intero ({d})."),
            format!("Not a whole number ({d})."),
        ),
        "ends-before-it-starts" => (
            "La data di fine precede quella di inizio.".into(),
            "The end date is before the start date.".into(),
        ),
        "password-too-short" => (
            format!("Password troppo corta: almeno {d} caratteri."),
            format!("Password too short: at least {d} characters."),
        ),
        "password-too-long" => (
            format!("Password troppo lunga: al massimo {d} caratteri."),
            format!("Password too long: at most {d} characters."),
        ),
        "password-is-email" => (
            "La password non può essere l'indirizzo email.".into(),
            "The password cannot be the email address.".into(),
        ),
        "coordinator-needs-region" => (
            "Un coordinatore deve avere almeno una Regione.".into(),
            "A coordinator needs at least one Region.".into(),
        ),
        "region-scope-only-for-coordinators" => (
            "Solo i coordinatori hanno Regioni di competenza.".into(),
            "Only coordinators have a Region scope.".into(),
        ),
        "navigator-account-needs-navigator" => (
            "Un account navigator deve indicare il navigator (navigator_id).".into(),
            "A navigator account must name its Navigator (navigator_id).".into(),
        ),
        "navigator-id-only-for-navigators" => (
            "Solo gli account navigator hanno un navigator_id.".into(),
            "Only navigator accounts have a navigator_id.".into(),
        ),
        "wrong-header" => (
            format!("Intestazione del file errata: attesa `{d}`."),
            format!("Wrong file header: expected `{d}`."),
        ),
        "wrong-column-count" => (
            format!("Numero di colonne errato: attese {d}."),
            format!("Wrong number of columns: expected {d}."),
        ),
        "empty-file" => (
            "Il file non contiene righe.".into(),
            "The file has no rows.".into(),
        ),
        "not-utf8" => (
            "Il file non è in UTF-8.".into(),
            "The file is not UTF-8.".into(),
        ),
        "out-of-range" => (
            format!("Fuori dall'intervallo ammesso ({d})."),
            format!("Outside the allowed range ({d})."),
        ),
        "invalid-date" => (
            format!("Data non valida ({d}): usare AAAA-MM-GG."),
            format!("Invalid date ({d}): use YYYY-MM-DD."),
        ),
        "not-a-boolean" => (
            format!("Valore non ammesso ({d}): true o false."),
            format!("Not allowed ({d}): true or false."),
        ),
        "invalid-codice-fiscale-format" => (
            format!("Codice fiscale non valido ({d})."),
            format!("Invalid codice fiscale ({d})."),
        ),
        "invalid-codice-fiscale-check" => (
            "Codice fiscale non valido: il carattere di controllo non corrisponde.".into(),
            "Invalid codice fiscale: the check character does not match.".into(),
        ),
        "empty-list" => ("L'elenco è vuoto.".into(), "The list is empty.".into()),
        "shares-must-sum-to-100" => (
            format!("Le quote devono sommare a 100 (ora {d})."),
            format!("The shares must sum to 100 (now {d})."),
        ),
        "hours-not-whole" => (
            "Con questa quota le ore non sono un numero intero.".into(),
            "This share does not give a whole number of hours.".into(),
        ),
        "modules-must-fill-bucket" => (
            format!("I moduli sommano {d} ore: meno delle ore della quota."),
            format!("The modules add up to {d} hours: fewer than the bucket's hours."),
        ),
        "modules-only-on-distance" => (
            format!("Solo la formazione a distanza ha moduli, non {d}."),
            format!("Only distance learning has modules, not {d}."),
        ),
        "unknown-codice-fiscale" => (
            "Nessun navigator con questo codice fiscale.".into(),
            "No Navigator with this codice fiscale.".into(),
        ),
        "unknown-training-path" => (
            format!("Nessun percorso formativo con codice {d}."),
            format!("No training path with code {d}."),
        ),
        "unknown-module" => (
            format!("Modulo inesistente nel percorso del navigator: {d}."),
            format!("No such module in the Navigator's path: {d}."),
        ),
        "contract-not-signed" => (
            "Il contratto del navigator non è firmato.".into(),
            "The Navigator's contract is not signed.".into(),
        ),
        "outside-contract" => (
            format!("La data è fuori dal contratto ({d})."),
            format!("The date is outside the contract ({d})."),
        ),
        "contract-suspended" => (
            format!("Il contratto è sospeso il {d}."),
            format!("The contract is suspended on {d}."),
        ),
        "completed-in-future" => (
            format!("La data ({d}) è successiva a oggi."),
            format!("The date ({d}) is after today."),
        ),
        other => (
            format!("Regola violata: {other} {d}"),
            format!("Rule broken: {other} {d}"),
        ),
    };
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
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
}
