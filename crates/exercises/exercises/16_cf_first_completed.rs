//! cf-first-completed · wait(FIRST_COMPLETED)：第一个结果 · wait(FIRST_COMPLETED): the first result
//!
//! 动手 · Make. `first` 提交三个任务，分别睡 3、1、2 个单位，返回最先得到的值。现在它按顺序
//! 等每一个，3 个单位后才返回。改它：第一个任务一完成就返回它的值（Python 的
//! `futures.wait(fs, return_when=FIRST_COMPLETED)`）。
//!
//! `first` submits three tasks that nap 3, 1 and 2 units, and returns the
//! first value to arrive. Now it waits for each in turn and returns after 3
//! units. Change it to return as soon as the first task is done (Python's
//! `futures.wait(fs, return_when=FIRST_COMPLETED)`).
//!
//! Run: `just exercise cf-first-completed`

use concurrent_futures::ThreadPoolExecutor;
use exercises::nap;

// ✏️ 不要等所有任务：第一个完成就返回它的值。 · Don't wait for every task: return as soon as one is done.
fn first(executor: &ThreadPoolExecutor) -> u64 {
    let to_do: Vec<_> = [3, 1, 2]
        .into_iter()
        .map(|n| {
            executor
                .submit(move || nap(n))
                .expect("the executor is not shut down")
        })
        .collect();
    let results: Vec<u64> = to_do
        .iter()
        .map(|future| future.result().expect("nap cannot fail"))
        .collect();
    *results.iter().min().expect("three results")
}

fn main() -> std::process::ExitCode {
    exercises::check::first_completed(first)
}
