//! 实验Executor.map · The loiter experiment
//!
//! Mirrors the chapter's `demo_executor_map.py`. Five tasks that do nothing for
//! 0, 1, 2, 3 and 4 seconds go to a pool of 3 workers through `executor.map`.
//! The timestamps show the schedule: loiter(3) starts as soon as loiter(0)
//! returns, loiter(4) when loiter(1) does; and the results come back in input
//! order, each as soon as it and every one before it are done.
//!
//! Sample run (`just run loiter`; tabs shown as 4 spaces):
//!
//! ```text
//! [19:59:34] Script starting ...
//! [19:59:34] result:  <generator object Executor.map.<locals>.result_iterator at 0x7ffee852b078>
//! [19:59:34] Waiting for individual results:
//! [19:59:34]      loiter(1): doing nothing for 1s ...
//! [19:59:34]          loiter(2): doing nothing for 2s ...
//! [19:59:34]  loiter(0): doing nothing for 0s ...
//! [19:59:34]  loiter(0) done!
//! [19:59:34]              loiter(3): doing nothing for 3s ...
//! [19:59:34] result 0: 0
//! [19:59:35]      loiter(1) done!
//! [19:59:35]                  loiter(4): doing nothing for 4s ...
//! [19:59:35] result 1: 10
//! [19:59:36]          loiter(2) done!
//! [19:59:36] result 2: 20
//! [19:59:37]              loiter(3) done!
//! [19:59:37] result 3: 30
//! [19:59:39]                  loiter(4) done!
//! [19:59:39] result 4: 40
//! ```
//!
//! `--watch` shows the same run on a live board (`crates/board`), which
//! watches the executor's task events: this listing does not change for it.

use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use concurrent_futures::{Error, Executor, ThreadPoolExecutor};

/// The chapter's numbers: 3 workers, 5 tasks.
pub const MAX_WORKERS: usize = 3;
pub const COUNT: u64 = 5;

/// How long one "second" of loitering lasts, and whether timestamps show
/// milliseconds: the Python's module-level `UNIT` and `MILLIS`, set once, by
/// `configure`, before any worker starts; unset, they are 1 s and no.
static SETTINGS: OnceLock<Settings> = OnceLock::new();

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub unit: Duration,
    pub millis: bool,
}

const DEFAULT: Settings = Settings {
    unit: Duration::from_secs(1),
    millis: false,
};

/// Sets the unit and timestamp style; returns false if they were set already.
pub fn configure(settings: Settings) -> bool {
    SETTINGS.set(settings).is_ok()
}

fn settings() -> Settings {
    *SETTINGS.get().unwrap_or(&DEFAULT)
}

/// Prints `[HH:MM:SS] text`. One `println!` per line: stdout is locked for
/// the whole line, so lines from different threads never mix.
pub fn display(text: &str) {
    let format = if settings().millis {
        "[%H:%M:%S%.3f]"
    } else {
        "[%H:%M:%S]"
    };
    println!("{} {text}", chrono::Local::now().format(format));
}

/// Does nothing for `n` units (seconds, by default), then returns `n * 10`.
/// The `n` tabs push each task's lines into its own column.
pub fn loiter(n: u64) -> u64 {
    let tabs = "\t".repeat(n as usize);
    display(&format!("{tabs} loiter({n}): doing nothing for {n}s ..."));
    // A blocked thread: the operating system runs the other workers meanwhile.
    thread::sleep(settings().unit * n as u32);
    display(&format!("{tabs} loiter({n}) done!"));
    n * 10
}

pub fn main(max_workers: usize, count: u64) -> Result<(), Error> {
    display("Script starting ...");
    let executor = ThreadPoolExecutor::new(max_workers);
    // Submits all tasks now; the 3 workers start loiter(0), (1) and (2).
    let results = executor.map(loiter, 0..count)?;
    // `results` is a lazy iterator: printing it waits for nothing.
    display(&format!("result:  {results:?}"));
    display("Waiting for individual results: ");
    // Each step blocks until that task is done, in input order: result 1
    // waits for loiter(1) even if a later task has finished already.
    for (i, result) in results.enumerate() {
        display(&format!("result {i}: {}", result?));
    }
    Ok(())
}
