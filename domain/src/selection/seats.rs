//! The seats of a province (DOMAIN.md §5): its posts, the contracts that fill
//! them, the accepted offers whose contract is not signed yet and the offers
//! pending. Scorrimento calls the next candidate only into a vacant seat.

use serde::{Deserialize, Serialize};

/// A province's seats at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seats {
    pub posts: i64,
    /// Contracts signed or active.
    pub filled: i64,
    /// Offers accepted whose contract is not signed yet: they hold their
    /// seat as well.
    pub accepted_unsigned: i64,
    /// Offers awaiting an answer.
    pub pending_offers: i64,
}

/// A broken §5.4 invariant. Either means the store let something through
/// that must never happen, so callers treat it as an internal error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SeatViolation {
    #[error("{filled} filled, {accepted_unsigned} accepted unsigned and {pending_offers} pending offers exceed {posts} posts")]
    Overcommitted {
        posts: i64,
        filled: i64,
        accepted_unsigned: i64,
        pending_offers: i64,
    },
    #[error("seat counts cannot be negative: {posts} posts, {filled} filled, {accepted_unsigned} accepted unsigned, {pending_offers} pending offers")]
    NegativeCount {
        posts: i64,
        filled: i64,
        accepted_unsigned: i64,
        pending_offers: i64,
    },
}

impl SeatViolation {
    /// A stable code, like a [`crate::Violation`]'s.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Overcommitted { .. } => "seats-overcommitted",
            Self::NegativeCount { .. } => "negative-seat-count",
        }
    }
}

impl Seats {
    /// Seats neither filled, nor held by an accepted offer whose contract
    /// is not signed yet, nor by a pending offer; never negative. Negative
    /// counts (which [`Seats::check`] refuses) count as zero, so they can
    /// never make more seats look vacant than there are posts.
    pub fn vacant(&self) -> i64 {
        self.posts
            .max(0)
            .saturating_sub(self.filled.max(0))
            .saturating_sub(self.accepted_unsigned.max(0))
            .saturating_sub(self.pending_offers.max(0))
            .max(0)
    }

    /// A call may go out only into a vacant seat (else `no-vacant-seat`).
    pub fn can_call(&self) -> bool {
        self.vacant() > 0
    }

    /// §5.4: never more seats held (filled, accepted or pending) than
    /// posts; counts never negative.
    pub fn check(&self) -> Result<(), SeatViolation> {
        let Self {
            posts,
            filled,
            accepted_unsigned,
            pending_offers,
        } = *self;
        if posts < 0 || filled < 0 || accepted_unsigned < 0 || pending_offers < 0 {
            return Err(SeatViolation::NegativeCount {
                posts,
                filled,
                accepted_unsigned,
                pending_offers,
            });
        }
        if i128::from(filled) + i128::from(accepted_unsigned) + i128::from(pending_offers)
            > i128::from(posts)
        {
            return Err(SeatViolation::Overcommitted {
                posts,
                filled,
                accepted_unsigned,
                pending_offers,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(posts: i64, filled: i64, pending_offers: i64) -> Seats {
        Seats {
            posts,
            filled,
            accepted_unsigned: 0,
            pending_offers,
        }
    }

    fn with_accepted(posts: i64, filled: i64, accepted_unsigned: i64, pending: i64) -> Seats {
        Seats {
            accepted_unsigned,
            ..seats(posts, filled, pending)
        }
    }

    #[test]
    fn an_accepted_offer_not_yet_signed_holds_its_seat() {
        assert_eq!(with_accepted(6, 3, 2, 1).vacant(), 0);
        assert_eq!(with_accepted(6, 3, 1, 1).vacant(), 1);
        assert!(!with_accepted(6, 0, 6, 0).can_call());
        assert_eq!(with_accepted(6, 3, 2, 1).check(), Ok(()));
        let e = with_accepted(6, 3, 2, 2).check().unwrap_err();
        assert_eq!(e.code(), "seats-overcommitted");
        assert_eq!(
            e.to_string(),
            "3 filled, 2 accepted unsigned and 2 pending offers exceed 6 posts"
        );
        assert_eq!(
            with_accepted(6, 0, -1, 0).check().unwrap_err().code(),
            "negative-seat-count"
        );
        // A negative count does not invent seats.
        assert_eq!(with_accepted(6, 2, -4, 0).vacant(), 4);
    }

    #[test]
    fn vacant_is_posts_minus_filled_minus_pending() {
        assert_eq!(seats(274, 200, 10).vacant(), 64);
        assert_eq!(seats(6, 6, 0).vacant(), 0);
        assert_eq!(seats(6, 5, 1).vacant(), 0);
        assert_eq!(seats(6, 0, 0).vacant(), 6);
    }

    #[test]
    fn vacant_is_never_negative_even_when_overcommitted() {
        assert_eq!(seats(6, 6, 2).vacant(), 0);
        assert_eq!(seats(0, 1, 0).vacant(), 0);
        assert_eq!(seats(-3, 0, 0).vacant(), 0);
        // A negative count does not invent seats.
        assert_eq!(seats(6, -4, 0).vacant(), 6);
        assert_eq!(seats(6, 2, -4).vacant(), 4);
        assert_eq!(seats(i64::MAX, i64::MIN, 0).vacant(), i64::MAX);
    }

    #[test]
    fn a_call_needs_a_vacant_seat() {
        assert!(seats(6, 5, 0).can_call());
        assert!(!seats(6, 5, 1).can_call());
        assert!(!seats(6, 6, 0).can_call());
        assert!(!seats(0, 0, 0).can_call());
        assert!(!seats(6, 7, 0).can_call());
    }

    #[test]
    fn never_more_filled_and_pending_than_posts() {
        assert_eq!(seats(6, 5, 1).check(), Ok(()));
        assert_eq!(seats(0, 0, 0).check(), Ok(()));
        let e = seats(6, 5, 2).check().unwrap_err();
        assert_eq!(
            e,
            SeatViolation::Overcommitted {
                posts: 6,
                filled: 5,
                accepted_unsigned: 0,
                pending_offers: 2
            }
        );
        assert_eq!(e.code(), "seats-overcommitted");
        assert_eq!(
            e.to_string(),
            "5 filled, 0 accepted unsigned and 2 pending offers exceed 6 posts"
        );
        assert!(seats(6, 7, 0).check().is_err());
        assert!(seats(6, 0, 7).check().is_err());
        assert!(seats(i64::MAX, i64::MAX, 1).check().is_err());
    }

    #[test]
    fn counts_are_never_negative() {
        for s in [seats(-1, 0, 0), seats(6, -1, 0), seats(6, 7, -1)] {
            assert_eq!(
                s.check().unwrap_err().code(),
                "negative-seat-count",
                "{s:?}"
            );
        }
    }
}
