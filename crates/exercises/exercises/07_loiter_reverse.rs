//! loiter-reverse · 让 loiter 的调度 4 个单位结束 · Make the loiter schedule end in 4 units
//!
//! 动手 · Make. 这是 loiter 清单的 `main`（crates/loiter_map/src/lib.rs）：3 个工作线程，
//! loiter(0) 到 loiter(4)，只是把结果返回而不打印。现在整个运行要 5 个单位。只改任务的顺序，
//! 让它 4 个单位结束（每个 loiter 仍然运行一次）。
//!
//! The loiter listing's `main`: 3 workers, loiter(0) to loiter(4), returning
//! the results instead of printing them. The run takes 5 units now. Change
//! only the order of the tasks so that it ends in 4 units (each loiter still
//! runs once).
//!
//! Run: `just exercise loiter-reverse`

use concurrent_futures::{Executor, ThreadPoolExecutor};
use loiter_map::loiter;

fn schedule(max_workers: usize, count: u64) -> Vec<u64> {
    let executor = ThreadPoolExecutor::new(max_workers);
    // ✏️ 改任务的顺序，让整个运行 4 个单位结束。 · Change the order of the tasks so the run ends in 4 units.
    let results = executor
        .map(loiter, 0..count)
        .expect("the executor is not shut down");
    results
        .map(|result| result.expect("loiter does not panic"))
        .collect()
}

fn main() -> std::process::ExitCode {
    exercises::check::loiter_in_four(schedule)
}
