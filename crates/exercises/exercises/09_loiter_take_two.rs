//! loiter-take-two · 只读两个结果：哪些 loiter 会运行 · Read two results: which loiters run?
//!
//! 预测 · Predict. loiter 的实验，只有 1 个工作线程，而且只读前两个结果就停下。丢弃 `map`
//! 的迭代器会取消还没开始的任务。哪些 loiter 会开始运行？
//!
//! The loiter experiment on 1 worker, stopping after the first two results.
//! Dropping `map`'s iterator cancels the tasks not yet started. Which loiters
//! ever start?
//!
//! Run: `just exercise loiter-take-two`

use concurrent_futures::{Executor, ThreadPoolExecutor};
// `loiter_map::loiter`, with the moment each call starts noted for the check.
use exercises::recorded::loiter;

const MAX_WORKERS: usize = 1;

fn run() -> Vec<u64> {
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let results = executor
        .map(loiter, 0..5)
        .expect("the executor is not shut down");
    // Two results, then `results` is dropped: the tasks not started are cancelled.
    results
        .take(2)
        .map(|result| result.expect("loiter does not panic"))
        .collect()
    // Then `executor` is dropped: it waits for the tasks still running.
}

// ✏️ 哪些 loiter 会开始运行？（把 None 换成 Some(…)） · Which loiters ever start? (None → Some(…))
const PREDICTED_RAN: Option<&[u64]> = None;

fn main() -> std::process::ExitCode {
    exercises::check::loiter_ran(run, PREDICTED_RAN)
}
