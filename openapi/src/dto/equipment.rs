//! Equipment: items, movements, pairings and kits.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Cursor;

/// An item for the inventory; which fields a kind takes: smartphone `model`,
/// `imei` (`serial` optional); tablet `model` and `serial` or `imei`; SIM
/// `iccid`, `plan` and, for `voice_data`, `phone_number`; mailbox `mailbox`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// `smartphone`, `tablet`, `sim` or `mailbox`.
    pub kind: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub imei: Option<String>,
    #[serde(default)]
    pub iccid: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    /// `voice_data` or `data`.
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub mailbox: Option<String>,
    /// The procurement batch (e.g. the Consip order).
    #[serde(default)]
    pub batch: Option<String>,
}

/// Where an item is in its cycle (DOMAIN.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
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

impl From<domain::equipment::ItemState> for ItemState {
    fn from(s: domain::equipment::ItemState) -> Self {
        use domain::equipment::ItemState as S;
        match s {
            S::InStock => Self::InStock,
            S::Personalised => Self::Personalised,
            S::Assigned => Self::Assigned,
            S::Returned => Self::Returned,
            S::Lost => Self::Lost,
            S::Stolen => Self::Stolen,
            S::Broken => Self::Broken,
            S::Retired => Self::Retired,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemView {
    pub id: Uuid,
    pub kind: String,
    /// The part of the standard kit it is: `smartphone`, `sim_voice_data`,
    /// `tablet`, `sim_data` or `mailbox`.
    pub kit_part: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub plan: Option<String>,
    pub mailbox: Option<String>,
    pub batch: Option<String>,
    pub state: ItemState,
    /// The holder, while assigned.
    pub navigator_id: Option<Uuid>,
    /// The device a SIM sits in, or the SIM a device holds.
    pub paired_with: Option<Uuid>,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub assigned_on: Option<NaiveDate>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub return_condition: Option<String>,
    pub wiped: Option<bool>,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub reported_on: Option<NaiveDate>,
    /// A lost or stolen SIM the operator must block.
    pub block_requested: bool,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub deprovisioned_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentQuery {
    pub kind: Option<String>,
    pub state: Option<String>,
    /// The holder's navigator id.
    pub navigator: Option<String>,
    pub batch: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportedItems {
    pub imported: usize,
}

/// The day of a movement; today when absent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignItemRequest {
    pub navigator_id: String,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnCondition {
    Good,
    Damaged,
    /// Unusable: the item becomes `broken`.
    Broken,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnItemRequest {
    pub condition: ReturnCondition,
    /// The device's data was wiped (required for smartphones and tablets).
    pub wiped: bool,
    #[serde(default, deserialize_with = "domain::day::deserialize_option")]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteOffState {
    Lost,
    Stolen,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteOffRequest {
    pub state: WriteOffState,
    /// The day the loss or theft was reported.
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub reported_on: NaiveDate,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// The smartphone or tablet the SIM goes into.
    pub device_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PairingView {
    pub sim_id: Uuid,
    pub device_id: Uuid,
    pub paired_at: DateTime<Utc>,
    pub unpaired_at: Option<DateTime<Utc>>,
}

/// A Navigator's kit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KitView {
    pub navigator_id: Uuid,
    /// The whole standard kit is assigned.
    pub complete: bool,
    pub items: Vec<ItemView>,
    /// The kit parts still missing.
    pub missing: Vec<String>,
    /// When the Navigator acknowledged receipt of every item they hold;
    /// null while some item is not acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
}
