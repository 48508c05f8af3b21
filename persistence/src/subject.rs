//! Everything stored about one person, found by codice fiscale: the reads
//! behind a subject access file (GDPR art. 15) and behind the audit view's
//! person filter. Secrets (password and token hashes, second-factor
//! secrets, recovery codes) are never selected here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::audit::PersonScope;
use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::{
    applications, classroom_attendance, classroom_sessions, contract_extensions,
    contract_suspensions, contracts, cpi_assignments, distance_completions, equipment_items,
    equipment_movements, faq_entries, faq_questions, mail_outbox, mandatory_training, navigators,
    offboardings, offers, ojt_logs, question_messages, questions, ranking_entries, rankings,
    totp_factors, user_regions, users,
};

/// An account, without its password hash.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct AccountRecord {
    pub id: String,
    pub email: String,
    pub role: String,
    pub navigator_id: Option<String>,
    pub active: bool,
    pub disabled_from: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub password_changed_at: Option<NaiveDateTime>,
}

/// An account with its Regions and whether a second factor is enrolled
/// (the factor's secret stays out).
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    #[serde(flatten)]
    pub account: AccountRecord,
    pub regions: Vec<String>,
    pub second_factor_enrolled: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = applications)]
pub struct ApplicationRecord {
    pub id: String,
    pub selection_id: String,
    pub application_no: String,
    pub codice_fiscale: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: String,
    pub phone: Option<String>,
    pub province_sigla: String,
    pub degree_class: String,
    pub degree_grade: i64,
    pub degree_honours: bool,
    pub admitted: bool,
    pub state: String,
    pub state_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// An application's test result and the score made of it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = applications)]
pub struct ScoreRecord {
    #[diesel(column_name = id)]
    pub application_id: String,
    pub selection_id: String,
    pub answers_right: Option<i64>,
    pub answers_wrong: Option<i64>,
    pub answers_blank: Option<i64>,
    pub score_hundredths: Option<i64>,
    pub degree_grade: i64,
    pub degree_honours: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = ranking_entries)]
pub struct PositionPart {
    pub ranking_id: String,
    pub position: i64,
    pub application_id: String,
    pub score_hundredths: i64,
    pub status: String,
    pub decided_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = rankings)]
pub struct RankingPart {
    pub selection_id: String,
    pub province_sigla: String,
    pub version: i64,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
}

/// A position in one version of a province's ranking.
#[derive(Debug, Clone, Serialize)]
pub struct PositionRecord {
    #[serde(flatten)]
    pub entry: PositionPart,
    #[serde(flatten)]
    pub ranking: RankingPart,
}

/// An offer, without the hash of its link's token.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = offers)]
pub struct OfferRecord {
    pub id: String,
    pub selection_id: String,
    pub application_id: String,
    pub province_sigla: String,
    pub status: String,
    pub deadline: NaiveDateTime,
    pub token_used_at: Option<NaiveDateTime>,
    pub fallback: bool,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub outcome_reason: Option<String>,
    pub called_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = navigators)]
pub struct NavigatorRecord {
    pub id: String,
    pub application_id: String,
    pub selection_id: String,
    pub codice_fiscale: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub province_sigla: String,
    pub region_code: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = contracts)]
pub struct ContractRecord {
    pub id: String,
    pub navigator_id: String,
    pub offer_id: String,
    pub selection_id: String,
    pub contract_type: String,
    pub province_sigla: String,
    pub region_code: String,
    pub requirements_verified_at: NaiveDateTime,
    pub signed_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: NaiveDate,
    pub annual_pay_cents: i64,
    pub monthly_expenses_cents: i64,
    pub end_cause: Option<String>,
    pub end_effective_on: Option<NaiveDate>,
    pub end_submitted_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub seat_released_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    pub cancellation_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// An HR event on a contract: a suspension, an extension or the
/// offboarding that followed its end (resignation, withdrawal, exclusion,
/// expiry are the contract's own `end_cause`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HrEvent {
    Suspension(SuspensionRecord),
    Extension(ExtensionRecord),
    Offboarding(OffboardingRecord),
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = contract_suspensions)]
pub struct SuspensionRecord {
    pub id: String,
    pub contract_id: String,
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = contract_extensions)]
pub struct ExtensionRecord {
    pub id: String,
    pub contract_id: String,
    pub previous_end: NaiveDate,
    pub new_end: NaiveDate,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = offboardings)]
pub struct OffboardingRecord {
    pub id: String,
    pub contract_id: String,
    pub ended_on: NaiveDate,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cpi_assignments)]
pub struct AssignmentRecord {
    pub id: String,
    pub navigator_id: String,
    pub cpi_code: String,
    pub region_code: String,
    pub from_day: NaiveDate,
    pub to_day: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A training record: classroom attendance, a distance module, a
/// mandatory course.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrainingRecord {
    Classroom(AttendanceRecord),
    Distance(DistanceRecord),
    Mandatory(MandatoryRecord),
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = classroom_attendance)]
pub struct AttendancePart {
    pub id: String,
    pub session_id: String,
    pub navigator_id: String,
    pub minutes: i64,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRecord {
    #[serde(flatten)]
    pub attendance: AttendancePart,
    pub day: NaiveDate,
    pub place: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = distance_completions)]
pub struct DistanceRecord {
    pub id: String,
    pub navigator_id: String,
    pub module_id: String,
    pub completed_on: NaiveDate,
    pub test_passed: bool,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mandatory_training)]
pub struct MandatoryRecord {
    pub id: String,
    pub navigator_id: String,
    pub item: String,
    pub completed_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = ojt_logs)]
pub struct OjtRecord {
    pub id: String,
    pub navigator_id: String,
    pub day: NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub cpi_code: Option<String>,
    pub region_code: String,
    pub status: String,
    pub reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = equipment_movements)]
pub struct MovementRecord {
    pub id: String,
    pub item_id: String,
    pub movement: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub day: NaiveDate,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = equipment_items)]
pub struct ItemPart {
    pub id: String,
    pub kind: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub mailbox: Option<String>,
    pub state: String,
    pub holder_id: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub return_condition: Option<String>,
}

/// An item the person holds or held, with its movements that name them.
/// Who holds it now is said only as "the person, or not": a later holder
/// is someone else.
#[derive(Debug, Clone, Serialize)]
pub struct EquipmentRecord {
    pub id: String,
    pub kind: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub iccid: Option<String>,
    pub phone_number: Option<String>,
    pub mailbox: Option<String>,
    pub held_now: bool,
    pub assigned_on: Option<NaiveDate>,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub return_condition: Option<String>,
    pub movements: Vec<MovementRecord>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = questions)]
pub struct QuestionPart {
    pub id: String,
    pub topic: String,
    pub text: String,
    pub status: String,
    pub first_answered_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    pub merged_into: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = question_messages)]
pub struct MessageRecord {
    pub id: String,
    pub kind: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = faq_entries)]
pub struct FaqRecord {
    pub id: String,
    pub topic: String,
    pub title: String,
    pub version: i64,
    pub retired_at: Option<NaiveDateTime>,
}

/// A question with its messages and the FAQ entries it fed.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionRecord {
    #[serde(flatten)]
    pub question: QuestionPart,
    pub messages: Vec<MessageRecord>,
    pub faq_entries: Vec<FaqRecord>,
}

/// A message the service sent or will send, without its body (a body may
/// carry a one-time link).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mail_outbox)]
pub struct MailRecord {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
}

/// Everything stored about one person.
#[derive(Debug, Clone, Default)]
pub struct SubjectRecords {
    pub codice_fiscale: String,
    pub accounts: Vec<Account>,
    pub applications: Vec<ApplicationRecord>,
    pub scores: Vec<ScoreRecord>,
    pub ranking_positions: Vec<PositionRecord>,
    pub offers: Vec<OfferRecord>,
    pub navigators: Vec<NavigatorRecord>,
    pub contracts: Vec<ContractRecord>,
    pub hr_events: Vec<HrEvent>,
    pub assignments: Vec<AssignmentRecord>,
    pub training: Vec<TrainingRecord>,
    pub ojt_logs: Vec<OjtRecord>,
    pub equipment: Vec<EquipmentRecord>,
    pub questions: Vec<QuestionRecord>,
    pub mails: Vec<MailRecord>,
}

/// The ids of a person's records, by kind: how the audit log names them.
#[derive(Debug, Clone, Default)]
pub struct Footprint {
    pub codice_fiscale: String,
    pub accounts: Vec<String>,
    pub applications: Vec<String>,
    pub offers: Vec<String>,
    pub navigators: Vec<String>,
    pub contracts: Vec<String>,
    pub rankings: Vec<String>,
    pub ojt_logs: Vec<String>,
    pub attendance: Vec<String>,
    pub distance: Vec<String>,
    pub mandatory: Vec<String>,
    pub questions: Vec<String>,
    pub emails: Vec<String>,
    /// Each application's ranking (`selection/province`) and number.
    pub numbers: Vec<(String, String)>,
}

impl Footprint {
    /// Whether the service holds anything about the person.
    pub fn is_known(&self) -> bool {
        !self.applications.is_empty() || !self.navigators.is_empty()
    }

    /// The audit log's lines concerning the person, as a filter.
    pub fn scope(&self) -> PersonScope {
        let records = [
            ("user", &self.accounts),
            ("candidate", &self.applications),
            ("offer", &self.offers),
            ("navigator", &self.navigators),
            ("contract", &self.contracts),
            ("ojt_log", &self.ojt_logs),
            ("classroom_attendance", &self.attendance),
            ("distance_completion", &self.distance),
            ("mandatory_training", &self.mandatory),
            ("question", &self.questions),
        ];
        PersonScope {
            accounts: self.accounts.clone(),
            records: records
                .into_iter()
                .map(|(e, ids)| (e.to_owned(), ids.clone()))
                .collect(),
            rankings: self.rankings.clone(),
            extracts: self.numbers.clone(),
        }
    }
}

/// The ids of everything stored about the person with this codice fiscale
/// (upper case, as stored).
pub fn footprint(conn: &mut DbConnection, codice_fiscale: &str) -> Result<Footprint> {
    let rows: Vec<(String, String, String, String, String)> = applications::table
        .filter(applications::codice_fiscale.eq(codice_fiscale))
        .select((
            applications::id,
            applications::email,
            applications::selection_id,
            applications::province_sigla,
            applications::application_no,
        ))
        .order(applications::id)
        .load(conn)?;
    let numbers = rows
        .iter()
        .map(|(_, _, sel, sigla, no)| (format!("{sel}/{sigla}"), no.clone()))
        .collect();
    let (applications, mut emails): (Vec<String>, Vec<String>) =
        rows.into_iter().map(|(id, email, ..)| (id, email)).unzip();
    let navigators: Vec<(String, String)> = navigators::table
        .filter(navigators::codice_fiscale.eq(codice_fiscale))
        .select((navigators::id, navigators::email))
        .order(navigators::id)
        .load(conn)?;
    let (navigators, nav_emails): (Vec<String>, Vec<String>) = navigators.into_iter().unzip();
    emails.extend(nav_emails);
    let accounts: Vec<(String, String)> = users::table
        .filter(users::navigator_id.eq_any(&navigators))
        .select((users::id, users::email))
        .order(users::id)
        .load(conn)?;
    let (accounts, account_emails): (Vec<String>, Vec<String>) = accounts.into_iter().unzip();
    emails.extend(account_emails);
    emails.sort();
    emails.dedup();
    let mut rankings: Vec<String> = ranking_entries::table
        .filter(ranking_entries::application_id.eq_any(&applications))
        .select(ranking_entries::ranking_id)
        .load(conn)?;
    rankings.sort();
    rankings.dedup();
    Ok(Footprint {
        codice_fiscale: codice_fiscale.to_owned(),
        offers: offers::table
            .filter(offers::application_id.eq_any(&applications))
            .select(offers::id)
            .load(conn)?,
        contracts: contracts::table
            .filter(contracts::navigator_id.eq_any(&navigators))
            .select(contracts::id)
            .load(conn)?,
        ojt_logs: ojt_logs::table
            .filter(ojt_logs::navigator_id.eq_any(&navigators))
            .select(ojt_logs::id)
            .load(conn)?,
        attendance: classroom_attendance::table
            .filter(classroom_attendance::navigator_id.eq_any(&navigators))
            .select(classroom_attendance::id)
            .load(conn)?,
        distance: distance_completions::table
            .filter(distance_completions::navigator_id.eq_any(&navigators))
            .select(distance_completions::id)
            .load(conn)?,
        mandatory: mandatory_training::table
            .filter(mandatory_training::navigator_id.eq_any(&navigators))
            .select(mandatory_training::id)
            .load(conn)?,
        questions: questions::table
            .filter(questions::author_id.eq_any(&accounts))
            .select(questions::id)
            .load(conn)?,
        accounts,
        applications,
        navigators,
        rankings,
        emails,
        numbers,
    })
}

/// The codice fiscale of the Navigator an account belongs to.
pub fn codice_of_account(conn: &mut DbConnection, account_id: &str) -> Result<Option<String>> {
    Ok(users::table
        .inner_join(navigators::table.on(users::navigator_id.eq(navigators::id.nullable())))
        .filter(users::id.eq(account_id))
        .select(navigators::codice_fiscale)
        .first(conn)
        .optional()?)
}

/// Everything stored about the person `f` names.
pub fn records(conn: &mut DbConnection, f: &Footprint) -> Result<SubjectRecords> {
    let mut accounts = Vec::new();
    for account in users::table
        .filter(users::id.eq_any(&f.accounts))
        .select(AccountRecord::as_select())
        .order(users::created_at)
        .load(conn)?
    {
        let regions = user_regions::table
            .filter(user_regions::user_id.eq(&account.id))
            .select(user_regions::region_code)
            .order(user_regions::region_code)
            .load(conn)?;
        let second_factor_enrolled = totp_factors::table
            .filter(totp_factors::user_id.eq(&account.id))
            .filter(totp_factors::confirmed_at.is_not_null())
            .count()
            .get_result::<i64>(conn)?
            > 0;
        accounts.push(Account {
            account,
            regions,
            second_factor_enrolled,
        });
    }
    let ranking_positions = ranking_entries::table
        .inner_join(rankings::table)
        .filter(ranking_entries::application_id.eq_any(&f.applications))
        .select((PositionPart::as_select(), RankingPart::as_select()))
        .order((
            rankings::selection_id,
            rankings::province_sigla,
            rankings::version,
        ))
        .load::<(PositionPart, RankingPart)>(conn)?
        .into_iter()
        .map(|(entry, ranking)| PositionRecord { entry, ranking })
        .collect();

    let mut hr_events: Vec<HrEvent> = Vec::new();
    hr_events.extend(
        contract_suspensions::table
            .filter(contract_suspensions::contract_id.eq_any(&f.contracts))
            .select(SuspensionRecord::as_select())
            .order(contract_suspensions::created_at)
            .load(conn)?
            .into_iter()
            .map(HrEvent::Suspension),
    );
    hr_events.extend(
        contract_extensions::table
            .filter(contract_extensions::contract_id.eq_any(&f.contracts))
            .select(ExtensionRecord::as_select())
            .order(contract_extensions::created_at)
            .load(conn)?
            .into_iter()
            .map(HrEvent::Extension),
    );
    hr_events.extend(
        offboardings::table
            .filter(offboardings::contract_id.eq_any(&f.contracts))
            .select(OffboardingRecord::as_select())
            .order(offboardings::opened_at)
            .load(conn)?
            .into_iter()
            .map(HrEvent::Offboarding),
    );

    let mut training: Vec<TrainingRecord> = classroom_attendance::table
        .inner_join(classroom_sessions::table)
        .filter(classroom_attendance::navigator_id.eq_any(&f.navigators))
        .select((
            AttendancePart::as_select(),
            classroom_sessions::day,
            classroom_sessions::place,
        ))
        .order(classroom_sessions::day)
        .load::<(AttendancePart, NaiveDate, String)>(conn)?
        .into_iter()
        .map(|(attendance, day, place)| {
            TrainingRecord::Classroom(AttendanceRecord {
                attendance,
                day,
                place,
            })
        })
        .collect();
    training.extend(
        distance_completions::table
            .filter(distance_completions::navigator_id.eq_any(&f.navigators))
            .select(DistanceRecord::as_select())
            .order(distance_completions::completed_on)
            .load(conn)?
            .into_iter()
            .map(TrainingRecord::Distance),
    );
    training.extend(
        mandatory_training::table
            .filter(mandatory_training::navigator_id.eq_any(&f.navigators))
            .select(MandatoryRecord::as_select())
            .order(mandatory_training::completed_on)
            .load(conn)?
            .into_iter()
            .map(TrainingRecord::Mandatory),
    );

    let movements: Vec<MovementRecord> = equipment_movements::table
        .filter(equipment_movements::navigator_id.eq_any(&f.navigators))
        .select(MovementRecord::as_select())
        .order(equipment_movements::at)
        .load(conn)?;
    let item_ids: Vec<String> = movements.iter().map(|m| m.item_id.clone()).collect();
    let items: Vec<ItemPart> = equipment_items::table
        .filter(
            equipment_items::id
                .eq_any(&item_ids)
                .or(equipment_items::holder_id.eq_any(&f.navigators)),
        )
        .select(ItemPart::as_select())
        .order(equipment_items::id)
        .load(conn)?;
    let equipment = items
        .into_iter()
        .map(|i| EquipmentRecord {
            held_now: i
                .holder_id
                .as_ref()
                .is_some_and(|h| f.navigators.contains(h)),
            movements: movements
                .iter()
                .filter(|m| m.item_id == i.id)
                .cloned()
                .collect(),
            id: i.id,
            kind: i.kind,
            model: i.model,
            serial: i.serial,
            imei: i.imei,
            iccid: i.iccid,
            phone_number: i.phone_number,
            mailbox: i.mailbox,
            assigned_on: i.assigned_on,
            acknowledged_at: i.acknowledged_at,
            return_condition: i.return_condition,
        })
        .collect();

    let mut questions_out = Vec::new();
    for question in questions::table
        .filter(questions::id.eq_any(&f.questions))
        .select(QuestionPart::as_select())
        .order(questions::created_at)
        .load(conn)?
    {
        let messages = question_messages::table
            .filter(question_messages::question_id.eq(&question.id))
            .select(MessageRecord::as_select())
            .order(question_messages::created_at)
            .load(conn)?;
        let faq = faq_questions::table
            .inner_join(faq_entries::table.on(faq_entries::id.eq(faq_questions::entry_id)))
            .filter(faq_questions::question_id.eq(&question.id))
            .select(FaqRecord::as_select())
            .order(faq_entries::id)
            .load(conn)?;
        questions_out.push(QuestionRecord {
            question,
            messages,
            faq_entries: faq,
        });
    }

    Ok(SubjectRecords {
        codice_fiscale: f.codice_fiscale.clone(),
        accounts,
        applications: applications::table
            .filter(applications::id.eq_any(&f.applications))
            .select(ApplicationRecord::as_select())
            .order(applications::created_at)
            .load(conn)?,
        scores: applications::table
            .filter(applications::id.eq_any(&f.applications))
            .select(ScoreRecord::as_select())
            .order(applications::created_at)
            .load(conn)?,
        ranking_positions,
        offers: offers::table
            .filter(offers::id.eq_any(&f.offers))
            .select(OfferRecord::as_select())
            .order(offers::created_at)
            .load(conn)?,
        navigators: navigators::table
            .filter(navigators::id.eq_any(&f.navigators))
            .select(NavigatorRecord::as_select())
            .order(navigators::created_at)
            .load(conn)?,
        contracts: contracts::table
            .filter(contracts::id.eq_any(&f.contracts))
            .select(ContractRecord::as_select())
            .order(contracts::created_at)
            .load(conn)?,
        hr_events,
        assignments: cpi_assignments::table
            .filter(cpi_assignments::navigator_id.eq_any(&f.navigators))
            .select(AssignmentRecord::as_select())
            .order(cpi_assignments::from_day)
            .load(conn)?,
        training,
        ojt_logs: ojt_logs::table
            .filter(ojt_logs::navigator_id.eq_any(&f.navigators))
            .select(OjtRecord::as_select())
            .order(ojt_logs::day)
            .load(conn)?,
        equipment,
        questions: questions_out,
        mails: mail_outbox::table
            .filter(mail_outbox::recipient.eq_any(&f.emails))
            .select(MailRecord::as_select())
            .order(mail_outbox::created_at)
            .load(conn)?,
    })
}

/// Every audit line concerning the person, oldest first.
pub fn audit_lines(conn: &mut DbConnection, f: &Footprint) -> Result<Vec<crate::audit::AuditRow>> {
    let filter = crate::audit::AuditFilter {
        person: Some(f.scope()),
        limit: i64::MAX,
        ..Default::default()
    };
    let mut rows = crate::audit::list(conn, &filter)?;
    rows.reverse();
    Ok(rows)
}
