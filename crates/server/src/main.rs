//! `thanthien-province`: run the provincial server and administer communes and enrolment codes.

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};
use sqlx::postgres::PgPoolOptions;
use std::net::SocketAddr;
use thanthien_province::{accounts, db, new_enrollment_code, serve_with, Serving};

/// Who ran a province command from the shell: "cli:<OS user>", as the audit records it.
fn os_user() -> String {
    format!("cli:{}", std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "?".into()))
}

#[derive(Parser)]
#[command(name = "thanthien-province", version, about = "Máy chủ tỉnh của Thân Thiện")]
struct Cli {
    /// PostgreSQL connection string.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bring the database schema up to date: run as the database owner, before `serve`.
    Migrate,
    /// Create (or keep) the server's login role, a member of thanthien_app: no superuser, no
    /// BYPASSRLS, walled to one commune per request. Run as the owner; `--password-stdin` reads
    /// its password from standard input.
    AppLogin {
        #[arg(long, default_value = "thanthien_server")]
        role: String,
        #[arg(long)]
        password_stdin: bool,
        /// Make the console's login instead: a member of thanthien_province, which reads every
        /// commune (give it to `serve --console-database-url`).
        #[arg(long)]
        console: bool,
    },
    /// Serve the sync API (connect as the app login role; the schema must be migrated) and, with
    /// a console login, the province's web console at `/`.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The console's login (`app-login --console`); without it the console is off.
        #[arg(long, env = "CONSOLE_DATABASE_URL", hide_env_values = true)]
        console_database_url: Option<String>,
        /// When a week's report is due: days after its Sunday, then the local time.
        #[arg(long, default_value = "1 17:00", value_parser = parse_deadline)]
        report_deadline: thanthien_core::province::ReportDeadline,
    },
    /// Manage communes.
    Commune {
        #[command(subcommand)]
        command: CommuneCommand,
    },
    /// Issue a one-time enrolment code for a commune; prints the code alone on standard output.
    /// With `--device`, the code re-enrols that PC of the commune (a new token; it must not be
    /// revoked): the only way an enrolled PC is enrolled again.
    EnrollCode {
        #[arg(long)]
        commune: String,
        #[arg(long)]
        device: Option<uuid::Uuid>,
        /// How long the code stays valid.
        #[arg(long, default_value_t = 72)]
        valid_hours: u32,
    },
    /// App releases for the communes' PCs: publish a signed build; list releases and which PCs
    /// run which version.
    Release {
        #[command(subcommand)]
        command: ReleaseCommand,
    },
    /// The retention periods in force and the latest runs; --run erases now, in every commune,
    /// the personal data past its period (`serve` with a console login runs it daily itself).
    Retention {
        #[arg(long)]
        run: bool,
    },
    /// Publish reference data to every commune: a procedure catalogue or a holiday calendar.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
    /// The communes' approved weekly summaries, as JSON (status, approved figures, how many times
    /// approved: above 1 is an amended summary).
    Weeks {
        /// ISO week, e.g. 2026-W47; default every week.
        #[arg(long)]
        week: Option<String>,
        #[arg(long)]
        commune: Option<String>,
    },
    /// Accept a commune's approved week: its PCs show "Tỉnh đã nhận" after their next sync.
    AcceptWeek {
        #[arg(long)]
        commune: String,
        /// ISO week, e.g. 2026-W47.
        #[arg(long)]
        week: String,
    },
    /// Revoke a device's token (a stolen or retired PC).
    Revoke {
        #[arg(long)]
        device: uuid::Uuid,
    },
    /// The province's own accounts (its console's staff): admins and viewers.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; its password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// province-admin or province-viewer.
        #[arg(long)]
        role: String,
    },
    /// Set an account's password (read from standard input); it also lifts a lock.
    Password { username: String },
    /// The accounts, as JSON (never their hashes).
    List,
}

/// One line of standard input: a password, never an argument (it would show in the process list).
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[derive(Subcommand)]
enum ReferenceCommand {
    /// Check and publish a file as the newest version; prints the version number.
    Publish {
        #[arg(long, value_parser = parse_kind)]
        kind: thanthien_core::wire::ReferenceKind,
        #[arg(long)]
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Publish a build every PC of its platform installs on its admin's click. The signature is
    /// minisign's, made on the province's own PC with the trusted comment
    /// "thanthien <version> <platform>"; it is checked here against the key built into the server.
    Publish {
        #[arg(long)]
        version: String,
        /// The Windows installer (ThanThien-<version>-setup.exe) or the Linux binary.
        #[arg(long)]
        file: std::path::PathBuf,
        /// The .minisig file.
        #[arg(long)]
        signature: std::path::PathBuf,
        /// What changed, shown on each PC before it installs.
        #[arg(long)]
        notes: String,
        /// windows-x86_64 or linux-x86_64; default: windows-x86_64 for an .exe, else linux-x86_64.
        #[arg(long, value_parser = parse_platform)]
        platform: Option<thanthien_core::update::Platform>,
    },
    /// The releases, and how many PCs run each version (from what they report when they sync).
    List {
        #[arg(long)]
        json: bool,
    },
}

fn parse_platform(text: &str) -> Result<thanthien_core::update::Platform, String> {
    thanthien_core::update::Platform::parse(text).map_err(|e| e.to_string())
}

fn parse_deadline(text: &str) -> Result<thanthien_core::province::ReportDeadline, String> {
    thanthien_core::province::ReportDeadline::parse(text)
}

fn parse_kind(text: &str) -> Result<thanthien_core::wire::ReferenceKind, String> {
    thanthien_core::wire::ReferenceKind::parse(text).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
enum CommuneCommand {
    /// Add a commune (or rename an existing one).
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// The area the province groups it in (khu vực), for the console's filters.
        #[arg(long)]
        district: Option<String>,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes belong on a terminal, not in a log file or the journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thanthien-province: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database_url.context("DATABASE_URL is not set (or pass --database-url)")?;
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(db::POOL_WAIT)
        .connect(&url)
        .await
        .context("cannot connect to PostgreSQL")?;
    if !matches!(cli.command, Command::Migrate) {
        if let Some(reason) = db::schema_behind(&pool).await? {
            anyhow::bail!(reason);
        }
    }
    match cli.command {
        Command::Migrate => {
            db::migrate(&pool).await.context("cannot bring the database schema up to date")?;
            eprintln!("schema up to date");
        }
        Command::AppLogin { role, password_stdin, console } => {
            let password = password_stdin.then(password_from_stdin).transpose()?;
            let group = if console { db::LoginGroup::Console } else { db::LoginGroup::App };
            db::create_login(&pool, &role, group, password.as_deref()).await?;
            eprintln!("login role {role} is a member of {}", group.role());
        }
        Command::Serve { listen, console_database_url, report_deadline } => {
            let console = match console_database_url {
                Some(url) => Some(
                    PgPoolOptions::new()
                        .max_connections(5)
                        .connect(&url)
                        .await
                        .context("cannot connect to PostgreSQL with the console's login")?,
                ),
                None => None,
            };
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            let serving = Serving { devices: pool, console, deadline: report_deadline, limits: Default::default() };
            serve_with(listener, serving, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Commune { command: CommuneCommand::Add { code, name, district } } => {
            let thanthien_core::province::NewCommune { code, name, district } =
                thanthien_core::province::NewCommune { code, name, district }.checked().map_err(anyhow::Error::msg)?;
            db::add_commune_in(&pool, &code, &name, district.as_deref()).await?;
            eprintln!("commune {code} ({name}) saved");
        }
        Command::EnrollCode { commune, device, valid_hours } => {
            let code = new_enrollment_code();
            let expires = Utc::now() + chrono::Duration::hours(i64::from(valid_hours));
            db::add_enrollment_code(&pool, commune.trim(), &code, expires, device).await?;
            let target = device.map_or_else(|| commune.trim().to_owned(), |d| d.to_string());
            accounts::audit(&pool, &os_user(), "enroll-code", Some(&target), Some(&format!("until {expires}"))).await?;
            println!("{code}");
            eprintln!("valid until {expires}");
        }
        Command::Release { command: ReleaseCommand::Publish { version, file, signature, notes, platform } } => {
            use thanthien_core::update::Platform;
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let signature =
                std::fs::read_to_string(&signature).with_context(|| format!("cannot read {}", signature.display()))?;
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let platform = platform.unwrap_or(if file_name.to_lowercase().ends_with(".exe") {
                Platform::WindowsX86_64
            } else {
                Platform::LinuxX86_64
            });
            let new = thanthien_province::updates::NewRelease {
                version: &version,
                platform,
                file_name: &file_name,
                file: &bytes,
                signature: &signature,
                notes: &notes,
            };
            let release = thanthien_province::updates::publish(&pool, new, Some(&os_user())).await?;
            let what = format!("{} {}", release.platform.wire(), release.version);
            accounts::audit(&pool, &os_user(), "release.publish", Some(&what), None).await?;
            eprintln!("bản {} cho {} đã phát hành ({} byte)", release.version, release.platform.wire(), release.size);
        }
        Command::Release { command: ReleaseCommand::List { json } } => {
            let releases = thanthien_province::updates::adoption(&pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&releases)?);
            } else {
                for r in &releases.releases {
                    let running = releases.in_use.iter().find(|v| v.version == r.version).map_or(0, |v| v.devices);
                    println!(
                        "{}\t{}\t{}\t{} máy đang chạy",
                        r.version,
                        r.platform.wire(),
                        thanthien_core::time::local_text(r.published_at),
                        running
                    );
                }
                println!("Phiên bản các máy đang chạy:");
                for v in &releases.in_use {
                    println!("  {}\t{} máy\t{} xã", v.version, v.devices, v.communes);
                }
                if releases.unreported > 0 {
                    println!("  chưa báo\t{} máy", releases.unreported);
                }
            }
        }
        Command::Retention { run } => {
            if run {
                let runs = thanthien_province::erasure::run_retention(&pool, Utc::now()).await?;
                accounts::audit(&pool, &os_user(), "retention.run", None, Some(&runs.len().to_string())).await?;
                let erased: u32 = runs.iter().map(|r| r.erased).sum();
                eprintln!("retention run: {erased} records erased in {} commune registers", runs.len());
            }
            let retention = thanthien_province::erasure::retention_in_force(&pool).await?;
            println!("visits: {} months ({})", retention.visits.months, retention.visits.source);
            println!("feedback: {} months ({})", retention.feedback.months, retention.feedback.source);
            for r in thanthien_province::erasure::retention_runs(&pool, 20).await? {
                println!(
                    "{}\t{}\t{}\t{} months\t{} erased",
                    r.at.to_rfc3339(),
                    r.commune_code,
                    r.register.label(),
                    r.months,
                    r.erased
                );
            }
        }
        Command::Reference { command: ReferenceCommand::Publish { kind, file } } => {
            let body = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let version = db::publish_reference_by(&pool, kind, &body, Some(&os_user())).await?;
            accounts::audit(&pool, &os_user(), "reference.publish", Some(kind.wire()), Some(&format!("v{version}")))
                .await?;
            println!("{version}");
            eprintln!("{} published as version {version}", kind.wire());
        }
        Command::Weeks { week, commune } => {
            let weeks = db::week_summaries(&pool, week.as_deref(), commune.as_deref()).await?;
            println!("{}", serde_json::to_string_pretty(&weeks)?);
        }
        Command::AcceptWeek { commune, week } => {
            let week = thanthien_core::summary::Week::try_from(week).map_err(anyhow::Error::msg)?;
            db::accept_week(&pool, commune.trim(), week).await?;
            accounts::audit(&pool, &os_user(), "week.accept", Some(commune.trim()), Some(&week.to_string())).await?;
            eprintln!("{commune} {week} accepted");
        }
        Command::Revoke { device } => {
            anyhow::ensure!(db::revoke_device(&pool, device).await?, "no active device {device}");
            accounts::audit(&pool, &os_user(), "revoke", Some(&device.to_string()), None).await?;
            eprintln!("device {device} revoked");
        }
        Command::User { command: UserCommand::Add { username, name, role } } => {
            accounts::add(&pool, username.clone(), name, &role, password_from_stdin()?).await?;
            accounts::audit(&pool, &os_user(), "user.add", Some(&username), Some(&role)).await?;
            eprintln!("account {username} added");
        }
        Command::User { command: UserCommand::Password { username } } => {
            accounts::set_password(&pool, &username, password_from_stdin()?).await?;
            accounts::audit(&pool, &os_user(), "user.password", Some(&username), None).await?;
            eprintln!("password of {username} set");
        }
        Command::User { command: UserCommand::List } => {
            println!("{}", serde_json::to_string_pretty(&accounts::list(&pool).await?)?);
        }
    }
    Ok(())
}
