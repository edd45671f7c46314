//! Per-task cost of each executor, for tasks that do nothing:
//! `cargo run --release -p processes --example overhead`.

use std::time::Instant;

use flags_common::executor::ThreadPoolExecutor;
use processes::pool::ProcessPoolExecutor;

fn nothing(n: u64) -> u64 {
    n
}

fn per_task(label: &str, tasks: u64, run: impl FnOnce()) {
    let t0 = Instant::now();
    run();
    let micros = t0.elapsed().as_secs_f64() * 1e6 / tasks as f64;
    println!("{label:<44} {micros:>10.1} µs per task");
}

fn main() {
    procspawn::init();
    per_task(
        "ThreadPoolExecutor, 2 workers, 100000 tasks",
        100_000,
        || {
            let executor = ThreadPoolExecutor::new(2);
            assert_eq!(executor.map(nothing, 0..100_000).count(), 100_000);
        },
    );
    per_task(
        "ProcessPoolExecutor (a process per task), 2, 200",
        200,
        || {
            let executor = ProcessPoolExecutor::new(Some(2));
            assert_eq!(executor.map(nothing, 0..200).count(), 200);
        },
    );
    per_task("procspawn::Pool (processes reused), 2, 2000", 2000, || {
        let pool = procspawn::Pool::new(2).unwrap();
        let handles: Vec<_> = (0..2000).map(|n| pool.spawn(n, nothing)).collect();
        assert!(handles.into_iter().all(|h| h.join().is_ok()));
    });
}
