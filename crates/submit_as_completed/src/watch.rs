//! `just run futures --watch`: [`download_many`](crate::download_many) with
//! its futures on a board.
//!
//! The listing's `download_many`, line for line, plus the board's three
//! calls: the task is wrapped so its row shows when a worker starts and ends
//! it, `watch` follows the handle for a future cancelled before it ran, and
//! the loop marks the moment it takes each result. With the listing's 10
//! workers for 20 flags, the board shows what the `Scheduled for` lines say:
//! ten rows running and ten pending, and the results taken in the order the
//! downloads finish. The run ends as the listing's does:
//! `20 flags downloaded in 0.84s`.

use std::collections::HashMap;

use board::Board;
use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{FlagError, Site, program_name};
use threadpool::download_one;

use crate::MAX_WORKERS;

/// The listing's `download_many`, on a board of its own.
pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    Board::show(&program_name(), cc_list, |board| {
        on_board(site, cc_list, board)
    })
}

fn on_board(
    site: &Site,
    cc_list: &[String],
    board: &Board,
) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let mut to_do = HashMap::new();
    for cc in cc_list {
        let (site, code) = (site.clone(), cc.clone());
        let task = board.task(&cc, move || download_one(&site, &code));
        let future = executor.submit(task)?;
        board.watch(&cc, &future);
        println!("Scheduled for {cc}: {future:?}");
        to_do.insert(future, cc);
    }

    let mut results = Vec::new();
    for future in as_completed(to_do.keys().cloned()) {
        board.taken(&to_do[&future]);
        let res = future.result()?;
        println!("{future:?} result: {res}");
        results.push(res);
    }
    Ok(results.len())
}
