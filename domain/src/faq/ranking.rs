//! Relevance of FAQ entries to a question: Okapi BM25 over the terms of
//! [`super::analysis`], computed here rather than by either database.
//!
//! PostgreSQL's `ts_rank` and SQLite FTS5's `bm25` are different formulas
//! (`ts_rank` weighs no term by its rarity), so ranking in SQL would order
//! the same matches differently on the two engines. Here the inputs are
//! whole numbers both engines return alike (how often each term weighs in
//! each entry, the entries' lengths, how many entries there are), and the
//! sum runs in one fixed order, so the ranking is the same bit for bit.

use std::collections::{BTreeMap, BTreeSet};

/// How much a word of the title counts against one of the answer: the
/// title is the question restated, so it says what the entry is about.
pub const TITLE_WEIGHT: i64 = 3;

/// BM25's saturation of repeated terms, and its length normalisation: the
/// usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// What an entry's current text gives the index: the weight of each term
/// (its occurrences, those in the title counted [`TITLE_WEIGHT`] times)
/// and the entry's length, weighed alike.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexedText {
    pub weights: BTreeMap<String, i64>,
    pub length: i64,
}

impl IndexedText {
    pub fn of(title: &str, answer: &str) -> Self {
        let mut out = Self::default();
        for (text, weight) in [(title, TITLE_WEIGHT), (answer, 1)] {
            for term in super::analysis::terms(text) {
                *out.weights.entry(term).or_default() += weight;
                out.length += weight;
            }
        }
        out
    }
}

/// One term found in one entry, as the index returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting<Id> {
    pub entry: Id,
    pub term: String,
    pub weight: i64,
    /// The entry's whole length ([`IndexedText::length`]).
    pub length: i64,
}

/// The entries searched: how many, and their lengths added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corpus {
    pub entries: i64,
    pub total_length: i64,
}

/// An entry with its relevance.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked<Id> {
    pub entry: Id,
    pub score: f64,
}

/// The entries of `postings` by relevance to `query` (its terms), most
/// relevant first; equal scores in id order. `postings` must hold every
/// entry of the corpus that has one of the query's terms: how many entries
/// have each term is counted from them.
pub fn rank<Id: Ord + Clone>(
    query: &BTreeSet<String>,
    postings: &[Posting<Id>],
    corpus: Corpus,
) -> Vec<Ranked<Id>> {
    let mut having: BTreeMap<&str, i64> = BTreeMap::new();
    for p in postings.iter().filter(|p| query.contains(&p.term)) {
        *having.entry(p.term.as_str()).or_default() += 1;
    }
    // A corpus smaller than the postings it returned (an entry retired
    // between the two reads) must not make an idf negative or a division
    // by zero.
    let n = corpus
        .entries
        .max(having.values().copied().max().unwrap_or(0));
    let average = if corpus.entries > 0 && corpus.total_length > 0 {
        corpus.total_length as f64 / corpus.entries as f64
    } else {
        1.0
    };
    // Per entry, per term in term order: the sum is then made in one order.
    let mut per_entry: BTreeMap<&Id, BTreeMap<&str, (i64, i64)>> = BTreeMap::new();
    for p in postings.iter().filter(|p| query.contains(&p.term)) {
        per_entry
            .entry(&p.entry)
            .or_default()
            .insert(p.term.as_str(), (p.weight, p.length));
    }
    let mut ranked: Vec<Ranked<Id>> = per_entry
        .into_iter()
        .map(|(entry, terms)| {
            let score = terms
                .iter()
                .map(|(term, &(weight, length))| {
                    let df = having.get(term).copied().unwrap_or(1) as f64;
                    let idf = (1.0 + (n as f64 - df + 0.5) / (df + 0.5)).ln();
                    let tf = weight as f64;
                    let norm = K1 * (1.0 - B + B * length as f64 / average);
                    idf * tf * (K1 + 1.0) / (tf + norm)
                })
                .sum();
            Ranked {
                entry: entry.clone(),
                score,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entry.cmp(&b.entry))
    });
    ranked
}

/// The places in `text` of the words whose terms the query has: what a
/// search result highlights, in characters, end excluded.
pub fn highlights(text: &str, query: &BTreeSet<String>) -> Vec<(usize, usize)> {
    super::analysis::tokens(text)
        .into_iter()
        .filter(|t| query.contains(&t.term))
        .map(|t| (t.start, t.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::analysis::terms;

    fn query(q: &str) -> BTreeSet<String> {
        terms(q).into_iter().collect()
    }

    /// Postings and corpus of a few entries, as the index would give them.
    fn search(entries: &[(&str, &str, &str)], q: &str) -> Vec<String> {
        let q = query(q);
        let mut postings = Vec::new();
        let mut total = 0;
        for (id, title, answer) in entries {
            let text = IndexedText::of(title, answer);
            total += text.length;
            for (term, weight) in &text.weights {
                if q.contains(term) {
                    postings.push(Posting {
                        entry: id.to_string(),
                        term: term.clone(),
                        weight: *weight,
                        length: text.length,
                    });
                }
            }
        }
        let corpus = Corpus {
            entries: entries.len() as i64,
            total_length: total,
        };
        rank(&q, &postings, corpus)
            .into_iter()
            .map(|r| r.entry)
            .collect()
    }

    const ENTRIES: [(&str, &str, &str); 3] = [
        (
            "a",
            "Che cos'è l'offerta congrua",
            "L'offerta di lavoro è congrua se rispetta distanza, durata e retribuzione.",
        ),
        (
            "b",
            "Rinnovo dell'ISEE",
            "L'ISEE scade il 31 dicembre: senza un ISEE valido il beneficio è sospeso.",
        ),
        (
            "c",
            "Patto per il lavoro",
            "Il Patto per il lavoro si firma al centro per l'impiego entro 30 giorni.",
        ),
    ];

    #[test]
    fn the_entry_about_the_question_comes_first() {
        assert_eq!(search(&ENTRIES, "quando scade l'isee?")[0], "b");
        assert_eq!(search(&ENTRIES, "offerte congrue")[0], "a");
        assert_eq!(search(&ENTRIES, "firma dei patti")[0], "c");
    }

    #[test]
    fn entries_without_any_term_of_the_question_are_not_found() {
        assert_eq!(search(&ENTRIES, "isee"), vec!["b"]);
        assert!(search(&ENTRIES, "privacy").is_empty());
    }

    #[test]
    fn a_title_word_counts_more_than_an_answer_word() {
        let entries = [
            ("x", "Distanza dal domicilio", "Conta il tragitto."),
            ("y", "Tragitto", "Conta la distanza dal domicilio."),
        ];
        assert_eq!(search(&entries, "distanza"), vec!["x", "y"]);
    }

    #[test]
    fn a_rare_term_weighs_more_than_a_common_one() {
        let entries = [
            ("p", "Reddito e naspi", "Reddito."),
            ("q", "Reddito", "Reddito e reddito."),
            ("r", "Reddito", "Reddito."),
        ];
        assert_eq!(search(&entries, "reddito naspi")[0], "p");
    }

    #[test]
    fn equal_scores_come_in_id_order_and_the_ranking_is_repeatable() {
        let entries = [("m2", "Privacy", "Dati."), ("m1", "Privacy", "Dati.")];
        assert_eq!(search(&entries, "privacy"), vec!["m1", "m2"]);
        // The order of the postings does not change the scores.
        let q = query("isee lavoro");
        let mut postings = vec![
            Posting {
                entry: 1,
                term: terms("isee")[0].clone(),
                weight: 2,
                length: 10,
            },
            Posting {
                entry: 1,
                term: terms("lavoro")[0].clone(),
                weight: 1,
                length: 10,
            },
            Posting {
                entry: 2,
                term: terms("lavoro")[0].clone(),
                weight: 3,
                length: 30,
            },
        ];
        let corpus = Corpus {
            entries: 5,
            total_length: 90,
        };
        let first = rank(&q, &postings, corpus);
        postings.reverse();
        assert_eq!(rank(&q, &postings, corpus), first);
    }

    #[test]
    fn an_empty_or_stale_corpus_gives_no_nonsense() {
        let q = query("isee");
        let postings = vec![Posting {
            entry: 1,
            term: terms("isee")[0].clone(),
            weight: 1,
            length: 4,
        }];
        let zero = Corpus {
            entries: 0,
            total_length: 0,
        };
        let ranked = rank(&q, &postings, zero);
        assert_eq!(ranked.len(), 1);
        assert!(ranked[0].score.is_finite() && ranked[0].score > 0.0);
    }

    #[test]
    fn highlights_mark_every_form_of_the_searched_words() {
        let text = "Il Patto è firmato; i patti firmati si conservano.";
        let marks = highlights(text, &query("patto"));
        let words: Vec<String> = marks
            .iter()
            .map(|&(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect();
        assert_eq!(words, vec!["Patto", "patti"]);
        assert_eq!(
            highlights("Disponibilità immediata", &query("disponibile")),
            vec![(0, 13)]
        );
    }
}
