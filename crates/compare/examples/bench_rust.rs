//! The Rust half of `just bench-python`: quick measurements printed as JSON,
//! for `notes/py/bench.py` to set against Python's in one table.
//!
//! ```text
//! cargo run --release -p compare --example bench_rust -- [--python-server URL]
//! ```
//! With `--python-server`, the same load generator also measures that server
//! (Python's http.server), so both servers face the same client.

use std::time::{Duration, Instant};

use concurrent_futures::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use flags_common::Site;
use flags_common::flags2::DownloadMany;
use flags_server::{Config, FlagServer};

fn nothing(n: u64) -> u64 {
    n
}

/// The median of `rounds` measurements, so that one disturbed round (another
/// program waking up) does not decide the figure. `bench.py` does the same.
fn median_of(rounds: usize, measure: impl Fn() -> f64) -> f64 {
    let mut times: Vec<f64> = (0..rounds).map(|_| measure()).collect();
    times.sort_by(f64::total_cmp);
    times[rounds / 2]
}

/// Microseconds per task: submit every task, then wait for each result.
fn executor_us(tasks: u64) -> f64 {
    let executor = ThreadPoolExecutor::new(4);
    executor.submit(|| 0).unwrap().result().unwrap(); // a worker is up
    let t0 = Instant::now();
    let to_do: Vec<_> = (0..tasks)
        .map(|i| executor.submit(move || i).unwrap())
        .collect();
    for future in to_do {
        future.result().unwrap();
    }
    t0.elapsed().as_secs_f64() * 1e6 / tasks as f64
}

/// Microseconds per task on 2 started worker processes: submit every task,
/// then wait for each result, as `executor_us` does with threads.
fn process_pool_us(tasks: u64) -> f64 {
    let executor = ProcessPoolExecutor::new(2);
    executor.submit(nothing, 0).unwrap().result().unwrap(); // the workers are up
    let t0 = Instant::now();
    let to_do: Vec<_> = (0..tasks)
        .map(|i| executor.submit(nothing, i).unwrap())
        .collect();
    for future in to_do {
        future.result().unwrap();
    }
    t0.elapsed().as_secs_f64() * 1e6 / tasks as f64
}

/// Microseconds per item of `map` with `chunksize`, on 2 worker processes.
fn process_map_us(items: u64, chunksize: usize) -> f64 {
    let executor = ProcessPoolExecutor::new(2);
    executor.submit(nothing, 0).unwrap().result().unwrap();
    let t0 = Instant::now();
    let results = executor
        .map_chunksize(nothing, 0..items, chunksize)
        .unwrap();
    assert_eq!(results.filter(Result::is_ok).count() as u64, items);
    t0.elapsed().as_secs_f64() * 1e6 / items as f64
}

/// Requests per second: `total` GETs of `url` from `connections` clients.
fn requests_per_second(url: &str, total: usize, connections: usize) -> f64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let t0 = Instant::now();
    runtime.block_on(compare::load(url, total, connections));
    total as f64 / t0.elapsed().as_secs_f64()
}

/// Flags per second for a zero-delay download of all 194, files saved.
fn flags_per_second(download_many: DownloadMany, workers: usize) -> f64 {
    let server = FlagServer::start(Config::default()).unwrap();
    let dest =
        std::env::temp_dir().join(format!("bench-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dest).unwrap();
    let site =
        Site::new(&server.base_url(), &dest, Duration::from_secs(30)).unwrap();
    let codes = flags_server::all_cc();
    let t0 = Instant::now();
    assert_eq!(download_many(&site, &codes, false, workers).ok, 194);
    let rate = 194.0 / t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dest);
    rate
}

fn main() {
    procspawn::init();
    let python_server = std::env::args()
        .skip_while(|a| a != "--python-server")
        .nth(1);
    let server = FlagServer::start(Config::default()).unwrap();
    let flag_url = format!("{}/cn/cn.gif", server.base_url());
    let mut rows = vec![
        (
            "executor_submit_result_us",
            median_of(5, || executor_us(100_000)),
        ),
        (
            "process_pool_task_us",
            median_of(5, || process_pool_us(5_000)),
        ),
        ("process_map_chunksize_1_us", process_map_us(20_000, 1)),
        ("process_map_chunksize_10_us", process_map_us(100_000, 10)),
        ("process_map_chunksize_100_us", process_map_us(200_000, 100)),
        (
            "server_requests_per_s",
            requests_per_second(&flag_url, 10_000, 64),
        ),
        (
            "download_194_sequential_flags_per_s",
            median_of(5, || flags_per_second(sequential::flags2::download_many, 1)),
        ),
        (
            "download_194_threadpool_flags_per_s",
            median_of(5, || {
                flags_per_second(threadpool::flags2::download_many, 20)
            }),
        ),
    ];
    if let Some(url) = python_server {
        rows.push((
            "python_server_requests_per_s",
            requests_per_second(&url, 3_000, 64),
        ));
    }
    let fields: Vec<String> = rows
        .iter()
        .map(|(k, v)| format!("  \"{k}\": {v:.3}"))
        .collect();
    println!("{{\n{}\n}}", fields.join(",\n"));
}
