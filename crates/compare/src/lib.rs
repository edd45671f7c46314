//! 比较 · Compare: every download strategy against the same seeded server.
//!
//! The chapter's timings (43.50 s, 26.26 s, 14.78 s) came from the internet
//! and cannot be repeated. Here each strategy downloads the same flags from an
//! in-process server with the same seed, so every run sees the same delays;
//! the table sets each median against the ideal, ⌈N / workers⌉ × mean delay,
//! and the timeline shows where the time went. With `Setup::server`, the
//! downloads go to a server that runs elsewhere (its own process, its own
//! cores), and only the client side is measured.

pub mod loiter;
pub mod rayon_io;
pub mod timeline;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use flags_common::Site;
use flags_common::flags2::{Counter, DownloadMany};
use flags_server::{Config, Delay, FlagServer, RequestRecord};
use serde::Serialize;

use crate::timeline::{Kind, Panel, Span};

/// A strategy: its name, its flags2 `download_many` (which counts every
/// outcome and never stops early), and how many workers it uses by default
/// for `n` flags (the chapter's own numbers).
pub type Strategy = (&'static str, DownloadMany, fn(usize) -> usize);

/// The strategies, in chapter order. `submit_as_completed` is the thread
/// pool's flags2 version with the futures listing's 10 workers. The two rayon
/// rows are the pitfall (`par_iter` on the global pool, one thread per core)
/// and its fix (a pool of the thread pool's size).
pub fn strategies() -> Vec<Strategy> {
    vec![
        ("sequential", sequential::flags2::download_many, |_| 1),
        ("threadpool", threadpool::flags2::download_many, |n| {
            threadpool::MAX_WORKERS.min(n)
        }),
        (
            "submit_as_completed",
            threadpool::flags2::download_many,
            |_| submit_as_completed::MAX_WORKERS,
        ),
        ("processes", processes::flags2::download_many, |_| {
            thread::available_parallelism().map_or(1, |n| n.get())
        }),
        ("async_flags", async_flags::flags2::download_many, |n| n),
        ("rayon", rayon_io::download_many, |_| {
            rayon_io::global_threads()
        }),
        ("rayon_sized", rayon_io::download_many_sized, io_workers),
    ]
}

/// The chapter's pool for `n` downloads: the threads an I/O job wants.
fn io_workers(n: usize) -> usize {
    threadpool::MAX_WORKERS.min(n)
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct Setup {
    pub codes: Vec<String>,
    pub delay: Delay,
    pub error_rate: f64,
    pub seed: u64,
    /// Workers for every concurrent strategy; `None`: each its chapter default.
    pub workers: Option<usize>,
    pub repeat: usize,
    /// Only these strategies (by name); empty: all of them.
    pub only: Vec<String>,
    /// A server already running (a base URL): no in-process server, no
    /// request log; `delay` should then be that server's, for the ideal.
    pub server: Option<String>,
}

/// One strategy's results over the repetitions.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub strategy: &'static str,
    pub workers: usize,
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
    pub median_s: f64,
    pub ideal_s: f64,
    pub ratio: f64,
    /// The requests of the median run, as the server saw them (none when
    /// the server runs elsewhere).
    #[serde(skip)]
    pub requests: Vec<RequestRecord>,
}

/// One run of one strategy on a fresh server (or on `setup.server`):
/// elapsed time, counts, requests.
fn run_once(
    setup: &Setup,
    download_many: DownloadMany,
    workers: usize,
) -> (Duration, Counter, Vec<RequestRecord>) {
    let server = match &setup.server {
        Some(_) => None,
        None => {
            let config = Config {
                delay: setup.delay,
                error_rate: setup.error_rate,
                seed: setup.seed,
                log_requests: true,
                ..Config::default()
            };
            Some(FlagServer::start(config).expect("start the flag server"))
        }
    };
    let base_url = match (&server, &setup.server) {
        (Some(server), _) => server.base_url(),
        (None, url) => url.clone().expect("a server URL when none is started"),
    };
    // A directory per run: runs may overlap (tests) and each deletes its own.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dest =
        std::env::temp_dir().join(format!("compare-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::create_dir_all(&dest).expect("a scratch directory");
    let site = Site::new(&base_url, &dest, Duration::from_secs(30))
        .expect("an HTTP client");
    let t0 = Instant::now();
    let counter = download_many(&site, &setup.codes, false, workers);
    let elapsed = t0.elapsed();
    let _ = std::fs::remove_dir_all(&dest);
    let requests = server.map(|s| s.request_log()).unwrap_or_default();
    (elapsed, counter, requests)
}

/// Runs every strategy `setup.repeat` times; a row per strategy.
pub fn compare(setup: &Setup) -> Vec<Row> {
    let n = setup.codes.len();
    let mut rows = Vec::new();
    for (strategy, download_many, default_workers) in strategies() {
        if !setup.only.is_empty() && !setup.only.iter().any(|name| name == strategy)
        {
            continue;
        }
        let workers = match (strategy, setup.workers) {
            ("sequential", _) => 1,
            // rayon's global pool is one thread per core, whatever the job.
            ("rayon", _) => rayon_io::global_threads(),
            // Worker processes are capped as the section caps `-m`.
            ("processes", Some(workers)) => {
                workers.min(processes::flags2::MAX_CONCUR_REQ)
            }
            (_, Some(workers)) => workers,
            (_, None) => default_workers(n),
        };
        let mut runs: Vec<_> = (0..setup.repeat.max(1))
            .map(|_| run_once(setup, download_many, workers))
            .collect();
        runs.sort_by_key(|run| run.0);
        let (median, tally, requests) = runs.swap_remove(runs.len() / 2);
        // The pitfall row is set against the ideal of an I/O pool, the time
        // this job needs, not the time its two threads need.
        let ideal_workers = match strategy {
            "rayon" => setup.workers.unwrap_or(io_workers(n)),
            _ => workers,
        };
        let waves = n.div_ceil(ideal_workers.max(1));
        let ideal = setup.delay.mean().as_secs_f64() * waves as f64;
        rows.push(Row {
            strategy,
            workers,
            ok: tally.ok,
            not_found: tally.not_found,
            errors: tally.errors,
            median_s: median.as_secs_f64(),
            ideal_s: ideal,
            ratio: if ideal > 0.0 {
                median.as_secs_f64() / ideal
            } else {
                f64::NAN
            },
            requests,
        });
    }
    rows
}

/// The table `just compare` prints.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<20}{:>8}{:>6}{:>6}{:>6}{:>10}{:>10}{:>8}\n",
        "strategy", "workers", "ok", "404", "err", "median", "ideal", "ratio"
    );
    for r in rows {
        out += &format!(
            "{:<20}{:>8}{:>6}{:>6}{:>6}{:>9.3}s{:>9.3}s{:>8.2}\n",
            r.strategy,
            r.workers,
            r.ok,
            r.not_found,
            r.errors,
            r.median_s,
            r.ideal_s,
            r.ratio
        );
    }
    if rows.iter().any(|r| r.strategy == "rayon") {
        out += "\nrayon: blocking downloads on rayon's global pool, one thread per core;\n\
                its ideal is an I/O pool's, the same as rayon_sized's.\n";
    }
    out
}

/// A timeline panel per strategy: one bar per request of its median run.
pub fn panels(rows: &[Row]) -> Vec<Panel> {
    rows.iter()
        .map(|row| {
            let t0 = row
                .requests
                .iter()
                .map(|r| r.start)
                .min()
                .unwrap_or_default();
            let spans = row
                .requests
                .iter()
                .map(|r| Span {
                    label: code_of(&r.path),
                    row: None,
                    start: (r.start - t0).as_secs_f64(),
                    end: (r.end - t0).as_secs_f64(),
                    kind: match r.status {
                        200 => Kind::Ok,
                        404 => Kind::NotFound,
                        _ => Kind::Error,
                    },
                })
                .collect();
            let title = format!(
                "{}: {} worker{}, {:.2}s (green ok, grey 404, red error)",
                row.strategy,
                row.workers,
                if row.workers == 1 { "" } else { "s" },
                row.median_s
            );
            Panel { title, spans }
        })
        .collect()
}

/// The country code a request asked for: `/flags/cn/cn.gif` -> `CN`.
fn code_of(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    stem.to_uppercase()
}

/// Writes the timeline of `rows` to `path`.
pub fn write_svg(path: &Path, rows: &[Row]) -> std::io::Result<()> {
    timeline::write_svg(path, &panels(rows))
}

/// Load for benchmarks: `total` GETs of `url` from `connections` clients at
/// once, each reusing one keep-alive connection; panics on any failed request.
pub async fn load(url: &str, total: usize, connections: usize) {
    let client = reqwest::Client::new();
    let left = Arc::new(AtomicUsize::new(total));
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (client, left, url) =
            (client.clone(), Arc::clone(&left), url.to_string());
        clients.spawn(async move {
            let take_one = |n: usize| n.checked_sub(1);
            while left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, take_one)
                .is_ok()
            {
                let resp =
                    client.get(&url).send().await.expect("the server answers");
                assert!(resp.status().is_success(), "{url}: {}", resp.status());
                resp.bytes().await.expect("a body");
            }
        });
    }
    while let Some(joined) = clients.join_next().await {
        joined.expect("a load client failed");
    }
}
