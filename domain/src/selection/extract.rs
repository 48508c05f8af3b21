//! The records-request extract (accesso agli atti) of a graduatoria: the
//! candidate who asks sees their own entry in full and everyone else's
//! reduced to what the ranking was decided on, so that they can check their
//! place and contest it without learning who the others are.
//!
//! Every other entry keeps:
//! - its position, status (winner or reserve) and `decided_by`: the ranking
//!   itself, and the criterion that put each entry ahead of the next, which
//!   is what an appeal argues about;
//! - the score with the right, wrong and blank answers, the degree grade and
//!   honours: the titles the order was built from, so the requester can redo
//!   the ranking by hand;
//! - the initials of the first and last names: enough to refer to an entry,
//!   not enough to name anyone.
//!
//! And loses:
//! - the full name, codice fiscale, email and phone;
//! - the birth date: the age tie-break shows as `decided_by: age`, which is
//!   all the requester needs to know about it;
//! - the application number. It is a pseudonym, not an anonymisation: the
//!   administration, the applicant and whoever saw their receipt (or any list
//!   published by number, such as the admission list) can turn it back into
//!   a person, and next to initials and grade it names them. The requester
//!   loses nothing by its absence: the position tells the entries apart, and
//!   `decided_by` says where the number was the tie-break;
//! - the scorrimento state (offered, declined, excluded...): later events of
//!   someone else's life, not the ranking that was published.

use chrono::NaiveDate;

use super::merit::DegreeGrade;
use super::ranking::{DecidedBy, RankingStatus};
use super::scoring::Score;

/// Who stands behind an application, as they applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub codice_fiscale: String,
    pub birth_date: NaiveDate,
    pub email: String,
    pub phone: Option<String>,
}

impl Person {
    /// First names, then last names, as the graduatoria prints them.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn initials(&self) -> String {
        initials(&self.first_name, &self.last_name)
    }
}

/// The test answers behind a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answers {
    pub right: i64,
    pub wrong: i64,
    pub blank: i64,
}

/// What the ranking decided about an entry and the titles it decided on:
/// shown alike for the requester and for everyone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub score: Score,
    /// `None` where the answers were not stored with the result.
    pub answers: Option<Answers>,
    pub degree_grade: DegreeGrade,
    pub status: RankingStatus,
    pub decided_by: DecidedBy,
}

/// One position of the ranking with the person behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedPerson {
    pub position: i64,
    pub application_no: String,
    pub person: Person,
    pub placement: Placement,
}

/// Someone else's entry: no field can hold who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedEntry {
    pub position: i64,
    pub initials: String,
    pub placement: Placement,
}

impl RedactedEntry {
    pub fn of(entry: &RankedPerson) -> Self {
        Self {
            position: entry.position,
            initials: entry.person.initials(),
            placement: entry.placement.clone(),
        }
    }
}

/// One line of the extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractEntry {
    /// The requester's own entry, in full.
    Requester(RankedPerson),
    Other(RedactedEntry),
}

impl ExtractEntry {
    pub fn position(&self) -> i64 {
        match self {
            Self::Requester(e) => e.position,
            Self::Other(e) => e.position,
        }
    }

    pub fn initials(&self) -> String {
        match self {
            Self::Requester(e) => e.person.initials(),
            Self::Other(e) => e.initials.clone(),
        }
    }

    pub fn placement(&self) -> &Placement {
        match self {
            Self::Requester(e) => &e.placement,
            Self::Other(e) => &e.placement,
        }
    }
}

/// The extract was asked for an application the ranking does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("application {0} is not in this ranking")]
pub struct NotInRanking(pub String);

/// The extract of `ranking` (in its order) for the holder of
/// `application_no`: their entry in full, every other one redacted.
pub fn extract(
    ranking: &[RankedPerson],
    application_no: &str,
) -> Result<Vec<ExtractEntry>, NotInRanking> {
    if !ranking.iter().any(|e| e.application_no == application_no) {
        return Err(NotInRanking(application_no.to_owned()));
    }
    Ok(ranking
        .iter()
        .map(|e| {
            if e.application_no == application_no {
                ExtractEntry::Requester(e.clone())
            } else {
                ExtractEntry::Other(RedactedEntry::of(e))
            }
        })
        .collect())
}

/// The initials of a person: one for each word of the first names, then one
/// for each word of the last names, each an upper-case letter and a full
/// stop, separated by spaces. "Maria Grazia" "D'Amico" gives `M. G. D.`.
///
/// - Words are split at white space and hyphens: "De Luca" and
///   "Rossi-Bianchi" give two initials each. A particle counts as a word, so
///   no list of particles is needed and nothing depends on how a clerk typed
///   the name (`Maria-Grazia` and `Maria Grazia` agree).
/// - An apostrophe does not split: "D'Amico" and "Dell'Orto" are one word
///   each (an elided particle joined to the name) and give `D.`.
/// - Letters keep their accents (upper-cased): "Èrica" gives `È.`, also when
///   the accent is written as a combining mark. Dropping accents would need a
///   transliteration table and would hide nothing.
/// - Anything before a word's first letter is skipped, and a word with no
///   letter gives no initial; so an initial is only ever one letter.
pub fn initials(first_name: &str, last_name: &str) -> String {
    first_name
        .split(is_word_break)
        .chain(last_name.split(is_word_break))
        .filter_map(word_initial)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_word_break(c: char) -> bool {
    // ASCII hyphen-minus, Unicode hyphen and non-breaking hyphen.
    c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn word_initial(word: &str) -> Option<String> {
    let mut chars = word.chars().skip_while(|c| !c.is_alphabetic());
    let first = chars.next()?;
    // One letter even where upper case has two (`ß` is `SS`).
    let mut out: String = first.to_uppercase().next().into_iter().collect();
    out.extend(chars.take_while(|c| is_combining_accent(*c)));
    out.push('.');
    Some(out)
}

/// The combining diacritical marks that write accents on Latin letters.
fn is_combining_accent(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn initials_of_compound_names_apostrophes_and_accents() {
        assert_eq!(initials("Maria Grazia", "D'Amico"), "M. G. D.");
        assert_eq!(initials("Mario", "Rossi"), "M. R.");
        assert_eq!(initials("Maria-Grazia", "De Luca"), "M. G. D. L.");
        assert_eq!(initials("Anna", "Rossi-Bianchi"), "A. R. B.");
        assert_eq!(initials("Giulia", "Dell'Orto"), "G. D.");
        assert_eq!(initials("Èrica", "Öztürk"), "È. Ö.");
        // A combining accent stays with its letter.
        assert_eq!(initials("E\u{0300}rica", "Zola"), "E\u{0300}. Z.");
        assert_eq!(initials("  luca  ", "d'amico"), "L. D.");
        assert_eq!(initials("'Ndrina", "Vallone"), "N. V.");
        assert_eq!(initials("ßenedikt", "Mayer"), "S. M.");
        assert_eq!(initials("Luca", " - "), "L.");
        assert_eq!(initials("", ""), "");
    }

    fn person(first: &str, last: &str, cf: &str, born: &str, email: &str) -> Person {
        Person {
            first_name: first.into(),
            last_name: last.into(),
            codice_fiscale: cf.into(),
            birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").unwrap_or_default(),
            email: email.into(),
            phone: Some("+39 333 1234567".into()),
        }
    }

    fn placement(points: i64, status: RankingStatus, decided_by: DecidedBy) -> Placement {
        Placement {
            score: Score::from_points(points),
            answers: Some(Answers {
                right: points,
                wrong: 0,
                blank: 100 - points,
            }),
            degree_grade: DegreeGrade::parse("degree_grade", 110, true)
                .unwrap_or_else(|v| panic!("{v:?}")),
            status,
            decided_by,
        }
    }

    fn sample() -> Vec<RankedPerson> {
        vec![
            RankedPerson {
                position: 1,
                application_no: "NA-1".into(),
                person: person(
                    "Maria Grazia",
                    "D'Amico",
                    "DMCMGR90A41F839X",
                    "1990-01-01",
                    "mg@example.it",
                ),
                placement: placement(90, RankingStatus::Winner, DecidedBy::Score),
            },
            RankedPerson {
                position: 2,
                application_no: "NA-2".into(),
                person: person(
                    "Luca",
                    "Esposito",
                    "SPSLCU91B02F839Y",
                    "1991-02-02",
                    "le@example.it",
                ),
                placement: placement(80, RankingStatus::Reserve, DecidedBy::Last),
            },
        ]
    }

    #[test]
    fn the_requester_is_in_full_and_the_others_by_initials() {
        let ranking = sample();
        let out = extract(&ranking, "NA-2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            vec![
                ExtractEntry::Other(RedactedEntry {
                    position: 1,
                    initials: "M. G. D.".into(),
                    placement: ranking[0].placement.clone(),
                }),
                ExtractEntry::Requester(ranking[1].clone()),
            ]
        );
        assert_eq!(out[0].initials(), "M. G. D.");
        assert_eq!(out[1].initials(), "L. E.");
        assert_eq!(
            out.iter().map(ExtractEntry::position).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn an_application_outside_the_ranking_gets_no_extract() {
        assert_eq!(extract(&sample(), "NA-3"), Err(NotInRanking("NA-3".into())));
        assert_eq!(extract(&[], "NA-1"), Err(NotInRanking("NA-1".into())));
    }

    fn name() -> impl Strategy<Value = String> {
        // Letters with accents, apostrophes, hyphens and spaces: the shapes
        // Italian and foreign names take.
        "[A-Za-zÀ-ÖØ-öø-ÿ]{2,9}(['\\- ][A-Za-zÀ-ÖØ-öø-ÿ]{2,9}){0,2}"
    }

    prop_compose! {
        fn arb_person()(
            first in name(),
            last in name(),
            cf in "[A-Z]{6}[0-9]{2}[A-Z][0-9]{2}[A-Z][0-9]{3}[A-Z]",
            born in (1950i32..2001, 1u32..13, 1u32..29),
            email in "[a-z]{2,8}\\.[a-z]{2,8}@[a-z]{3,8}\\.it",
            phone in proptest::option::of("\\+39 3[0-9]{2} [0-9]{7}"),
        ) -> Person {
            Person {
                first_name: first,
                last_name: last,
                codice_fiscale: cf,
                birth_date: NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap_or_default(),
                email,
                phone,
            }
        }
    }

    fn ranking_of(people: Vec<Person>) -> Vec<RankedPerson> {
        people
            .into_iter()
            .enumerate()
            .map(|(i, person)| {
                let position = i as i64 + 1;
                RankedPerson {
                    position,
                    application_no: format!("A{position:06}"),
                    person,
                    placement: placement(95 - position, RankingStatus::Reserve, DecidedBy::Score),
                }
            })
            .collect()
    }

    /// Every way the extract's text could give a person away.
    fn identifying(p: &Person) -> Vec<String> {
        let mut out = vec![
            p.full_name(),
            format!("{} {}", p.last_name, p.first_name),
            p.codice_fiscale.clone(),
            p.codice_fiscale.to_lowercase(),
            p.birth_date.format("%Y-%m-%d").to_string(),
            p.birth_date.format("%d/%m/%Y").to_string(),
            p.birth_date.format("%Y%m%d").to_string(),
            p.email.clone(),
        ];
        out.extend(p.phone.clone());
        out
    }

    /// The words of a person's names (lower case) that are more than an
    /// initial.
    fn name_words(p: &Person) -> Vec<String> {
        p.first_name
            .split(is_word_break)
            .chain(p.last_name.split(is_word_break))
            .flat_map(|w| w.split('\''))
            .map(str::to_lowercase)
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 1)
            .collect()
    }

    proptest! {
        #[test]
        fn no_redacted_entry_holds_anyone_s_identity(
            people in proptest::collection::vec(arb_person(), 1..12),
            pick in any::<prop::sample::Index>(),
        ) {
            let ranking = ranking_of(people);
            let requester = &ranking[pick.index(ranking.len())];
            let out = extract(&ranking, &requester.application_no)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(out.len(), ranking.len());
            let mut own = 0;
            for (entry, source) in out.iter().zip(&ranking) {
                prop_assert_eq!(entry.position(), source.position);
                prop_assert_eq!(entry.placement(), &source.placement);
                match entry {
                    ExtractEntry::Requester(e) => {
                        own += 1;
                        prop_assert_eq!(e, requester);
                    }
                    ExtractEntry::Other(redacted) => {
                        // Everything the entry holds, as text.
                        let text = format!("{redacted:?}");
                        let initials = redacted.initials.to_lowercase();
                        for p in &ranking {
                            for secret in identifying(&p.person) {
                                prop_assert!(
                                    !text.contains(&secret),
                                    "{} gives away {}", text, secret
                                );
                            }
                            prop_assert!(!text.contains(&p.application_no));
                            // Not even a part of a name: initials never
                            // hold two letters in a row.
                            for word in name_words(&p.person) {
                                prop_assert!(
                                    !initials.contains(&word),
                                    "{} gives away {}", initials, word
                                );
                            }
                        }
                    }
                }
            }
            prop_assert_eq!(own, 1);
        }

        #[test]
        fn an_initial_is_one_letter_per_word(first in name(), last in name()) {
            let words = first
                .split(is_word_break)
                .chain(last.split(is_word_break))
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            let got = initials(&first, &last);
            let parts: Vec<&str> = got.split(' ').filter(|p| !p.is_empty()).collect();
            prop_assert_eq!(parts.len(), words);
            for part in parts {
                let letters = part.chars().filter(|c| c.is_alphabetic()).count();
                prop_assert_eq!(letters, 1, "{} in {}", part, got);
                prop_assert!(part.ends_with('.'));
            }
        }
    }
}
