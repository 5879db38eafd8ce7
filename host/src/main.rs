//! The `xcgate` command.

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: a request allocates and frees many small strings
/// (XML trees, WIT records), and glibc's malloc/free took ~20% of the CPU of an ITI-55 in
/// `perf` (malloc, _int_free, malloc_consolidate).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use xcgate::config::Config;
use xcgate::gateway::{Gateway, runtime_options};
use xcgate::live::LiveGateway;
use xcgate::plugin::PluginRuntime;

#[derive(Parser)]
#[command(
    name = "xcgate",
    version,
    about = "IHE cross-community gateway (XCPD, XCA) with sandboxed WebAssembly community adapters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway. Without --config it runs the bundled demo (three demo communities).
    Serve {
        /// The TOML config file.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Listen here instead of the config's `gateway.listen` (e.g. 0.0.0.0:8088).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Validate a config file and load, compile and link every community's plugin.
    CheckConfig {
        /// The TOML config file.
        file: PathBuf,
    },
}

/// Print a line for the operator; a closed stdout (a detached service) must not stop the
/// gateway, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn load(config: Config) -> anyhow::Result<Gateway> {
    let runtime = PluginRuntime::new(runtime_options(&config))?;
    Gateway::load(config, runtime)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("XCGATE_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::CheckConfig { file } => check_config(&file),
        Command::Serve { config, listen } => serve(config, listen),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn check_config(file: &std::path::Path) -> anyhow::Result<()> {
    let gw = load(Config::from_file(file)?)?;
    println!(
        "{}: ok ({} communities: {})",
        file.display(),
        gw.communities.len(),
        gw.communities
            .iter()
            .map(|c| format!("{} {}", c.name, c.home_community_id))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

fn serve(source: Option<PathBuf>, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let config = match &source {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    // The config file as given (its folder is empty for a bare file name), or the demo.
    let origin = source.as_ref().map_or_else(
        || "the bundled demo".to_string(),
        |p| p.display().to_string(),
    );
    let addr = match listen {
        Some(a) => a,
        None => config.gateway.listen.parse()?,
    };
    let mut gw = load(config)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        gw.open_audit().await?;
        let audit = gw.audit.clone();
        let journal = gw.config.audit.journal_path(&gw.config.base_dir);
        let gw = Arc::new(gw);
        let live = LiveGateway::new(gw.clone(), source);
        let running = live
            .clone()
            .start(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        // Handlers first, so that a signal sent once the address is printed is handled:
        // SIGHUP reloads the config file (a refused reload is logged and changes
        // nothing); Ctrl-C or SIGTERM (what service managers send) stop gracefully.
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let names: Vec<String> = gw
            .communities
            .iter()
            .map(|c| format!("{} ({})", c.name, c.home_community_id))
            .collect();
        say!(
            "xcgate listening on {} (config from {})",
            running.url(),
            origin
        );
        say!(
            "  POST {}/initiating  local initiators: ITI-55 fans out to {}",
            running.url(),
            names.join(", ")
        );
        say!("  POST {}/responding  remote gateways", running.url());
        if let Some(a) = &audit {
            say!(
                "  audit journal {} ({} records waiting for the repository)",
                journal.display(),
                a.stats().pending
            );
        }
        if let Some(admin) = running.admin_url() {
            say!("  POST {admin}/admin/reload  reload the config (also: SIGHUP)");
        }
        let reloads = tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                let _ = live.reload_logged("SIGHUP").await;
            }
        });
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = terminate.recv() => {}
        }
        reloads.abort();
        say!("shutting down");
        running.stop().await;
        if let Some(a) = audit {
            // Flush the journal and give the forwarder a moment to deliver.
            a.shutdown().await;
        }
        Ok(())
    })
}
