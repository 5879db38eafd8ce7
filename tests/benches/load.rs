//! Load bench (README, "Load benchmark"): xcgate in-process against a bare hyper server answering
//! the same bytes, driven by one client at 1, 16 and 64 keep-alive connections.
//!
//! ```sh
//! cargo bench -p xcgate-tests --bench load             # table (about a minute)
//! cargo bench -p xcgate-tests --bench load -- --json   # one JSON object per row
//! cargo bench -p xcgate-tests --bench load -- --quick  # short smoke run (CI)
//! cargo bench -p xcgate-tests --bench load -- --soak 10m --share 0.5   # soak (load/soak.rs)
//! ```
//!
//! Client, baseline and gateway share this process and its cores, as they would share a
//! 2-core machine; the ratio to the baseline is what makes the numbers comparable across
//! machines.

/// The allocator `xcgate serve` uses (host/src/main.rs), so the in-process gateway is
/// measured as it runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "load/client.rs"]
mod client;
#[path = "load/report.rs"]
mod report;
#[path = "load/scenarios.rs"]
mod scenarios;
#[path = "load/setup.rs"]
mod setup;
#[path = "load/soak.rs"]
mod soak;
#[path = "load/stats.rs"]
mod stats;
#[path = "load/translation.rs"]
mod translation;

use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: cargo bench -p xcgate-tests --bench load [-- --json] [-- --quick] [-- --soak 10m [--share 0.5]]";

fn main() -> ExitCode {
    let (mut json, mut quick) = (false, false);
    let (mut soak, mut share) = (None, 0.5);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--quick" => quick = true,
            "--soak" => match args.next().as_deref().and_then(soak::parse_duration) {
                Some(d) => soak = Some(d),
                None => {
                    eprintln!("--soak needs a duration, e.g. 10m or 600s\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--share" => match args.next().and_then(|s| s.parse::<f64>().ok()) {
                Some(s) if s > 0.0 && s <= 1.0 => share = s,
                _ => {
                    eprintln!("--share needs a fraction of the capacity, 0 < S <= 1\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (warmup, measure) = if quick {
        (Duration::from_millis(200), Duration::from_millis(800))
    } else {
        (Duration::from_millis(500), Duration::from_secs(3))
    };
    let bench = scenarios::Bench {
        printer: report::Printer { json },
        warmup,
        measure,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // One worker per core, shared by client, baseline and gateway.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("load: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(duration) = soak {
        return match runtime.block_on(soak::soak(&bench.printer, duration, share)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("load: soak failed: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    bench.printer.header(&format!(
        "xcgate load bench: {cores} cores, {:.1} s per run after {:.1} s warm-up; targets from the README; cpu = whole process (client + server) per answer",
        measure.as_secs_f64(),
        warmup.as_secs_f64()
    ));
    let p = &bench.printer;
    let result = runtime.block_on(async {
        p.progress("ITI-55, 1 demo community, xcgate vs bare hyper");
        bench.one_community().await?;
        p.progress("ITI-55 to 1 and 20 echo communities (where the CPU goes)");
        bench.echo_split().await?;
        p.progress("ITI-55 fan-out to 20 communities answering in 50 ms");
        bench.fan_out().await?;
        p.progress("ITI-55 fan-out to 20 communities, one hung");
        bench.hung_community().await?;
        p.progress("ITI-39 of a 20 MiB document, MTOM");
        bench.big_retrieve().await?;
        p.progress("ITI-18 by hetu (id translation) next to plain ITI-38");
        bench.translation().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: set-up failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}
