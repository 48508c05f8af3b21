//! The standard kit (DOMAIN.md §7 rule 1): smartphone with a voice and data
//! SIM, tablet with a data SIM, and a mailbox. A Navigator is equipped when
//! the whole kit is assigned to them.

use super::KitPart;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitStatus {
    pub complete: bool,
    /// The parts still missing, in the kit's order.
    pub missing: Vec<KitPart>,
}

/// The kit of a Navigator holding items of these parts.
pub fn kit_status(held: &[KitPart]) -> KitStatus {
    let missing: Vec<KitPart> = KitPart::ALL
        .into_iter()
        .filter(|p| !held.contains(p))
        .collect();
    KitStatus {
        complete: missing.is_empty(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_kit_makes_a_navigator_equipped() {
        let all = KitPart::ALL;
        assert_eq!(
            kit_status(&all),
            KitStatus {
                complete: true,
                missing: vec![]
            }
        );
        let without_data_sim: Vec<KitPart> =
            all.into_iter().filter(|p| *p != KitPart::DataSim).collect();
        assert_eq!(
            kit_status(&without_data_sim),
            KitStatus {
                complete: false,
                missing: vec![KitPart::DataSim]
            }
        );
        assert_eq!(kit_status(&[]).missing.len(), 5);
    }
}
