//! Question RdC: Navigators ask, experts take and answer. Every move is
//! checked by [`domain::question::decide`]; this room loads the question,
//! applies the move with a conditional update, keeps the thread, tells the
//! author (the unread flag, and a mail when answered) and writes the audit.

use domain::account::Role;
use domain::question::{
    can_receive_merge, decide, Mover, QuestionMove, QuestionRefusal, QuestionState, QuestionStatus,
    QuestionText,
};
use domain::{RuleCode, Violation};
use openapi::ProblemType;
use persistence::audit;
use persistence::outbox;
use persistence::questions::{self, Change, Filter, MessageRow, QuestionRow, TopicRow};
use persistence::DbConnection;

use crate::app::{Access, Act, UseCase};
use crate::auth::caller::Caller;
use crate::error::{ApiError, ApiResult};

pub mod report;

/// Everyone who may open the questions: the Navigators (their own), the
/// experts, HR and administrators (all of them).
pub const READERS: &[Role] = &[Role::Navigator, Role::Expert, Role::Hr, Role::Admin];

/// Whoever acts: a question is always somebody's move.
fn caller(act: &Act) -> ApiResult<&Caller> {
    act.caller.as_ref().ok_or(ApiError::Forbidden)
}

/// The question `id` as the caller may see it: a Navigator sees only their
/// own (another's is not found, as its existence is not theirs to know).
fn visible(conn: &mut DbConnection, caller: &Caller, id: &str) -> ApiResult<QuestionRow> {
    let q = questions::get(conn, id)?.ok_or(ApiError::NotFound { entity: "question" })?;
    if caller.role == Role::Navigator && q.author_id != caller.user_id {
        return Err(ApiError::NotFound { entity: "question" });
    }
    Ok(q)
}

pub(crate) fn status_of(q: &QuestionRow) -> ApiResult<QuestionStatus> {
    QuestionStatus::parse(&q.status).ok_or_else(|| {
        tracing::error!(status = %q.status, id = %q.id, "unknown question status stored");
        ApiError::Internal
    })
}

fn refused(id: &str, r: QuestionRefusal) -> ApiError {
    match r {
        QuestionRefusal::NotYourMove => ApiError::Forbidden,
        QuestionRefusal::Status(s) => {
            ApiError::conflict(ProblemType::QuestionStatusForbids, s.as_str())
        }
        QuestionRefusal::TakenByAnother => ApiError::conflict(ProblemType::QuestionTaken, id),
        QuestionRefusal::NotTaken => ApiError::conflict(ProblemType::QuestionNotTaken, id),
        QuestionRefusal::NoDetailRequested => {
            ApiError::conflict(ProblemType::NoDetailRequested, id)
        }
    }
}

/// The topics, in their order. Everyone signed in reads them.
#[derive(Clone)]
pub struct ListTopics;

impl UseCase for ListTopics {
    type Outcome = Vec<TopicRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, _act: &Act) -> ApiResult<Vec<TopicRow>> {
        Ok(questions::topics(conn)?)
    }
}

/// Records that the caller opened the service today (questions or FAQ):
/// one row per person per day, so the figures count people, not clicks.
#[derive(Clone)]
pub struct RecordServiceUse;

impl UseCase for RecordServiceUse {
    type Outcome = ();
    // One statement that inserts unless the row is there: no transaction.
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = &Role::ALL;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<()> {
        if let Some(c) = &act.caller {
            questions::record_use(conn, &c.user_id, act.today)?;
        }
        Ok(())
    }
}

/// A Navigator asks a question on a topic.
#[derive(Clone)]
pub struct AskQuestion {
    pub topic: String,
    pub text: QuestionText,
}

impl UseCase for AskQuestion {
    type Outcome = QuestionRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<QuestionRow> {
        let caller = caller(act)?;
        if !questions::topic_exists(conn, &self.topic)? {
            return Err(Violation::new("topic", RuleCode::UnknownTopic)
                .with_detail(self.topic.as_str())
                .into());
        }
        let id = questions::insert(
            conn,
            &caller.user_id,
            &self.topic,
            self.text.as_str(),
            act.now,
        )?;
        audit::append::<(), _>(
            conn,
            &act.audit(),
            "question.asked",
            "question",
            &id,
            None,
            Some(&serde_json::json!({ "topic": self.topic })),
        )?;
        questions::get(conn, &id)?.ok_or(ApiError::Internal)
    }
}

/// A question with its thread.
pub struct QuestionThread {
    pub question: QuestionRow,
    pub messages: Vec<MessageRow>,
}

/// One question and its thread. When its author opens it, the news it
/// held (an answer, a request for detail) counts as read.
#[derive(Clone)]
pub struct ReadQuestion {
    pub id: String,
}

impl UseCase for ReadQuestion {
    type Outcome = QuestionThread;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = READERS;

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<QuestionThread> {
        let caller = caller(act)?;
        let question = visible(conn, caller, &self.id)?;
        let messages = questions::messages(conn, &question.id)?;
        // The answer shows the flag as it was, so the app can mark what is
        // new on this opening; the next read finds it cleared.
        if question.author_id == caller.user_id && question.unread_by_author {
            questions::mark_read(conn, &question.id)?;
        }
        Ok(QuestionThread { question, messages })
    }
}

/// Questions oldest first: a Navigator's own, or everyone's for experts,
/// HR and administrators, filtered.
#[derive(Clone)]
pub struct ListQuestions {
    pub filter: Filter,
    pub after: Option<String>,
    pub limit: i64,
}

impl UseCase for ListQuestions {
    type Outcome = Vec<QuestionRow>;
    const ACCESS: Access = Access::Read;
    const ROLES: &'static [Role] = READERS;

    fn run(mut self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<QuestionRow>> {
        let caller = caller(act)?;
        if caller.role == Role::Navigator {
            self.filter.author = Some(caller.user_id.clone());
        }
        if let Some(t) = &self.filter.topic {
            if !questions::topic_exists(conn, t)? {
                return Err(ApiError::QueryViolation(
                    Violation::new("topic", RuleCode::UnknownTopic).with_detail(t.as_str()),
                ));
            }
        }
        Ok(questions::list(
            conn,
            &self.filter,
            self.after.as_deref(),
            self.limit,
        )?)
    }
}

/// A move on a question by the caller: taking, answering, asking for or
/// giving detail, withdrawing, closing, merging.
#[derive(Clone)]
pub struct MoveQuestion {
    pub id: String,
    pub action: Action,
}

#[derive(Clone)]
pub enum Action {
    Take,
    Release,
    Answer(QuestionText),
    RequestDetail(QuestionText),
    GiveDetail(QuestionText),
    Withdraw,
    Close,
    Merge { into: String },
}

impl Action {
    fn as_move(&self) -> QuestionMove {
        match self {
            Self::Take => QuestionMove::Take,
            Self::Release => QuestionMove::Release,
            Self::Answer(_) => QuestionMove::Answer,
            Self::RequestDetail(_) => QuestionMove::RequestDetail,
            Self::GiveDetail(_) => QuestionMove::GiveDetail,
            Self::Withdraw => QuestionMove::Withdraw,
            Self::Close => QuestionMove::Close,
            Self::Merge { .. } => QuestionMove::Merge,
        }
    }

    /// The message the move adds to the thread, if any.
    fn message(&self) -> Option<(&'static str, &QuestionText)> {
        match self {
            Self::Answer(t) => Some(("answer", t)),
            Self::RequestDetail(t) => Some(("detail_request", t)),
            Self::GiveDetail(t) => Some(("detail", t)),
            Self::Take | Self::Release | Self::Withdraw | Self::Close | Self::Merge { .. } => None,
        }
    }

    fn audit_action(&self) -> &'static str {
        match self {
            Self::Take => "question.taken",
            Self::Release => "question.released",
            Self::Answer(_) => "question.answered",
            Self::RequestDetail(_) => "question.detail_requested",
            Self::GiveDetail(_) => "question.detail_given",
            Self::Withdraw => "question.withdrawn",
            Self::Close => "question.closed",
            Self::Merge { .. } => "question.merged",
        }
    }
}

impl UseCase for MoveQuestion {
    type Outcome = QuestionRow;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Navigator, Role::Expert];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<QuestionRow> {
        let caller = caller(act)?;
        let q = visible(conn, caller, &self.id)?;
        let status = status_of(&q)?;
        let state = QuestionState {
            status,
            taken: q.taken_by.is_some(),
            awaiting_detail: q.awaiting_detail,
        };
        let who = Mover {
            role: caller.role,
            is_author: q.author_id == caller.user_id,
            is_owner: q.taken_by.as_deref() == Some(caller.user_id.as_str()),
        };
        let mv = self.action.as_move();
        let next = decide(state, mv, who).map_err(|r| refused(&q.id, r))?;
        match mv {
            QuestionMove::Take => return take(conn, act, caller, q),
            QuestionMove::Release => return release(conn, act, caller, q),
            _ => {}
        }
        let merged_into = match &self.action {
            Action::Merge { into } => Some(merge_target(conn, &q.id, into)?),
            _ => None,
        };
        let settled = matches!(
            next.status,
            QuestionStatus::Closed | QuestionStatus::Merged | QuestionStatus::Withdrawn
        );
        let now = persistence::time::to_db(act.now);
        let news_for_author = matches!(mv, QuestionMove::Answer | QuestionMove::RequestDetail);
        let change = Change {
            status: next.status.as_str(),
            awaiting_detail: next.awaiting_detail,
            first_answered_at: q.first_answered_at.or(match mv {
                QuestionMove::Answer => Some(now),
                _ => None,
            }),
            settled_at: if settled { Some(now) } else { q.settled_at },
            merged_into: merged_into.as_deref(),
            unread_by_author: q.unread_by_author || news_for_author,
            at: act.now,
        };
        // Someone else moved it since it was read: run again on what is
        // there now (PostgreSQL; SQLite's writers queue and never get here).
        if !questions::apply(conn, &q, &change)? {
            return Err(ApiError::Contended);
        }
        if let Some((kind, text)) = self.action.message() {
            questions::add_message(conn, &q.id, &caller.user_id, kind, text.as_str(), act.now)?;
        }
        if mv == QuestionMove::Answer {
            mail_the_answer(conn, act, &q)?;
        }
        audit::append(
            conn,
            &act.audit(),
            self.action.audit_action(),
            "question",
            &q.id,
            Some(&serde_json::json!({ "status": q.status })),
            Some(
                &serde_json::json!({ "status": next.status.as_str(), "merged_into": merged_into }),
            ),
        )?;
        questions::get(conn, &q.id)?.ok_or(ApiError::Internal)
    }
}

/// Takes the question: of experts taking it at once, exactly one becomes
/// its owner; each of the others is told who was first (409), as is an
/// expert taking one already taken.
fn take(
    conn: &mut DbConnection,
    act: &Act,
    caller: &Caller,
    q: QuestionRow,
) -> ApiResult<QuestionRow> {
    if q.taken_by.as_deref() == Some(caller.user_id.as_str()) {
        return Ok(q);
    }
    if !questions::take(conn, &q.id, &caller.user_id, act.now)? {
        // Lost to a concurrent move: the row now says to whom.
        let now = questions::get(conn, &q.id)?.ok_or(ApiError::Internal)?;
        return Err(match (now.taken_by.as_deref(), status_of(&now)?) {
            (Some(owner), _) if owner == caller.user_id => return Ok(now),
            (Some(_), _) => refused(&q.id, QuestionRefusal::TakenByAnother),
            (None, status) => refused(&q.id, QuestionRefusal::Status(status)),
        });
    }
    audit::append::<(), _>(
        conn,
        &act.audit(),
        "question.taken",
        "question",
        &q.id,
        None,
        Some(&serde_json::json!({ "taken_by": caller.user_id })),
    )?;
    questions::get(conn, &q.id)?.ok_or(ApiError::Internal)
}

/// Hands the question back to the desk. Lost to a concurrent move (an
/// answer, the author withdrawing), it runs again on what is there now.
fn release(
    conn: &mut DbConnection,
    act: &Act,
    caller: &Caller,
    q: QuestionRow,
) -> ApiResult<QuestionRow> {
    if !hand_back(conn, act, &q.id, &caller.user_id, None)? {
        return Err(ApiError::Contended);
    }
    questions::get(conn, &q.id)?.ok_or(ApiError::Internal)
}

/// Hands back to the desk every open question `expert` holds, in the
/// transaction that closes their account: nobody else could answer them.
/// Each is audited as released, because of the closing.
pub(crate) fn release_all_of(conn: &mut DbConnection, act: &Act, expert: &str) -> ApiResult<()> {
    let filter = Filter {
        taken_by: Some(expert.to_owned()),
        status: Some(QuestionStatus::Open.as_str().to_owned()),
        ..Filter::default()
    };
    let owner = Mover {
        role: Role::Expert,
        is_author: false,
        is_owner: true,
    };
    for q in questions::list(conn, &filter, None, i64::MAX)? {
        let state = QuestionState {
            status: status_of(&q)?,
            taken: true,
            awaiting_detail: q.awaiting_detail,
        };
        if decide(state, QuestionMove::Release, owner).is_ok() {
            hand_back(conn, act, &q.id, expert, Some("user.deactivated"))?;
        }
    }
    Ok(())
}

/// Releases question `id` held by `expert` and audits it, with `because`
/// when the owner did not ask; `false` when someone moved it meanwhile.
fn hand_back(
    conn: &mut DbConnection,
    act: &Act,
    id: &str,
    expert: &str,
    because: Option<&str>,
) -> ApiResult<bool> {
    if !questions::release(conn, id, expert, act.now)? {
        return Ok(false);
    }
    let mut after = serde_json::json!({ "taken_by": null });
    if let Some(why) = because {
        after["because"] = why.into();
    }
    audit::append(
        conn,
        &act.audit(),
        "question.released",
        "question",
        id,
        Some(&serde_json::json!({ "taken_by": expert })),
        Some(&after),
    )?;
    Ok(true)
}

/// The question another is merged into: not itself, one that exists and is
/// not itself withdrawn or merged.
fn merge_target(conn: &mut DbConnection, id: &str, into: &str) -> ApiResult<String> {
    if into == id {
        return Err(Violation::new("into", RuleCode::MergeIntoItself).into());
    }
    let target = questions::get(conn, into)?
        .ok_or_else(|| Violation::new("into", RuleCode::UnknownQuestion).with_detail(into))?;
    if !can_receive_merge(status_of(&target)?) {
        return Err(Violation::new("into", RuleCode::MergeTargetSettled)
            .with_detail(into)
            .into());
    }
    Ok(target.id)
}

/// Queues the mail telling the author their question has an answer, in
/// the transaction of the answer.
fn mail_the_answer(conn: &mut DbConnection, act: &Act, q: &QuestionRow) -> ApiResult<()> {
    let Some(author) = persistence::accounts::find_by_id(conn, &q.author_id)? else {
        return Ok(());
    };
    let topic = questions::topics(conn)?
        .into_iter()
        .find(|t| t.code == q.topic)
        .map_or_else(|| q.topic.clone(), |t| t.label_it);
    let asked_on = crate::i18n::day(
        persistence::time::from_db(q.created_at)
            .with_timezone(&chrono_tz::Europe::Rome)
            .date_naive(),
        crate::i18n::Lang::It,
    );
    let text =
        crate::mail::templates::question_answered(&act.settings.public_url, &topic, &asked_on);
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            recipient: &author.user.email,
            subject: &text.subject,
            body: &text.body,
            kind: "question_answered",
        },
        &act.settings.public_host(),
    )?;
    Ok(())
}
