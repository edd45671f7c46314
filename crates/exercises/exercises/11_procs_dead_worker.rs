//! procs-dead-worker · 一个工作进程死了，哪些任务失败 · A worker process dies: which tasks fail?
//!
//! 预测 · Predict. 2 个工作进程运行 6 个任务；运行任务 3 的工作进程中途退出了（就像被杀死一样）。
//! 在 Python 里，`ProcessPoolExecutor` 这时会整个坏掉（BrokenProcessPool）。这里呢？哪些任务的
//! `result()` 是 `Err`？
//!
//! 6 tasks on 2 worker processes; the worker running task 3 exits midway, as
//! if it were killed. In Python the whole `ProcessPoolExecutor` breaks then
//! (BrokenProcessPool). Here? Which tasks' `result()` is an `Err`?
//!
//! Run: `just exercise procs-dead-worker`

use concurrent_futures::{Executor, ProcessPoolExecutor};

/// Squares `n` in a worker process; for 3 the worker process exits instead.
fn task(n: u64) -> u64 {
    if n == 3 {
        std::process::exit(1);
    }
    n * n
}

fn run() -> Vec<Option<u64>> {
    let executor = ProcessPoolExecutor::new(2);
    let to_do: Vec<_> = (0..6)
        .map(|n| {
            executor
                .submit(task, n)
                .expect("the executor is not shut down")
        })
        .collect();
    // `ok()`: the value, or None where `result()` is an `Err`.
    to_do.iter().map(|future| future.result().ok()).collect()
}

// ✏️ 哪些任务失败？（把 None 换成 Some(…)） · Which tasks fail? (None → Some(…))
const PREDICTED_FAILED: Option<&[u64]> = None;

fn main() -> std::process::ExitCode {
    exercises::check::dead_worker(run, PREDICTED_FAILED)
}
