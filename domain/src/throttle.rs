//! Throttling of failed logins, per account from one client address and
//! per client address.
//!
//! Each attempt is counted before its password is checked (a claimed slot,
//! see [`ThrottlePolicy::after_failure`]), so parallel guesses cannot pass
//! the limit; a right password gives its slot back. The same policy answers
//! for accounts that exist and for those that do not, so the answer reveals
//! nothing about who has an account.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed within `window` before the key is locked.
    pub max_failures: i64,
    pub window: Duration,
    /// How long a key stays locked once the limit is reached.
    pub lockout: Duration,
}

impl ThrottlePolicy {
    /// Per account from one address: five wrong passwords in 15 minutes
    /// lock that account from that address for 15 minutes. Keyed by both,
    /// so a guesser elsewhere cannot lock the owner out of their account.
    pub fn per_account_from_address() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }

    /// Per address, whatever the account: a ceiling against spraying one
    /// password over many accounts. A whole office sits behind one proxy
    /// address, and its people's typos must never lock it out, so the
    /// ceiling is far above what an office mistypes in 15 minutes (about a
    /// thousand guesses an hour for a sprayer).
    pub fn per_address() -> Self {
        Self {
            max_failures: 250,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }

    /// Reset mails per account: three an hour, so nobody can flood a
    /// colleague's mailbox through the public reset form.
    pub fn per_reset_mailbox() -> Self {
        Self {
            max_failures: 3,
            window: Duration::hours(1),
            lockout: Duration::hours(1),
        }
    }
}

/// The failures recorded for one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureRecord {
    pub failures: i64,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl ThrottlePolicy {
    /// `Some(seconds to wait)` while the key is locked.
    pub fn retry_after(&self, record: Option<&FailureRecord>, now: DateTime<Utc>) -> Option<i64> {
        let until = record?.locked_until?;
        (until > now).then(|| (until - now).num_seconds().max(1))
    }

    /// The record after one more failure at `now`.
    pub fn after_failure(
        &self,
        record: Option<&FailureRecord>,
        now: DateTime<Utc>,
    ) -> FailureRecord {
        let (failures, window_started_at) = match record {
            Some(r)
                if now - r.window_started_at < self.window
                    && r.locked_until.is_none_or(|u| u > now) =>
            {
                (r.failures + 1, r.window_started_at)
            }
            _ => (1, now),
        };
        let locked_until = (failures >= self.max_failures).then(|| now + self.lockout);
        FailureRecord {
            failures,
            window_started_at,
            locked_until,
        }
    }

    /// The record once an attempt counted in advance turned out right: its
    /// slot is given back, and a lock it alone caused is lifted.
    pub fn after_refund(&self, record: &FailureRecord) -> FailureRecord {
        let failures = (record.failures - 1).max(0);
        FailureRecord {
            failures,
            window_started_at: record.window_started_at,
            locked_until: record
                .locked_until
                .filter(|_| failures >= self.max_failures),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_allowed_failures_and_for_the_lockout() {
        let p = ThrottlePolicy::per_account_from_address();
        let t0 = Utc::now();
        let mut rec: Option<FailureRecord> = None;
        for i in 1..p.max_failures {
            let r = p.after_failure(rec.as_ref(), t0 + Duration::seconds(i));
            assert_eq!(r.failures, i);
            assert!(p.retry_after(Some(&r), t0 + Duration::seconds(i)).is_none());
            rec = Some(r);
        }
        let now = t0 + Duration::seconds(p.max_failures);
        let locked = p.after_failure(rec.as_ref(), now);
        assert_eq!(
            p.retry_after(Some(&locked), now),
            Some(p.lockout.num_seconds())
        );
        assert_eq!(p.retry_after(Some(&locked), now + p.lockout), None);
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let p = ThrottlePolicy::per_account_from_address();
        let t0 = Utc::now();
        let rec = FailureRecord {
            failures: p.max_failures - 1,
            window_started_at: t0,
            locked_until: None,
        };
        let r = p.after_failure(Some(&rec), t0 + p.window + Duration::seconds(1));
        assert_eq!(r.failures, 1);
        assert!(r.locked_until.is_none());
    }

    #[test]
    fn an_expired_lock_starts_over() {
        let p = ThrottlePolicy::per_account_from_address();
        let t0 = Utc::now();
        let rec = FailureRecord {
            failures: p.max_failures,
            window_started_at: t0,
            locked_until: Some(t0 + Duration::seconds(1)),
        };
        let r = p.after_failure(Some(&rec), t0 + Duration::seconds(2));
        assert_eq!(r.failures, 1);
    }

    #[test]
    fn a_mailbox_gets_three_reset_mails_an_hour() {
        let p = ThrottlePolicy::per_reset_mailbox();
        let t0 = Utc::now();
        let mut rec = None;
        for i in 0..3 {
            assert!(
                p.retry_after(rec.as_ref(), t0).is_none(),
                "mail {i} allowed"
            );
            rec = Some(p.after_failure(rec.as_ref(), t0));
        }
        assert!(
            p.retry_after(rec.as_ref(), t0).is_some(),
            "the fourth waits"
        );
        assert!(p
            .retry_after(rec.as_ref(), t0 + Duration::hours(1))
            .is_none());
    }

    #[test]
    fn a_refunded_slot_lifts_the_lock_it_caused() {
        let p = ThrottlePolicy::per_address();
        let t0 = Utc::now();
        let full = FailureRecord {
            failures: p.max_failures - 1,
            window_started_at: t0,
            locked_until: None,
        };
        let claimed = p.after_failure(Some(&full), t0);
        assert!(p.retry_after(Some(&claimed), t0).is_some());
        let refunded = p.after_refund(&claimed);
        assert_eq!(refunded, full);
        let empty = FailureRecord {
            failures: 0,
            ..full
        };
        assert_eq!(p.after_refund(&empty).failures, 0);
    }

    #[test]
    fn no_record_means_no_wait() {
        assert_eq!(
            ThrottlePolicy::per_address().retry_after(None, Utc::now()),
            None
        );
    }
}
