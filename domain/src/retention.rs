//! How long personal data is kept, per category, and what happens when the
//! period is over (GDPR art. 5(1)(e): kept no longer than needed).
//!
//! Each category has a day its period starts from (the end of the purpose:
//! a ranking no longer valid, a contract over, an offboarding closed, a
//! question settled, a mail delivered) and a number of days the controller
//! sets. A record is due on the day the period has run in full, and from
//! then on. What is due is either pseudonymised (the row stays, because a
//! published ranking, an indicator or the audit log rests on it, but the
//! person can no longer be told from it) or deleted (nothing else needs it).

use chrono::{Days, NaiveDate};

/// The kinds of personal data the retention rules tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Applications of candidates who never became Navigators (not
    /// admitted, never called, or called and declined or lapsed).
    Applications,
    /// Navigators' identities (with their own application and account),
    /// once every contract of theirs is over.
    Navigators,
    /// On-the-job logs: the client served and what was done.
    OjtLogs,
    /// IMEI, ICCID, serial, phone number and mailbox of items that last
    /// belonged to a person and are out of service.
    DeviceIdentifiers,
    /// Question RdC questions and their messages.
    Questions,
    /// Mails delivered or given up: recipient and body.
    SentMail,
    /// Login throttle records: keyed by an email or an address.
    LoginThrottle,
}

/// What happens to a record that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposal {
    Pseudonymise,
    Delete,
}

impl Disposal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pseudonymise => "pseudonymise",
            Self::Delete => "delete",
        }
    }
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Applications,
        Self::Navigators,
        Self::OjtLogs,
        Self::DeviceIdentifiers,
        Self::Questions,
        Self::SentMail,
        Self::LoginThrottle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applications => "applications",
            Self::Navigators => "navigators",
            Self::OjtLogs => "ojt_logs",
            Self::DeviceIdentifiers => "device_identifiers",
            Self::Questions => "questions",
            Self::SentMail => "sent_mail",
            Self::LoginThrottle => "login_throttle",
        }
    }

    /// The setting that holds the category's period, in days.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Applications => "retention_applications_days",
            Self::Navigators => "retention_navigators_days",
            Self::OjtLogs => "retention_ojt_logs_days",
            Self::DeviceIdentifiers => "retention_device_identifiers_days",
            Self::Questions => "retention_questions_days",
            Self::SentMail => "retention_sent_mail_days",
            Self::LoginThrottle => "retention_login_throttle_days",
        }
    }

    /// What happens to the category's records once due.
    pub fn disposal(self) -> Disposal {
        match self {
            Self::Applications
            | Self::Navigators
            | Self::OjtLogs
            | Self::DeviceIdentifiers
            | Self::Questions => Disposal::Pseudonymise,
            Self::SentMail | Self::LoginThrottle => Disposal::Delete,
        }
    }

    /// The period the service proposes; the controller sets its own (see
    /// the README for why each).
    pub fn default_days(self) -> u32 {
        match self {
            Self::Applications => 365,
            // Ten years: the Civil Code's art. 2220 period for records and
            // the limitation period of art. 2946.
            Self::Navigators | Self::OjtLogs => 3_650,
            Self::DeviceIdentifiers => 365,
            Self::Questions => 730,
            Self::SentMail => 90,
            Self::LoginThrottle => 30,
        }
    }
}

/// The periods in force, in days, one per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRules {
    days: [u32; Category::ALL.len()],
}

impl Default for RetentionRules {
    fn default() -> Self {
        let mut days = [0; Category::ALL.len()];
        for (slot, c) in days.iter_mut().zip(Category::ALL) {
            *slot = c.default_days();
        }
        Self { days }
    }
}

/// A period the rules cannot take, named by its setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct BadPeriod {
    pub setting: String,
    pub reason: String,
}

/// The longest period accepted: a hundred years. Longer is a typing mistake.
pub const MAX_DAYS: u32 = 36_525;

impl RetentionRules {
    /// The rules with `days` for `category`; zero (nothing kept once the
    /// purpose ends, so a mistyped setting could erase at once) and more
    /// than [`MAX_DAYS`] are refused.
    pub fn with(mut self, category: Category, days: u32) -> Result<Self, BadPeriod> {
        if days == 0 || days > MAX_DAYS {
            return Err(BadPeriod {
                setting: category.setting().to_owned(),
                reason: format!("{days} days: expected 1 to {MAX_DAYS}"),
            });
        }
        self.days[Self::slot(category)] = days;
        Ok(self)
    }

    pub fn days(&self, category: Category) -> u32 {
        self.days[Self::slot(category)]
    }

    fn slot(category: Category) -> usize {
        Category::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or_default()
    }

    /// The first day a record whose period starts on `start` is due.
    pub fn due_from(&self, category: Category, start: NaiveDate) -> NaiveDate {
        start
            .checked_add_days(Days::new(u64::from(self.days(category))))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The last day of a period that started on a day `today` still keeps:
    /// a record whose period started on or before it is due. The stores
    /// select by this day.
    pub fn started_by(&self, category: Category, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_days(Days::new(u64::from(self.days(category))))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Whether a record with these facts is due `today`, and what then
    /// happens to it.
    pub fn verdict(&self, facts: &Facts, today: NaiveDate) -> Option<Disposal> {
        let category = facts.category();
        let start = facts.period_start()?;
        (today >= self.due_from(category, start)).then(|| category.disposal())
    }
}

/// What the rules look at in a record, by category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facts {
    Application {
        /// Whether the candidate became a Navigator (then the Navigator's
        /// rule keeps the application).
        hired: bool,
        /// Whether an offer is open or accepted and not yet a contract.
        in_progress: bool,
        /// The last day any ranking of the selection is valid; `None`
        /// while none is published.
        rankings_valid_until: Option<NaiveDate>,
    },
    Navigator {
        /// The last day of the Navigator's last contract; `None` while one
        /// is still running (or none was ever drafted).
        contracts_over_on: Option<NaiveDate>,
    },
    OjtLog {
        /// As for the Navigator who kept the log.
        contracts_over_on: Option<NaiveDate>,
    },
    DeviceIdentifiers {
        /// Lost, stolen, broken or retired: never handed out again.
        out_of_service: bool,
        /// When the offboarding of the item's last holder was closed.
        offboarding_closed_on: Option<NaiveDate>,
    },
    Question {
        /// Closed, merged or withdrawn on; `None` while still open.
        settled_on: Option<NaiveDate>,
    },
    SentMail {
        /// Delivered or given up on; `None` while still queued.
        done_on: Option<NaiveDate>,
    },
    LoginThrottle {
        /// The day of the last failure window, or of the lock's end when
        /// later.
        quiet_since: NaiveDate,
    },
}

impl Facts {
    pub fn category(&self) -> Category {
        match self {
            Self::Application { .. } => Category::Applications,
            Self::Navigator { .. } => Category::Navigators,
            Self::OjtLog { .. } => Category::OjtLogs,
            Self::DeviceIdentifiers { .. } => Category::DeviceIdentifiers,
            Self::Question { .. } => Category::Questions,
            Self::SentMail { .. } => Category::SentMail,
            Self::LoginThrottle { .. } => Category::LoginThrottle,
        }
    }

    /// The day the period starts, when it has started.
    fn period_start(&self) -> Option<NaiveDate> {
        match *self {
            Self::Application {
                hired,
                in_progress,
                rankings_valid_until,
            } => (!hired && !in_progress)
                .then_some(rankings_valid_until)
                .flatten()
                // The period starts the day after the last valid day.
                .and_then(|d| d.succ_opt()),
            Self::Navigator { contracts_over_on } | Self::OjtLog { contracts_over_on } => {
                contracts_over_on.and_then(|d| d.succ_opt())
            }
            Self::DeviceIdentifiers {
                out_of_service,
                offboarding_closed_on,
            } => out_of_service.then_some(offboarding_closed_on).flatten(),
            Self::Question { settled_on } => settled_on,
            Self::SentMail { done_on } => done_on,
            Self::LoginThrottle { quiet_since } => Some(quiet_since),
        }
    }
}

/// The stable pseudonym of a person erased: `ANON-` and the last twelve
/// hex digits of their record's id (the random part of a UUID), the same
/// wherever it is shown.
pub fn pseudonym(record_id: &str) -> String {
    let hex: String = record_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_uppercase();
    let tail = &hex[hex.len().saturating_sub(12)..];
    format!("ANON-{tail}")
}

/// What an erased person's record holds in place of their identity: the
/// initials for the names (what a ranking extract shows of anyone else),
/// the pseudonym for the codice fiscale and the email, no phone, and the
/// birth date cut to the first of January of its year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudonymised {
    pub first_name: String,
    pub last_name: String,
    pub codice_fiscale: String,
    pub email: String,
    pub birth_date: Option<NaiveDate>,
}

pub fn pseudonymise(
    record_id: &str,
    first_name: &str,
    last_name: &str,
    birth_date: Option<NaiveDate>,
) -> Pseudonymised {
    let alias = pseudonym(record_id);
    use chrono::Datelike;
    Pseudonymised {
        first_name: crate::selection::extract::initials(first_name, ""),
        last_name: crate::selection::extract::initials("", last_name),
        email: format!("{}@erased.invalid", alias.to_ascii_lowercase()),
        codice_fiscale: alias,
        birth_date: birth_date.and_then(|d| NaiveDate::from_ymd_opt(d.year(), 1, 1)),
    }
}

/// Whether an email is one [`pseudonymise`] wrote.
pub fn is_erased_email(email: &str) -> bool {
    email.ends_with("@erased.invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// One day before the threshold, on it and one after, for `facts`
    /// whose period of `days` starts on `start`.
    fn around(facts: Facts, start: &str, days: u64) -> [Option<Disposal>; 3] {
        let rules = RetentionRules::default();
        let due = d(start) + Days::new(days);
        [
            rules.verdict(&facts, due.pred_opt().unwrap()),
            rules.verdict(&facts, due),
            rules.verdict(&facts, due.succ_opt().unwrap()),
        ]
    }

    const PSEUDO: Option<Disposal> = Some(Disposal::Pseudonymise);
    const DELETE: Option<Disposal> = Some(Disposal::Delete);

    #[test]
    fn an_application_is_due_a_year_after_the_rankings_last_valid_day() {
        let facts = Facts::Application {
            hired: false,
            in_progress: false,
            rankings_valid_until: Some(d("2021-06-23")),
        };
        // The period starts the day after the last valid day.
        assert_eq!(
            around(facts, "2021-06-24", 365),
            [None, PSEUDO, PSEUDO],
            "due on 2022-06-24"
        );
    }

    #[test]
    fn an_application_is_kept_while_hired_in_progress_or_unranked() {
        let rules = RetentionRules::default();
        let far = d("2100-01-01");
        for (hired, in_progress, until) in [
            (true, false, Some(d("2020-01-01"))),
            (false, true, Some(d("2020-01-01"))),
            (false, false, None),
        ] {
            let facts = Facts::Application {
                hired,
                in_progress,
                rankings_valid_until: until,
            };
            assert_eq!(rules.verdict(&facts, far), None, "{facts:?}");
        }
    }

    #[test]
    fn a_navigator_and_their_logs_are_kept_ten_years_after_the_last_contract_day() {
        for facts in [
            Facts::Navigator {
                contracts_over_on: Some(d("2020-04-30")),
            },
            Facts::OjtLog {
                contracts_over_on: Some(d("2020-04-30")),
            },
        ] {
            assert_eq!(
                around(facts.clone(), "2020-05-01", 3_650),
                [None, PSEUDO, PSEUDO]
            );
            let running = match facts {
                Facts::Navigator { .. } => Facts::Navigator {
                    contracts_over_on: None,
                },
                _ => Facts::OjtLog {
                    contracts_over_on: None,
                },
            };
            assert_eq!(
                RetentionRules::default().verdict(&running, d("2100-01-01")),
                None
            );
        }
    }

    #[test]
    fn device_identifiers_go_a_year_after_the_offboarding_closed_once_out_of_service() {
        let facts = Facts::DeviceIdentifiers {
            out_of_service: true,
            offboarding_closed_on: Some(d("2020-03-10")),
        };
        assert_eq!(around(facts, "2020-03-10", 365), [None, PSEUDO, PSEUDO]);
        let rules = RetentionRules::default();
        let far = d("2100-01-01");
        let in_service = Facts::DeviceIdentifiers {
            out_of_service: false,
            offboarding_closed_on: Some(d("2020-03-10")),
        };
        assert_eq!(rules.verdict(&in_service, far), None);
        let still_open = Facts::DeviceIdentifiers {
            out_of_service: true,
            offboarding_closed_on: None,
        };
        assert_eq!(rules.verdict(&still_open, far), None);
    }

    #[test]
    fn questions_mail_and_throttle_records_by_their_own_periods() {
        let question = Facts::Question {
            settled_on: Some(d("2020-03-01")),
        };
        assert_eq!(around(question, "2020-03-01", 730), [None, PSEUDO, PSEUDO]);
        let mail = Facts::SentMail {
            done_on: Some(d("2020-03-01")),
        };
        assert_eq!(around(mail, "2020-03-01", 90), [None, DELETE, DELETE]);
        let throttle = Facts::LoginThrottle {
            quiet_since: d("2020-03-01"),
        };
        assert_eq!(around(throttle, "2020-03-01", 30), [None, DELETE, DELETE]);
        let rules = RetentionRules::default();
        let far = d("2100-01-01");
        assert_eq!(
            rules.verdict(&Facts::Question { settled_on: None }, far),
            None
        );
        assert_eq!(rules.verdict(&Facts::SentMail { done_on: None }, far), None);
    }

    #[test]
    fn the_controllers_period_replaces_the_default() {
        let rules = RetentionRules::default()
            .with(Category::SentMail, 7)
            .unwrap();
        let mail = Facts::SentMail {
            done_on: Some(d("2020-03-01")),
        };
        assert_eq!(rules.verdict(&mail, d("2020-03-07")), None);
        assert_eq!(rules.verdict(&mail, d("2020-03-08")), DELETE);
        assert_eq!(
            rules.started_by(Category::SentMail, d("2020-03-08")),
            d("2020-03-01")
        );
    }

    #[test]
    fn a_zero_or_absurd_period_is_refused_by_its_setting() {
        let e = RetentionRules::default()
            .with(Category::Applications, 0)
            .unwrap_err();
        assert_eq!(e.setting, "retention_applications_days");
        assert!(RetentionRules::default()
            .with(Category::Questions, MAX_DAYS + 1)
            .is_err());
        assert!(RetentionRules::default()
            .with(Category::Questions, MAX_DAYS)
            .is_ok());
    }

    #[test]
    fn each_setting_is_named_after_its_category() {
        for c in Category::ALL {
            assert_eq!(c.setting(), format!("retention_{}_days", c.as_str()));
        }
    }

    #[test]
    fn the_pseudonym_is_stable_and_hides_the_identity() {
        let id = "0190f5b2-7c1e-7a3b-9d4e-1234567890ab";
        assert_eq!(pseudonym(id), "ANON-1234567890AB");
        assert_eq!(pseudonym(id), pseudonym(id));
        let p = pseudonymise(id, "Maria Grazia", "D'Amico", Some(d("1990-07-14")));
        assert_eq!(p.first_name, "M. G.");
        assert_eq!(p.last_name, "D.");
        assert_eq!(p.codice_fiscale, "ANON-1234567890AB");
        assert_eq!(p.email, "anon-1234567890ab@erased.invalid");
        assert!(is_erased_email(&p.email));
        assert_eq!(p.birth_date, Some(d("1990-01-01")));
        // Pseudonymising again changes nothing.
        let again = pseudonymise(id, &p.first_name, &p.last_name, p.birth_date);
        assert_eq!(again, p);
    }
}
