//! Relevance of FAQ entries to a question: Okapi BM25 over the terms of
//! [`super::analysis`], in whole numbers, so that the scores are exact,
//! the same whatever the order the parts are added in, on every server.
//!
//! PostgreSQL's `ts_rank` and SQLite FTS5's `bm25` are different formulas
//! (`ts_rank` weighs no term by its rarity), and floating-point sums can
//! differ with the order they are made in. So the rule is here, in
//! integers: for each term of the question the domain computes its
//! [`Weights::factor`] (the term's idf times the constants of the formula)
//! from the collection's counts, and a posting's part is
//! `factor · weight / (per_weight · weight + constant + per_length · length)`,
//! divided as integers (truncated; every figure is positive), summed per
//! entry. [`rank`] is the rule over the postings it is given, the
//! reference; [`super::index::Index`], the copy of the index a server
//! searches, applies it and is tested against it.
//!
//! The counts (entries, their lengths added up, how many entries have each
//! term) are those of the published entries at the moment of the search,
//! never a figure stored with a posting that a later entry would make
//! stale.

use std::collections::{BTreeMap, BTreeSet};

/// How much a word of the title counts against one of the answer: the
/// title is the question restated, so it says what the entry is about.
pub const TITLE_WEIGHT: i64 = 3;

/// A score's unit: idf, and so each part and the score, in millionths.
pub const SCORE_SCALE: i64 = 1_000_000;

/// The average length in tenths.
const LENGTH_SCALE: i64 = 10;

/// BM25's saturation of repeated terms and its length normalisation, the
/// usual k1 = 1.2 and b = 0.75, as the whole numbers of one term's part
/// `idf · (k1 + 1) · tf / (tf + k1 · (1 − b) + k1 · b · length / average)`
/// multiplied through by 10 · average:
/// `idf · 22 · tf · avg / (10 · tf · avg + 3 · avg + 9 · length)`.
const K1_PLUS_ONE_TENTHS: i64 = 22;
const TF_TENTHS: i64 = 10;
const K1_TIMES_ONE_MINUS_B_TENTHS: i64 = 3;
const K1_TIMES_B_TENTHS: i64 = 9;

/// The longest text the index may be given, in weighted words: a title
/// and an answer at their longest, every character a word (a bound, what
/// keeps the integers of a score far from overflowing).
pub const MAX_LENGTH: i64 =
    TITLE_WEIGHT * super::MAX_TITLE_LEN as i64 + super::MAX_ANSWER_LEN as i64;

/// What an entry's current text gives the index: the weight of each term
/// (its occurrences, those in the title counted [`TITLE_WEIGHT`] times),
/// the entry's length, weighed alike, and its words (folded, each with its
/// term) for a search made while typing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexedText {
    pub weights: BTreeMap<String, i64>,
    pub length: i64,
    pub words: BTreeMap<String, String>,
}

impl IndexedText {
    pub fn of(title: &str, answer: &str) -> Self {
        let mut out = Self::default();
        for (text, weight) in [(title, TITLE_WEIGHT), (answer, 1)] {
            for token in super::analysis::tokens(text) {
                *out.weights.entry(token.term.clone()).or_default() += weight;
                out.length += weight;
                out.words.insert(token.word, token.term);
            }
        }
        out
    }
}

/// One term found in one entry, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting<Id> {
    pub entry: Id,
    pub term: String,
    pub weight: i64,
    /// The entry's whole length ([`IndexedText::length`]).
    pub length: i64,
}

/// The entries searched: how many, their lengths added up, and how many of
/// them have each term of the question (a term none has may be missing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collection {
    pub entries: i64,
    pub total_length: i64,
    pub having: BTreeMap<String, i64>,
}

/// What a search sums: per term of the question its factor, and the
/// constants of the denominator. See the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// Per term: `idf · 22 · average` (idf in millionths, the average
    /// length in tenths).
    pub factor: BTreeMap<String, i64>,
    /// `10 · average`.
    pub per_weight: i64,
    /// `3 · average`.
    pub constant: i64,
    /// `9`, times the tenths of the average.
    pub per_length: i64,
}

impl Weights {
    /// The weights of the `query`'s terms in `collection`.
    pub fn of(query: &BTreeSet<String>, collection: &Collection) -> Self {
        // Counts read a moment apart (or a collection smaller than a
        // term's entries) must not make an idf negative.
        let most = query
            .iter()
            .filter_map(|t| collection.having.get(t).copied())
            .max()
            .unwrap_or(0);
        let n = collection.entries.max(most).max(0);
        let average = if n > 0 && collection.total_length > 0 {
            let (total, n) = (
                i128::from(collection.total_length.min(n.saturating_mul(MAX_LENGTH))),
                i128::from(n),
            );
            i64::try_from((total * i128::from(LENGTH_SCALE) + n / 2) / n).unwrap_or(i64::MAX)
        } else {
            LENGTH_SCALE
        }
        .clamp(1, MAX_LENGTH * LENGTH_SCALE);
        let factor = query
            .iter()
            .map(|term| {
                let df = collection.having.get(term).copied().unwrap_or(0).max(0);
                (term.clone(), idf(n, df) * K1_PLUS_ONE_TENTHS * average)
            })
            .collect();
        Self {
            factor,
            per_weight: TF_TENTHS * average,
            constant: K1_TIMES_ONE_MINUS_B_TENTHS * average,
            per_length: K1_TIMES_B_TENTHS * LENGTH_SCALE,
        }
    }

    /// A posting's part of its entry's score; nothing for a term the
    /// question does not have.
    pub fn part(&self, term: &str, weight: i64, length: i64) -> i64 {
        let Some(&factor) = self.factor.get(term) else {
            return 0;
        };
        self.part_by(factor, weight, length)
    }

    /// [`Weights::part`] with the term's factor already looked up: what a
    /// search summing a term's postings one after the other asks.
    pub fn part_by(&self, factor: i64, weight: i64, length: i64) -> i64 {
        factor * weight / (self.per_weight * weight + self.constant + self.per_length * length)
    }
}

/// BM25's idf of a term `df` of `n` entries have, `ln(1 + (n − df + ½) / (df + ½))`,
/// in millionths: computed once per search, here, so both engines sum the
/// same whole numbers. Never negative; at most about 28 (a trillion entries).
fn idf(n: i64, df: i64) -> i64 {
    let (n, df) = (n as f64, df.min(n) as f64);
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    (idf * SCORE_SCALE as f64).round() as i64
}

/// A score as the API shows it: a number, the sum's millionths.
pub fn score_value(score: i64) -> f64 {
    score as f64 / SCORE_SCALE as f64
}

/// An entry with its relevance, in [`SCORE_SCALE`] units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked<Id> {
    pub entry: Id,
    pub score: i64,
}

/// The entries of `postings` by relevance to `query` (its terms), most
/// relevant first; equal scores in id order. `postings` must hold every
/// posting of the collection that has one of the query's terms, and
/// `entries`/`total_length` describe the collection: how many entries
/// have each term is counted from the postings.
pub fn rank<Id: Ord + Clone>(
    query: &BTreeSet<String>,
    postings: &[Posting<Id>],
    entries: i64,
    total_length: i64,
) -> Vec<Ranked<Id>> {
    let mut collection = Collection {
        entries,
        total_length,
        having: BTreeMap::new(),
    };
    for p in postings.iter().filter(|p| query.contains(&p.term)) {
        *collection.having.entry(p.term.clone()).or_default() += 1;
    }
    let weights = Weights::of(query, &collection);
    let mut scores: BTreeMap<&Id, i64> = BTreeMap::new();
    for p in postings.iter().filter(|p| query.contains(&p.term)) {
        *scores.entry(&p.entry).or_default() += weights.part(&p.term, p.weight, p.length);
    }
    let mut ranked: Vec<Ranked<Id>> = scores
        .into_iter()
        .map(|(entry, score)| Ranked {
            entry: entry.clone(),
            score,
        })
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.entry.cmp(&b.entry)));
    ranked
}

/// The places in `text` of the words whose terms the query has: what a
/// search result highlights, in characters, end excluded.
pub fn highlights(text: &str, query: &BTreeSet<String>) -> Vec<(usize, usize)> {
    Highlighter::new(query).places(text)
}

/// [`highlights`] of the texts of one search's results, which share most
/// of their words: each distinct word is stemmed once.
pub struct Highlighter<'q> {
    query: &'q BTreeSet<String>,
    stems: super::analysis::Stems,
}

impl<'q> Highlighter<'q> {
    pub fn new(query: &'q BTreeSet<String>) -> Self {
        Self {
            query,
            stems: super::analysis::Stems::default(),
        }
    }

    pub fn places(&mut self, text: &str) -> Vec<(usize, usize)> {
        // Nothing to look for (a list, not a search): nothing to stem.
        if self.query.is_empty() {
            return Vec::new();
        }
        super::analysis::tokens_with(text, &mut self.stems)
            .into_iter()
            .filter(|t| self.query.contains(&t.term))
            .map(|t| (t.start, t.end))
            .collect()
    }
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
        rank(&q, &postings, entries.len() as i64, total)
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
    fn one_highlighter_for_the_results_marks_each_text_as_alone() {
        let q = query("disponibilità del Patto");
        let mut marker = Highlighter::new(&q);
        for text in [
            "Disponibilità immediata e patto di servizio",
            "Il Patto per il lavoro",
            "Disponibile? Disponibilità!",
            "Nessuna parola cercata",
        ] {
            assert_eq!(marker.places(text), highlights(text, &q), "{text}");
        }
        assert_eq!(marker.places("Patto"), vec![(0, 5)]);
        assert!(Highlighter::new(&BTreeSet::new())
            .places("Patto")
            .is_empty());
    }

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
        let first = rank(&q, &postings, 5, 90);
        postings.reverse();
        assert_eq!(rank(&q, &postings, 5, 90), first);
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
        let ranked = rank(&q, &postings, 0, 0);
        assert_eq!(ranked.len(), 1);
        assert!(ranked[0].score > 0);
    }

    /// The integer rule is BM25 (k1 = 1.2, b = 0.75) to a thousandth (the
    /// average length is taken to a tenth).
    #[test]
    fn a_part_is_bm25_in_whole_numbers() {
        let q = query("isee");
        let term = terms("isee")[0].clone();
        for (n, df, total, weight, length) in [
            (5_000, 1_200, 400_000, 3, 80),
            (30, 1, 2_000, 1, 40),
            (30, 30, 2_000, 7, 200),
            (1, 1, 10, 1, 10),
        ] {
            let collection = Collection {
                entries: n,
                total_length: total,
                having: [(term.clone(), df)].into(),
            };
            let got = score_value(Weights::of(&q, &collection).part(&term, weight, length));
            let (n, df, tf) = (n as f64, df as f64, weight as f64);
            let average = total as f64 / n;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let want = idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length as f64 / average));
            assert!(
                (got - want).abs() < 1e-3 * want.max(1.0),
                "{got} against {want}"
            );
        }
    }

    /// The largest figures the index can hold keep every product of the
    /// rule within 64 bits, which both engines compute in.
    #[test]
    fn the_largest_figures_do_not_overflow() {
        let term = terms("isee")[0].clone();
        let collection = Collection {
            entries: i64::MAX,
            total_length: i64::MAX,
            having: [(term.clone(), 1)].into(),
        };
        let w = Weights::of(&query("isee"), &collection);
        let factor = w.factor[&term];
        assert!(factor.checked_mul(MAX_LENGTH).is_some());
        let den = w
            .per_weight
            .checked_mul(MAX_LENGTH)
            .and_then(|d| d.checked_add(w.constant))
            .and_then(|d| d.checked_add(w.per_length.checked_mul(MAX_LENGTH)?));
        assert!(den.is_some());
        // A question's terms summed over one entry stay far from the edge.
        let part = w.part(&term, MAX_LENGTH, MAX_LENGTH);
        assert!(part.checked_mul(i64::from(u16::MAX)).is_some());
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
