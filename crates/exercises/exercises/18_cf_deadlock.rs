//! cf-deadlock · 在任务里调用 result() 的死锁 · The deadlock of result() inside a task
//!
//! 动手 · Make. Python 文档里的例子：一个任务在同一个池里提交另一个任务，再等它的
//! `result()`。池只有一个工作线程，于是永远等下去。检查最多等 2 秒。改它，让 `run` 返回 42。
//!
//! The example from Python's documentation: a task submits another task to
//! the same pool and waits for its `result()`. The pool has one worker, so it
//! waits for ever; the check gives up after 2 s. Make `run` return 42.
//!
//! Run: `just exercise cf-deadlock`

use std::sync::Arc;

use concurrent_futures::ThreadPoolExecutor;

// ✏️ 让 run() 返回 42，而不是永远等下去。 · Make run() return 42 instead of waiting for ever.
fn run() -> u64 {
    let executor = Arc::new(ThreadPoolExecutor::new(1));
    let pool = Arc::clone(&executor);
    let outer = executor
        .submit(move || {
            // Python's `wait_on_future`: submit a task, then wait for it.
            let inner = pool
                .submit(|| 42_u64)
                .expect("the executor is not shut down");
            inner.result().expect("the inner task cannot fail")
        })
        .expect("the executor is not shut down");
    outer.result().expect("the outer task cannot fail")
}

fn main() -> std::process::ExitCode {
    exercises::check::no_deadlock(run)
}
