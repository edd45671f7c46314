//! loiter-two-workers · 2 个工作线程时，每个 loiter 何时开始 · With 2 workers, when does each loiter start?
//!
//! 预测 · Predict. loiter 清单的实验（crates/loiter_map/src/lib.rs），只是池里有 2 个线程。
//! loiter(n) 睡 n 个单位。loiter(0) 到 loiter(4) 各在第几个单位开始？
//!
//! The loiter experiment with 2 workers instead of 3. loiter(n) does nothing
//! for n units. At which unit does each of loiter(0) .. loiter(4) start?
//!
//! Run: `just exercise loiter-two-workers`

use concurrent_futures::{Executor, ThreadPoolExecutor};
// `loiter_map::loiter`, with the moment each call starts noted for the check.
use exercises::recorded::loiter;

const MAX_WORKERS: usize = 2;

fn run() -> Vec<u64> {
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let results = executor
        .map(loiter, 0..5)
        .expect("the executor is not shut down");
    results
        .map(|result| result.expect("loiter does not panic"))
        .collect()
}

// ✏️ loiter(0) 到 loiter(4) 各在第几个单位开始？（把 None 换成 Some(…)） · At which unit does each of loiter(0) .. loiter(4) start? (None → Some(…))
const PREDICTED_STARTS: Option<[u64; 5]> = Some([0, 0, 0, 1, 2]);

fn main() -> std::process::ExitCode {
    exercises::check::loiter_starts(run, PREDICTED_STARTS)
}
