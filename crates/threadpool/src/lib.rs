//! concurrent.futures · 用线程池下载 · Downloading with `Executor.map`
//!
//! Mirrors the chapter's `flags_threadpool.py`. The body of the sequential
//! loop becomes a function, `download_one`, so a pool of threads can call it
//! for many flags at once; `executor.map` hands out the calls and gives the
//! results back in input order. The codes print in the order downloads finish.
//! The book's flags2 version of this file is [`flags2`].
//!
//! Sample run (`just run pool`, in-process server with 0.1..0.5 s of latency):
//!
//! ```text
//! IR JP VN PH DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK
//! 20 flags downloaded in 0.50s
//! ```

pub mod flags2;

use concurrent_futures::{Executor, ThreadPoolExecutor};
use flags_common::{FlagError, Site, gif_name, show};

/// The most threads to start, whatever the number of flags.
pub const MAX_WORKERS: usize = 20;

/// One flag: the loop body of the sequential version, made a function so that
/// many calls can run at once. Returns the code, as the chapter's does.
pub fn download_one(site: &Site, cc: &str) -> Result<String, FlagError> {
    let image = site.get_flag(cc)?;
    show(cc);
    site.save_flag(&image, &gif_name(cc))?;
    Ok(cc.to_string())
}

pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let workers = MAX_WORKERS.min(cc_list.len());
    let executor = ThreadPoolExecutor::new(workers);
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    // Each worker thread needs its own handle on the site: clones share one client.
    let site = site.clone();
    // Every download is submitted now; `res` yields their results in input
    // order, blocking until each is ready, like Python's `executor.map`.
    let res = executor.map(move |cc: String| download_one(&site, &cc), cc_list)?;
    // Python's `len(list(res))`. `?` re-raises what a download raised (or
    // a panic), as reading Python's `res` does.
    let mut count = 0;
    for result in res {
        result?;
        count += 1;
    }
    Ok(count)
    // `executor` is dropped here, after every task has finished: the end of
    // Python's `with ThreadPoolExecutor(workers) as executor:` block.
}
