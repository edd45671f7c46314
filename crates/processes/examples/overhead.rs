//! Per-task cost of each executor, for tasks that do nothing:
//! `just overhead` (`cargo run --release -p processes --example overhead`).

use std::time::Instant;

use concurrent_futures::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};

fn nothing(n: u64) -> u64 {
    n
}

fn per_task(label: &str, tasks: u64, run: impl FnOnce()) {
    let t0 = Instant::now();
    run();
    let micros = t0.elapsed().as_secs_f64() * 1e6 / tasks as f64;
    println!("{label:<52} {micros:>8.2} µs per task");
}

fn main() {
    procspawn::init();
    let count = |results: concurrent_futures::Map<u64>| {
        results.filter(Result::is_ok).count() as u64
    };
    per_task(
        "ThreadPoolExecutor, 2 workers, map of 100000",
        100_000,
        || {
            let executor = ThreadPoolExecutor::new(2);
            assert_eq!(count(executor.map(nothing, 0..100_000).unwrap()), 100_000);
        },
    );
    for chunksize in [1, 10, 100] {
        let label = format!(
            "ProcessPoolExecutor, 2 workers, map of 20000, chunksize {chunksize}"
        );
        per_task(&label, 20_000, || {
            let executor = ProcessPoolExecutor::new(2);
            let results = executor
                .map_chunksize(nothing, 0..20_000, chunksize)
                .unwrap();
            assert_eq!(count(results), 20_000);
        });
    }
    per_task(
        "ProcessPoolExecutor, max_tasks_per_child = 1, 200",
        200,
        || {
            let executor = ProcessPoolExecutor::builder()
                .max_workers(2)
                .max_tasks_per_child(1)
                .build();
            assert_eq!(count(executor.map(nothing, 0..200).unwrap()), 200);
        },
    );
}
