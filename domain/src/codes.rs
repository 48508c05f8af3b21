//! The stable codes of broken rules, as one closed enum.
//!
//! A code is what clients match on, so its wire name never changes; the HTTP
//! layer turns it into words in the caller's language with an exhaustive
//! `match`, so a code added here without words does not compile.
//!
//! To add a rule: one line `Name = "wire-name",` below, then its words in
//! `api/src/i18n.rs` (the compiler points there).

/// Declares a closed set of codes from one list, `Variant = "wire-name",`:
/// the enum (serialised as the wire name), `ALL`, `as_str`, and `Display`
/// and `Debug` as the wire name, so that no code can be missing from `ALL`
/// or lack its wire name. Derive neither `Debug` nor serde's `rename`.
#[macro_export]
macro_rules! codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            // `tt`, not `literal`: a `literal` fragment reaches derives
            // wrapped in an invisible group that utoipa does not read.
            $( $(#[$vmeta:meta])* $variant:ident = $wire:tt, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable wire name, e.g. `extension-not-later`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == raw)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // The wire name in logs and debug output too, as grep finds it.
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_str()
            }
        }
    };
}

codes! {
    /// A rule broken by one field of the input (`errors[].code` of a problem).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    pub enum RuleCode {
        // Any field.
        Required = "required",
        TooLong = "too-long",
        TooMany = "too-many",
        EmptyList = "empty-list",
        Duplicate = "duplicate",
        AlreadyExists = "already-exists",
        MustBePositive = "must-be-positive",
        MustNotBeNegative = "must-not-be-negative",
        OutOfRange = "out-of-range",
        TooManyDecimals = "too-many-decimals",
        EndsBeforeItStarts = "ends-before-it-starts",

        // The shape of a JSON body or a query.
        MissingField = "missing-field",
        UnknownField = "unknown-field",
        UnknownEnumValue = "unknown-enum-value",
        InvalidFieldType = "invalid-field-type",
        InvalidField = "invalid-field",
        InvalidQueryParameter = "invalid-query-parameter",
        UnknownCursor = "unknown-cursor",

        // Uploaded CSV files.
        NotUtf8 = "not-utf8",
        EmptyFile = "empty-file",
        WrongHeader = "wrong-header",
        WrongColumnCount = "wrong-column-count",
        Unreadable = "unreadable",
        DuplicateInFile = "duplicate-in-file",
        NotANumber = "not-a-number",
        InvalidDate = "invalid-date",
        DateOutOfRange = "date-out-of-range",
        NotABoolean = "not-a-boolean",
        NulCharacter = "nul-character",

        // Accounts.
        InvalidEmail = "invalid-email",
        PasswordTooShort = "password-too-short",
        PasswordTooLong = "password-too-long",
        PasswordIsEmail = "password-is-email",
        PasswordTooCommon = "password-too-common",
        CoordinatorNeedsRegion = "coordinator-needs-region",
        RegionScopeOnlyForCoordinators = "region-scope-only-for-coordinators",
        NavigatorAccountNeedsNavigator = "navigator-account-needs-navigator",
        NavigatorIdOnlyForNavigators = "navigator-id-only-for-navigators",

        // Reference data.
        InvalidRegionCode = "invalid-region-code",
        UnknownRegion = "unknown-region",
        InvalidProvinceSigla = "invalid-province-sigla",
        UnknownProvince = "unknown-province",
        InvalidCpiCode = "invalid-cpi-code",
        UnknownCpi = "unknown-cpi",
        UnknownNavigator = "unknown-navigator",

        // Selection: settings, applications, results, rankings.
        InvalidSelectionCode = "invalid-selection-code",
        InvalidApplicationNo = "invalid-application-no",
        DuplicateApplicationNo = "duplicate-application-no",
        UnknownApplication = "unknown-application",
        AlreadyApplied = "already-applied",
        NeighbourIsTheProvince = "neighbour-is-the-province",
        NeighbourInAnotherRegion = "neighbour-in-another-region",
        ProvinceWithoutPosts = "province-without-posts",
        InvalidCodiceFiscaleFormat = "invalid-codice-fiscale-format",
        InvalidCodiceFiscaleCheck = "invalid-codice-fiscale-check",
        ImplausibleBirthDate = "implausible-birth-date",
        InvalidPhone = "invalid-phone",
        HonoursNeed110 = "honours-need-110",
        AnswersMustSumToQuestions = "answers-must-sum-to-questions",
        NotAdmitted = "not-admitted",
        BeforeTheNotice = "before-the-notice",

        // Contracts and HR events.
        RequirementsNotVerified = "requirements-not-verified",
        SignedBeforeRankingPublished = "signed-before-ranking-published",
        StartsBeforeSignature = "starts-before-signature",
        ContractNotSigned = "contract-not-signed",
        ContractEnded = "contract-ended",
        ContractSuspended = "contract-suspended",
        OutsideContract = "outside-contract",
        ExtensionNotLater = "extension-not-later",
        BeforeNotice = "before-notice",
        BeforeContractStart = "before-contract-start",
        AfterContractEnd = "after-contract-end",
        BeforeSignature = "before-signature",
        TerminationCause = "termination-cause",
        OverlapsSuspension = "overlaps-suspension",

        // Training.
        SharesMustSumTo100 = "shares-must-sum-to-100",
        HoursNotWhole = "hours-not-whole",
        ModulesMustFillBucket = "modules-must-fill-bucket",
        ModulesOnlyOnDistance = "modules-only-on-distance",
        NotQuarterHours = "not-quarter-hours",
        TooManyHours = "too-many-hours",
        CompletedInFuture = "completed-in-future",
        UnknownCodiceFiscale = "unknown-codice-fiscale",
        UnknownTrainingPath = "unknown-training-path",
        UnknownModule = "unknown-module",

        // On-the-job logs.
        InvalidClientId = "invalid-client-id",
        UnknownLog = "unknown-log",
        LogNotPending = "log-not-pending",

        // Equipment.
        UnknownKind = "unknown-kind",
        UnknownPlan = "unknown-plan",
        NotForKind = "not-for-kind",
        InvalidImei = "invalid-imei",
        ImeiCheckDigit = "imei-check-digit",
        InvalidIccid = "invalid-iccid",
        IccidCheckDigit = "iccid-check-digit",
        InvalidMobileNumber = "invalid-mobile-number",
        InvalidMailbox = "invalid-mailbox",
        SerialOrImeiRequired = "serial-or-imei-required",
        AlreadyInInventory = "already-in-inventory",
        UnknownItem = "unknown-item",
        WipeNotConfirmed = "wipe-not-confirmed",
        DayInFuture = "day-in-future",
        BeforeLastMovement = "before-last-movement",

        // Question RdC and its FAQ.
        UnknownTopic = "unknown-topic",
        UnknownQuestion = "unknown-question",
        MergeIntoItself = "merge-into-itself",
        MergeTargetSettled = "merge-target-settled",
        QuestionNotAnswered = "question-not-answered",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_kebab_case_unique_and_serialised_as_such() {
        let mut seen = std::collections::HashSet::new();
        for c in RuleCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                !s.is_empty()
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && s.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{s}"
            );
            assert_eq!(RuleCode::parse(s), Some(*c));
        }
    }
}
