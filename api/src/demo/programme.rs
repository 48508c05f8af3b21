//! The demo programme: a selection with a few thousand applications over
//! Lazio, Lombardia and Campania, its rankings, calls with declines and
//! lapses, contracts, CPI assignments, training at different stages,
//! equipment and a few resignations. It is made through the service's own
//! API, served for the occasion on a free local port, so every record goes
//! through the same rules as a user's request; the tokens are minted with
//! that server's key for the demo accounts. Everything is labelled as demo.

use anyhow::{anyhow, bail, Context};
use chrono::{Days, NaiveDate, Utc};
use domain::account::Role;
use domain::selection::codice_fiscale::CodiceFiscale;
use persistence::{accounts, write_transaction, Database};
use reqwest::Method;
use serde_json::{json, Value};

use rand::distr::{Alphanumeric, SampleString};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;

use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::startup::Application;

pub const SELECTION_CODE: &str = "DEMO-NAV";

/// Provinces of the demo with their posts and the seats filled.
const PROVINCES: [(&str, &str, i64, usize); 5] = [
    ("RM", "12", 40, 24),
    ("LT", "12", 10, 6),
    ("MI", "03", 40, 24),
    ("NA", "15", 40, 24),
    ("SA", "15", 10, 6),
];
/// Applications per province: within 20 per post, so all are admitted.
const APPLICANTS_PER_POST: usize = 17;

const FIRST_NAMES: [&str; 16] = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Davide",
    "Martina",
    "Stefano",
    "Elena",
    "Andrea",
    "Valentina",
    "Matteo",
    "Federica",
    "Simone",
];
const LAST_NAMES: [&str; 16] = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
];

pub struct ProgrammeReport {
    pub applications: usize,
    pub navigators: usize,
    pub declined: usize,
    pub lapsed: usize,
    pub resigned: usize,
    pub ojt_logs: usize,
    pub items: usize,
}

/// A tiny deterministic generator: the same demo every time.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn letters(mut n: usize) -> String {
    let mut out = [b'A'; 3];
    for slot in out.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

enum Body {
    Empty,
    Json(Value),
    Csv(String),
}

impl Client {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Body,
    ) -> anyhow::Result<Value> {
        let mut r = self
            .http
            .request(method.clone(), format!("{}/api/v1{path}", self.base))
            .bearer_auth(token);
        r = match body {
            Body::Empty => r,
            Body::Json(v) => r.json(&v),
            Body::Csv(text) => r.header("content-type", "text/csv").body(text),
        };
        let response = r.send().await.with_context(|| format!("{method} {path}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        self.send(Method::GET, path, token, Body::Empty).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> anyhow::Result<Value> {
        self.send(Method::POST, path, token, Body::Json(body)).await
    }

    async fn csv(&self, path: &str, token: &str, text: String) -> anyhow::Result<Value> {
        self.send(Method::POST, path, token, Body::Csv(text)).await
    }
}

fn text(v: &Value, key: &str) -> anyhow::Result<String> {
    v[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no {key} in {v}"))
}

/// Tokens for the demo accounts, minted with the demo server's key.
struct Tokens {
    keys: JwtKeys,
    db: Database,
}

impl Tokens {
    fn of_email(&self, email: &str) -> anyhow::Result<String> {
        let mut conn = self.db.get()?;
        let a = accounts::find_by_email(&mut conn, email)?
            .ok_or_else(|| anyhow!("demo account {email} missing"))?;
        Ok(self
            .keys
            .issue(&a.user.id, &a.user.role, &a.regions, None)?)
    }

    fn of_navigator(&self, navigator_id: &str) -> anyhow::Result<String> {
        let mut conn = self.db.get()?;
        let a = accounts::find_by_navigator(&mut conn, navigator_id)?
            .ok_or_else(|| anyhow!("no account for Navigator {navigator_id}"))?;
        Ok(self.keys.issue(
            &a.user.id,
            Role::Navigator.as_str(),
            &[],
            Some(navigator_id),
        )?)
    }
}

struct Hired {
    navigator: String,
    contract: String,
    province: &'static str,
    region: &'static str,
    codice_fiscale: String,
}

fn day(d: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        d + Days::new(offset as u64)
    } else {
        d - Days::new(offset.unsigned_abs())
    }
}

/// Builds the demo programme unless it exists; `None` when it does.
pub async fn seed_programme(
    settings: &Settings,
    today: NaiveDate,
) -> anyhow::Result<Option<ProgrammeReport>> {
    let mut s = settings.clone();
    s.listen = "127.0.0.1:0".into();
    s.jwt_secret = Some(Alphanumeric.sample_string(&mut UnwrapErr(SysRng), 48));
    // This short-lived server delivers no mail: the real one will.
    s.mail_sender = false;
    s.workers = 2;
    s.admin_email = None;
    s.admin_password = None;
    s.today = Some(today);
    let key = s.jwt_secret.clone().unwrap_or_default();
    let app = Application::build(s.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.database().clone();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let tokens = Tokens {
        keys: JwtKeys::new(
            key.as_bytes(),
            &s.jwt_issuer,
            &s.jwt_audience,
            chrono::Duration::hours(2),
        ),
        db: db.clone(),
    };
    let client = Client {
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()?,
        base,
    };
    let result = build(&client, &tokens, &db, today).await;
    handle.stop(true).await;
    let _ = server.await;
    result
}

async fn build(
    api: &Client,
    tokens: &Tokens,
    db: &Database,
    today: NaiveDate,
) -> anyhow::Result<Option<ProgrammeReport>> {
    let hr = tokens.of_email("demo.hr@navigator-demo.it")?;
    let existing = list_all(api, &hr, "/selections").await?;
    if existing.iter().any(|s| s["code"] == SELECTION_CODE) {
        return Ok(None);
    }
    let mut rng = Lcg(2019);
    let notice = day(today, -240);
    let ranked_on = day(today, -200);
    let signed_on = day(today, -180);
    let start = day(today, -179);

    // The selection, its posts, applications, admission, results, rankings.
    let selection = api
        .post(
            "/selections",
            &hr,
            json!({
                "code": SELECTION_CODE,
                "title": "Selezione Navigator (dati demo)",
                "published_on": notice,
                "contract_end": day(today, 365),
            }),
        )
        .await?;
    let sel = text(&selection, "id")?;
    let posts: Vec<Value> = PROVINCES
        .iter()
        .map(|(p, _, n, _)| json!({ "province": p, "posts": n }))
        .collect();
    api.send(
        Method::PUT,
        &format!("/selections/{sel}/posts"),
        &hr,
        Body::Json(Value::Array(posts)),
    )
    .await?;
    let mut csv = crate::handlers::selection::applications::CSV_HEADER.join(",");
    csv.push('\n');
    let mut results = String::from("application_no,right,wrong,blank\n");
    let mut n = 0usize;
    for (sigla, _, posts, _) in PROVINCES {
        for _ in 0..(posts as usize * APPLICANTS_PER_POST) {
            let year = 1975 + rng.below(24) as i32;
            let month = 1 + rng.below(12) as usize;
            let dom = 1 + rng.below(28);
            let months = b"ABCDEHLMPRST";
            let cf = CodiceFiscale::complete(&format!(
                "{}{}{:02}{}{dom:02}H501",
                letters(n),
                letters(n / 7 + 11),
                year % 100,
                months[month - 1] as char
            ))
            .ok_or_else(|| anyhow!("generated codice fiscale"))?;
            let first = FIRST_NAMES[rng.below(16) as usize];
            let last = LAST_NAMES[rng.below(16) as usize];
            let grade = 95 + rng.below(16);
            let honours = grade == 110 && rng.below(2) == 0;
            csv.push_str(&format!(
                "DEMO{n:05},{},{first},{last} (demo),{year}-{month:02}-{dom:02},demo.candidato{n}@navigator-demo.it,,{sigla},LM-56,{grade},{honours}\n",
                cf.as_str()
            ));
            let right = 55 + rng.below(45) as i64;
            let wrong = rng.below((100 - right) as u64 + 1) as i64;
            results.push_str(&format!(
                "DEMO{n:05},{right},{wrong},{}\n",
                100 - right - wrong
            ));
            n += 1;
        }
    }
    api.csv(&format!("/selections/{sel}/applications/import"), &hr, csv)
        .await?;
    api.post(&format!("/selections/{sel}/admission"), &hr, json!({}))
        .await?;
    api.csv(&format!("/selections/{sel}/results/import"), &hr, results)
        .await?;
    api.post(
        &format!("/selections/{sel}/rankings/publish"),
        &hr,
        json!({ "published_on": ranked_on }),
    )
    .await?;

    // Calls: in three provinces one declined offer and one left to lapse.
    let mut declined = 0;
    for sigla in ["RM", "MI", "NA"] {
        let first = api
            .post(
                &format!("/selections/{sel}/provinces/{sigla}/calls"),
                &hr,
                json!({}),
            )
            .await?;
        api.post(
            &format!("/offers/{}/decline", text(&first, "id")?),
            &hr,
            json!({}),
        )
        .await?;
        declined += 1;
        api.post(
            &format!("/selections/{sel}/provinces/{sigla}/calls"),
            &hr,
            json!({}),
        )
        .await?;
    }
    // The deadlines pass: the background task's own code, a week ahead.
    let lapsed = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut conn = db.get()?;
            write_transaction(&mut conn, |conn| {
                crate::scorrimento::lapse_overdue(
                    conn,
                    Utc::now() + chrono::Duration::days(8),
                    today,
                )
            })
            .map_err(|e| anyhow!("lapsing the demo offers: {e}"))
        })
        .await??
    };

    // The seats filled: accepted, drafted, signed.
    let mut hired = Vec::new();
    for (sigla, region, _, filled) in PROVINCES {
        for _ in 0..filled {
            let offer = api
                .post(
                    &format!("/selections/{sel}/provinces/{sigla}/calls"),
                    &hr,
                    json!({}),
                )
                .await?;
            let id = text(&offer, "id")?;
            api.post(&format!("/offers/{id}/accept"), &hr, json!({}))
                .await?;
            let draft = api
                .post(
                    &format!("/offers/{id}/contract"),
                    &hr,
                    json!({ "requirements_verified": true }),
                )
                .await?;
            let contract = text(&draft, "id")?;
            let signed = api
                .post(
                    &format!("/contracts/{contract}/sign"),
                    &hr,
                    json!({ "signed_on": signed_on, "start_date": start }),
                )
                .await?;
            let navigator = text(&signed, "navigator_id")?;
            let mut conn = db.get()?;
            let nav = persistence::contracts::get_navigator(&mut conn, &navigator)?
                .ok_or_else(|| anyhow!("navigator {navigator}"))?;
            hired.push(Hired {
                navigator,
                contract,
                province: sigla,
                region,
                codice_fiscale: nav.codice_fiscale,
            });
        }
    }

    // CPI assignments in the `cpi` Regions: the province's two demo CPIs in turn.
    for (i, h) in hired.iter().enumerate().filter(|(_, h)| h.region != "15") {
        let cpi = format!("DEMO-{}-{:02}", h.province, 1 + i % 2);
        api.post(
            &format!("/navigators/{}/assignment", h.navigator),
            &hr,
            json!({ "cpi_code": cpi, "from": start }),
        )
        .await?;
    }

    // Training at four stages: 0 nothing yet, 1 classroom, 2 classroom and
    // distance with part of the on-the-job hours, 3 the whole path.
    let stage = |i: usize| i % 4;
    let trainer = tokens.of_email("demo.formatore@navigator-demo.it")?;
    for k in 0..5i64 {
        let session = api
            .post(
                "/training/sessions",
                &trainer,
                json!({ "day": day(start, 1 + k), "hours": 8, "place": "Aula demo, Roma", "trainer": "Formatore demo" }),
            )
            .await?;
        let attendance: Vec<Value> = hired
            .iter()
            .enumerate()
            .filter(|(i, _)| stage(*i) >= 1)
            .map(|(_, h)| json!({ "navigator_id": h.navigator, "hours": 8 }))
            .collect();
        api.post(
            &format!("/training/sessions/{}/attendance", text(&session, "id")?),
            &trainer,
            Value::Array(attendance),
        )
        .await?;
    }
    let mut completions = Vec::new();
    for (i, h) in hired.iter().enumerate().filter(|(i, _)| stage(*i) >= 2) {
        for m in 1..=8i64 {
            completions.push(json!({
                "codice_fiscale": h.codice_fiscale,
                "module_code": format!("FAD-{m:02}"),
                "completed_on": day(start, 10 + m + (i % 5) as i64),
                "test_passed": true,
            }));
        }
    }
    api.post(
        "/training/distance/completions",
        &hr,
        Value::Array(completions),
    )
    .await?;

    let mut ojt_logs = 0;
    for (i, h) in hired.iter().enumerate() {
        let (validated, pending) = match stage(i) {
            0 => (0, 0),
            1 => (0, 4),
            2 => (8, 2),
            _ => (15, 0),
        };
        if validated + pending == 0 {
            continue;
        }
        let token = tokens.of_navigator(&h.navigator)?;
        let mut ids = Vec::new();
        for k in 0..(validated + pending) {
            let log = api
                .post(
                    "/me/ojt-logs",
                    &token,
                    json!({
                        "client_id": format!("demo-{i}-{k}"),
                        "day": day(start, 20 + k),
                        "hours": 8,
                        "activity": "Affiancamento agli operatori del CPI (demo)",
                    }),
                )
                .await?;
            ojt_logs += 1;
            if k < validated {
                ids.push(text(&log, "id")?);
            }
        }
        if !ids.is_empty() {
            let coordinator = match h.region {
                "12" => "demo.coordinatore.lazio@navigator-demo.it",
                "03" => "demo.coordinatore.lombardia@navigator-demo.it",
                _ => "demo.coordinatore.campania@navigator-demo.it",
            };
            api.post(
                "/ojt-logs/validate",
                &tokens.of_email(coordinator)?,
                json!({ "ids": ids }),
            )
            .await?;
        }
    }

    // Equipment: a kit for three in four, received as one procurement batch.
    let equipped: Vec<(usize, &Hired)> = hired
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 0)
        .collect();
    let mut batch = crate::handlers::equipment::inventory::HEADER.join(",");
    batch.push('\n');
    for (i, _) in &equipped {
        let n = *i as u64;
        let imei = |k: u64| luhn(&format!("35{:012}", 9_000_000 + n * 2 + k));
        let iccid = |k: u64| luhn(&format!("893910{:012}", 5_000_000 + n * 2 + k));
        batch.push_str(&format!(
            "smartphone,Samsung Galaxy A40 Enterprise Edition,,{},,,,,Consip demo\n",
            imei(0)
        ));
        batch.push_str(&format!(
            "sim,,,,{},347{:07},voice_data,,Consip demo\n",
            iccid(0),
            5_000_000 + n
        ));
        batch.push_str(&format!(
            "tablet,Samsung Galaxy Tab A,DEMO{n:06},{},,,,,Consip demo\n",
            imei(1)
        ));
        batch.push_str(&format!("sim,,,,{},,data,,Consip demo\n", iccid(1)));
        batch.push_str(&format!(
            "mailbox,,,,,,,navigator.demo{n}@navigator-demo.it,\n"
        ));
    }
    api.csv("/equipment/import", &hr, batch).await?;
    let stock = list_all(api, &hr, "/equipment?state=in_stock&batch=Consip%20demo").await?;
    let mailboxes = list_all(api, &hr, "/equipment?state=in_stock&kind=mailbox").await?;
    let items = stock.len() + mailboxes.len();
    let mut by_part: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for item in stock.iter().chain(&mailboxes) {
        let id = text(item, "id")?;
        api.post(&format!("/equipment/{id}/personalise"), &hr, json!({}))
            .await?;
        by_part.entry(text(item, "kit_part")?).or_default().push(id);
    }
    for (k, (i, h)) in equipped.iter().enumerate() {
        let mut kit = Vec::new();
        for part in [
            "smartphone",
            "sim_voice_data",
            "tablet",
            "sim_data",
            "mailbox",
        ] {
            let id = by_part
                .get(part)
                .and_then(|ids| ids.get(k))
                .cloned()
                .ok_or_else(|| anyhow!("no {part} for kit {k}"))?;
            api.post(
                &format!("/equipment/{id}/assign"),
                &hr,
                json!({ "navigator_id": h.navigator }),
            )
            .await?;
            kit.push(id);
        }
        api.post(
            &format!("/equipment/{}/pair", kit[1]),
            &hr,
            json!({ "device_id": kit[0] }),
        )
        .await?;
        api.post(
            &format!("/equipment/{}/pair", kit[3]),
            &hr,
            json!({ "device_id": kit[2] }),
        )
        .await?;
        if i % 2 == 1 {
            api.post(
                "/me/kit/acknowledge",
                &tokens.of_navigator(&h.navigator)?,
                json!({}),
            )
            .await?;
        }
    }

    // A few resignations, effective today; two of them bring their kit back
    // except the tablet, so their offboarding stays open.
    let mut resigned = 0;
    for (i, h) in hired
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 3)
        .take(3)
    {
        api.post(
            &format!("/contracts/{}/resignation", h.contract),
            &hr,
            json!({ "submitted_on": day(today, -20), "effective_on": today }),
        )
        .await?;
        resigned += 1;
        if i % 4 != 0 {
            let kit = api
                .get(&format!("/navigators/{}/kit", h.navigator), &hr)
                .await?;
            for item in kit["items"].as_array().into_iter().flatten() {
                let kind = text(item, "kind")?;
                if kind == "tablet" || kind == "mailbox" {
                    continue;
                }
                api.post(
                    &format!("/equipment/{}/return", text(item, "id")?),
                    &hr,
                    json!({ "condition": "good", "wiped": true }),
                )
                .await?;
            }
        }
    }
    // Reading the records settles today's endings: seats, mailboxes, offboarding.
    api.get("/offboarding?open=true", &hr).await?;

    Ok(Some(ProgrammeReport {
        applications: n,
        navigators: hired.len(),
        declined,
        lapsed,
        resigned,
        ojt_logs,
        items,
    }))
}

/// Every page of a list.
async fn list_all(api: &Client, token: &str, path: &str) -> anyhow::Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let page_path = match &cursor {
            Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
            None => format!("{path}{sep}limit=500"),
        };
        let page = api.get(&page_path, token).await?;
        out.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return Ok(out),
        }
    }
}

/// `digits` followed by its Luhn check digit.
fn luhn(digits: &str) -> String {
    (0..10)
        .map(|c| format!("{digits}{c}"))
        .find(|candidate| {
            let sum: u32 = candidate
                .chars()
                .rev()
                .enumerate()
                .filter_map(|(i, c)| c.to_digit(10).map(|d| (i, d)))
                .map(|(i, d)| {
                    if i % 2 == 1 {
                        if d * 2 > 9 {
                            d * 2 - 9
                        } else {
                            d * 2
                        }
                    } else {
                        d
                    }
                })
                .sum();
            sum.is_multiple_of(10)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_pass_the_checks() {
        let imei = luhn("35000000900000");
        assert!(domain::equipment::identifiers::imei("imei", &imei).is_ok());
        let iccid = luhn("893910000005000000");
        assert!(domain::equipment::identifiers::iccid("iccid", &iccid).is_ok());
        assert_eq!(letters(0), "AAA");
        assert_eq!(letters(27), "ABB");
    }

    #[test]
    fn the_demo_fills_fewer_seats_than_its_posts() {
        for (_, _, posts, filled) in PROVINCES {
            // Room for the declined and lapsed calls, and more calls later.
            assert!(filled as i64 + 2 <= posts);
        }
    }
}
