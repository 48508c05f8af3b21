//! The Italian analyser of the FAQ search: the one place that decides which
//! words of a text are searchable and what each becomes, for the entries as
//! they are stored and for the questions as they are typed. Both engines
//! store and look up the terms it makes, so they find the same entries.
//!
//! A word (a run of letters and digits; apostrophes split "dell'offerta")
//! is lower-cased, stripped of its accents, dropped if it is a stop word or
//! a single character, and reduced to its stem by the Snowball Italian
//! stemmer. Accents go first because Navigators type "disponibilita'" or
//! "perche" as often as "disponibilità" and "perché": stemmed after folding,
//! both spellings give one term. Two endings the Snowball stemmer leaves
//! apart are then joined (see [`stem`]).

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// One searchable word of a text: its term, and where it stands in the
/// text, in characters (Unicode scalar values) from the start, end
/// excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    /// The word folded ([`fold`]), before stemming.
    pub word: String,
    pub start: usize,
    pub end: usize,
}

/// The searchable words of `text`, in order, with their places.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_with(text, &mut Stems::default())
}

/// [`tokens`], stemming through `stems`: texts read together (the results
/// of one search) share most of their words, and each is stemmed once.
pub fn tokens_with(text: &str, stems: &mut Stems) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut start = 0;
    let mut at = 0;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                start = at;
            }
            word.push(c);
        } else if !word.is_empty() {
            push_word(stems, &mut out, &word, start, at);
            word.clear();
        }
        at += 1;
    }
    if !word.is_empty() {
        push_word(stems, &mut out, &word, start, at);
    }
    out
}

/// The stemmer, with the terms of the folded words it has stemmed.
pub struct Stems {
    stemmer: Stemmer,
    known: HashMap<String, String>,
}

impl Default for Stems {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::Italian),
            known: HashMap::new(),
        }
    }
}

impl Stems {
    /// The term of a folded word ([`stem`]).
    fn term(&mut self, folded: &str) -> String {
        if let Some(term) = self.known.get(folded) {
            return term.clone();
        }
        let term = stem(&self.stemmer, folded);
        self.known.insert(folded.to_owned(), term.clone());
        term
    }
}

/// The terms of `text`, in order, repeated as often as their words are.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.term).collect()
}

/// The shortest unfinished word that is looked up as the beginning of
/// longer ones: one or two letters would match a good part of the
/// vocabulary.
pub const MIN_PREFIX: usize = 3;

/// The word a question typed so far ends in, folded, when it is still
/// being typed: `text` ends in a letter or digit (a space or punctuation
/// after it says the word is finished) and it has at least
/// [`MIN_PREFIX`] characters. "requisiti disponib" gives "disponib";
/// "requisiti " and "requisiti?" give nothing.
pub fn unfinished_word(text: &str) -> Option<String> {
    let last = text.chars().last()?;
    if !last.is_alphanumeric() {
        return None;
    }
    let word: Vec<char> = text
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let word: String = word.into_iter().rev().collect();
    let folded = fold(&word);
    (folded.chars().count() >= MIN_PREFIX).then_some(folded)
}

fn push_word(stems: &mut Stems, out: &mut Vec<Token>, word: &str, start: usize, end: usize) {
    let folded = fold(word);
    if folded.chars().count() < 2 || is_stop_word(&folded) {
        return;
    }
    out.push(Token {
        term: stems.term(&folded),
        word: folded,
        start,
        end,
    });
}

/// `word` lower-cased and without accents, one character for one: "Città"
/// becomes "citta", "PERCHÉ" "perche".
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

/// Endings that the Snowball Italian stemmer keeps on some words of a
/// family and removes from others ("disponibilità" gives `disponibil`,
/// "disponibile" `dispon`; "decadenza" `decadent`, "decade" `decad`), each
/// with the length the rest must keep so that short words stay apart
/// ("stabile" is not "st", "presente" not "pres").
const JOINED_ENDINGS: [(&str, usize); 3] = [("abil", 4), ("ibil", 4), ("ent", 5)];

/// The Snowball Italian stem of a folded word, with [`JOINED_ENDINGS`]
/// removed. The same for every text, so merging endings only ever joins
/// families: two words with one Snowball stem keep one term.
fn stem(stemmer: &Stemmer, folded: &str) -> String {
    let mut stem = stemmer.stem(folded).into_owned();
    for (ending, rest) in JOINED_ENDINGS {
        if let Some(kept) = stem.strip_suffix(ending) {
            if kept.chars().count() >= rest {
                stem.truncate(kept.len());
                break;
            }
        }
    }
    stem
}

/// Words too common to tell one entry from another: the Snowball Italian
/// stop list (articles, prepositions and their contractions, pronouns,
/// conjunctions, the forms of avere, essere, fare and stare), plus the
/// words a question is phrased with ("cosa", "quando", "deve", "può"),
/// all folded.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.binary_search(&folded).is_ok()
}

/// Sorted, so [`is_stop_word`] can search it.
const STOP_WORDS: &[&str] = &[
    "abbia",
    "abbiamo",
    "abbiano",
    "abbiate",
    "ad",
    "agl",
    "agli",
    "ai",
    "al",
    "all",
    "alla",
    "alle",
    "allo",
    "anche",
    "ancora",
    "avemmo",
    "avendo",
    "avere",
    "avesse",
    "avessero",
    "avessi",
    "avessimo",
    "aveste",
    "avesti",
    "avete",
    "aveva",
    "avevamo",
    "avevano",
    "avevate",
    "avevi",
    "avevo",
    "avra",
    "avrai",
    "avranno",
    "avrebbe",
    "avrebbero",
    "avrei",
    "avremmo",
    "avremo",
    "avreste",
    "avresti",
    "avrete",
    "avro",
    "avuta",
    "avute",
    "avuti",
    "avuto",
    "bisogna",
    "che",
    "chi",
    "ci",
    "coi",
    "col",
    "come",
    "con",
    "contro",
    "cosa",
    "cui",
    "da",
    "dagl",
    "dagli",
    "dai",
    "dal",
    "dall",
    "dalla",
    "dalle",
    "dallo",
    "degl",
    "degli",
    "dei",
    "del",
    "dell",
    "della",
    "delle",
    "dello",
    "deve",
    "devo",
    "devono",
    "di",
    "dov",
    "dove",
    "ebbe",
    "ebbero",
    "ebbi",
    "ecc",
    "ed",
    "era",
    "erano",
    "eravamo",
    "eravate",
    "eri",
    "ero",
    "essendo",
    "essere",
    "faccia",
    "facciamo",
    "facciano",
    "facciate",
    "faccio",
    "facemmo",
    "facendo",
    "facesse",
    "facessero",
    "facessi",
    "facessimo",
    "faceste",
    "facesti",
    "faceva",
    "facevamo",
    "facevano",
    "facevate",
    "facevi",
    "facevo",
    "fai",
    "fanno",
    "fara",
    "farai",
    "faranno",
    "farebbe",
    "farebbero",
    "farei",
    "faremmo",
    "faremo",
    "fareste",
    "faresti",
    "farete",
    "faro",
    "fece",
    "fecero",
    "feci",
    "fosse",
    "fossero",
    "fossi",
    "fossimo",
    "foste",
    "fosti",
    "fu",
    "fui",
    "fummo",
    "furono",
    "gia",
    "gli",
    "ha",
    "hai",
    "hanno",
    "ho",
    "il",
    "in",
    "io",
    "la",
    "le",
    "lei",
    "li",
    "lo",
    "loro",
    "lui",
    "ma",
    "mi",
    "mia",
    "mie",
    "miei",
    "mio",
    "ne",
    "negl",
    "negli",
    "nei",
    "nel",
    "nell",
    "nella",
    "nelle",
    "nello",
    "noi",
    "non",
    "nostra",
    "nostre",
    "nostri",
    "nostro",
    "oppure",
    "per",
    "perche",
    "piu",
    "po",
    "posso",
    "possono",
    "puo",
    "qual",
    "quale",
    "quali",
    "quando",
    "quanta",
    "quante",
    "quanti",
    "quanto",
    "quell",
    "quella",
    "quelle",
    "quelli",
    "quello",
    "quest",
    "questa",
    "queste",
    "questi",
    "questo",
    "sara",
    "sarai",
    "saranno",
    "sarebbe",
    "sarebbero",
    "sarei",
    "saremmo",
    "saremo",
    "sareste",
    "saresti",
    "sarete",
    "saro",
    "se",
    "sei",
    "si",
    "sia",
    "siamo",
    "siano",
    "siate",
    "siete",
    "sono",
    "sta",
    "stai",
    "stando",
    "stanno",
    "stara",
    "starai",
    "staranno",
    "starebbe",
    "starebbero",
    "starei",
    "staremmo",
    "staremo",
    "stareste",
    "staresti",
    "starete",
    "staro",
    "stava",
    "stavamo",
    "stavano",
    "stavate",
    "stavi",
    "stavo",
    "stemmo",
    "stesse",
    "stessero",
    "stessi",
    "stessimo",
    "steste",
    "stesti",
    "stette",
    "stettero",
    "stetti",
    "stia",
    "stiamo",
    "stiano",
    "stiate",
    "sto",
    "su",
    "sua",
    "sue",
    "sugl",
    "sugli",
    "sui",
    "sul",
    "sull",
    "sulla",
    "sulle",
    "sullo",
    "suo",
    "suoi",
    "ti",
    "tra",
    "tu",
    "tua",
    "tue",
    "tuo",
    "tuoi",
    "tutti",
    "tutto",
    "un",
    "una",
    "uno",
    "va",
    "vi",
    "voi",
    "vostra",
    "vostre",
    "vostri",
    "vostro",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn one(word: &str) -> String {
        let t = terms(word);
        assert_eq!(t.len(), 1, "{word}: {t:?}");
        t[0].clone()
    }

    #[test]
    fn the_stop_list_is_sorted_folded_and_without_repeats() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| fold(w) == *w));
    }

    #[test]
    fn accents_are_folded_and_case_ignored() {
        assert_eq!(fold("Città PERCHÉ può è"), "citta perche puo e");
        assert_eq!(one("città"), one("citta"));
        assert_eq!(one("Città"), one("CITTA"));
        assert_eq!(one("disponibilità"), one("disponibilita"));
        // An apostrophe typed for the accent.
        assert_eq!(terms("disponibilita'"), terms("disponibilità"));
    }

    #[test]
    fn the_pairs_of_the_issue_meet() {
        assert_eq!(one("disponibilità"), one("disponibile"));
        assert_eq!(one("Patto"), one("patti"));
    }

    #[test]
    fn a_family_of_words_meets_in_one_term() {
        for (a, b) in [
            ("requisito", "requisiti"),
            ("offerta", "offerte"),
            ("congrua", "congrue"),
            ("condizionalità", "condizionale"),
            ("decadenza", "decade"),
            ("decadenza", "decaduto"),
            ("nucleo", "nuclei"),
            ("piattaforma", "piattaforme"),
            ("beneficiario", "beneficiari"),
            ("responsabilità", "responsabile"),
            ("compatibilità", "compatibile"),
            ("richiedente", "richiedere"),
            ("lavoro", "lavoratori"),
        ] {
            assert_eq!(one(a), one(b), "{a} / {b}");
        }
    }

    #[test]
    fn short_words_are_not_cut_to_nothing() {
        // "stabile" keeps its stem rather than becoming "st"; "presente"
        // stays apart from "presa" (the "presa in carico").
        assert_eq!(one("stabile"), "stabil");
        assert_ne!(one("presente"), one("presa"));
        assert_eq!(one("mobilità"), one("mobile"));
        assert_eq!(one("mobile"), "mobil");
    }

    #[test]
    fn stop_words_elisions_and_single_letters_are_dropped() {
        assert_eq!(
            terms("Qual è l'importo dell'offerta per il nucleo?"),
            vec![one("importo"), one("offerta"), one("nucleo")]
        );
        assert!(terms("di la e a o è").is_empty());
        assert!(terms("  ,;.  ").is_empty());
    }

    #[test]
    fn tokens_know_their_place_in_characters() {
        let text = "Perché l'ISEE è scaduto?";
        let t = tokens(text);
        let words: Vec<String> = t
            .iter()
            .map(|t| text.chars().skip(t.start).take(t.end - t.start).collect())
            .collect();
        assert_eq!(words, vec!["ISEE", "scaduto"]);
        assert_eq!((t[0].start, t[0].end), (9, 13));
    }

    #[test]
    fn only_a_word_still_being_typed_is_unfinished() {
        assert_eq!(
            unfinished_word("requisiti Disponib").as_deref(),
            Some("disponib")
        );
        assert_eq!(unfinished_word("l'attivit").as_deref(), Some("attivit"));
        assert_eq!(unfinished_word("requisiti "), None);
        assert_eq!(unfinished_word("requisiti?"), None);
        assert_eq!(unfinished_word("il pa"), None, "too short to look up");
        assert_eq!(unfinished_word(""), None);
    }

    #[test]
    fn digits_and_acronyms_are_words() {
        assert_eq!(
            terms("D.L. 4/2019, GePI e MyANPAL"),
            vec!["2019".to_owned(), one("gepi"), one("myanpal")]
        );
    }
}
