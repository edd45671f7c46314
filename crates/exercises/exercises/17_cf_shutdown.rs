//! cf-shutdown · shutdown(cancel_futures) 之后的状态 · The states after shutdown(cancel_futures)
//!
//! 预测 · Predict. 只有 1 个工作线程的池，提交 4 个各睡 1 个单位的任务，然后
//! `shutdown(true, true)`：Python 的 `executor.shutdown(wait=True, cancel_futures=True)`。
//! 之后四个期物各是什么状态？
//!
//! A pool with 1 worker; 4 tasks that nap 1 unit each are submitted, then
//! `shutdown(true, true)`: Python's `executor.shutdown(wait=True,
//! cancel_futures=True)`. What state is each of the four futures in after it?
//!
//! Run: `just exercise cf-shutdown`

use concurrent_futures::ThreadPoolExecutor;
use exercises::nap;

fn run() -> Vec<String> {
    let executor = ThreadPoolExecutor::new(1);
    let to_do: Vec<_> = (0..4)
        .map(|_| {
            executor
                .submit(|| nap(1))
                .expect("the executor is not shut down")
        })
        .collect();
    executor.shutdown(true, true);
    to_do.iter().map(|future| format!("{future:?}")).collect()
}

// ✏️ 四个期物各是什么状态（"pending"、"running"、"finished" 或 "cancelled"）？把 None 换成 Some(…)。
//    What state is each future in ("pending", "running", "finished" or "cancelled")? None → Some(…)
const PREDICTED_STATES: Option<[&str; 4]> = None;

fn main() -> std::process::ExitCode {
    exercises::check::final_states(run, PREDICTED_STATES)
}
