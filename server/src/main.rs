//! `talap`: the server binary. See `talap --help` for the settings.

use server::config::Config;

/// Stack of each runtime thread. Rendering a page is deep recursion through its view tree
/// (the operator's olympiad page nests campaign, stage, results and placement sections); a
/// debug build's frames are large: 2 MiB (tokio's default) overflowed there, 4 MiB was enough.
const THREAD_STACK: usize = 8 * 1024 * 1024;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK).build();
    match runtime {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("talap: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    }
}

async fn run() {
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("talap: configuration error: {e}");
            std::process::exit(2);
        }
    };
    if let Some(command) = config.command.clone() {
        init_logging(&config.log_format);
        match server::backup::run(&config, command).await {
            Ok(report) => {
                println!("{report}");
                return;
            }
            Err(e) => {
                eprintln!("talap: {e}");
                std::process::exit(1);
            }
        }
    }
    // Before anything is written: a missing gateway or demo data on a real site stops here.
    // (`--migrate-only` only applies migrations, which needs no gateway.)
    let checked = if config.migrate_only && !config.demo { Ok(()) } else { config.check() };
    if let Err(e) = checked {
        eprintln!("talap: configuration error: {e}");
        std::process::exit(2);
    }
    init_logging(&config.log_format);
    let db = match server::open_database(&config).await {
        Ok(db) => db,
        Err(e) => {
            tracing::error!(error = %e, url = %redact(&config.database_url), "cannot open the database");
            std::process::exit(1);
        }
    };
    if config.migrate_only {
        tracing::info!("migrations applied");
        return;
    }
    println!();
    println!("  Talap is running on {}", config.public_url);
    if config.demo {
        println!("  Demo logins (password for all: {}):", server::demo::DEMO_PASSWORD);
        for (login, role) in server::demo::logins() {
            println!("    {login:<18} {role}");
        }
    }
    println!();
    tracing::info!(listen = %config.listen, database = %redact(&config.database_url), "serving");
    if let Err(e) = server::serve(config, db).await {
        tracing::error!(error = %e, "server stopped with an error");
        std::process::exit(1);
    }
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
