//! Sets the posts of the listed provinces (the others keep theirs); never
//! below the seats already taken.

use domain::account::Role;
use domain::ids::SelectionId;
use domain::{RuleCode, Violation, Violations};
use openapi::ProblemType;
use persistence::selection::{self, PostsRow};
use persistence::{audit, reference, DbConnection};

use super::load_selection;
use crate::app::{Access, Act, UseCase};
use crate::error::{ApiError, ApiResult};

/// One province's posts as HR sends them.
#[derive(Clone)]
pub struct PostsChange {
    pub province: String,
    pub posts: i64,
}

#[derive(Clone)]
pub struct SetPosts {
    pub selection_id: SelectionId,
    pub changes: Vec<PostsChange>,
}

impl UseCase for SetPosts {
    /// Every province's posts after the change, with its Region.
    type Outcome = Vec<(PostsRow, String)>;
    const ACCESS: Access = Access::Write;
    const ROLES: &'static [Role] = &[Role::Hr];

    fn run(self, conn: &mut DbConnection, act: &Act) -> ApiResult<Vec<(PostsRow, String)>> {
        let sel = load_selection(conn, &self.selection_id)?;
        let known = reference::province_siglas(conn)?;
        let mut v = Violations::new();
        let mut parsed: Vec<(String, i64)> = Vec::new();
        for (i, item) in self.changes.iter().enumerate() {
            let field = format!("[{i}].province");
            match domain::reference::ProvinceSigla::parse(&field, &item.province) {
                Ok(p) if !known.iter().any(|k| k == p.as_str()) => {
                    v.push(
                        Violation::new(field, RuleCode::UnknownProvince).with_detail(p.as_str()),
                    );
                }
                Ok(p) if parsed.iter().any(|(q, _)| q == p.as_str()) => {
                    v.push(Violation::new(field, RuleCode::Duplicate).with_detail(p.as_str()));
                }
                Ok(p) => parsed.push((p.as_str().to_owned(), item.posts)),
                Err(e) => v.push(e),
            }
            if item.posts < 0 {
                v.push(Violation::new(
                    format!("[{i}].posts"),
                    RuleCode::MustNotBeNegative,
                ));
            }
        }
        if !v.is_empty() {
            return Err(ApiError::Validation(v));
        }
        let before = selection::posts(conn, &sel.id, None)?;
        for (province, n) in &parsed {
            if let Some((row, _)) = before.iter().find(|(r, _)| r.province_sigla == *province) {
                if *n < row.filled + row.pending {
                    return Err(ApiError::conflict(
                        ProblemType::PostsBelowTakenSeats,
                        province.clone(),
                    ));
                }
            }
        }
        selection::set_posts(conn, &sel.id, &parsed)?;
        let after = selection::posts(conn, &sel.id, None)?;
        let state_of = |rows: &[(PostsRow, String)]| {
            rows.iter()
                .map(|(r, _)| (r.province_sigla.clone(), r.posts))
                .collect::<Vec<_>>()
        };
        audit::append(
            conn,
            &act.audit(),
            "selection.posts-set",
            "selection",
            &sel.id,
            Some(&state_of(&before)),
            Some(&state_of(&after)),
        )?;
        Ok(after)
    }
}
