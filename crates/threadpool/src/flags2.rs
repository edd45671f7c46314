//! flags2 · 线程池 · the book's `flags2_threadpool.py`
//!
//! `submit` every download, keep a map from each handle to its code, and
//! count the outcomes as `as_completed` yields them. `--watch` draws each
//! future on a board: three calls to it, and nothing else changes.

use std::collections::HashMap;

use board::Board;
use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::flags2::{Counter, progress};
use flags_common::{FlagError, Site, interrupted};
use sequential::flags2::download_one;

/// 30 threads unless `-m` says otherwise, 1000 at most.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

/// This version on a board, for `--watch` (`just run pool`, `just run futures`).
#[derive(Debug)]
pub struct Watch;

impl board::cli::Watch for Watch {
    const DOWNLOAD_MANY: board::cli::WatchedMany = download_many_watched;
}

pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    download_many_watched(site, cc_list, verbose, concur_req, &Board::hidden())
}

/// [`download_many`], with each future on `board` (`--watch`).
pub fn download_many_watched(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
    board: &Board,
) -> Counter {
    let mut counter = Counter::default();
    let executor = ThreadPoolExecutor::new(concur_req);
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let site = site.clone();
        let code = cc.clone();
        // The board sees the task start on a worker and end; `watch` adds
        // a done callback, for a future cancelled before it ran.
        let future = executor
            .submit(board.task(&cc, move || download_one(&site, &code, verbose)))
            .expect("the executor is not shut down");
        board.watch(&cc, &future);
        to_do_map.insert(future, cc);
    }
    let done_iter = as_completed(to_do_map.keys().cloned());
    let show_bar = !verbose && board.is_hidden();
    for future in progress(done_iter, to_do_map.len(), show_bar) {
        // Python's `except KeyboardInterrupt: break`.
        if interrupted() {
            break;
        }
        let cc = &to_do_map[&future];
        board.taken(cc);
        // What the download raised, or a panic: this flag's error.
        let res = future.result().map_err(FlagError::from);
        counter.add(cc, res, verbose);
    }
    counter
}
