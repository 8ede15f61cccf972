//! Configuration: command-line flags, environment variables and an optional TOML file, in that
//! order of precedence. `talap --help` explains every setting.

use clap::Parser;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug, Default)]
#[command(name = "talap", version, about = "Talap: open education platform (exams with proctoring, journals, olympiads)")]
pub struct Cli {
    /// TOML file with any of the settings below (keys are the long flag names with
    /// underscores, e.g. database_url = "..."). Read if it exists.
    #[arg(long, env = "TALAP_CONFIG", default_value = "talap.toml")]
    pub config: PathBuf,
    /// Database: sqlite://PATH?mode=rwc (embedded, the default) or postgres://USER@HOST/DB.
    /// [default: sqlite://data/talap.db?mode=rwc]
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Largest number of pooled database connections. [default: 16]
    #[arg(long, env = "TALAP_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// Address to listen on. [default: 127.0.0.1:3000]
    #[arg(long, env = "TALAP_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The address people use to reach the site; https:// makes cookies Secure and sends HSTS.
    /// [default: http://127.0.0.1:3000]
    #[arg(long, env = "TALAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Folder with the built site (wasm, css, static files) produced by cargo-leptos.
    /// [default: target/site]
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<String>,
    /// Folder where media (proctoring images, uploads) are stored. [default: data/media]
    #[arg(long, env = "TALAP_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Keep media in S3-compatible storage instead of the folder: s3://bucket[/prefix].
    /// Credentials and endpoint come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT (MinIO, Ceph, Garage...) and AWS_ALLOW_HTTP. Needed for several app nodes.
    #[arg(long, env = "TALAP_MEDIA_URL")]
    pub media_url: Option<String>,
    /// How many proxies in front of Talap append the client address to X-Forwarded-For: 1
    /// behind one load balancer, 2 behind a CDN and a load balancer. The address the outermost
    /// of them appended counts (per-address limits, audit). 0 ignores the header (anyone can
    /// write it) and counts the connection's address: right when nothing stands in front.
    /// Set it to exactly the number of proxies: one too many lets clients choose their
    /// address; one too few counts everyone as the proxy. [default: 0]
    #[arg(long, env = "TALAP_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<usize>,
    /// Deprecated: --trusted-proxies 1 (true) or 0 (false).
    #[arg(long, env = "TALAP_TRUST_PROXY")]
    pub trust_proxy: Option<bool>,
    /// How long a sign-in lasts, in hours. [default: 12]
    #[arg(long, env = "TALAP_SESSION_HOURS")]
    pub session_hours: Option<i64>,
    /// Load demo data (organisations and users with known passwords) into an empty database.
    /// Without SMTP or an SMS gateway, demo mode writes emails and SMS (codes included) to the
    /// log. Refused when the public URL is https (a real site) unless --demo-on-https is set.
    #[arg(long, env = "TALAP_DEMO")]
    pub demo: Option<bool>,
    /// Allow demo mode (accounts with the published demo password) on an https public URL: for
    /// a public showcase only, never with real people's data.
    #[arg(long, env = "TALAP_DEMO_ON_HTTPS")]
    pub demo_on_https: Option<bool>,
    /// SMTP server for email, e.g. smtps://user:pass@smtp.example.kz or
    /// smtp://127.0.0.1:2525 (plain, for a local relay). Required outside demo mode (emails
    /// carry sign-in codes; they are never written to the log instead).
    #[arg(long, env = "TALAP_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender address of emails. [default: Talap <no-reply@talap.local>]
    #[arg(long, env = "TALAP_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// HTTP SMS gateway endpoint; each SMS is POSTed as JSON {"to": "+7...", "text": "..."}.
    /// Required outside demo mode, like the SMTP server.
    #[arg(long, env = "TALAP_SMS_URL")]
    pub sms_url: Option<String>,
    /// Bearer token sent to the SMS gateway.
    #[arg(long, env = "TALAP_SMS_TOKEN")]
    pub sms_token: Option<String>,
    /// Log format: text or json. Log level comes from RUST_LOG (default info).
    #[arg(long, env = "TALAP_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// CPU the server's re-check of webcam snapshots (decode and face count, in the background)
    /// may use on this node, in percent of one core. [default: 25 per core]
    #[arg(long, env = "TALAP_RECHECK_CPU_PERCENT")]
    pub recheck_cpu_percent: Option<u32>,
    /// A snapshot waiting longer than this for the re-check is marked "not re-checked", in
    /// seconds. [default: 600]
    #[arg(long, env = "TALAP_RECHECK_MAX_LAG_S")]
    pub recheck_max_lag_s: Option<i64>,
    /// Sent and failed messages (email, SMS, in-app) are deleted this many days after they were
    /// written; 0 keeps them. Pending ones are never deleted. [default: 365]
    #[arg(long, env = "TALAP_MESSAGE_RETENTION_DAYS")]
    pub message_retention_days: Option<i64>,
    /// Addresses and networks allowed to read /metrics without the token, comma-separated
    /// (the client address as `--trusted-proxies` resolves it). [default: 127.0.0.1,::1]
    #[arg(long, env = "TALAP_METRICS_ALLOW")]
    pub metrics_allow: Option<String>,
    /// A token that lets a scraper read /metrics from any address (`Authorization: Bearer ...`).
    #[arg(long, env = "TALAP_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// Apply migrations (and demo data if asked) and exit.
    #[arg(long)]
    pub migrate_only: bool,
    /// Instead of serving: back up, restore or export (the settings above say which database
    /// and media store).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The operator's commands besides serving (`server::backup`).
#[derive(clap::Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Back up the database and the media while the server runs (one consistent snapshot), into
    /// a new folder inside DIR; then thin out DIR's older backups (daily for a month, weekly
    /// until three months, monthly for a year) and the media no kept backup needs.
    Backup {
        /// Folder of backups (created if missing); each backup is a folder talap-YYYYMMDDTHHMMSSZ in it.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Keep every day's newest backup this many days.
        #[arg(long, default_value_t = 30)]
        keep_daily_days: i64,
        /// Then every week's newest until this age, in days.
        #[arg(long, default_value_t = 90)]
        keep_weekly_days: i64,
        /// Then every month's newest until this age; older backups are removed.
        #[arg(long, default_value_t = 365)]
        keep_days: i64,
        /// Keep every backup (no thinning).
        #[arg(long)]
        no_prune: bool,
    },
    /// Restore a backup into an empty database and an empty media store, then apply the
    /// migrations that came after it. Refuses a backup from a newer Talap.
    Restore {
        /// The backup's folder (DIR/talap-...) or its manifest.json.
        #[arg(long, value_name = "BACKUP")]
        from: PathBuf,
    },
    /// Export every table as CSV (with a README of the columns) and every media file, into an
    /// empty folder; with --person, only what is about one person (a data subject's request); with
    /// --org, one organisation's.
    Export {
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// A login or an account id: export this person's data only.
        #[arg(long, value_name = "LOGIN", conflicts_with = "org")]
        person: Option<String>,
        /// An organisation's id: export its data (and that of everything under it) only.
        #[arg(long, value_name = "ID")]
        org: Option<i64>,
    },
}

/// The same settings read from the TOML file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub db_max_connections: Option<u32>,
    pub listen: Option<SocketAddr>,
    pub public_url: Option<String>,
    pub site_root: Option<String>,
    pub media_dir: Option<PathBuf>,
    pub media_url: Option<String>,
    pub trusted_proxies: Option<usize>,
    pub trust_proxy: Option<bool>,
    pub session_hours: Option<i64>,
    pub demo: Option<bool>,
    pub demo_on_https: Option<bool>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    pub log_format: Option<String>,
    pub recheck_cpu_percent: Option<u32>,
    pub recheck_max_lag_s: Option<i64>,
    pub message_retention_days: Option<i64>,
    pub metrics_allow: Option<String>,
    pub metrics_token: Option<String>,
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db_max_connections: u32,
    pub listen: SocketAddr,
    pub public_url: String,
    pub site_root: String,
    pub media_dir: PathBuf,
    pub media_url: Option<String>,
    pub trusted_proxies: usize,
    pub session_hours: i64,
    pub demo: bool,
    pub demo_on_https: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    pub log_format: String,
    pub recheck: app::proctor::recheck::Budget,
    /// Days sent and failed messages are kept (None: kept).
    pub message_retention_days: Option<i64>,
    pub migrate_only: bool,
    pub command: Option<Command>,
    /// Who may read /metrics.
    pub metrics: crate::metrics::Access,
}

impl Config {
    pub fn load() -> Result<Config, String> {
        Config::from_cli(Cli::parse())
    }

    pub fn from_cli(cli: Cli) -> Result<Config, String> {
        let file: FileConfig = if cli.config.exists() {
            let text = std::fs::read_to_string(&cli.config).map_err(|e| format!("{}: {e}", cli.config.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", cli.config.display()))?
        } else {
            FileConfig::default()
        };
        let session_hours = cli.session_hours.or(file.session_hours).unwrap_or(12);
        if !(1..=24 * 30).contains(&session_hours) {
            return Err("session_hours must be between 1 and 720".into());
        }
        let log_format = cli.log_format.or(file.log_format).unwrap_or_else(|| "text".into());
        if log_format != "text" && log_format != "json" {
            return Err("log_format must be text or json".into());
        }
        let node = app::proctor::recheck::Budget::default_for_node();
        let recheck = app::proctor::recheck::Budget {
            cpu_percent: cli.recheck_cpu_percent.or(file.recheck_cpu_percent).unwrap_or(node.cpu_percent),
            max_lag_ms: cli.recheck_max_lag_s.or(file.recheck_max_lag_s).map_or(node.max_lag_ms, |s| s * 1000),
        };
        if !(1..=6400).contains(&recheck.cpu_percent) {
            return Err("recheck_cpu_percent must be between 1 and 6400".into());
        }
        if !(10_000..=24 * 3600 * 1000).contains(&recheck.max_lag_ms) {
            return Err("recheck_max_lag_s must be between 10 and 86400".into());
        }
        let message_retention_days = match cli.message_retention_days.or(file.message_retention_days).unwrap_or(365) {
            0 => None,
            days if (1..=36_500).contains(&days) => Some(days),
            _ => return Err("message_retention_days must be between 0 (keep) and 36500".into()),
        };
        let metrics = crate::metrics::Access {
            allow: crate::metrics::Access::parse_allow(cli.metrics_allow.or(file.metrics_allow).as_deref().unwrap_or("127.0.0.1, ::1"))?,
            token: cli.metrics_token.or(file.metrics_token).filter(|t| !t.trim().is_empty()),
        };
        Ok(Config {
            database_url: cli.database_url.or(file.database_url).unwrap_or_else(|| "sqlite://data/talap.db?mode=rwc".into()),
            db_max_connections: cli.db_max_connections.or(file.db_max_connections).unwrap_or(16).max(1),
            listen: cli.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:3000".parse().expect("valid default")),
            public_url: cli.public_url.or(file.public_url).unwrap_or_else(|| "http://127.0.0.1:3000".into()),
            site_root: cli.site_root.or(file.site_root).unwrap_or_else(|| "target/site".into()),
            media_dir: cli.media_dir.or(file.media_dir).unwrap_or_else(|| "data/media".into()),
            media_url: cli.media_url.or(file.media_url).filter(|u| !u.trim().is_empty()),
            // The old switch took the first, client-written entry; as one trusted hop it takes
            // the entry the load balancer appended.
            trusted_proxies: cli
                .trusted_proxies
                .or(file.trusted_proxies)
                .or(cli.trust_proxy.or(file.trust_proxy).map(usize::from))
                .unwrap_or(0),
            session_hours,
            demo: cli.demo.or(file.demo).unwrap_or(false),
            demo_on_https: cli.demo_on_https.or(file.demo_on_https).unwrap_or(false),
            smtp_url: cli.smtp_url.or(file.smtp_url),
            mail_from: cli.mail_from.or(file.mail_from).unwrap_or_else(|| "Talap <no-reply@talap.local>".into()),
            sms_url: cli.sms_url.or(file.sms_url),
            sms_token: cli.sms_token.or(file.sms_token),
            log_format,
            recheck,
            message_retention_days,
            migrate_only: cli.migrate_only,
            command: cli.command,
            metrics,
        })
    }

    pub fn secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// What must hold before the server starts (and before demo data is loaded), each refusal a
    /// sentence for the operator:
    /// - demo mode seeds accounts whose password is printed in the README; on an https public
    ///   URL (a real site) that is refused unless `demo_on_https` says it is a showcase;
    /// - outside demo mode, sign-in and confirmation codes go by email and SMS, so both the
    ///   SMTP server and the SMS gateway must be configured (they are never logged instead).
    pub fn check(&self) -> Result<(), String> {
        if self.demo && self.secure() && !self.demo_on_https {
            return Err(format!(
                "demo mode creates accounts with a published password, and the public URL {} is https (a real site): \
                 refusing to load it. Turn demo off, or set TALAP_DEMO_ON_HTTPS=true (--demo-on-https) for a public showcase.",
                self.public_url
            ));
        }
        if !self.demo {
            let mut missing = Vec::new();
            if self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()).is_none() {
                missing.push("an SMTP server (TALAP_SMTP_URL / --smtp-url)");
            }
            if self.sms_url.as_deref().filter(|u| !u.trim().is_empty()).is_none() {
                missing.push("an SMS gateway (TALAP_SMS_URL / --sms-url)");
            }
            if !missing.is_empty() {
                return Err(format!(
                    "{} must be configured: password-reset and registration codes are sent by email and SMS, \
                     and are never written to the log outside demo mode",
                    missing.join(" and ")
                ));
            }
        }
        Ok(())
    }
}
