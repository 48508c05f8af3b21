//! `navigator`: the service and its administration commands.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use api::app::users::CreateUser;
use api::app::{Act, UseCases};
use api::config::Settings;
use api::{bootstrap, demo, startup, telemetry};
use clap::{Parser, Subcommand};
use domain::account::{check_password, NewAccount, Role};

#[derive(Parser)]
#[command(
    name = "navigator",
    version,
    about = "Navigator Ops: the Navigator programme's back office"
)]
struct Cli {
    /// A TOML settings file (default: ./navigator.toml when present).
    #[arg(long, global = true, env = "NAVIGATOR_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, load missing reference data and serve.
    Serve,
    /// Apply pending migrations.
    Migrate,
    /// Load missing reference data; `--demo` adds demo users and CPIs.
    Seed {
        #[arg(long)]
        demo: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Copy the database to DEST while the service runs: SQLite a checked
    /// copy of one snapshot, PostgreSQL a `pg_dump --format=custom` archive.
    Backup {
        /// The new backup file (never replaced if it exists).
        dest: PathBuf,
    },
    /// Restore a backup made by `navigator backup` into the configured
    /// database, which must be empty; stop the service first.
    Restore {
        /// The backup file.
        src: PathBuf,
        /// Replace what the configured database holds.
        #[arg(long)]
        force: bool,
    },
    /// Retention of personal data (see the README's retention section).
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Pseudonymise or delete what the retention settings say is due, in
    /// batches, and print the counts by category.
    Run {
        /// Count what is due without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; without --password-stdin an activation link is mailed.
    Create {
        #[arg(long)]
        email: String,
        /// navigator, coordinator, trainer, hr or admin.
        #[arg(long)]
        role: String,
        /// ISTAT code of a Region (coordinators; repeat for several).
        #[arg(long = "region")]
        regions: Vec<String>,
        /// For Navigator accounts: the Navigator's id.
        #[arg(long)]
        navigator_id: Option<uuid::Uuid>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        println!("{}", startup::openapi_document().to_pretty_json()?);
        return Ok(());
    }
    let settings = Settings::load(cli.config).context("reading the settings")?;
    telemetry::init_exporting(settings.log_format, settings.otlp_endpoint.as_deref());
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => {
            let db = persistence::Database::connect(&settings.database_url, 1)?;
            let applied = persistence::migrations::run(&db)?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Backup { dest } => {
            let done = persistence::backup::backup(&settings.database_url, &dest)
                .with_context(|| format!("backing up to {}", dest.display()))?;
            println!(
                "{} backup written to {} ({} bytes)",
                done.engine.name(),
                done.path.display(),
                done.bytes
            );
            Ok(())
        }
        Command::Restore { src, force } => {
            let done = persistence::backup::restore(&settings.database_url, &src, force)
                .with_context(|| format!("restoring {}", src.display()))?;
            println!(
                "{} restored from {} ({} migrations recorded); `navigator migrate` brings it up to date",
                done.engine.name(),
                src.display(),
                done.migrations
            );
            Ok(())
        }
        Command::Seed { demo } => {
            // Under the start lock, as a starting replica does.
            let (db, admin) =
                persistence::migrations::while_starting(&settings.database_url, || {
                    let db = startup::prepare_database(&settings)?;
                    let admin = bootstrap::ensure_admin(&db, &settings)?;
                    anyhow::Ok((db, admin))
                })?;
            if let Some(admin) = admin {
                print_bootstrap(&admin);
            }
            println!("reference data loaded");
            if demo {
                let report = demo::seed_demo(&db, &settings)?;
                println!("demo data: {} demo CPIs added", report.cpis);
                for a in &report.accounts {
                    println!(
                        "demo account  {:<48} role {:<12} password {}",
                        a.email, a.role, a.password
                    );
                }
                if !report.accounts.is_empty() {
                    println!("(demo passwords are shown only now)");
                }
                let today = settings.today.unwrap_or_else(api::clock::today);
                let programme = demo::programme::seed_programme(&db, &settings, today)?;
                match programme {
                    Some(p) => {
                        println!(
                            "demo programme: {} applications, {} Navigators under contract, {} offers declined and {} lapsed, {} resignations, {} on-the-job logs, {} equipment items",
                            p.applications, p.navigators, p.declined, p.lapsed, p.resigned, p.ojt_logs, p.items
                        );
                        println!(
                            "demo Navigator  {:<48} password {}   (tablet app: {}/app/)",
                            p.navigator.email,
                            p.navigator.password,
                            settings.public_url.trim_end_matches('/')
                        );
                        println!("(the password is shown only now)");
                        let open = &p.open;
                        println!(
                            "left open for the console: selection {} with its posts (files to import in seed/demo/), {} offer pending, {} accepted offers to draft, {} contract to sign, {} equipment items in stock",
                            open.selection_code, open.pending_offers, open.accepted_to_draft, open.drafts_to_sign, open.items_in_stock
                        );
                    }
                    None => println!("demo programme: already there"),
                }
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    role,
                    regions,
                    navigator_id,
                    password_stdin,
                },
        } => create_user(
            &settings,
            &email,
            &role,
            &regions,
            navigator_id,
            password_stdin,
        ),
        Command::Retention {
            command: RetentionCommand::Run { dry_run },
        } => {
            let db = startup::prepare_database(&settings)?;
            let report = api::app::retention::run(&db, Arc::new(settings), dry_run)
                .map_err(|e| anyhow::anyhow!("retention run: {e}"))?
                .context("another retention run is in progress: try again when it ends")?;
            println!(
                "retention run{} on {}",
                if dry_run {
                    " (dry run: nothing changed)"
                } else {
                    ""
                },
                report.day
            );
            for line in report.lines() {
                println!("{line}");
            }
            Ok(())
        }
        Command::Openapi => Ok(()),
    }
}

#[allow(clippy::print_stdout)]
fn print_bootstrap(admin: &bootstrap::BootstrapAdmin) {
    if let Some(pw) = &admin.generated_password {
        println!("First administrator created: {}", admin.email);
        println!("One-time password (shown only now): {pw}");
        println!("Log in and change it: POST /api/v1/auth/password-reset sends a reset link.");
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    let served = actix_web::rt::System::new().block_on(async move {
        let app = startup::Application::build(settings).await?;
        if let Some(admin) = &app.bootstrap_admin {
            print_bootstrap(admin);
        }
        app.run_until_stopped().await?;
        Ok(())
    });
    // Outside the runtime: the exporter's client blocks.
    telemetry::flush_traces();
    served
}

#[allow(clippy::print_stdout)]
fn create_user(
    settings: &Settings,
    email: &str,
    role: &str,
    regions: &[String],
    navigator_id: Option<uuid::Uuid>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role = Role::parse(role).with_context(|| format!("unknown role {role}"))?;
    let new = NewAccount::parse(email, role, regions, navigator_id).map_err(|v| {
        anyhow::anyhow!(
            "invalid account: {:?}",
            v.0.iter().map(|v| (&v.field, v.code)).collect::<Vec<_>>()
        )
    })?;
    let hash = if password_stdin {
        let mut pw = String::new();
        std::io::stdin().read_to_string(&mut pw)?;
        let pw = pw.trim_end_matches(['\r', '\n']);
        check_password("password", pw, Some(&new.email))
            .map_err(|v| anyhow::anyhow!("password: {}", v.code))?;
        Some(api::auth::password::hash(pw).map_err(|e| anyhow::anyhow!("hashing: {e}"))?)
    } else {
        None
    };
    let activation = hash.is_none();
    let db = startup::prepare_database(settings)?;
    let act = Act::system(Arc::new(settings.clone()));
    let case = CreateUser {
        new,
        password_hash: hash,
    };
    let account = UseCases::new(db)
        .run_blocking(&act, case)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created {} ({}) id {}",
        account.user.email, account.user.role, account.user.id
    );
    if activation {
        println!("an activation link is queued for {}", account.user.email);
    }
    Ok(())
}
