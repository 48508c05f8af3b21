//! HTTP handlers, grouped by business area; one file per action where an
//! area has more than a few.

pub mod audit;
pub mod auth;
pub mod candidates;
pub mod contracts;
pub mod equipment;
pub mod faq;
pub mod mails;
pub mod me;
pub mod navigators;
pub mod offers;
pub mod ojt;
pub mod ops;
pub mod questions;
pub mod reference;
pub mod reports;
pub mod second_factor;
pub mod selection;
pub mod subjects;
pub mod training;
pub mod users;

use domain::{RuleCode, Violation};
use openapi::dto::{Cursor, PagedList};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, ApiResult};

/// Lists the operations under `/api/v1`; registering here is what puts an
/// operation in the OpenAPI document.
pub fn api_v1(cfg: &mut ServiceConfig) {
    // The tablets' frequent calls first: routes are tried in order, and
    // each route with a path parameter passed over costs a regex match.
    cfg.service(navigators::training::my_training)
        .service(ojt::log::log_hours)
        .service(ojt::log::my_logs)
        .service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(auth::password_reset::request_reset)
        .service(auth::password_reset::confirm_reset)
        .service(me::me)
        .service(second_factor::totp_status)
        .service(second_factor::start_enrolment)
        .service(second_factor::confirm_enrolment)
        .service(second_factor::disable_own)
        .service(second_factor::reset_for_user)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::deactivate_user)
        .service(reference::regions::list_regions)
        .service(reference::regions::get_region)
        .service(reference::conventions::get_convention)
        .service(reference::conventions::put_convention)
        .service(reference::provinces::list_provinces)
        .service(reference::cpis::list_cpis)
        .service(reference::cpis::import_cpis)
        .service(reference::cpis::get_cpi)
        .service(reference::cpis::create_cpi)
        .service(training::paths::list_paths)
        .service(training::paths::create_path)
        .service(training::paths::add_module)
        .service(training::sessions::create_session)
        .service(training::sessions::record_attendance)
        .service(training::distance::record_completions)
        .service(training::mandatory::record_mandatory)
        .service(audit::list_audit)
        .service(subjects::access_file)
        .service(subjects::own_access_file)
        .service(selection::selections::create_selection)
        .service(selection::selections::list_selections)
        .service(selection::selections::get_selection)
        .service(selection::selections::put_posts)
        .service(selection::neighbours::get_neighbours)
        .service(selection::neighbours::put_neighbours)
        .service(selection::applications::import_applications)
        .service(selection::applications::rectify_contact)
        .service(selection::admission::compute_admission)
        .service(selection::results::import_results)
        .service(selection::rankings::publish_rankings)
        .service(selection::rankings::get_ranking)
        .service(selection::rankings::correct_ranking)
        .service(selection::extract::ranking_extract)
        .service(selection::seats::list_seats)
        .service(offers::call_next)
        .service(offers::list_offers)
        .service(offers::respond_to_offer)
        .service(offers::accept_offer)
        .service(offers::decline_offer)
        .service(candidates::get_candidate)
        .service(candidates::exclude_candidate)
        .service(candidates::suspend_candidate)
        .service(candidates::reinstate_candidate)
        .service(contracts::draft_contract)
        .service(contracts::sign_contract)
        .service(contracts::cancel_contract)
        .service(contracts::extend_contracts)
        .service(contracts::list_contracts)
        .service(contracts::get_contract)
        .service(contracts::extend_contract)
        .service(contracts::register_resignation)
        .service(contracts::terminate_contract)
        .service(contracts::suspend_contract)
        .service(contracts::my_contract)
        .service(contracts::my_resignation)
        .service(contracts::list_offboarding)
        .service(navigators::list::list_navigators)
        .service(navigators::list::get_navigator)
        .service(navigators::list::cpi_navigators)
        .service(navigators::assign::assign_navigator)
        .service(navigators::history::list_assignments)
        .service(navigators::history::my_assignment)
        .service(navigators::training::navigator_training)
        .service(ojt::decide::list_logs)
        .service(ojt::decide::validate_logs)
        .service(ojt::decide::validate_log)
        .service(ojt::decide::reject_log)
        .service(equipment::inventory::create_item)
        .service(equipment::inventory::import_items)
        .service(equipment::inventory::list_items)
        .service(equipment::inventory::get_item)
        .service(equipment::inventory::list_pairings)
        .service(equipment::movements::personalise)
        .service(equipment::movements::assign)
        .service(equipment::movements::return_item)
        .service(equipment::movements::write_off)
        .service(equipment::movements::retire)
        .service(equipment::movements::pair)
        .service(equipment::kit::navigator_kit)
        .service(equipment::kit::my_kit)
        .service(equipment::kit::acknowledge_kit)
        .service(reports::indicators)
        .service(reports::indicator_series)
        .service(mails::list_failed_mails)
        .service(mails::retry_failed_mails)
        .service(mails::retry_failed_mail)
        .service(questions::list_topics)
        .service(questions::ask_question)
        .service(questions::list_questions)
        .service(questions::get_question)
        .service(questions::take_question)
        .service(questions::release_question)
        .service(questions::answer_question)
        .service(questions::request_detail)
        .service(questions::give_detail)
        .service(questions::withdraw_question)
        .service(questions::close_question)
        .service(questions::merge_question)
        .service(questions::question_service_report)
        .service(faq::search_faqs)
        .service(faq::write_faq)
        .service(faq::get_faq)
        .service(faq::edit_faq)
        .service(faq::faq_versions)
        .service(faq::retire_faq);
}

/// Operations outside `/api/v1`.
pub fn operations(cfg: &mut ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics);
}

/// `limit` between 1 and 500, 100 when absent.
pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    limit_or(limit, 100)
}

/// `limit` of a list with at most one row per Region or province, between 1
/// and 500: 500 when absent, so a client that does not page still reads
/// every one of the 107 provinces in one answer, as before these lists paged.
pub fn whole_list_limit(limit: Option<i64>) -> ApiResult<i64> {
    limit_or(limit, 500)
}

fn limit_or(limit: Option<i64>, default: i64) -> ApiResult<i64> {
    match limit {
        None => Ok(default),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::InvalidQuery {
            field: "limit".into(),
            detail: format!("{n}: between 1 and 500"),
        }),
    }
}

/// The rows of one page, and the key of its last row when another page
/// follows (the cursor of the next page holds it).
#[derive(Debug)]
pub struct KeyedPage<T> {
    pub items: Vec<T>,
    pub next_key: Option<String>,
}

/// The key in the `cursor` of a page of `list`: the list's own cursors
/// only; a cursor of another list, an edited one or any other text is 400
/// `unknown-cursor`.
pub fn cursor_key(cursor: Option<&Cursor>, list: PagedList) -> ApiResult<Option<String>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    cursor
        .key(list)
        .map(Some)
        .ok_or_else(|| ApiError::QueryViolation(Violation::new("cursor", RuleCode::UnknownCursor)))
}

/// The `next_cursor` of a page of `list` whose last row has `key`.
pub fn next_cursor(list: PagedList, key: Option<String>) -> Option<Cursor> {
    key.map(|k| Cursor::new(list, &k))
}

/// A page from the rows that follow the cursor, in the list's order, read
/// with one row more than `limit` when there are: that row only tells that
/// another page follows, so the last page has no next key.
pub fn cut_page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> KeyedPage<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return KeyedPage {
            items: rows,
            next_key: None,
        };
    }
    rows.truncate(limit);
    let next_key = rows.last().map(key);
    KeyedPage {
        items: rows,
        next_key,
    }
}

/// The direction of a list's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    Ascending,
    Descending,
}

/// A page of a short list read whole (one row per Region or province, a
/// Navigator's assignments): sorted by `key`, a unique string that sorts as
/// the list does, the rows past the key `after`.
pub fn page_in_memory<T>(
    mut rows: Vec<T>,
    key: impl Fn(&T) -> String,
    order: KeyOrder,
    after: Option<&str>,
    limit: i64,
) -> KeyedPage<T> {
    rows.sort_by_cached_key(|r| key(r));
    if order == KeyOrder::Descending {
        rows.reverse();
    }
    if let Some(c) = after {
        rows.retain(|r| match order {
            KeyOrder::Ascending => key(r).as_str() > c,
            KeyOrder::Descending => key(r).as_str() < c,
        });
    }
    cut_page(rows, limit, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(s: &&str) -> String {
        (*s).to_owned()
    }

    #[test]
    fn a_page_has_a_cursor_only_when_another_follows() {
        let full = cut_page(vec!["a", "b", "c"], 2, keyed);
        assert_eq!(
            (full.items, full.next_key),
            (vec!["a", "b"], Some("b".to_owned()))
        );
        let last = cut_page(vec!["a", "b"], 2, keyed);
        assert_eq!((last.items, last.next_key), (vec!["a", "b"], None));
        let empty = cut_page(Vec::<&str>::new(), 2, keyed);
        assert_eq!((empty.items.len(), empty.next_key), (0, None));
    }

    #[test]
    fn pages_in_memory_cover_the_list_once_in_key_order() {
        for order in [KeyOrder::Ascending, KeyOrder::Descending] {
            let rows = vec!["c", "a", "e", "b", "d"];
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                let page = page_in_memory(rows.clone(), keyed, order, cursor.as_deref(), 2);
                seen.extend(page.items);
                match page.next_key {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            let mut expected = vec!["a", "b", "c", "d", "e"];
            if order == KeyOrder::Descending {
                expected.reverse();
            }
            assert_eq!(seen, expected, "{order:?}");
        }
    }

    #[test]
    fn a_key_between_rows_reads_on_from_where_it_would_sort() {
        let rows = vec!["10", "20", "30"];
        let after = |c| page_in_memory(rows.clone(), keyed, KeyOrder::Ascending, Some(c), 5).items;
        assert_eq!(after("15"), vec!["20", "30"]);
        assert_eq!(after("zzz"), Vec::<&str>::new());
        assert_eq!(after(""), vec!["10", "20", "30"]);
        let before = page_in_memory(rows.clone(), keyed, KeyOrder::Descending, Some("25"), 5).items;
        assert_eq!(before, vec!["20", "10"]);
    }

    #[test]
    fn a_list_takes_back_only_its_own_cursors() {
        let own = Cursor::new(PagedList::Users, "0191");
        assert_eq!(
            cursor_key(Some(&own), PagedList::Users).ok(),
            Some(Some("0191".to_owned()))
        );
        assert_eq!(cursor_key(None, PagedList::Users).ok(), Some(None));
        for other in [
            Cursor::new(PagedList::Offers, "0191"),
            Cursor::from("0191".to_owned()),
        ] {
            match cursor_key(Some(&other), PagedList::Users) {
                Err(ApiError::QueryViolation(v)) => {
                    assert_eq!(
                        (v.field.as_str(), v.code),
                        ("cursor", RuleCode::UnknownCursor)
                    );
                }
                got => panic!("{other}: {got:?}"),
            }
        }
    }

    #[test]
    fn limits_are_bounded_with_a_default_per_list() {
        assert_eq!(page_limit(None).ok(), Some(100));
        assert_eq!(whole_list_limit(None).ok(), Some(500));
        assert_eq!(whole_list_limit(Some(7)).ok(), Some(7));
        assert!(page_limit(Some(0)).is_err());
        assert!(whole_list_limit(Some(501)).is_err());
    }
}
