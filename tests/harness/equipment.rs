//! Equipment: one helper per endpoint, valid identifiers made on demand,
//! and a whole standard kit ready to assign.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::contracts::json_of;
use crate::TestApp;

/// `prefix` followed by its Luhn check digit.
pub fn luhn_complete(prefix: &str) -> String {
    for check in 0..10 {
        let candidate = format!("{prefix}{check}");
        let sum: u32 = candidate
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap();
                if i % 2 == 1 {
                    let x = d * 2;
                    if x > 9 {
                        x - 9
                    } else {
                        x
                    }
                } else {
                    d
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return candidate;
        }
    }
    unreachable!("one check digit always fits")
}

/// The `n`-th valid IMEI of a series.
pub fn imei(n: u32) -> String {
    luhn_complete(&format!("35320911{n:06}"))
}

/// The `n`-th valid ICCID of a series (19 digits).
pub fn iccid(n: u32) -> String {
    luhn_complete(&format!("893910452{n:09}"))
}

/// The five items of a standard kit, numbered `n` so that kits never clash.
pub fn kit_bodies(n: u32) -> Vec<Value> {
    vec![
        json!({ "kind": "smartphone", "model": "Samsung Galaxy A40 Enterprise Edition", "imei": imei(2 * n), "batch": "Consip 2019/1" }),
        json!({ "kind": "sim", "iccid": iccid(2 * n), "phone_number": format!("347{:07}", n), "plan": "voice_data", "batch": "Consip 2019/1" }),
        json!({ "kind": "tablet", "model": "Samsung Galaxy Tab A", "serial": format!("R52M{n:06}"), "imei": imei(2 * n + 1), "batch": "Consip 2019/1" }),
        json!({ "kind": "sim", "iccid": iccid(2 * n + 1), "plan": "data", "batch": "Consip 2019/1" }),
        json!({ "kind": "mailbox", "mailbox": format!("navigator.{n}@navigator.example.it") }),
    ]
}

impl TestApp {
    pub async fn create_item(&self, token: &str, body: &Value) -> Response {
        self.post("/equipment", Some(token), body).await
    }

    pub async fn import_items(&self, token: &str, csv: &str) -> Response {
        self.post_raw(
            "/equipment/import",
            Some(token),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await
    }

    pub async fn items(&self, token: &str, query: &str) -> Response {
        self.get(&format!("/equipment{query}"), Some(token)).await
    }

    pub async fn item(&self, token: &str, id: &str) -> Response {
        self.get(&format!("/equipment/{id}"), Some(token)).await
    }

    /// `POST /equipment/{id}/{action}` (personalise, assign, return,
    /// write-off, retire, pair).
    pub async fn item_action(&self, token: &str, id: &str, action: &str, body: &Value) -> Response {
        self.post(&format!("/equipment/{id}/{action}"), Some(token), body)
            .await
    }

    pub async fn kit(&self, token: &str, navigator: &str) -> Response {
        self.get(&format!("/navigators/{navigator}/kit"), Some(token))
            .await
    }

    pub async fn my_kit(&self, token: &str) -> Response {
        self.get("/me/kit", Some(token)).await
    }

    pub async fn acknowledge_kit(&self, token: &str) -> Response {
        self.post("/me/kit/acknowledge", Some(token), &json!({}))
            .await
    }

    /// Creates and personalises the `n`-th kit; the item ids in kit order
    /// (smartphone, voice SIM, tablet, data SIM, mailbox).
    pub async fn personalised_kit(&self, hr: &str, n: u32) -> Vec<String> {
        let mut ids = Vec::new();
        for body in kit_bodies(n) {
            let item = json_of(self.create_item(hr, &body).await, StatusCode::CREATED).await;
            let id = item["id"].as_str().unwrap().to_owned();
            json_of(
                self.item_action(hr, &id, "personalise", &json!({})).await,
                StatusCode::OK,
            )
            .await;
            ids.push(id);
        }
        ids
    }

    /// A whole kit assigned to `navigator`, the SIMs in their devices.
    pub async fn equip(&self, hr: &str, navigator: &str, n: u32) -> Vec<String> {
        let ids = self.personalised_kit(hr, n).await;
        for id in &ids {
            json_of(
                self.item_action(hr, id, "assign", &json!({ "navigator_id": navigator }))
                    .await,
                StatusCode::OK,
            )
            .await;
        }
        for (sim, device) in [(&ids[1], &ids[0]), (&ids[3], &ids[2])] {
            json_of(
                self.item_action(hr, sim, "pair", &json!({ "device_id": device }))
                    .await,
                StatusCode::OK,
            )
            .await;
        }
        ids
    }
}
