//! The search index held in memory: every posting of the published
//! entries, by term, with the entries numbered in id order. A server keeps
//! one between searches and makes it again from the database when the
//! database says the index changed, so that a search sums a few thousand
//! postings in memory instead of asking the database to group them by
//! entry (most of a search's time when the postings stayed there). The
//! ranking is [`super::ranking::rank`]'s integer rule, summed alike, so a
//! search finds the same entries in the same order with the same scores as
//! [`rank`](super::ranking::rank) over the same postings: the tests below
//! hold it to that.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ranking::{Collection, Ranked, Weights};

/// One posting as the database keeps it: a term of an entry's text, the
/// entry, its topic, the term's weight in it and the entry's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPosting {
    pub term: String,
    pub entry: String,
    pub topic: String,
    pub weight: i64,
    pub length: i64,
}

/// How many published entries a topic has and their lengths added up, as
/// the index counts them (entries without any term included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TopicTotals {
    pub entries: i64,
    pub total_length: i64,
}

/// A term's postings: the entry's number and the term's weight in it.
type PostingList = Vec<(u32, i64)>;

/// The index of the published entries (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Entry number → id; numbers follow the ids' order, so equal scores
    /// ordered by number are ordered by id.
    ids: Vec<String>,
    /// Entry number → its topic's number and its length.
    topics: Vec<u32>,
    lengths: Vec<i64>,
    topic_numbers: HashMap<String, u32>,
    postings: HashMap<String, PostingList>,
    totals: BTreeMap<String, TopicTotals>,
}

/// The best entries of a search and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Best {
    pub ranked: Vec<Ranked<String>>,
    pub matches: i64,
}

impl Index {
    /// The index of `postings` (every posting of the published entries,
    /// an entry's postings all carrying its topic and length) and the
    /// `totals` of each topic.
    pub fn new(postings: Vec<StoredPosting>, totals: BTreeMap<String, TopicTotals>) -> Self {
        let mut entries: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
        for p in &postings {
            entries
                .entry(p.entry.as_str())
                .or_insert((p.topic.as_str(), p.length));
        }
        let mut topic_numbers: HashMap<String, u32> = HashMap::new();
        let mut numbers: HashMap<String, u32> = HashMap::with_capacity(entries.len());
        let (mut ids, mut topics, mut lengths) = (Vec::new(), Vec::new(), Vec::new());
        for (n, (id, (topic, length))) in (0_u32..).zip(entries) {
            numbers.insert(id.to_owned(), n);
            ids.push(id.to_owned());
            let next = u32::try_from(topic_numbers.len()).unwrap_or(u32::MAX);
            topics.push(*topic_numbers.entry(topic.to_owned()).or_insert(next));
            lengths.push(length);
        }
        let mut lists: HashMap<String, PostingList> = HashMap::new();
        // The postings are taken apart here: each term moves into its list.
        for p in postings {
            if let Some(&n) = numbers.get(p.entry.as_str()) {
                lists.entry(p.term).or_default().push((n, p.weight));
            }
        }
        for list in lists.values_mut() {
            list.sort_unstable();
            list.shrink_to_fit();
        }
        Self {
            ids,
            topics,
            lengths,
            topic_numbers,
            postings: lists,
            totals,
        }
    }

    /// How many entries have at least one posting.
    pub fn entries(&self) -> usize {
        self.ids.len()
    }

    /// How many postings it holds.
    pub fn postings(&self) -> usize {
        self.postings.values().map(Vec::len).sum()
    }

    /// The `limit` entries (of `topic`, if given) most relevant to `query`
    /// (its terms), most relevant first, equal scores in id order; and how
    /// many entries have one of its terms. The collection the terms are
    /// weighed by is that of the search: the topic's entries when a topic
    /// is given, all of them otherwise.
    pub fn best(&self, query: &BTreeSet<String>, topic: Option<&str>, limit: usize) -> Best {
        let wanted = match topic {
            None => None,
            Some(t) => match self.topic_numbers.get(t) {
                Some(&n) => Some(n),
                None => {
                    return Best {
                        ranked: Vec::new(),
                        matches: 0,
                    }
                }
            },
        };
        let in_search = |e: u32| wanted.is_none_or(|w| self.topics[e as usize] == w);
        let lists: Vec<(&String, &PostingList)> = query
            .iter()
            .filter_map(|t| self.postings.get_key_value(t))
            .collect();
        let totals = match topic {
            Some(t) => self.totals.get(t).copied().unwrap_or_default(),
            None => self
                .totals
                .values()
                .fold(TopicTotals::default(), |a, t| TopicTotals {
                    entries: a.entries + t.entries,
                    total_length: a.total_length + t.total_length,
                }),
        };
        let mut collection = Collection {
            entries: totals.entries,
            total_length: totals.total_length,
            having: BTreeMap::new(),
        };
        for (term, list) in &lists {
            let having = match wanted {
                None => list.len(),
                Some(_) => list.iter().filter(|(e, _)| in_search(*e)).count(),
            };
            if having > 0 {
                collection
                    .having
                    .insert((*term).clone(), i64::try_from(having).unwrap_or(i64::MAX));
            }
        }
        let weights = Weights::of(query, &collection);
        let mut scores = vec![0_i64; self.ids.len()];
        let mut seen = vec![false; self.ids.len()];
        let mut found: Vec<u32> = Vec::new();
        for (term, list) in &lists {
            let Some(&factor) = weights.factor.get(*term) else {
                continue;
            };
            for &(e, weight) in list.iter().filter(|(e, _)| in_search(*e)) {
                let i = e as usize;
                scores[i] += weights.part_by(factor, weight, self.lengths[i]);
                if !seen[i] {
                    seen[i] = true;
                    found.push(e);
                }
            }
        }
        let matches = i64::try_from(found.len()).unwrap_or(i64::MAX);
        let by_rank = |a: &u32, b: &u32| {
            scores[*b as usize]
                .cmp(&scores[*a as usize])
                .then_with(|| a.cmp(b))
        };
        // Only the best `limit` need an order.
        if found.len() > limit {
            found.select_nth_unstable_by(limit, by_rank);
            found.truncate(limit);
        }
        found.sort_unstable_by(by_rank);
        Best {
            ranked: found
                .into_iter()
                .map(|e| Ranked {
                    entry: self.ids[e as usize].clone(),
                    score: scores[e as usize],
                })
                .collect(),
            matches,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::analysis::terms;
    use crate::faq::ranking::{rank, IndexedText, Posting};
    use proptest::prelude::*;

    /// The index of entries `(id, topic, title, answer)` as the database
    /// keeps it, and the same postings as [`rank`] takes them.
    fn indexed(entries: &[(String, String, String, String)]) -> (Index, Vec<StoredPosting>) {
        let mut stored = Vec::new();
        let mut totals: BTreeMap<String, TopicTotals> = BTreeMap::new();
        for (id, topic, title, answer) in entries {
            let text = IndexedText::of(title, answer);
            let t = totals.entry(topic.clone()).or_default();
            t.entries += 1;
            t.total_length += text.length;
            for (term, weight) in &text.weights {
                stored.push(StoredPosting {
                    term: term.clone(),
                    entry: id.clone(),
                    topic: topic.clone(),
                    weight: *weight,
                    length: text.length,
                });
            }
        }
        (Index::new(stored.clone(), totals), stored)
    }

    /// [`rank`] over the postings of `topic` (all, if none), against the
    /// searched entries' own count and lengths.
    fn reference(
        entries: &[(String, String, String, String)],
        stored: &[StoredPosting],
        query: &BTreeSet<String>,
        topic: Option<&str>,
    ) -> Vec<Ranked<String>> {
        let of_topic = |t: &str| topic.is_none_or(|w| w == t);
        let searched: Vec<_> = entries.iter().filter(|e| of_topic(&e.1)).collect();
        let total: i64 = searched
            .iter()
            .map(|e| IndexedText::of(&e.2, &e.3).length)
            .sum();
        let postings: Vec<Posting<String>> = stored
            .iter()
            .filter(|p| of_topic(&p.topic))
            .map(|p| Posting {
                entry: p.entry.clone(),
                term: p.term.clone(),
                weight: p.weight,
                length: p.length,
            })
            .collect();
        rank(query, &postings, searched.len() as i64, total)
    }

    const WORDS: [&str; 12] = [
        "patto",
        "patti",
        "lavoro",
        "isee",
        "disponibilità",
        "disponibile",
        "beneficio",
        "nucleo",
        "offerta",
        "congrua",
        "domanda",
        "privacy",
    ];
    const TOPICS: [&str; 3] = ["eligibility", "patto", "privacy"];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(&WORDS[..]), 0..8).prop_map(|w| w.join(" "))
    }

    fn entry() -> impl Strategy<Value = (String, String, String, String)> {
        (
            "[a-z0-9]{1,4}",
            prop::sample::select(&TOPICS[..]),
            text(),
            text(),
        )
            .prop_map(|(id, topic, title, answer)| (id, topic.to_owned(), title, answer))
    }

    fn entries() -> impl Strategy<Value = Vec<(String, String, String, String)>> {
        prop::collection::vec(entry(), 0..25).prop_map(|mut v| {
            // One text per id, as the database has.
            let mut ids = BTreeSet::new();
            v.retain(|e| ids.insert(e.0.clone()));
            v
        })
    }

    proptest! {
        /// The rule of the whole: the index ranks as [`rank`] does, the
        /// best `limit` being the first `limit` of [`rank`]'s list, and
        /// counts as matching every entry [`rank`] scores.
        #[test]
        fn the_index_ranks_as_the_domain_rule(
            entries in entries(),
            question in text(),
            topic in prop::option::of(prop::sample::select(&TOPICS[..])),
            limit in 0_usize..30,
        ) {
            let (index, stored) = indexed(&entries);
            let query: BTreeSet<String> = terms(&question).into_iter().collect();
            let expected = reference(&entries, &stored, &query, topic);
            let best = index.best(&query, topic, limit);
            prop_assert_eq!(best.matches, expected.len() as i64);
            prop_assert_eq!(best.ranked, expected.into_iter().take(limit).collect::<Vec<_>>());
        }
    }

    fn entry_of(
        id: &str,
        topic: &str,
        title: &str,
        answer: &str,
    ) -> (String, String, String, String) {
        (id.into(), topic.into(), title.into(), answer.into())
    }

    #[test]
    fn a_topic_is_searched_among_its_own_entries() {
        let entries = [
            entry_of("a", "patto", "Patto per il lavoro", "Si firma al centro."),
            entry_of("b", "privacy", "Patto e dati", "I dati del patto."),
            entry_of("c", "patto", "Offerta congrua", "Nessun patto."),
        ];
        let (index, stored) = indexed(&entries);
        let query: BTreeSet<String> = terms("patti").into_iter().collect();
        let best = index.best(&query, Some("patto"), 10);
        let ids: Vec<&str> = best.ranked.iter().map(|r| r.entry.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(best.matches, 2);
        assert_eq!(
            best.ranked,
            reference(&entries, &stored, &query, Some("patto"))
        );
        // Weighed among the topic's two entries, not the three.
        let everywhere = index.best(&query, None, 10);
        let a = |b: &Best| b.ranked.iter().find(|r| r.entry == "a").map(|r| r.score);
        assert_ne!(a(&best), a(&everywhere));
        assert_eq!(everywhere.matches, 3);
        assert_eq!(index.best(&query, Some("unknown"), 10).matches, 0);
    }

    #[test]
    fn equal_scores_come_in_id_order_and_a_limit_keeps_the_best() {
        let entries = [
            entry_of("m2", "privacy", "Privacy", "Dati."),
            entry_of("m10", "privacy", "Privacy", "Dati."),
            entry_of("m1", "privacy", "Privacy", "Dati."),
            entry_of("z", "privacy", "Privacy privacy", "Privacy."),
        ];
        let (index, _) = indexed(&entries);
        let query: BTreeSet<String> = terms("privacy").into_iter().collect();
        let best = index.best(&query, None, 3);
        let ids: Vec<&str> = best.ranked.iter().map(|r| r.entry.as_str()).collect();
        // Byte order of the ids, as the databases compare them.
        assert_eq!(ids, ["z", "m1", "m10"]);
        assert_eq!(best.matches, 4);
        assert_eq!(index.entries(), 4);
        assert!(index.best(&query, None, 0).ranked.is_empty());
    }
}
