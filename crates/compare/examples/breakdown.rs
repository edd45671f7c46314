//! 分解 · Breakdown: where the time of 676 downloads at once goes, phase by
//! phase, for the thread pool (`threadpool -e -m N`) and for tokio tasks
//! (`async_flags -e -m N`).
//!
//! ```text
//! cargo run --release -p compare --example breakdown -- [--workers 1000] [--delay 0.2] [--repeat 5]
//! ```
//!
//! Each run starts a flag server in this process with its request log on,
//! then does what the two flags2 listings do (the same `Site`, executor,
//! client and saves), stamping each task as it starts, gets its answer,
//! saves and is collected. The server's log says when each request arrived
//! and left. The run's time above the ideal (one delay) splits into:
//!
//! - send burst: until the last request reaches the server (thread or task
//!   start-up, connecting, the client's queue);
//! - server: the last request's delay, minus the ideal;
//! - receive burst: from the last answer leaving the server until the last
//!   outcome is collected (the answers' way back, saving files);
//! - shutdown: joining the pool's threads, or dropping the runtime.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{FlagError, Site, gif_name};
use flags_server::{Config, Delay, FlagServer};

/// When one task reached each point, in seconds since the run's start.
#[derive(Debug, Default, Clone, Copy)]
struct Stamps {
    start: f64,
    answered: f64,
    saved: f64,
    collected: f64,
    ok: bool,
}

/// One run: its elapsed time, the stamps of every task (by code), the end of
/// the part before shutdown, and the server's log in the run's clock.
#[derive(Debug)]
struct Run {
    elapsed: f64,
    collected: f64,
    tasks: HashMap<String, Stamps>,
    server: HashMap<String, (f64, f64)>,
}

fn codes() -> Vec<String> {
    let letters = || 'A'..='Z';
    letters()
        .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
        .collect()
}

/// `threadpool::flags2::download_many`, stamped.
fn threads(site: &Site, workers: usize) -> (f64, f64, HashMap<String, Stamps>) {
    let t0 = Instant::now();
    let now = move || t0.elapsed().as_secs_f64();
    let executor = ThreadPoolExecutor::new(workers);
    let mut to_do_map = HashMap::new();
    for cc in codes() {
        let site = site.clone();
        let code = cc.clone();
        let future = executor
            .submit(move || {
                let mut stamps = Stamps {
                    start: now(),
                    ..Stamps::default()
                };
                let image = site.get_flag(&code);
                stamps.answered = now();
                if let Ok(image) = image {
                    site.save_flag(&image, &gif_name(&code))
                        .expect("the scratch directory is writable");
                    stamps.ok = true;
                }
                stamps.saved = now();
                stamps
            })
            .expect("the executor is not shut down");
        to_do_map.insert(future, cc);
    }
    let mut tasks = HashMap::new();
    for future in as_completed(to_do_map.keys().cloned()) {
        let mut stamps = future.result().expect("no task panics");
        stamps.collected = now();
        tasks.insert(to_do_map[&future].clone(), stamps);
    }
    let collected = now();
    drop(executor); // joins every worker thread, as leaving Python's `with` does
    (now(), collected, tasks)
}

/// `async_flags::flags2::download_many`, stamped.
fn tasks(site: &Site, concur_req: usize) -> (f64, f64, HashMap<String, Stamps>) {
    let t0 = Instant::now();
    let now = move || t0.elapsed().as_secs_f64();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let tasks = runtime.block_on(async {
        let semaphore = Arc::new(tokio::sync::Semaphore::new(concur_req));
        let client = reqwest::Client::builder()
            .timeout(site.timeout())
            .build()
            .expect("an HTTP client");
        let mut to_do = tokio::task::JoinSet::new();
        for cc in codes() {
            let (client, site, semaphore) =
                (client.clone(), site.clone(), Arc::clone(&semaphore));
            to_do.spawn(async move {
                let mut stamps = Stamps::default();
                let image = {
                    let _permit = semaphore.acquire().await.expect("never closed");
                    stamps.start = now();
                    async_flags::get_flag(&client, site.base_url(), &cc).await
                };
                stamps.answered = now();
                if let Ok(image) = image {
                    let filename = gif_name(&cc);
                    tokio::task::spawn_blocking(move || {
                        site.save_flag(&image, &filename)
                    })
                    .await
                    .map_err(|err| FlagError::Task(err.to_string()))
                    .and_then(|saved| saved)
                    .expect("the scratch directory is writable");
                    stamps.ok = true;
                }
                stamps.saved = now();
                (cc, stamps)
            });
        }
        let mut tasks = HashMap::new();
        while let Some(joined) = to_do.join_next().await {
            let (cc, mut stamps) = joined.expect("no task panics");
            stamps.collected = now();
            tasks.insert(cc, stamps);
        }
        tasks
    });
    let collected = now();
    drop(runtime);
    (now(), collected, tasks)
}

type Section = fn(&Site, usize) -> (f64, f64, HashMap<String, Stamps>);

fn run_once(section: Section, workers: usize, delay: Delay) -> Run {
    let config = Config {
        delay,
        log_requests: true,
        ..Config::default()
    };
    let server = FlagServer::start(config).expect("start the flag server");
    let dest =
        std::env::temp_dir().join(format!("breakdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::create_dir_all(&dest).expect("a scratch directory");
    // Where the server's clock starts, on ours: a few requests of our own,
    // each assumed to spend as long going as coming back. Off by < 0.5 ms.
    let probe = Site::new(&server.base_url(), &dest, Duration::from_secs(5))
        .expect("an HTTP client");
    let clock = Instant::now();
    let mut best = (f64::MAX, 0.0);
    for _ in 0..3 {
        let sent = clock.elapsed().as_secs_f64();
        let _ = probe.get_flag("ZZ");
        let back = clock.elapsed().as_secs_f64();
        let log = server.request_log();
        let record = log.last().expect("the probe was logged");
        let slack = back - sent - (record.end - record.start).as_secs_f64();
        if slack < best.0 {
            best = (slack, sent + slack / 2.0 - record.start.as_secs_f64());
        }
    }
    let probes = server.request_log().len();
    let site = Site::new(&server.base_url(), &dest, Duration::from_secs(30))
        .expect("an HTTP client");
    let run_start = clock.elapsed().as_secs_f64();
    let (elapsed, collected, tasks) = section(&site, workers);
    let to_run_clock = |at: Duration| at.as_secs_f64() + best.1 - run_start;
    let server_log = server
        .request_log()
        .into_iter()
        .skip(probes)
        .map(|record| {
            let cc = record.path.split('/').nth(2).unwrap_or("").to_uppercase();
            let span = (to_run_clock(record.start), to_run_clock(record.end));
            (cc, span)
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dest);
    Run {
        elapsed,
        collected,
        tasks,
        server: server_log,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn max(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(f64::NAN, f64::max)
}

/// The rows of the breakdown, in ms: (phase, value) for one run.
fn rows(run: &Run, ideal: f64) -> Vec<(&'static str, f64)> {
    let tasks = || run.tasks.values();
    let last_start = max(tasks().map(|t| t.start));
    let last_at_server = max(run.server.values().map(|s| s.0));
    let last_left_server = max(run.server.values().map(|s| s.1));
    let per_task = |f: &dyn Fn(&Stamps, (f64, f64)) -> f64| {
        median(
            run.tasks
                .iter()
                .filter_map(|(cc, t)| Some(f(t, *run.server.get(cc)?)))
                .collect(),
        )
    };
    let saves: Vec<f64> = tasks()
        .filter(|t| t.ok)
        .map(|t| t.saved - t.answered)
        .collect();
    let ms = 1e3;
    vec![
        ("elapsed", run.elapsed * ms),
        ("above the ideal", (run.elapsed - ideal) * ms),
        (
            "  send burst: last request reaches the server",
            last_at_server * ms,
        ),
        ("    of which: last task started", last_start * ms),
        (
            "  server: last answer leaves, minus ideal",
            (last_left_server - last_at_server - ideal) * ms,
        ),
        (
            "  receive burst: last answer to last collected",
            (run.collected - last_left_server) * ms,
        ),
        (
            "  shutdown: join threads / drop runtime",
            (run.elapsed - run.collected) * ms,
        ),
        (
            "per task (median): start -> at server",
            per_task(&|t, s| s.0 - t.start) * ms,
        ),
        (
            "per task (median): left server -> answer in task",
            per_task(&|t, s| t.answered - s.1) * ms,
        ),
        (
            "per task (median): save one flag",
            median(saves.clone()) * ms,
        ),
        ("per task (max): save one flag", max(saves.into_iter()) * ms),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: &str| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default.to_string(), String::clone)
    };
    let workers: usize = option("--workers", "1000").parse().expect("--workers N");
    let delay: Delay = option("--delay", "0.2").parse().expect("--delay S");
    let repeat: usize = option("--repeat", "5").parse().expect("--repeat N");
    if let Err(err) = flags_common::cli::raise_open_files_limit(2 * 676) {
        eprintln!("breakdown: warning: cannot raise the open-files limit: {err}");
    }
    let ideal = delay.mean().as_secs_f64() * 676usize.div_ceil(workers) as f64;
    println!(
        "676 flags (-e), -m {workers}, delay {delay}, ideal {:.0} ms; median [min..max] of {repeat} runs, ms\n",
        ideal * 1e3
    );
    let sections: [(&str, Section); 2] =
        [("threadpool", threads), ("async_flags", tasks)];
    for (name, section) in sections {
        let runs: Vec<Vec<(&str, f64)>> = (0..repeat)
            .map(|_| rows(&run_once(section, workers, delay), ideal))
            .collect();
        println!("{name}");
        for (i, (phase, _)) in runs[0].iter().enumerate() {
            let values: Vec<f64> = runs.iter().map(|row| row[i].1).collect();
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            let high = max(values.iter().copied());
            println!(
                "  {phase:<50}{:>7.1}  [{low:.1}..{high:.1}]",
                median(values)
            );
        }
        println!();
    }
}
