//! cf-cancel · cancel() 返回什么 · What does cancel() return?
//!
//! 预测 · Predict. 只有 1 个工作线程的池，提交 3 个各睡 1 个单位的任务，然后马上对每个调用
//! `cancel()`（Python 的 `future.cancel()`）。三次 `cancel()` 各返回什么？
//!
//! A pool with 1 worker; 3 tasks that nap 1 unit each are submitted, then
//! `cancel()` (Python's `future.cancel()`) is called on each at once. What
//! does each of the three calls return?
//!
//! Run: `just exercise cf-cancel`

use concurrent_futures::ThreadPoolExecutor;
use exercises::nap;

fn run() -> Vec<bool> {
    let executor = ThreadPoolExecutor::new(1);
    let to_do: Vec<_> = [1, 1, 1]
        .into_iter()
        .map(|n| {
            executor
                .submit(move || nap(n))
                .expect("the executor is not shut down")
        })
        .collect();
    to_do.iter().map(|future| future.cancel()).collect()
}

// ✏️ 三次 cancel() 各返回什么？（把 None 换成 Some(…)） · What does each cancel() return? (None → Some(…))
const PREDICTED: Option<[bool; 3]> = Some([false, true, true]);

fn main() -> std::process::ExitCode {
    exercises::check::cancels(run, PREDICTED)
}
