//! Latency percentiles and what the kernel says about this process (CPU time, RSS).
//! Everything here reads /proc/self: the bench runs client, bare server and gateway in one
//! process, so these numbers cover all three.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Per-request latencies (ns) of one run, sorted once so percentiles are exact.
#[derive(Debug, Default)]
pub struct Latencies(Vec<u64>);

impl Latencies {
    pub fn new(mut samples: Vec<u64>) -> Latencies {
        samples.sort_unstable();
        Latencies(samples)
    }

    /// The `q` quantile (0..=1) in milliseconds, nearest-rank; 0 with no samples.
    pub fn ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        self.0[rank - 1] as f64 / 1e6
    }

    pub fn min_ms(&self) -> f64 {
        self.0.first().map_or(0.0, |&n| n as f64 / 1e6)
    }

    pub fn max_ms(&self) -> f64 {
        self.0.last().map_or(0.0, |&n| n as f64 / 1e6)
    }
}

/// What the whole process has used so far, from `/proc/self/stat`. CPU time is counted in
/// clock ticks, 1/100 s on every Linux port Rust supports (USER_HZ), so runs of a few
/// seconds resolve to about 1 %. System time and minor page faults are kept apart because
/// that is where fresh sandbox memory (page faults, resets) and socket calls show up.
#[derive(Debug, Default, Clone, Copy)]
pub struct Usage {
    pub user: Duration,
    pub system: Duration,
    pub minor_faults: u64,
}

impl Usage {
    pub fn now() -> Usage {
        let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
            return Usage::default();
        };
        // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return Usage::default();
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // `rest` starts at field 3 (state): minflt is field 10, utime 14, stime 15.
        let field = |n: usize| {
            fields
                .get(n - 3)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Usage {
            user: Duration::from_millis(field(14) * 10),
            system: Duration::from_millis(field(15) * 10),
            minor_faults: field(10),
        }
    }

    /// What was used between `earlier` and `self`.
    pub fn since(self, earlier: Usage) -> Usage {
        Usage {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            minor_faults: self.minor_faults.saturating_sub(earlier.minor_faults),
        }
    }

    pub fn cpu(&self) -> Duration {
        self.user + self.system
    }
}

/// A `/proc/self/status` value in KiB (`VmRSS`, `VmHWM`).
fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim_start_matches(':')
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Current resident set size in bytes.
pub fn rss() -> u64 {
    status_kib("VmRSS").unwrap_or(0) * 1024
}

/// Watches the process's peak RSS over one scenario. The kernel's high-water mark
/// (`VmHWM`) is exact but covers the whole process life, so it is reset first
/// (`clear_refs` 5, Linux ≥ 4.0); a 1 ms sampler of `VmRSS` backs it up where the reset is
/// not allowed and cross-checks it where it is.
pub struct PeakRss {
    hwm_reset: bool,
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    sampler: Option<std::thread::JoinHandle<()>>,
}

impl PeakRss {
    pub fn start() -> PeakRss {
        let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let peak = Arc::new(AtomicU64::new(rss()));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let sampler = std::thread::Builder::new()
            .name("rss-sampler".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    p.fetch_max(rss(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
            .ok();
        PeakRss {
            hwm_reset,
            peak,
            stop,
            sampler,
        }
    }

    /// The peak RSS in bytes since `start`.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.sampler.take() {
            let _ = t.join();
        }
        let sampled = self.peak.load(Ordering::Relaxed);
        let hwm = if self.hwm_reset {
            status_kib("VmHWM").unwrap_or(0) * 1024
        } else {
            0
        };
        sampled.max(hwm)
    }
}

pub const MIB: f64 = 1024.0 * 1024.0;
