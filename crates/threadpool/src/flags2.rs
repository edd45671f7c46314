//! flags2 · 线程池 · the book's `flags2_threadpool.py`
//!
//! `submit` every download, keep a map from each handle to its code, and
//! count the outcomes as `as_completed` yields them.

use std::collections::HashMap;

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::flags2::{Counter, progress};
use flags_common::{FlagError, Site, interrupted};
use sequential::flags2::download_one;

/// 30 threads unless `-m` says otherwise, 1000 at most.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    let mut counter = Counter::default();
    let executor = ThreadPoolExecutor::new(concur_req);
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let site = site.clone();
        let code = cc.clone();
        let future = executor
            .submit(move || download_one(&site, &code, verbose))
            .expect("the executor is not shut down");
        to_do_map.insert(future, cc);
    }
    let done_iter = as_completed(to_do_map.keys().cloned());
    for future in progress(done_iter, to_do_map.len(), !verbose) {
        // Python's `except KeyboardInterrupt: break`.
        if interrupted() {
            break;
        }
        let cc = &to_do_map[&future];
        // What the download raised, or a panic: this flag's error.
        let res = future.result().map_err(FlagError::from);
        counter.add(cc, res, verbose);
    }
    counter
}
