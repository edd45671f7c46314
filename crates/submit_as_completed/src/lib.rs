//! 期物 · Futures: `submit` and `as_completed`
//!
//! Mirrors the chapter's `flags_threadpool_futures.py`. Instead of `map`, each
//! download is submitted on its own, which returns a handle to the scheduled
//! task (Python's `Future`, [`Handle`] here). Printing a handle shows its state:
//! with 10 workers, the first 10 are `running` at once and the other 10 are
//! `pending`. `as_completed` then yields the handles in the order they finish.
//!
//! Sample run (`just run futures`):
//!
//! ```text
//! Scheduled for BD: <Future at 0x5618d7a4f0a0 state=running>
//! ...
//! Scheduled for IR: <Future at 0x5618d7a51bd0 state=pending>
//! ...
//! <Future at 0x5618d7a50410 state=finished returned String> result: FR
//! ...
//! 20 flags downloaded in 0.70s
//! ```
//!
//! [`Handle`]: concurrent_futures::Handle

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{FlagError, Site};
use threadpool::download_one;

/// The chapter uses 10 workers here, half the flags, to show `pending` tasks.
pub const MAX_WORKERS: usize = 10;

pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let mut to_do = Vec::new();
    for cc in cc_list {
        // The task runs on another thread, maybe after this loop has moved on,
        // so it owns what it uses: a copy of the code and of the site.
        let (site, code) = (site.clone(), cc.clone());
        // `submit` schedules the call and returns at once with its handle.
        let future = executor.submit(move || download_one(&site, &code))?;
        println!("Scheduled for {cc}: {future:?}");
        to_do.push(future);
    }

    let mut results = Vec::new();
    for future in as_completed(to_do) {
        // Done already, so this never blocks. `?` re-raises what the
        // download raised, as Python's `future.result()` does.
        let res = future.result()?;
        println!("{future:?} result: {res}");
        results.push(res);
    }
    Ok(results.len())
}
