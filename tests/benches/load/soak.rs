//! `--soak DURATION [--share S]`: the demo gateway (its audit journal real, durable and
//! rotated) under a mixed ITI-55 / ITI-38 / ITI-39 load in the proportions 4 : 2 : 1 (the
//! 800 / 400 / 200 a second of the run that found the journal's growth), paced at share
//! `S` (default 0.5) of the capacity measured first with the same mix. Every 30 s it
//! prints the process's RSS and open file descriptors, the journal's size on disk and
//! its bytes per request, and the errors; at the end, the growth of RSS and descriptors
//! between the first and the last minute.

use crate::report::Printer;
use crate::stats::{Latencies, MIB, rss};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections the client keeps open (each one request in flight).
const CONNECTIONS: usize = 16;
/// How long capacity is measured, after a warm-up of the same length.
const CAPACITY_WINDOW: Duration = Duration::from_secs(5);
const REPORT_EVERY: Duration = Duration::from_secs(30);
const SOAP: &str = "application/soap+xml; charset=utf-8";

/// One kind of request of the mix, and a cheap sign that its answer is a real one.
struct Kind {
    name: &'static str,
    body: Bytes,
    expect: &'static [u8],
}

fn example(name: &str) -> anyhow::Result<Bytes> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../config/examples")
        .join(name);
    Ok(Bytes::from(std::fs::read(&path)?))
}

/// 4 × ITI-55, 2 × ITI-38, 1 × ITI-39 in every 7 requests.
fn mix() -> anyhow::Result<Vec<Arc<Kind>>> {
    let discover = Arc::new(Kind {
        name: "ITI-55",
        body: example("iti55-virtanen.xml")?,
        expect: b"registrationEvent",
    });
    let query = Arc::new(Kind {
        name: "ITI-38",
        body: example("iti38-find-documents.xml")?,
        expect: b"ExtrinsicObject",
    });
    let retrieve = Arc::new(Kind {
        name: "ITI-39",
        body: example("iti39-retrieve.xml")?,
        expect: b"DocumentResponse",
    });
    Ok(vec![
        discover.clone(),
        query.clone(),
        discover.clone(),
        retrieve,
        discover.clone(),
        query,
        discover,
    ])
}

/// What the connections count, read and reset by the reporter.
#[derive(Default)]
struct Tallies {
    ok: AtomicU64,
    failed: AtomicU64,
    first_failure: Mutex<Option<String>>,
    latencies_ns: Mutex<Vec<u64>>,
}

impl Tallies {
    fn fail(&self, why: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_failure.lock() {
            first.get_or_insert(why);
        }
    }
}

/// The pace: one request every `interval`, handed out in order to whichever connection
/// is free (none when unpaced).
struct Pace {
    next: Mutex<Instant>,
    interval: Option<Duration>,
}

impl Pace {
    async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let at = match self.next.lock() {
            Ok(mut next) => {
                // A client that fell behind does not burst to catch up.
                let at = (*next).max(Instant::now() - interval * 4);
                *next = at + interval;
                at
            }
            Err(_) => return,
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Send the mix on one connection until `end`.
async fn connection(
    addr: SocketAddr,
    mix: Arc<Vec<Arc<Kind>>>,
    turn: Arc<AtomicU64>,
    pace: Arc<Pace>,
    tallies: Arc<Tallies>,
    end: Instant,
) {
    let mut sender = None;
    while Instant::now() < end {
        pace.wait().await;
        let n = turn.fetch_add(1, Ordering::Relaxed) as usize;
        let kind = &mix[n % mix.len()];
        if sender.is_none() {
            sender = connect(addr).await.ok();
        }
        let Some(s) = sender.as_mut() else {
            tallies.fail("cannot connect".into());
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let started = Instant::now();
        let request = hyper::Request::post(format!("http://{addr}/initiating"))
            .header(hyper::header::CONTENT_TYPE, SOAP)
            .header(hyper::header::HOST, addr.to_string())
            .body(Full::new(kind.body.clone()));
        let Ok(request) = request else {
            tallies.fail("cannot build the request".into());
            continue;
        };
        let answer = match s.send_request(request).await {
            Ok(response) => {
                let status = response.status();
                match response.into_body().collect().await {
                    Ok(body) => Ok((status, body.to_bytes())),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        match answer {
            Ok((status, body))
                if status == 200 && body.windows(kind.expect.len()).any(|w| w == kind.expect) =>
            {
                tallies.ok.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut l) = tallies.latencies_ns.lock() {
                    l.push(started.elapsed().as_nanos() as u64);
                }
            }
            Ok((status, body)) => {
                let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                tallies.fail(format!("{} answered HTTP {status}: {text}", kind.name));
            }
            Err(e) => {
                tallies.fail(format!("{}: {e}", kind.name));
                sender = None;
            }
        }
    }
}

/// Run the mix on `CONNECTIONS` connections until `end`, paced at `rate` a second (or
/// as fast as answers come).
fn drive(
    addr: SocketAddr,
    mix: &Arc<Vec<Arc<Kind>>>,
    rate: Option<f64>,
    tallies: &Arc<Tallies>,
    end: Instant,
) -> Vec<tokio::task::JoinHandle<()>> {
    let pace = Arc::new(Pace {
        next: Mutex::new(Instant::now()),
        interval: rate.map(|r| Duration::from_secs_f64(1.0 / r)),
    });
    let turn = Arc::new(AtomicU64::new(0));
    (0..CONNECTIONS)
        .map(|_| {
            tokio::spawn(connection(
                addr,
                mix.clone(),
                turn.clone(),
                pace.clone(),
                tallies.clone(),
                end,
            ))
        })
        .collect()
}

/// The journal's end offset: every byte of records it was ever given (segments removed
/// by retention included).
fn journal_end(journal: &std::path::Path) -> u64 {
    xcgate_audit::segments(journal)
        .ok()
        .and_then(|s| s.last().map(xcgate_audit::Segment::end))
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

/// One 30-second line.
struct Sample {
    at: Duration,
    rss: u64,
    fds: usize,
}

/// `10m`, `600s`, `1h`, `90` (seconds).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, ""), |i| text.split_at(i));
    let n: u64 = number.parse().ok()?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

/// The soak: capacity first, then `duration` at `share` of it.
pub async fn soak(printer: &Printer, duration: Duration, share: f64) -> anyhow::Result<()> {
    let journal_dir = tempdir()?;
    let journal = journal_dir.join("audit.log");
    let config = xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0")
        + &format!(
            "\n[audit]\njournal = \"{}\"\nmax_size = \"512MiB\"\n",
            journal.display()
        );
    let gw = crate::setup::start_gateway(&config).await?;
    let addr = gw.running.addr;
    let mix = Arc::new(mix()?);

    printer.progress("soak: measuring capacity with the mix (unpaced, 16 connections)");
    let warm = Arc::new(Tallies::default());
    for t in drive(addr, &mix, None, &warm, Instant::now() + CAPACITY_WINDOW) {
        let _ = t.await;
    }
    let measured = Arc::new(Tallies::default());
    let started = Instant::now();
    for t in drive(addr, &mix, None, &measured, started + CAPACITY_WINDOW) {
        let _ = t.await;
    }
    let capacity = measured.ok.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    if measured.failed.load(Ordering::Relaxed) > 0 {
        anyhow::bail!(
            "the mix fails before the soak: {:?}",
            measured.first_failure.lock().ok().and_then(|f| f.clone())
        );
    }
    let rate = capacity * share;
    println!(
        "soak: capacity {capacity:.0} req/s with the mix; soaking at {rate:.0} req/s ({:.0} %) for {} s",
        share * 100.0,
        duration.as_secs()
    );
    println!(
        "{:>6} {:>9} {:>8} {:>5} {:>9} {:>9} {:>8} {:>8} {:>7}",
        "time", "requests", "rss MiB", "fds", "disk MiB", "rec B/req", "p50 ms", "p99 ms", "errors"
    );
    let audit_before = gw.gateway.process.audit.stats().map_or(0, |s| s.written);
    let bytes_before = journal_end(&journal);
    let tallies = Arc::new(Tallies::default());
    let start = Instant::now();
    let end = start + duration;
    let tasks = drive(addr, &mix, Some(rate), &tallies, end);
    let mut samples: Vec<Sample> = Vec::new();
    let (mut requests, mut errors) = (0u64, 0u64);
    let mut next = start + REPORT_EVERY;
    loop {
        tokio::time::sleep_until(next.min(end).into()).await;
        let ok = tallies.ok.swap(0, Ordering::Relaxed);
        let failed = tallies.failed.swap(0, Ordering::Relaxed);
        requests += ok;
        errors += failed;
        let latencies = Latencies::new(
            tallies
                .latencies_ns
                .lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default(),
        );
        let status = xcgate_audit::status(&journal).unwrap_or_default();
        let sample = Sample {
            at: start.elapsed(),
            rss: rss(),
            fds: open_fds(),
        };
        println!(
            "{:>5}s {:>9} {:>8.1} {:>5} {:>9.1} {:>9.0} {:>8.2} {:>8.2} {:>7}",
            sample.at.as_secs(),
            requests,
            sample.rss as f64 / MIB,
            sample.fds,
            status.size as f64 / MIB,
            journal_end(&journal).saturating_sub(bytes_before) as f64 / requests.max(1) as f64,
            latencies.ms(0.5),
            latencies.ms(0.99),
            errors
        );
        samples.push(sample);
        if Instant::now() >= end {
            break;
        }
        next += REPORT_EVERY;
    }
    for t in tasks {
        let _ = t.await;
    }
    let first_failure = tallies.first_failure.lock().ok().and_then(|f| f.clone());
    let written = gw
        .gateway
        .process
        .audit
        .stats()
        .map_or(0, |s| s.written)
        .saturating_sub(audit_before);
    let status = xcgate_audit::status(&journal).unwrap_or_default();
    let record_bytes = journal_end(&journal).saturating_sub(bytes_before);
    let listed = xcgate_audit::segments(&journal).unwrap_or_default();
    let (packed, plain) = listed
        .iter()
        .filter(|s| s.compressed)
        .fold((0u64, 0u64), |(p, l), s| (p + s.size, l + s.len));
    let ratio = if plain == 0 {
        1.0
    } else {
        packed as f64 / plain as f64
    };
    let minute = |from_end: bool| -> (f64, f64) {
        let picked: Vec<&Sample> = samples
            .iter()
            .filter(|s| {
                if from_end {
                    s.at + Duration::from_secs(60) >= duration
                } else {
                    s.at <= Duration::from_secs(60)
                }
            })
            .collect();
        let n = picked.len().max(1) as f64;
        (
            picked.iter().map(|s| s.rss as f64).sum::<f64>() / n / MIB,
            picked.iter().map(|s| s.fds as f64).sum::<f64>() / n,
        )
    };
    let (rss_first, fds_first) = minute(false);
    let (rss_last, fds_last) = minute(true);
    println!(
        "soak: {requests} answers, {errors} errors{}",
        first_failure
            .map(|f| format!(" (first: {f})"))
            .unwrap_or_default()
    );
    println!(
        "soak: RSS {rss_first:.1} MiB in the first minute, {rss_last:.1} MiB in the last ({:+.1} MiB); fds {fds_first:.0} then {fds_last:.0}",
        rss_last - rss_first
    );
    let per_record = record_bytes as f64 / written.max(1) as f64;
    println!(
        "soak: audit journal: {written} records, {per_record:.0} bytes per record as written ({:.0} per request), {:.0} bytes per record once compressed (ratio {ratio:.3}); now {} segments ({} compressed), {:.1} MiB on disk (max_size 512 MiB)",
        record_bytes as f64 / requests.max(1) as f64,
        per_record * ratio,
        status.segments,
        status.compressed,
        status.size as f64 / MIB,
    );
    drop(gw);
    let _ = std::fs::remove_dir_all(&journal_dir);
    Ok(())
}

fn tempdir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("xcgate-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
