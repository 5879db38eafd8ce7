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
use xcgate::config::Config;
use xcgate::gateway::Gateway;
use xcgate::plugin::PluginRuntime;
use xcgate::process::{Process, runtime_options};

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
    /// List or revoke what the gateway has learned of who a patient is in each
    /// community (patient correlations). Through the running gateway's `[admin]`
    /// listener when it has one; otherwise on the store directly.
    Correlations {
        #[command(subcommand)]
        action: CorrelationsAction,
        /// The TOML config file (default: the bundled demo).
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
    },
    /// Print the IHE Integration Statement of a configuration (the actors, transactions
    /// and options it implements), derived from the config and its plugins.
    IntegrationStatement {
        /// The TOML config file (default: the bundled demo).
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// `md` (Markdown) or `html`.
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// The asynchronous exchanges of the gateway's state store: answers owed and awaited,
    /// delivered and given up (never their content).
    Pending {
        #[command(subcommand)]
        action: PendingAction,
        /// The gateway config (default: the bundled demo).
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
    /// The audit journal of a config: status, verify, export a period, tail.
    Audit {
        #[command(subcommand)]
        action: xcgate::audit::cli::AuditAction,
        /// The gateway config (default: the bundled demo).
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
    /// Develop a community plugin: run it once in the sandbox, outside a gateway.
    Plugin {
        #[command(subcommand)]
        action: PluginAction,
    },
}

#[derive(Subcommand)]
enum PluginAction {
    /// Run one call of a plugin in the real sandbox and print the typed request it was
    /// passed, its typed answer (or error), the answer checks, time and memory. Exits 1
    /// when a check fails.
    Call {
        #[command(flatten)]
        subject: SubjectArgs,
        /// iti55, iti56, iti38 or iti39 (default: read from the request's root element).
        #[arg(long)]
        transaction: Option<String>,
        /// The request: a SOAP envelope, its payload alone, or an MTOM capture.
        #[arg(long)]
        request: PathBuf,
        /// Time the call is given, e.g. 500ms (default and cap: the community's timeout).
        #[arg(long, value_parser = xcgate::config::parse_duration)]
        budget: Option<std::time::Duration>,
        /// Machine output: one JSON object.
        #[arg(long)]
        json: bool,
        /// Also print the answer the gateway would send, aggregated from this one call.
        #[arg(long)]
        show_message: bool,
    },
    /// Write a new plugin project (outside this repository) that builds, passes its own
    /// tests and loads in a gateway: the adapter, its settings, a gateway config and a
    /// sample request per capability.
    New {
        /// The plugin's name: lower-case words joined by `-` (e.g. my-hospital).
        name: String,
        /// rust, python or js.
        #[arg(long, default_value = "rust")]
        lang: String,
        /// What it answers, comma-separated: patient-discovery, document-query,
        /// document-retrieve (default: all the language's template implements).
        #[arg(long)]
        capabilities: Option<String>,
        /// Where to write it (default: ./NAME); it must not exist or be empty.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// plugins/sdk of an xcgate checkout, for a Rust project (default: the one this
        /// xcgate was built from).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// The conformance kit: drive a plugin through every capability it exports (your
    /// requests, the corpus's samples, edge cases) and check the contract. Prints a table
    /// (check, outcome, why); exits 1 when the plugin breaks the contract.
    Test {
        #[command(flatten)]
        subject: SubjectArgs,
        /// A request of yours (repeatable): queries that find your test patients, so the
        /// kit can follow them to their documents and vary their parameters.
        #[arg(long = "request", value_name = "FILE")]
        requests: Vec<PathBuf>,
        /// The IHE conformance corpus (samples/ and schemas/) for the sample requests and
        /// the schema check (default: $XCGATE_CONFORMANCE_DIR).
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// Machine output: one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// The plugin to run: a component with its settings, or a community of a config.
#[derive(clap::Args)]
struct SubjectArgs {
    /// The plugin component (.wasm), here or as --plugin.
    #[arg(value_name = "PLUGIN.wasm", conflicts_with_all = ["plugin", "config"])]
    file: Option<PathBuf>,
    /// The plugin component (.wasm).
    #[arg(long, required_unless_present_any = ["config", "file"], conflicts_with = "config")]
    plugin: Option<PathBuf>,
    /// The plugin's settings: a TOML table of keys (as under [communities.<name>.settings])
    /// or a JSON object (a .json file).
    #[arg(long, conflicts_with = "config")]
    settings: Option<PathBuf>,
    /// The homeCommunityId the plugin answers for.
    #[arg(long, default_value = "urn:oid:2.999.1")]
    home_community_id: String,
    /// A gateway config; with --community, run that community's plugin with its settings,
    /// limits and endpoints.
    #[arg(long, requires = "community")]
    config: Option<PathBuf>,
    /// The community of --config.
    #[arg(long, requires = "config")]
    community: Option<String>,
}

impl SubjectArgs {
    fn source(self) -> xcgate::kit::subject::Source {
        use xcgate::kit::subject::Source;
        match (self.config, self.community, self.plugin) {
            (Some(config), Some(name), _) => Source::Community { config, name },
            (_, _, plugin) => Source::File {
                plugin: plugin.or(self.file).unwrap_or_default(),
                settings: self.settings,
                home_community_id: self.home_community_id,
            },
        }
    }
}

#[derive(Subcommand)]
enum PendingAction {
    /// List them, oldest first: a table, or JSON lines with --json.
    List {
        /// pending, delivered, given-up or all.
        #[arg(long, default_value = "all")]
        state: String,
        #[arg(long)]
        json: bool,
    },
    /// Try a given-up answer again once its receiver works: it is due at once, tried
    /// until [gateway.replies] horizon from now, and delivered by the running gateway.
    Retry {
        /// The exchange's id, as `pending list --state given-up` shows it.
        id: String,
    },
}

#[derive(Subcommand)]
enum CorrelationsAction {
    /// Every correlation of a patient, as JSON (patient data: for the operator only).
    List {
        /// The patient as an HL7 CX, e.g. '120390-904J^^^&1.2.246.21&ISO'.
        #[arg(long)]
        patient: String,
    },
    /// Forget what is known of a patient (audited); the next query finds them again.
    Revoke {
        /// The patient as an HL7 CX, e.g. '120390-904J^^^&1.2.246.21&ISO'.
        #[arg(long)]
        patient: String,
        /// Only what was learned of that community (its homeCommunityId).
        #[arg(long)]
        community: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `plugin test` makes a hundred calls: the plugin's own info lines would bury the
    // report (XCGATE_LOG=info shows them).
    let quiet = matches!(
        &cli.command,
        Command::Plugin {
            action: PluginAction::Test { .. }
        }
    );
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("XCGATE_LOG")
                .unwrap_or_else(|_| if quiet { "warn" } else { "info" }.into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Command::CheckConfig { file } => check_config(&file),
        Command::Serve { config, listen } => xcgate::run::serve(config, listen),
        Command::IntegrationStatement { config, format } => integration_statement(config, &format),
        Command::Correlations { action, config } => correlations(config, action),
        Command::Plugin { action } => return plugin(action),
        Command::Pending { action, config } => pending(config, action),
        Command::Audit { action, config } => xcgate::audit::cli::run(config, action),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn integration_statement(config: Option<PathBuf>, format: &str) -> anyhow::Result<()> {
    let format = xcgate::statement::Format::from_name(format)
        .ok_or_else(|| anyhow::anyhow!("--format `{format}`: use md or html"))?;
    let config = match &config {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    let runtime = PluginRuntime::new(runtime_options(&config))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let statement = xcgate::statement::Statement::of_config(&config, &runtime, now)?;
    out(&statement.render(format));
    Ok(())
}

fn correlations(config: Option<PathBuf>, action: CorrelationsAction) -> anyhow::Result<()> {
    use xcgate::correlation::command::{Action, run};
    let config = match &config {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    let action = match action {
        CorrelationsAction::List { patient } => Action::List { patient },
        CorrelationsAction::Revoke { patient, community } => Action::Revoke { patient, community },
    };
    out(&run(config, action)?);
    Ok(())
}

fn pending(config: Option<PathBuf>, action: PendingAction) -> anyhow::Result<()> {
    let config = match &config {
        Some(path) => Config::from_file(path)?,
        None => Config::demo()?,
    };
    match action {
        PendingAction::List { state, json } => {
            let state = xcgate::pending::state_named(&state)?;
            out(&xcgate::pending::list(&config, state, json)?);
        }
        PendingAction::Retry { id } => {
            out(&xcgate::pending::retry(&config, &id)?);
        }
    }
    Ok(())
}

/// `xcgate plugin ...`: exit 1 when the plugin failed a check, 2 when it could not be run.
fn plugin(action: PluginAction) -> ExitCode {
    let result = match action {
        PluginAction::Call {
            subject,
            transaction,
            request,
            budget,
            json,
            show_message,
        } => plugin_call(subject, transaction, &request, budget, json, show_message),
        PluginAction::New {
            name,
            lang,
            capabilities,
            dir,
            sdk,
        } => plugin_new(&name, &lang, capabilities.as_deref(), dir, sdk).map(|()| true),
        PluginAction::Test {
            subject,
            requests,
            corpus,
            json,
        } => plugin_test(subject, &requests, corpus, json),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn plugin_call(
    subject: SubjectArgs,
    transaction: Option<String>,
    request: &std::path::Path,
    budget: Option<std::time::Duration>,
    json: bool,
    show_message: bool,
) -> anyhow::Result<bool> {
    use xcgate::kit::{report::CallReport, request, subject::Subject};
    let expected = match &transaction {
        Some(name) => Some(request::transaction_named(name).ok_or_else(|| {
            anyhow::anyhow!("--transaction `{name}`: use iti55, iti56, iti38 or iti39")
        })?),
        None => None,
    };
    let request = request::KitRequest::read(request, expected)?;
    let subject = Subject::load(&subject.source())?;
    subject.can_answer(request.capability())?;
    let budget = budget.unwrap_or(subject.config.timeout.0);
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(CallReport::run(&subject, &request, budget));
    if json {
        out(&format!("{}\n", report.to_json(show_message)));
    } else {
        out(&report.to_text(show_message));
    }
    Ok(!report.failed())
}

fn plugin_new(
    name: &str,
    lang: &str,
    capabilities: Option<&str>,
    dir: Option<PathBuf>,
    sdk: Option<PathBuf>,
) -> anyhow::Result<()> {
    use xcgate::kit::scaffold::{self, Lang, Plan};
    scaffold::check_name(name)?;
    let lang = Lang::named(lang)?;
    let capabilities = scaffold::capabilities(capabilities, lang)?;
    let sdk = match sdk {
        Some(path) => path
            .canonicalize()
            .ok()
            .filter(|p| p.join("Cargo.toml").is_file())
            .ok_or_else(|| anyhow::anyhow!("--sdk {}: no SDK crate there (it is plugins/sdk of an xcgate checkout)", path.display()))?,
        None if lang == Lang::Rust => scaffold::default_sdk().ok_or_else(|| {
            anyhow::anyhow!("the xcgate sources this binary was built from are gone: give --sdk <xcgate checkout>/plugins/sdk")
        })?,
        None => PathBuf::new(),
    };
    let xcgate = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "xcgate".into());
    let dir = dir.unwrap_or_else(|| PathBuf::from(name));
    let plan = Plan {
        name: name.to_string(),
        lang,
        capabilities,
        dir: dir.clone(),
        sdk,
        xcgate,
    };
    let files = scaffold::write(&plan)?;
    println!("wrote {} ({} files):", dir.display(), files.len());
    for f in &files {
        println!("  {f}");
    }
    println!(
        "\nnext: cd {} and follow its README.md (build, test, plugin test, serve)",
        dir.display()
    );
    Ok(())
}

fn plugin_test(
    subject: SubjectArgs,
    requests: &[PathBuf],
    corpus: Option<PathBuf>,
    json: bool,
) -> anyhow::Result<bool> {
    use xcgate::kit::{cases, subject::Subject, suite};
    let requests = cases::from_files(requests)?;
    let corpus = corpus.or_else(|| std::env::var_os("XCGATE_CONFORMANCE_DIR").map(PathBuf::from));
    if let Some(dir) = &corpus
        && !dir.is_dir()
    {
        anyhow::bail!("--corpus {}: no such folder", dir.display());
    }
    let subject = Subject::load(&subject.source())?;
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(suite::run(&subject, suite::Inputs { requests, corpus }));
    if json {
        out(&format!("{}\n", report.to_json()));
    } else {
        out(&report.to_text());
    }
    Ok(!report.failed())
}

fn check_config(file: &std::path::Path) -> anyhow::Result<()> {
    let config = Config::from_file(file)?;
    let runtime = PluginRuntime::new(runtime_options(&config))?;
    let process = Process::offline(&config, runtime);
    let gw = Gateway::load(config, &process)?;
    // The plugins' own checks of their settings run in the sandbox, as calls do.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(gw.check_settings())?;
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

/// Write a command's output. A reader that went away (`xcgate pending list | head`) ends
/// it quietly, not with a panic.
fn out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
