//! Mandatory training (DOMAIN.md §8 rule 5), tracked apart from the path's
//! hours as dated completions, and the path's optional final assessment,
//! kept the same way.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MandatoryItem {
    /// Salute e sicurezza sul lavoro (D.Lgs. 81/2008).
    HealthAndSafety,
    /// Protezione dei dati personali (GDPR).
    DataProtection,
    /// The path's final assessment: passed on a day, and required only by
    /// paths that ask for one (`final_assessment_required`).
    FinalAssessment,
}

impl MandatoryItem {
    pub const ALL: [MandatoryItem; 3] = [
        Self::HealthAndSafety,
        Self::DataProtection,
        Self::FinalAssessment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::HealthAndSafety => "health_and_safety",
            Self::DataProtection => "data_protection",
            Self::FinalAssessment => "final_assessment",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == raw)
    }
}

/// Why a completion cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandatoryRefusal {
    /// A final assessment for a Navigator whose path asks for none: it
    /// would change nothing, so it is most likely a mistake.
    NoFinalAssessment,
}

/// Health and safety and data protection apply to everyone; the final
/// assessment only on a path that requires one.
pub fn check_item(
    item: MandatoryItem,
    final_assessment_required: bool,
) -> Result<(), MandatoryRefusal> {
    if item == MandatoryItem::FinalAssessment && !final_assessment_required {
        Err(MandatoryRefusal::NoFinalAssessment)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_back() {
        for i in MandatoryItem::ALL {
            assert_eq!(MandatoryItem::parse(i.as_str()), Some(i));
        }
        assert_eq!(MandatoryItem::parse("first_aid"), None);
    }

    #[test]
    fn the_final_assessment_needs_a_path_that_asks_for_it() {
        assert_eq!(
            check_item(MandatoryItem::FinalAssessment, false),
            Err(MandatoryRefusal::NoFinalAssessment)
        );
        assert_eq!(check_item(MandatoryItem::FinalAssessment, true), Ok(()));
        assert_eq!(check_item(MandatoryItem::HealthAndSafety, false), Ok(()));
        assert_eq!(check_item(MandatoryItem::DataProtection, true), Ok(()));
    }
}
