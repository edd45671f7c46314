//! procs-chunksize · 用 chunksize 让进程池快一倍 · Halve a process-pool run with chunksize
//!
//! 动手 · Make. `run` 把 10000 个什么也不做的任务交给 2 个工作进程。每个任务都要去工作进程
//! 来回一趟，时间几乎都花在路上。让它至少快一倍，结果不变（Python 的 `chunksize`）。
//! 检查在同一个预热好的池上比较两种做法。
//!
//! `run` gives 10,000 tasks that do nothing to 2 worker processes. Each task
//! makes a round trip to a worker, so nearly all the time goes on the trips.
//! Make it at least twice as fast, with the same results (Python's
//! `chunksize`). The check compares both ways on the same warm pool.
//!
//! Run: `just exercise procs-chunksize`

use concurrent_futures::{Executor, ProcessPoolExecutor};

/// A task that does nothing: what is left is the cost of the trip.
fn nothing(n: u64) -> u64 {
    n
}

// ✏️ 让这次 map 至少快一倍，结果不变。 · Make this map at least twice as fast, with the same results.
fn run(executor: &ProcessPoolExecutor, items: Vec<u64>) -> Vec<u64> {
    executor
        .map(nothing, items)
        .expect("the executor is not shut down")
        .map(|result| result.expect("nothing cannot fail"))
        .collect()
}

fn main() -> std::process::ExitCode {
    exercises::check::halve_process_map(run)
}
