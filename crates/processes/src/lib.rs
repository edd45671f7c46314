//! ProcessPoolExecutor · 用进程池下载 · Downloading with processes
//!
//! Mirrors our listing `notes/py/flags_processpool.py`: the thread pool
//! section with the executor switched to processes, the one-line change the
//! book describes for `flags_threadpool.py` (its example code has no file of
//! its own for it). What Python does silently, Rust says
//! in types: the function must be a plain `fn`, and what crosses to a worker
//! process and back must be serialisable data (Python pickles it). Each
//! worker gets the site once, through the pool's initializer, so
//! `download_one(cc)` stays as short as the book's. The book's flags2 tool
//! has no process version; [`flags2`] is the thread pool's, on processes.
//!
//! Sample run (`just run procs`, 2 cores, so 2 worker processes; in-process
//! server with 0.1..0.5 s of latency):
//!
//! ```text
//! BR BD CD DE CN EG ET FR ID IR JP IN MX PH NG PK RU TR US VN
//! 20 flags downloaded in 3.21s
//! ```

pub mod flags2;
pub mod primes;

use std::sync::OnceLock;

use concurrent_futures::{Executor, ProcessPoolExecutor};
use flags_common::{FlagError, Site};

/// This worker process's site: Python's module-level `BASE_URL` and
/// `DEST_DIR`, which the initializer sets once in each worker.
static SITE: OnceLock<Site> = OnceLock::new();

/// Runs once in each worker process: Python's `initializer=flags.configure`.
pub fn configure(site: Site) {
    let _ = SITE.set(site);
}

/// The thread pool's `download_one`, on this worker's site. Only `cc` goes
/// to the worker and only the `Result` comes back: plain, serialisable data.
pub fn download_one(cc: String) -> Result<String, FlagError> {
    let site = SITE.get().expect("configure ran in this worker");
    threadpool::download_one(site, &cc)
}

pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    // The line that changes: processes instead of threads, one per core. A
    // `Site` travels as its address; each worker builds its own HTTP client.
    let executor = ProcessPoolExecutor::builder()
        .initializer(configure, site.clone())
        .build();
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let res = executor.map(download_one, cc_list)?;
    let mut count = 0;
    for result in res {
        result?;
        count += 1;
    }
    Ok(count)
}
