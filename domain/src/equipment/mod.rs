//! Equipment (DOMAIN.md §7): the Navigator's kit, from procurement batch to
//! return, with the item state machine and the standard kit.

pub mod identifiers;
pub mod kit;

use crate::RuleCode;
use chrono::NaiveDate;

use crate::contract::{ContractDates, ContractStatus};
use crate::violation::{Violation, Violations};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Smartphone,
    Tablet,
    Sim,
    Mailbox,
}

impl ItemKind {
    pub const ALL: [Self; 4] = [Self::Smartphone, Self::Tablet, Self::Sim, Self::Mailbox];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smartphone => "smartphone",
            Self::Tablet => "tablet",
            Self::Sim => "sim",
            Self::Mailbox => "mailbox",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Devices hold data and a SIM: wiped on return, paired with a SIM.
    pub fn is_device(self) -> bool {
        matches!(self, Self::Smartphone | Self::Tablet)
    }
}

/// A SIM's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Plan {
    VoiceData,
    Data,
}

impl Plan {
    pub const ALL: [Self; 2] = [Self::VoiceData, Self::Data];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VoiceData => "voice_data",
            Self::Data => "data",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }

    /// The device a SIM of this plan goes into in the standard kit.
    pub fn device(self) -> ItemKind {
        match self {
            Self::VoiceData => ItemKind::Smartphone,
            Self::Data => ItemKind::Tablet,
        }
    }
}

/// The five parts of the standard kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KitPart {
    Smartphone,
    VoiceDataSim,
    Tablet,
    DataSim,
    Mailbox,
}

impl KitPart {
    pub const ALL: [Self; 5] = [
        Self::Smartphone,
        Self::VoiceDataSim,
        Self::Tablet,
        Self::DataSim,
        Self::Mailbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smartphone => "smartphone",
            Self::VoiceDataSim => "sim_voice_data",
            Self::Tablet => "tablet",
            Self::DataSim => "sim_data",
            Self::Mailbox => "mailbox",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub fn of(kind: ItemKind, plan: Option<Plan>) -> Option<Self> {
        match (kind, plan) {
            (ItemKind::Smartphone, _) => Some(Self::Smartphone),
            (ItemKind::Tablet, _) => Some(Self::Tablet),
            (ItemKind::Mailbox, _) => Some(Self::Mailbox),
            (ItemKind::Sim, Some(Plan::VoiceData)) => Some(Self::VoiceDataSim),
            (ItemKind::Sim, Some(Plan::Data)) => Some(Self::DataSim),
            (ItemKind::Sim, None) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemState {
    InStock,
    Personalised,
    Assigned,
    Returned,
    Lost,
    Stolen,
    Broken,
    Retired,
}

impl ItemState {
    pub const ALL: [Self; 8] = [
        Self::InStock,
        Self::Personalised,
        Self::Assigned,
        Self::Returned,
        Self::Lost,
        Self::Stolen,
        Self::Broken,
        Self::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InStock => "in_stock",
            Self::Personalised => "personalised",
            Self::Assigned => "assigned",
            Self::Returned => "returned",
            Self::Lost => "lost",
            Self::Stolen => "stolen",
            Self::Broken => "broken",
            Self::Retired => "retired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What HR does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Personalise,
    Assign,
    /// Back with its condition; a broken one becomes `broken`.
    Return {
        broken: bool,
    },
    WriteOff(WriteOff),
    Retire,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personalise => "personalise",
            Self::Assign => "assign",
            Self::Return { .. } => "return",
            Self::WriteOff(_) => "write-off",
            Self::Retire => "retire",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOff {
    Lost,
    Stolen,
}

impl WriteOff {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "lost" => Some(Self::Lost),
            "stolen" => Some(Self::Stolen),
            _ => None,
        }
    }
}

/// The condition an item comes back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnCondition {
    Good,
    Damaged,
    /// Unusable: the item becomes `broken`.
    Broken,
}

impl ReturnCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Damaged => "damaged",
            Self::Broken => "broken",
        }
    }

    /// The movement that takes the item back in this condition.
    pub fn movement(self) -> Movement {
        Movement::Return {
            broken: self == Self::Broken,
        }
    }
}

/// A movement the state machine does not allow from the item's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForbiddenTransition {
    pub from: ItemState,
    pub movement: Movement,
}

/// The state machine of DOMAIN.md §7:
/// `in_stock -> personalised -> assigned -> returned | lost | stolen | broken -> retired`.
pub fn transition(from: ItemState, movement: Movement) -> Result<ItemState, ForbiddenTransition> {
    use ItemState as S;
    let to = match (from, movement) {
        (S::InStock, Movement::Personalise) => S::Personalised,
        (S::Personalised, Movement::Assign) => S::Assigned,
        (S::Assigned, Movement::Return { broken: false }) => S::Returned,
        (S::Assigned, Movement::Return { broken: true }) => S::Broken,
        (S::Assigned, Movement::WriteOff(WriteOff::Lost)) => S::Lost,
        (S::Assigned, Movement::WriteOff(WriteOff::Stolen)) => S::Stolen,
        (S::Returned | S::Lost | S::Stolen | S::Broken, Movement::Retire) => S::Retired,
        _ => return Err(ForbiddenTransition { from, movement }),
    };
    Ok(to)
}

/// Only a Navigator whose contract is signed or active on `day` receives
/// an item (DOMAIN.md §7 rule 2).
pub fn may_receive(contract: &ContractDates, day: NaiveDate) -> bool {
    matches!(
        contract.status_on(day),
        ContractStatus::Signed | ContractStatus::Active
    )
}

/// A movement is dated today or earlier, and never before the item's
/// previous movement: the history reads in order.
pub fn check_movement_day(
    field: &str,
    day: NaiveDate,
    today: NaiveDate,
    last: Option<NaiveDate>,
) -> Result<(), Violation> {
    if day > today {
        return Err(Violation::new(field, RuleCode::DayInFuture).with_detail(day));
    }
    if let Some(last) = last.filter(|l| day < *l) {
        return Err(Violation::new(field, RuleCode::BeforeLastMovement).with_detail(last));
    }
    Ok(())
}

/// A device returned must have had its data wiped.
pub fn check_return(kind: ItemKind, wiped: bool) -> Result<(), Violation> {
    if kind.is_device() && !wiped {
        return Err(Violation::new("wiped", RuleCode::WipeNotConfirmed));
    }
    Ok(())
}

/// Why a SIM cannot go into a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingRefusal {
    NotASim,
    NotADevice,
    /// A voice and data SIM goes into the smartphone, a data SIM into the tablet.
    PlanMismatch {
        plan: Plan,
        device: ItemKind,
    },
    /// An item that left service (returned, written off, retired).
    OutOfService,
    /// Held by two different Navigators.
    DifferentHolders,
}

/// What pairing needs to know of an item.
#[derive(Debug, Clone, Copy)]
pub struct PairingSide<'a> {
    pub kind: ItemKind,
    pub plan: Option<Plan>,
    pub state: ItemState,
    pub holder: Option<&'a str>,
}

fn in_service(s: ItemState) -> bool {
    matches!(
        s,
        ItemState::InStock | ItemState::Personalised | ItemState::Assigned
    )
}

pub fn check_pairing(
    sim: &PairingSide<'_>,
    device: &PairingSide<'_>,
) -> Result<(), PairingRefusal> {
    if sim.kind != ItemKind::Sim {
        return Err(PairingRefusal::NotASim);
    }
    if !device.kind.is_device() {
        return Err(PairingRefusal::NotADevice);
    }
    if let Some(plan) = sim.plan {
        if plan.device() != device.kind {
            return Err(PairingRefusal::PlanMismatch {
                plan,
                device: device.kind,
            });
        }
    }
    if !in_service(sim.state) || !in_service(device.state) {
        return Err(PairingRefusal::OutOfService);
    }
    if let (Some(a), Some(b)) = (sim.holder, device.holder) {
        if a != b {
            return Err(PairingRefusal::DifferentHolders);
        }
    }
    Ok(())
}

/// An item ready to enter the inventory: every field checked for its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub kind: ItemKind,
    pub kit_part: KitPart,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub plan: Option<Plan>,
    pub mailbox: Option<String>,
    pub batch: Option<String>,
}

/// The raw fields of an item, from JSON or a CSV row.
#[derive(Debug, Clone, Default)]
pub struct ItemInput<'a> {
    pub kind: &'a str,
    pub model: Option<&'a str>,
    pub serial: Option<&'a str>,
    pub imei: Option<&'a str>,
    pub iccid: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub plan: Option<&'a str>,
    pub mailbox: Option<&'a str>,
    pub batch: Option<&'a str>,
}

/// The most characters of an item's free text (model, serial, batch...).
pub const MAX_TEXT: usize = 120;

fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

impl NewItem {
    /// Which fields a kind needs and allows:
    /// smartphone: model, IMEI (serial optional); tablet: model and a serial
    /// or an IMEI; SIM: ICCID and plan, the number for voice and data;
    /// mailbox: the address. Every wrong field is reported.
    pub fn parse(input: &ItemInput<'_>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let Some(kind) = ItemKind::parse(input.kind.trim()) else {
            v.push(Violation::new("kind", RuleCode::UnknownKind).with_detail(input.kind.trim()));
            return Err(v);
        };
        let mut take = |field: &str, value: Option<&str>, allowed: bool| -> Option<String> {
            let value = present(value)?;
            if !allowed {
                v.push(Violation::new(field, RuleCode::NotForKind).with_detail(kind.as_str()));
                return None;
            }
            if value.chars().count() > MAX_TEXT {
                v.push(Violation::new(field, RuleCode::TooLong).with_detail(MAX_TEXT));
                return None;
            }
            Some(value.to_owned())
        };
        let device = kind.is_device();
        let model = take("model", input.model, device);
        let serial = take("serial", input.serial, device);
        let imei_raw = take("imei", input.imei, device);
        let iccid_raw = take("iccid", input.iccid, kind == ItemKind::Sim);
        let number_raw = take("phone_number", input.phone_number, kind == ItemKind::Sim);
        let plan_raw = take("plan", input.plan, kind == ItemKind::Sim);
        let mailbox_raw = take("mailbox", input.mailbox, kind == ItemKind::Mailbox);
        let batch = take("batch", input.batch, true);

        let mut check = |r: Result<String, Violation>| match r {
            Ok(s) => Some(s),
            Err(e) => {
                v.push(e);
                None
            }
        };
        let imei = imei_raw.and_then(|i| check(identifiers::imei("imei", &i)));
        let iccid = iccid_raw.and_then(|i| check(identifiers::iccid("iccid", &i)));
        let phone_number =
            number_raw.and_then(|n| check(identifiers::mobile_number("phone_number", &n)));
        let mailbox = mailbox_raw.and_then(|m| check(identifiers::mailbox("mailbox", &m)));
        let plan = match plan_raw.as_deref() {
            None => None,
            Some(p) => match Plan::parse(p) {
                Some(p) => Some(p),
                None => {
                    v.push(Violation::new("plan", RuleCode::UnknownPlan).with_detail(p));
                    None
                }
            },
        };
        match kind {
            ItemKind::Smartphone => {
                v.check(model.is_some(), "model", RuleCode::Required);
                v.check(
                    input.imei.is_some_and(|i| !i.trim().is_empty()),
                    "imei",
                    RuleCode::Required,
                );
            }
            ItemKind::Tablet => {
                v.check(model.is_some(), "model", RuleCode::Required);
                let has_id = serial.is_some() || present(input.imei).is_some();
                v.check(has_id, "serial", RuleCode::SerialOrImeiRequired);
            }
            ItemKind::Sim => {
                v.check(present(input.iccid).is_some(), "iccid", RuleCode::Required);
                v.check(present(input.plan).is_some(), "plan", RuleCode::Required);
                if plan == Some(Plan::VoiceData) {
                    v.check(
                        present(input.phone_number).is_some(),
                        "phone_number",
                        RuleCode::Required,
                    );
                }
            }
            ItemKind::Mailbox => {
                v.check(
                    present(input.mailbox).is_some(),
                    "mailbox",
                    RuleCode::Required,
                );
            }
        }
        let kit_part = KitPart::of(kind, plan);
        match kit_part {
            Some(kit_part) if v.is_empty() => Ok(Self {
                kind,
                kit_part,
                model,
                serial,
                imei,
                iccid,
                phone_number,
                plan,
                mailbox,
                batch,
            }),
            _ => Err(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn phone() -> ItemInput<'static> {
        ItemInput {
            kind: "smartphone",
            model: Some("Samsung Galaxy A40 Enterprise Edition"),
            imei: Some("490154203237518"),
            batch: Some("Consip 2019/1"),
            ..Default::default()
        }
    }

    #[test]
    fn only_a_broken_return_makes_the_item_broken() {
        use ItemState as S;
        let back = |c: ReturnCondition| transition(S::Assigned, c.movement());
        assert_eq!(back(ReturnCondition::Good), Ok(S::Returned));
        assert_eq!(back(ReturnCondition::Damaged), Ok(S::Returned));
        assert_eq!(back(ReturnCondition::Broken), Ok(S::Broken));
    }

    #[test]
    fn the_states_follow_the_chain_of_domain_7() {
        use ItemState as S;
        assert_eq!(
            transition(S::InStock, Movement::Personalise),
            Ok(S::Personalised)
        );
        assert_eq!(
            transition(S::Personalised, Movement::Assign),
            Ok(S::Assigned)
        );
        assert_eq!(
            transition(S::Assigned, Movement::Return { broken: false }),
            Ok(S::Returned)
        );
        assert_eq!(
            transition(S::Assigned, Movement::Return { broken: true }),
            Ok(S::Broken)
        );
        assert_eq!(
            transition(S::Assigned, Movement::WriteOff(WriteOff::Lost)),
            Ok(S::Lost)
        );
        assert_eq!(
            transition(S::Assigned, Movement::WriteOff(WriteOff::Stolen)),
            Ok(S::Stolen)
        );
        for end in [S::Returned, S::Lost, S::Stolen, S::Broken] {
            assert_eq!(transition(end, Movement::Retire), Ok(S::Retired));
        }
    }

    #[test]
    fn every_other_move_is_forbidden() {
        use ItemState as S;
        let moves = [
            Movement::Personalise,
            Movement::Assign,
            Movement::Return { broken: false },
            Movement::Return { broken: true },
            Movement::WriteOff(WriteOff::Lost),
            Movement::WriteOff(WriteOff::Stolen),
            Movement::Retire,
        ];
        let allowed = 10;
        let mut ok = 0;
        for from in S::ALL {
            for m in moves {
                match transition(from, m) {
                    Ok(_) => ok += 1,
                    Err(e) => assert_eq!(e, ForbiddenTransition { from, movement: m }),
                }
            }
        }
        assert_eq!(ok, allowed);
        // Nothing leaves `retired`, nothing skips personalisation.
        assert!(transition(S::InStock, Movement::Assign).is_err());
        assert!(moves.iter().all(|m| transition(S::Retired, *m).is_err()));
    }

    #[test]
    fn only_a_signed_or_active_contract_receives_items() {
        let c = ContractDates {
            signed_on: Some(d("2019-07-29")),
            start_date: Some(d("2019-08-01")),
            end_date: Some(d("2021-04-30")),
            early_end: None,
            suspensions: vec![],
            cancelled_on: None,
        };
        assert!(!may_receive(&c, d("2019-07-28")));
        assert!(may_receive(&c, d("2019-07-29")));
        assert!(may_receive(&c, d("2019-08-01")));
        assert!(!may_receive(&c, d("2021-05-01")));
        let draft = ContractDates {
            signed_on: None,
            start_date: None,
            ..c
        };
        assert!(!may_receive(&draft, d("2019-08-01")));
    }

    #[test]
    fn movements_are_dated_in_order_and_not_ahead() {
        let today = d("2019-09-02");
        assert!(check_movement_day("on", today, today, Some(d("2019-08-01"))).is_ok());
        assert!(check_movement_day("on", d("2019-08-01"), today, Some(d("2019-08-01"))).is_ok());
        assert_eq!(
            check_movement_day("on", d("2019-09-03"), today, None)
                .unwrap_err()
                .code,
            "day-in-future"
        );
        assert_eq!(
            check_movement_day("on", d("2019-07-31"), today, Some(d("2019-08-01")))
                .unwrap_err()
                .code,
            "before-last-movement"
        );
    }

    #[test]
    fn devices_come_back_wiped() {
        assert_eq!(
            check_return(ItemKind::Tablet, false).unwrap_err().code,
            "wipe-not-confirmed"
        );
        assert!(check_return(ItemKind::Tablet, true).is_ok());
        assert!(check_return(ItemKind::Sim, false).is_ok());
    }

    #[test]
    fn a_sim_goes_into_the_device_of_its_plan() {
        let sim = PairingSide {
            kind: ItemKind::Sim,
            plan: Some(Plan::VoiceData),
            state: ItemState::Personalised,
            holder: None,
        };
        let phone = PairingSide {
            kind: ItemKind::Smartphone,
            plan: None,
            state: ItemState::InStock,
            holder: None,
        };
        let tablet = PairingSide {
            kind: ItemKind::Tablet,
            ..phone
        };
        assert!(check_pairing(&sim, &phone).is_ok());
        assert_eq!(
            check_pairing(&sim, &tablet),
            Err(PairingRefusal::PlanMismatch {
                plan: Plan::VoiceData,
                device: ItemKind::Tablet
            })
        );
        assert_eq!(check_pairing(&phone, &sim), Err(PairingRefusal::NotASim));
        let lost = PairingSide {
            state: ItemState::Lost,
            ..phone
        };
        assert_eq!(
            check_pairing(&sim, &lost),
            Err(PairingRefusal::OutOfService)
        );
        let held = |h| PairingSide {
            holder: Some(h),
            state: ItemState::Assigned,
            ..phone
        };
        let sim_held = PairingSide {
            holder: Some("a"),
            state: ItemState::Assigned,
            ..sim
        };
        assert!(check_pairing(&sim_held, &held("a")).is_ok());
        assert_eq!(
            check_pairing(&sim_held, &held("b")),
            Err(PairingRefusal::DifferentHolders)
        );
    }

    #[test]
    fn a_smartphone_needs_its_model_and_imei() {
        let item = NewItem::parse(&phone()).unwrap();
        assert_eq!(item.kit_part, KitPart::Smartphone);
        assert_eq!(item.imei.as_deref(), Some("490154203237518"));
        let mut bad = phone();
        bad.imei = Some("490154203237517");
        bad.mailbox = Some("x@y.it");
        let e = NewItem::parse(&bad).unwrap_err();
        let codes: Vec<_> =
            e.0.iter()
                .map(|v| (v.field.as_str(), v.code.as_str()))
                .collect();
        assert_eq!(
            codes,
            vec![("mailbox", "not-for-kind"), ("imei", "imei-check-digit")]
        );
        let mut none = phone();
        none.imei = None;
        none.model = None;
        let e = NewItem::parse(&none).unwrap_err();
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn a_sim_needs_its_iccid_plan_and_for_voice_its_number() {
        let sim = ItemInput {
            kind: "sim",
            iccid: Some("8939104520000000011"),
            phone_number: Some("347 1234567"),
            plan: Some("voice_data"),
            ..Default::default()
        };
        let item = NewItem::parse(&sim).unwrap();
        assert_eq!(item.kit_part, KitPart::VoiceDataSim);
        assert_eq!(item.phone_number.as_deref(), Some("+393471234567"));
        let data = ItemInput {
            phone_number: None,
            plan: Some("data"),
            ..sim.clone()
        };
        assert_eq!(NewItem::parse(&data).unwrap().kit_part, KitPart::DataSim);
        let voice_without_number = ItemInput {
            phone_number: None,
            ..sim.clone()
        };
        assert_eq!(
            NewItem::parse(&voice_without_number).unwrap_err().0[0].field,
            "phone_number"
        );
        let bad_plan = ItemInput {
            plan: Some("unlimited"),
            ..sim
        };
        assert_eq!(
            NewItem::parse(&bad_plan).unwrap_err().0[0].code,
            "unknown-plan"
        );
    }

    #[test]
    fn kinds_and_mailboxes() {
        let m = ItemInput {
            kind: "mailbox",
            mailbox: Some("Mario.Rossi@navigator.example.it"),
            ..Default::default()
        };
        assert_eq!(
            NewItem::parse(&m).unwrap().mailbox.as_deref(),
            Some("mario.rossi@navigator.example.it")
        );
        let unknown = ItemInput {
            kind: "laptop",
            ..Default::default()
        };
        assert_eq!(
            NewItem::parse(&unknown).unwrap_err().0[0].code,
            "unknown-kind"
        );
        let tablet = ItemInput {
            kind: "tablet",
            model: Some("Samsung Galaxy Tab A"),
            ..Default::default()
        };
        assert_eq!(
            NewItem::parse(&tablet).unwrap_err().0[0].code,
            "serial-or-imei-required"
        );
    }
}
