//! Passwords everyone guesses first (NIST SP 800-63B §5.1.1.2: refuse
//! values from lists of commonly used or compromised passwords).
//!
//! A short vendored list rather than a strength estimator: the length rule
//! already does most of the work, and what gets past it is a common word
//! dressed up with digits and symbols (`password1234`, `P@ssw0rd2024!`,
//! `juventus1897`), a keyboard run or a repetition. The list holds the cores
//! of such passwords, English and Italian, and the check strips the dressing.

/// Common cores, lowercase letters only.
const COMMON: &[&str] = &[
    "password",
    "passwort",
    "passwd",
    "pass",
    "parola",
    "parolachiave",
    "parolasegreta",
    "chiave",
    "segreto",
    "segreta",
    "secret",
    "admin",
    "administrator",
    "amministratore",
    "root",
    "user",
    "utente",
    "login",
    "accesso",
    "welcome",
    "benvenuto",
    "benvenuta",
    "benvenuti",
    "letmein",
    "changeme",
    "cambiami",
    "cambiala",
    "default",
    "test",
    "prova",
    "qwerty",
    "azerty",
    "qwertz",
    "iloveyou",
    "tiamo",
    "tiamotanto",
    "amore",
    "amoremio",
    "amoremia",
    "amoretto",
    "ciao",
    "ciaociao",
    "ciaobella",
    "ciaobello",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "soccer",
    "calcio",
    "juventus",
    "juve",
    "forzajuve",
    "inter",
    "forzainter",
    "milan",
    "forzamilan",
    "napoli",
    "forzanapoli",
    "roma",
    "forzaroma",
    "lazio",
    "forzalazio",
    "fiorentina",
    "torino",
    "sunshine",
    "princess",
    "principessa",
    "master",
    "superman",
    "batman",
    "spiderman",
    "trustno",
    "whatever",
    "shadow",
    "starwars",
    "pokemon",
    "computer",
    "internet",
    "google",
    "facebook",
    "navigator",
    "navigatore",
    "anpal",
    "anpalservizi",
    "italia",
    "italy",
    "europa",
    "michael",
    "jessica",
    "charlie",
    "francesca",
    "giuseppe",
    "giovanni",
    "andrea",
    "alessandro",
    "alessandra",
    "marco",
    "luca",
    "matteo",
    "lorenzo",
    "francesco",
    "antonio",
    "mario",
    "federica",
    "giulia",
    "chiara",
    "sara",
    "martina",
    "valentina",
    "simona",
    "roberta",
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
    "estate",
    "inverno",
    "primavera",
    "autunno",
    "lunedi",
    "venerdi",
    "domenica",
    "sole",
    "luna",
    "stella",
    "cuore",
    "famiglia",
    "mamma",
    "papa",
    "bambino",
    "bambina",
    "gatto",
    "cane",
    "hello",
    "love",
    "lovely",
    "freedom",
    "libero",
    "libera",
    "liberta",
    "abc",
];

/// Keyboard rows and the alphabet: a run along one of them is no secret.
const RUNS: &[&str] = &[
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertzuiopasdfghjklyxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
];

/// Whether `password` is a common password, however dressed up.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    // `aaaaaaaaaaaa`, `abababababab`, `121212121212`.
    if distinct.len() < 5 {
        return true;
    }
    let bare: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    if is_run(&bare) {
        return true;
    }
    // Digits and symbols before and after the core are dressing; inside it
    // they stand for letters (`p@ssw0rd`).
    let core: String = lower
        .trim_matches(|c: char| !c.is_alphabetic())
        .chars()
        .filter_map(|c| match c {
            '0' => Some('o'),
            '1' | '!' => Some('i'),
            '3' => Some('e'),
            '4' | '@' => Some('a'),
            '5' | '$' => Some('s'),
            '7' => Some('t'),
            c if c.is_alphabetic() => Some(c),
            _ => None,
        })
        .collect();
    common_core(&core)
}

fn common_core(core: &str) -> bool {
    if COMMON.contains(&core) || is_run(core) {
        return true;
    }
    // `passwordpassword`, `ciaociaociao`: the repeated unit decides.
    let n = core.chars().count();
    (1..=n / 2).any(|len| {
        n.is_multiple_of(len) && {
            let unit: String = core.chars().take(len).collect();
            core == unit.repeat(n / len) && (len <= 4 || common_core(&unit))
        }
    })
}

/// A stretch of at least four characters of a keyboard row or the
/// alphabet, forwards or backwards.
fn is_run(s: &str) -> bool {
    s.chars().count() >= 4
        && RUNS.iter().any(|run| {
            let backwards: String = run.chars().rev().collect();
            run.contains(s) || backwards.contains(s)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_dressed_up_are_found() {
        for p in [
            "password1234",
            "Password2024!",
            "P@ssw0rd2024",
            "juventus1897",
            "qwertyuiop12",
            "123456789012",
            "passwordpassword",
            "aaaaaaaaaaaa",
            "abababababab",
            "TiAmo123456789",
            "!!amoremio2020!!",
            "zxcvbnm123456",
        ] {
            assert!(is_common(p), "{p}");
        }
    }

    #[test]
    fn passphrases_and_random_strings_pass() {
        for p in [
            "una password abbastanza lunga",
            "password iniziale dell'amministratore",
            "correct horse battery staple",
            "8472-1930-5561",
            "gT7#qL2!vX9m",
        ] {
            assert!(!is_common(p), "{p}");
        }
    }
}
