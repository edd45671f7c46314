//! flags2 · 进程池 · the flags2 tool on worker processes
//!
//! The book has no process version of flags2; this is its thread pool
//! version with processes: `map` over `(cc, verbose)` pairs, each outcome
//! counted in input order. Ctrl-C stops the loop; dropping the `map`
//! iterator then cancels the downloads no worker has started.

use concurrent_futures::{Executor, ProcessPoolExecutor};
use flags_common::flags2::{Counter, DownloadStatus, progress};
use flags_common::{FlagError, Site, interrupted};

use crate::configure;

/// 8 worker processes unless `-m` says otherwise, and 64 at most: each is a
/// whole program with its own HTTP client, so a thousand would cost
/// gigabytes where a thousand threads or tasks cost megabytes.
pub const DEFAULT_CONCUR_REQ: usize = 8;
pub const MAX_CONCUR_REQ: usize = 64;

/// `sequential::flags2::download_one`, in a worker, on the worker's site.
pub fn download_one(
    (cc, verbose): (String, bool),
) -> Result<DownloadStatus, FlagError> {
    let site = crate::SITE
        .get()
        .expect("the initializer gave this worker its site");
    sequential::flags2::download_one(site, &cc, verbose)
}

pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    let mut counter = Counter::default();
    let executor = ProcessPoolExecutor::builder()
        .max_workers(concur_req)
        .initializer(configure, site.clone())
        .build();
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let jobs = cc_list.iter().map(|cc| (cc.clone(), verbose));
    let res = executor
        .map(download_one, jobs)
        .expect("the executor is not shut down");
    for (cc, res) in progress(cc_list.iter().zip(res), cc_list.len(), !verbose) {
        // Python's `except KeyboardInterrupt: break`.
        if interrupted() {
            break;
        }
        // What the download raised, a panic, or a dead worker: this flag's error.
        let res = res.map_err(FlagError::from);
        counter.add(cc, res, verbose);
    }
    counter
}
