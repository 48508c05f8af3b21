//! The subject access file (GDPR art. 15): what the service tells a person
//! it holds about them, in which sections, and what it leaves out and why.
//!
//! The file holds every record stored about the person, each as stored,
//! in the sections below, in this order. It leaves out:
//! - secrets that protect the person's own account or links sent to them
//!   (password hash, the hashes of session and one-time tokens and of an
//!   offer's link, the second factor's secret and recovery codes): they
//!   say nothing about the person, and a copy of them would weaken the
//!   account the file is about; the file says whether a second factor is
//!   enrolled;
//! - the bodies of the mails sent to them (a body may carry a one-time
//!   link); subject, kind and days stay;
//! - other people: another holder of an item they had is not named (only
//!   whether the person holds it now), nor other entries of a ranking
//!   (their own position in every version is), nor lines of the audit log
//!   that are not about them (an extract asked by someone else, a change
//!   to someone else's record). The staff who acted on their records are
//!   named by account id, as the log names them: recipients of their data.
//!
//! Derived figures (the training progress, the indicators) are left out:
//! they are computed from the records the file holds.

/// The version of the file's shape; a change that removes or renames a
/// field takes the next one.
pub const FORMAT_VERSION: u32 = 1;

/// One section of the file: its key in the JSON document and its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub key: &'static str,
    pub title_it: &'static str,
    pub title_en: &'static str,
}

const fn section(key: &'static str, title_it: &'static str, title_en: &'static str) -> Section {
    Section {
        key,
        title_it,
        title_en,
    }
}

/// The sections, in the order the file shows them.
pub const SECTIONS: [Section; 15] = [
    section("accounts", "Utenze", "Accounts"),
    section("applications", "Domande di partecipazione", "Applications"),
    section("scores", "Punteggi", "Scores"),
    section(
        "ranking_positions",
        "Posizioni in graduatoria (ogni versione)",
        "Ranking positions (every version)",
    ),
    section("offers", "Proposte di contratto", "Offers"),
    section("navigators", "Scheda Navigator", "Navigator record"),
    section("contracts", "Contratti", "Contracts"),
    section(
        "hr_events",
        "Eventi del rapporto (sospensioni, proroghe, cessazioni)",
        "HR events (suspensions, extensions, offboarding)",
    ),
    section("assignments", "Assegnazioni ai CPI", "CPI assignments"),
    section("training", "Formazione", "Training"),
    section(
        "ojt_logs",
        "Ore di formazione sul campo",
        "On-the-job hours",
    ),
    section(
        "equipment",
        "Dotazione (consegne e restituzioni)",
        "Equipment (assigned and returned)",
    ),
    section(
        "questions",
        "Domande a Question RdC e FAQ derivate",
        "Question RdC questions and the FAQ entries they fed",
    ),
    section("mails", "Comunicazioni inviate", "Messages sent"),
    section(
        "audit",
        "Registro delle operazioni che la riguardano",
        "Audit log entries concerning the person",
    ),
];

/// What the file leaves out on purpose, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    pub what_it: &'static str,
    pub what_en: &'static str,
    pub why_it: &'static str,
    pub why_en: &'static str,
}

pub const LEFT_OUT: [LeftOut; 5] = [
    LeftOut {
        what_it: "Impronta della password, dei token di sessione e dei link monouso",
        what_en: "Hash of the password, of session tokens and one-time links",
        why_it: "Segreti che proteggono l'utenza: una copia la indebolirebbe e non dice nulla della persona.",
        why_en: "Secrets that protect the account: a copy would weaken it and says nothing about the person.",
    },
    LeftOut {
        what_it: "Segreto del secondo fattore e codici di recupero",
        what_en: "Second factor secret and recovery codes",
        why_it: "Segreti dell'utenza; il file dice se il secondo fattore è attivo.",
        why_en: "Account secrets; the file says whether a second factor is enrolled.",
    },
    LeftOut {
        what_it: "Testo delle comunicazioni inviate",
        what_en: "Body of the messages sent",
        why_it: "Può contenere un link monouso; restano oggetto, tipo e date.",
        why_en: "It may carry a one-time link; subject, kind and days stay.",
    },
    LeftOut {
        what_it: "Dati di altre persone",
        what_en: "Other people's data",
        why_it: "Altre posizioni in graduatoria, altri assegnatari della dotazione e operazioni su dati altrui non riguardano la persona.",
        why_en: "Other ranking entries, other holders of an item and operations on other people's data are not about the person.",
    },
    LeftOut {
        what_it: "Dati derivati (avanzamento della formazione, indicatori)",
        what_en: "Derived figures (training progress, indicators)",
        why_it: "Calcolati dai dati presenti nel file.",
        why_en: "Computed from the records the file holds.",
    },
];

/// Field names that never appear in the file, wherever they are: the
/// secrets above, should a stored record ever carry one.
pub const SECRET_FIELDS: [&str; 5] = [
    "password_hash",
    "token_hash",
    "code_hash",
    "secret",
    "family_id",
];

/// Whether a field of a stored record is left out of the file.
pub fn is_secret(field: &str) -> bool {
    SECRET_FIELDS.contains(&field)
}

/// The heading of a section, by key.
pub fn section_of(key: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_a_distinct_key_and_an_italian_heading() {
        let mut keys: Vec<&str> = SECTIONS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SECTIONS.len());
        assert!(SECTIONS.iter().all(|s| !s.title_it.is_empty()));
        assert_eq!(
            section_of("audit").map(|s| s.title_it),
            Some(SECTIONS[14].title_it)
        );
        assert!(section_of("nothing").is_none());
    }

    #[test]
    fn secrets_are_left_out() {
        for f in ["password_hash", "token_hash", "code_hash", "secret"] {
            assert!(is_secret(f), "{f}");
        }
        for f in ["email", "codice_fiscale", "score_hundredths"] {
            assert!(!is_secret(f), "{f}");
        }
    }
}
