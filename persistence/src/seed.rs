//! Reference data from the files in `seed/`, embedded in the binary so that a
//! fresh start anywhere gets it. Loading is idempotent and never overwrites
//! what an administrator has changed since.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::convention::{Convention, ConventionMode};
use domain::training::{Bucket, BucketKind, Module, TrainingPath};
use serde::Deserialize;

use crate::audit::{self, AuditContext};
use crate::connection::{write_transaction, DbConnection};
use crate::error::{PersistenceError, Result};
use crate::schema::{
    conventions, provinces, reference_posts, regions, training_buckets, training_modules,
    training_paths,
};
use crate::time::{new_id, now};

const REGIONS: &str = include_str!("../../seed/regions.csv");
const PROVINCES: &str = include_str!("../../seed/provinces.csv");
const POSTS_2019: &str = include_str!("../../seed/posts-2019.csv");
const CONVENTIONS: &str = include_str!("../../seed/conventions.csv");
const TRAINING_PATH_2019: &str = include_str!("../../seed/training-path-2019.json");

#[derive(Deserialize)]
struct RegionLine {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct ProvinceLine {
    istat_code: String,
    sigla: String,
    name: String,
    region_code: String,
}

#[derive(Deserialize)]
struct PostsLine {
    region_code: String,
    province_sigla: String,
    posts: i64,
}

#[derive(Deserialize)]
struct ConventionLine {
    region_code: String,
    mode: String,
    signed_on: NaiveDate,
    valid_until: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct PathFile {
    code: String,
    name: String,
    total_hours: i64,
    final_assessment_required: bool,
    buckets: Vec<BucketFile>,
}

#[derive(Deserialize)]
struct BucketFile {
    kind: BucketKind,
    share_percent: i64,
    #[serde(default)]
    modules: Vec<ModuleFile>,
}

#[derive(Deserialize)]
struct ModuleFile {
    code: String,
    title: String,
    hours: i64,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|e| PersistenceError::Seed {
            file,
            reason: e.to_string(),
        })
}

/// What one run of the seeding inserted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub regions: usize,
    pub provinces: usize,
    pub posts: usize,
    pub conventions: usize,
    pub training_paths: usize,
}

impl SeedReport {
    pub fn inserted_anything(&self) -> bool {
        *self != Self::default()
    }
}

pub fn path_2019() -> Result<TrainingPath> {
    let file: PathFile =
        serde_json::from_str(TRAINING_PATH_2019).map_err(|e| PersistenceError::Seed {
            file: "training-path-2019.json",
            reason: e.to_string(),
        })?;
    TrainingPath {
        code: file.code,
        name: file.name,
        total_hours: file.total_hours,
        final_assessment_required: file.final_assessment_required,
        buckets: file
            .buckets
            .into_iter()
            .map(|b| Bucket {
                kind: b.kind,
                share_percent: b.share_percent,
                modules: b
                    .modules
                    .into_iter()
                    .map(|m| Module {
                        code: m.code,
                        title: m.title,
                        hours: m.hours,
                    })
                    .collect(),
            })
            .collect(),
    }
    .validate()
    .map_err(|v| PersistenceError::Seed {
        file: "training-path-2019.json",
        reason: format!("{:?}", v.0),
    })
}

/// Inserts whatever reference data is missing, in one transaction.
pub fn seed_reference(conn: &mut DbConnection) -> Result<SeedReport> {
    let region_lines: Vec<RegionLine> = parse_csv("regions.csv", REGIONS)?;
    let province_lines: Vec<ProvinceLine> = parse_csv("provinces.csv", PROVINCES)?;
    let posts_lines: Vec<PostsLine> = parse_csv("posts-2019.csv", POSTS_2019)?;
    let convention_lines: Vec<ConventionLine> = parse_csv("conventions.csv", CONVENTIONS)?;
    let path = path_2019()?;

    write_transaction(conn, |conn| {
        let mut report = SeedReport::default();
        let ctx = AuditContext::system();

        let known: Vec<String> = regions::table.select(regions::code).load(conn)?;
        for r in region_lines.iter().filter(|r| !known.contains(&r.code)) {
            diesel::insert_into(regions::table)
                .values((regions::code.eq(&r.code), regions::name.eq(&r.name)))
                .execute(conn)?;
            report.regions += 1;
        }

        let known: Vec<String> = provinces::table.select(provinces::istat_code).load(conn)?;
        for p in province_lines
            .iter()
            .filter(|p| !known.contains(&p.istat_code))
        {
            diesel::insert_into(provinces::table)
                .values((
                    provinces::istat_code.eq(&p.istat_code),
                    provinces::sigla.eq(&p.sigla),
                    provinces::name.eq(&p.name),
                    provinces::region_code.eq(&p.region_code),
                ))
                .execute(conn)?;
            report.provinces += 1;
        }

        let known: Vec<(String, String)> = reference_posts::table
            .select((
                reference_posts::region_code,
                reference_posts::province_sigla,
            ))
            .load(conn)?;
        for p in &posts_lines {
            if known
                .iter()
                .any(|(r, s)| *r == p.region_code && *s == p.province_sigla)
            {
                continue;
            }
            diesel::insert_into(reference_posts::table)
                .values((
                    reference_posts::region_code.eq(&p.region_code),
                    reference_posts::province_sigla.eq(&p.province_sigla),
                    reference_posts::posts.eq(p.posts),
                ))
                .execute(conn)?;
            report.posts += 1;
        }

        let known: Vec<String> = conventions::table
            .select(conventions::region_code)
            .load(conn)?;
        for c in convention_lines
            .iter()
            .filter(|c| !known.contains(&c.region_code))
        {
            let mode = ConventionMode::parse(&c.mode).ok_or_else(|| PersistenceError::Seed {
                file: "conventions.csv",
                reason: format!("unknown mode {}", c.mode),
            })?;
            let convention = Convention::new(c.signed_on, c.valid_until, mode).map_err(|v| {
                PersistenceError::Seed {
                    file: "conventions.csv",
                    reason: format!("{:?}", v.0),
                }
            })?;
            let (_, after) = crate::reference::put_convention(conn, &c.region_code, &convention)?;
            audit::append::<(), _>(
                conn,
                &ctx,
                "convention.seeded",
                "convention",
                &c.region_code,
                None,
                Some(&serde_json::json!({
                    "mode": after.mode, "signed_on": after.signed_on, "valid_until": after.valid_until
                })),
            )?;
            report.conventions += 1;
        }

        let path_known = training_paths::table
            .filter(training_paths::code.eq(&path.code))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !path_known {
            insert_path(conn, &path)?;
            report.training_paths += 1;
        }
        Ok(report)
    })
}

pub fn insert_path(conn: &mut DbConnection, path: &TrainingPath) -> Result<String> {
    let id = new_id();
    diesel::insert_into(training_paths::table)
        .values((
            training_paths::id.eq(&id),
            training_paths::code.eq(&path.code),
            training_paths::name.eq(&path.name),
            training_paths::total_hours.eq(path.total_hours),
            training_paths::final_assessment_required.eq(path.final_assessment_required),
            training_paths::created_at.eq(now()),
        ))
        .execute(conn)?;
    for b in &path.buckets {
        diesel::insert_into(training_buckets::table)
            .values((
                training_buckets::path_id.eq(&id),
                training_buckets::kind.eq(b.kind.as_str()),
                training_buckets::share_percent.eq(b.share_percent),
                training_buckets::hours.eq(path.bucket_hours(b)),
            ))
            .execute(conn)?;
        for m in &b.modules {
            diesel::insert_into(training_modules::table)
                .values((
                    training_modules::id.eq(new_id()),
                    training_modules::path_id.eq(&id),
                    training_modules::code.eq(&m.code),
                    training_modules::title.eq(&m.title),
                    training_modules::hours.eq(m.hours),
                ))
                .execute(conn)?;
        }
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_files_hold_the_2019_figures() {
        let regions: Vec<RegionLine> = parse_csv("regions.csv", REGIONS).unwrap();
        assert_eq!(regions.len(), 20);
        let provinces: Vec<ProvinceLine> = parse_csv("provinces.csv", PROVINCES).unwrap();
        assert_eq!(provinces.len(), 107);
        assert!(provinces
            .iter()
            .all(|p| regions.iter().any(|r| r.code == p.region_code)));
        let posts: Vec<PostsLine> = parse_csv("posts-2019.csv", POSTS_2019).unwrap();
        assert_eq!(posts.iter().map(|p| p.posts).sum::<i64>(), 2980);
        let campania: i64 = posts
            .iter()
            .filter(|p| p.region_code == "15")
            .map(|p| p.posts)
            .sum();
        assert_eq!(campania, 471);
        assert!(
            posts.iter().all(|p| p.region_code != "04"),
            "Trentino-Alto Adige has no posts"
        );
        let conventions: Vec<ConventionLine> = parse_csv("conventions.csv", CONVENTIONS).unwrap();
        assert_eq!(conventions.len(), 19);
        assert!(conventions.iter().all(|c| c.region_code != "04"));
        let campania = conventions.iter().find(|c| c.region_code == "15").unwrap();
        assert_eq!(
            (
                campania.mode.as_str(),
                campania.signed_on.to_string().as_str()
            ),
            ("remote", "2019-12-09")
        );
        assert!(conventions
            .iter()
            .filter(|c| c.region_code != "15")
            .all(|c| c.mode == "cpi" && c.signed_on.to_string() == "2019-07-17"));
        // Every Region with posts has a convention.
        assert!(posts
            .iter()
            .all(|p| conventions.iter().any(|c| c.region_code == p.region_code)));
    }

    #[test]
    fn the_2019_path_is_valid() {
        let p = path_2019().unwrap();
        assert_eq!(p.total_hours, 200);
        let shares: Vec<_> = p
            .buckets
            .iter()
            .map(|b| (b.kind, b.share_percent))
            .collect();
        assert_eq!(
            shares,
            vec![
                (BucketKind::Classroom, 20),
                (BucketKind::Distance, 20),
                (BucketKind::OnTheJob, 60)
            ]
        );
    }
}
