//! The `samordna` command: serve the application, and the operator's tasks.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::http::{self, AppState, HttpConfig};
use crate::service::accounts::{self, AuthPolicy, Creator, NewUserInput};
use crate::service::audit::Actor;
use crate::service::personal_key::PersonalKey;
use crate::service::{demo, participants, ServiceError};
use crate::storage::{migrations, DatabaseUrl, Db};

#[derive(Parser, Debug)]
#[command(
    name = "samordna",
    version,
    about = "Applications, decisions, follow-up and economy for Swedish samordningsförbund"
)]
pub struct Cli {
    /// Where the data lives: sqlite://PATH (created when missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "SAMORDNA_DATABASE_URL",
        default_value = "sqlite://data/samordna.db",
        value_name = "URL"
    )]
    pub database_url: DatabaseUrl,

    /// Log format on standard error.
    #[arg(long, global = true, env = "SAMORDNA_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (migrations run first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Check the configuration and that the database is reachable.
    Check,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Inspect the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The participant register's maintenance.
    #[command(subcommand)]
    Participants(ParticipantsCommand),
    /// E-mail reminders.
    #[command(subcommand)]
    Reminders(RemindersCommand),
}

#[derive(Subcommand, Debug)]
pub enum RemindersCommand {
    /// Send the reminders that are due and not yet sent (the server also does it every hour).
    Send {
        #[command(flatten)]
        mail: MailArgs,
        /// The site's address, for links in the e-mails.
        #[arg(long, env = "SAMORDNA_PUBLIC_URL")]
        public_url: Option<url::Url>,
    },
}

/// Where e-mail reminders go out. Without --smtp-url none are sent.
#[derive(Args, Debug, Clone)]
pub struct MailArgs {
    /// The SMTP server: smtps://USER:PASSWORD@HOST:465, smtp://USER:PASSWORD@HOST:587?tls=required,
    /// or smtp://HOST:25 for a relay on the same host.
    #[arg(long, env = "SAMORDNA_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of reminders.
    #[arg(long, env = "SAMORDNA_SMTP_FROM", default_value = "Samordna <noreply@localhost>")]
    pub smtp_from: String,
    /// Remind this many days before a due date; signatures are reminded of after waiting as long.
    #[arg(long, env = "SAMORDNA_REMIND_DAYS", default_value_t = 7, value_parser = clap::value_parser!(i64).range(0..=90))]
    pub remind_days: i64,
}

impl MailArgs {
    fn mailer(&self, public_url: Option<&url::Url>) -> anyhow::Result<Option<crate::service::reminders::Mailer>> {
        let Some(smtp) = &self.smtp_url else { return Ok(None) };
        let public = public_url.map(|u| u.as_str().to_string());
        crate::service::reminders::Mailer::new(smtp, &self.smtp_from, public.as_deref(), self.remind_days)
            .map(Some)
            .map_err(|e| anyhow::anyhow!(e))
    }
}

#[derive(Subcommand, Debug)]
pub enum ParticipantsCommand {
    /// Remove personal data of participations that ended longer ago than the retention period.
    Purge,
    /// Print a new random key for --participant-key.
    Key,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "SAMORDNA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// On an empty database, load the demo association, members and users.
    #[arg(long, env = "SAMORDNA_DEMO")]
    pub demo: bool,
    /// Give every demo user this password instead of a random one.
    #[arg(long, env = "SAMORDNA_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,
    /// E-mail of the administrator created on the first start of an empty database.
    #[arg(long, env = "SAMORDNA_ADMIN_EMAIL", default_value = "admin@localhost")]
    pub admin_email: String,
    /// The address people use, such as https://samordna.example.se; https makes cookies Secure.
    #[arg(long, env = "SAMORDNA_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Take client addresses from X-Forwarded-For (only behind a proxy you control).
    #[arg(long, env = "SAMORDNA_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The largest attachment accepted, in megabytes.
    #[arg(long, env = "SAMORDNA_MAX_ATTACHMENT_MB", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=500))]
    pub max_attachment_mb: u64,
    /// End a session after this many minutes without use.
    #[arg(long, env = "SAMORDNA_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub session_idle_minutes: i64,
    /// End a session this many hours after login.
    #[arg(long, env = "SAMORDNA_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=168))]
    pub session_max_hours: i64,
    /// The key that seals participants' personnummer and names: 32 random bytes as 64
    /// hexadecimal digits (make one with `samordna participants key`). Without it only demo
    /// installations start, with a public demo key.
    #[arg(long, env = "SAMORDNA_PARTICIPANT_KEY", hide_env_values = true)]
    pub participant_key: Option<String>,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user with one role; prints a one-time password to change at first login.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// One of: system_admin, association_admin, director, case_officer, board_member, auditor,
        /// intervention_lead, signatory, case_worker.
        #[arg(long)]
        role: String,
        /// The association's id, for association roles.
        #[arg(long)]
        association: Option<i64>,
        /// The member organisation's id, for member roles.
        #[arg(long)]
        member: Option<i64>,
    },
    /// List all users with their roles.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (only its hash is stored).
    Create {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verify the audit log's hash chain and report the first broken link.
    Verify,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAMORDNA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

async fn open(url: &DatabaseUrl) -> anyhow::Result<Db> {
    if let DatabaseUrl::Sqlite(path) = url {
        check_writable(path)?;
    }
    let db = Db::connect(url).await?;
    migrations::run(&db).await?;
    Ok(db)
}

/// SQLite needs to create its file and journal beside it: say so plainly when it cannot.
fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("the data folder {} cannot be created: {e}", dir.display()))?;
    let probe = dir.join(format!(".samordna-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| anyhow::anyhow!("the data folder {} is not writable: {e}", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(&cli.database_url, args).await,
        Command::Migrate => {
            let db = Db::connect(&cli.database_url).await?;
            let n = migrations::run(&db).await?;
            println!("{n} migration(s) applied to {}.", cli.database_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let db = open(&cli.database_url).await?;
            db.ping().await?;
            println!("Configuration is valid and the database at {} is reachable.", cli.database_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Add { email, name, role, association, member }) => {
            let db = open(&cli.database_url).await?;
            let input = NewUserInput { email, name, role, association_id: association, member_id: member };
            match accounts::create_user(&db, Creator::Operator, &input).await {
                Ok(created) => {
                    println!("Created user {} (id {}).", created.email, created.user_id);
                    println!("One-time password (must be changed at first login): {}", created.one_time_password);
                    Ok(ExitCode::SUCCESS)
                }
                Err(ServiceError::Invalid(fields)) => {
                    for f in fields {
                        let option = match f.field.as_str() {
                            "association_id" => "association",
                            "member_id" => "member",
                            other => other,
                        };
                        eprintln!("error: --{option}: {}", crate::http::messages::field_message(&f.field, f.code));
                    }
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::User(UserCommand::List) => {
            let db = open(&cli.database_url).await?;
            for u in accounts::list_all_users(&db).await? {
                let roles: Vec<String> = u.roles.iter().map(crate::http::pages::describe_grant).collect();
                println!("{}\t{}\t{}\t{}", u.user.id, u.user.email, u.user.name, roles.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create { email }) => {
            let db = open(&cli.database_url).await?;
            match accounts::create_token(&db, &email).await {
                Ok(token) => {
                    println!("{token}");
                    eprintln!("Keep this token secret; it is not shown again.");
                    Ok(ExitCode::SUCCESS)
                }
                Err(ServiceError::NotFound) => {
                    eprintln!("error: there is no user with the e-mail {email}");
                    Ok(ExitCode::from(2))
                }
                Err(ServiceError::Invalid(_)) => {
                    eprintln!("error: {email} is not an e-mail address");
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Participants(ParticipantsCommand::Purge) => {
            let db = open(&cli.database_url).await?;
            let n = participants::purge(&db, &Actor::command_line(), crate::domain::time::today()).await?;
            println!("Removed personal data from {n} participation(s) past their retention period.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reminders(RemindersCommand::Send { mail, public_url }) => {
            let Some(mailer) = mail.mailer(public_url.as_ref())? else {
                eprintln!("error: set --smtp-url (SAMORDNA_SMTP_URL) to send reminders");
                return Ok(ExitCode::from(2));
            };
            let db = open(&cli.database_url).await?;
            let round = crate::service::reminders::send_due(&db, &mailer, crate::domain::time::today()).await?;
            println!("Sent {} reminder(s); {} could not be sent and will be tried again.", round.sent, round.failed);
            Ok(if round.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Participants(ParticipantsCommand::Key) => {
            println!("{}", crate::service::personal_key::PersonalKey::generate_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = open(&cli.database_url).await?;
            let v = crate::service::audit::verify(&db).await?;
            match v.broken {
                None => {
                    println!("The audit log is intact: {} event(s) verified.", v.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(link) => {
                    println!("The audit log is broken: {link}.");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

async fn serve(url: &DatabaseUrl, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let participant_key = match (&args.participant_key, args.demo) {
        (Some(text), _) => PersonalKey::parse(text).map_err(|e| anyhow::anyhow!("--participant-key: {e}"))?,
        (None, true) => {
            tracing::warn!("no participant key configured: using the public demo key, never for real participants");
            PersonalKey::demo()
        }
        (None, false) => anyhow::bail!(
            "set --participant-key (SAMORDNA_PARTICIPANT_KEY) to 64 hexadecimal digits; `samordna participants key` makes one"
        ),
    };
    let db = open(url).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
    let address = listener.local_addr()?;

    if args.demo {
        match demo::load(&db, args.demo_password.as_deref()).await? {
            Some(users) => {
                let jobbcentrum = demo::load_follow_up(&db, &participant_key).await?;
                demo::load_economy(&db, jobbcentrum).await?;
                println!("Loaded the demo: {} with its members and these users:", demo::ASSOCIATION_NAME);
                for u in users {
                    println!("  {:<40} {:<24} {}", u.email, u.role.label(), u.password);
                }
            }
            None => println!("The database already holds data; the demo was not loaded and nothing was changed."),
        }
    } else if let Some(admin) = accounts::bootstrap_admin(&db, &args.admin_email).await? {
        println!("Created the system administrator {} with the one-time password:", admin.email);
        println!("  {}", admin.one_time_password);
        println!("It must be changed at the first login.");
    }

    let secure = args.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
    let config = HttpConfig {
        auth: AuthPolicy {
            idle_timeout: chrono::Duration::minutes(args.session_idle_minutes),
            absolute_timeout: chrono::Duration::hours(args.session_max_hours),
            ..AuthPolicy::default()
        },
        secure_cookies: secure,
        public_origin: args.public_url.as_ref().map(|u| u.origin().ascii_serialization()),
        trust_forwarded_for: args.trust_forwarded_for,
        max_attachment_bytes: (args.max_attachment_mb * 1024 * 1024) as usize,
        participant_key,
    };
    let state = AppState { db: db.clone(), config: Arc::new(config), metrics: Arc::default() };
    let cleanup = tokio::spawn(cleanup_sessions(db.clone(), state.config.auth.clone()));
    let retention = tokio::spawn(purge_daily(db.clone()));
    // Without --smtp-url no reminders are sent; the listening line says which.
    let reminders = args.mail.mailer(args.public_url.as_ref())?.map(|m| tokio::spawn(remind_hourly(db.clone(), m)));

    let stop = shutdown_signal()?;
    let shown = args.public_url.as_ref().map(|u| u.to_string()).unwrap_or_else(|| format!("http://{address}"));
    println!("Samordna is running at {shown}");
    let mail = if reminders.is_some() { "on" } else { "off (no --smtp-url)" };
    tracing::info!(%address, database = %url, reminders = mail, "listening");
    http::serve(listener, state, stop).await?;
    cleanup.abort();
    retention.abort();
    if let Some(r) = reminders {
        r.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Removes expired sessions every ten minutes.
async fn cleanup_sessions(db: Db, policy: AuthPolicy) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = crate::domain::time::now();
        let result = async {
            let mut tx = db.write().await?;
            let n = crate::storage::sessions::delete_expired(
                &mut tx,
                now - policy.idle_timeout,
                now - policy.absolute_timeout,
            )
            .await?;
            tx.commit().await?;
            Ok::<u64, crate::storage::StorageError>(n)
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not remove expired sessions");
        }
    }
}

/// Removes participants' personal data past the retention period at start and then daily.
async fn purge_daily(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        every.tick().await;
        match participants::purge(&db, &Actor::command_line(), crate::domain::time::today()).await {
            Ok(n) if n > 0 => tracing::info!(participations = n, "removed personal data past the retention period"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not remove personal data past the retention period"),
        }
    }
}

/// Sends the reminders that are due at start and then every hour; each goes once.
async fn remind_hourly(db: Db, mailer: crate::service::reminders::Mailer) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match crate::service::reminders::send_due(&db, &mailer, crate::domain::time::today()).await {
            Ok(r) if r.sent + r.failed > 0 => tracing::info!(sent = r.sent, failed = r.failed, "reminders"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not send reminders"),
        }
    }
}

/// Listens for SIGTERM and SIGINT from the moment it is called, so a signal that arrives while
/// the server starts is not lost (nor kills the process before it can finish cleanly).
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
            tracing::info!("shutting down; finishing requests in flight");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down; finishing requests in flight");
        })
    }
}
