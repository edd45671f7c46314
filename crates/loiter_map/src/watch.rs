//! `just run loiter --watch`: [`main`](crate::main) with its tasks on a board.
//!
//! The listing's `main`, line for line, plus the board's two calls: the
//! function given to `map` is wrapped so each `loiter(n)` row shows when a
//! worker starts and ends it, and the loop marks the moment it takes each
//! result. The board makes the section's second rule visible: result 1 is
//! taken only once loiter(1) is done, even though loiter(0) and loiter(3)
//! finished earlier or later.

use board::Board;
use concurrent_futures::{Error, Executor, ThreadPoolExecutor};

use crate::{display, loiter};

/// The board's label for `loiter(n)`.
pub fn label(n: &u64) -> String {
    format!("loiter({n})")
}

/// A board with a pending row for each of the `count` tasks.
pub fn board(max_workers: usize, count: u64) -> Board {
    let labels: Vec<String> = (0..count).map(|n| label(&n)).collect();
    let title = format!("Executor.map: {max_workers} workers, {count} tasks");
    Board::new(&title, &labels)
}

pub fn main(max_workers: usize, count: u64, board: &Board) -> Result<(), Error> {
    display("Script starting ...");
    let executor = ThreadPoolExecutor::new(max_workers);
    let results = executor.map(board.map_task(label, loiter), 0..count)?;
    display(&format!("result:  {results:?}"));
    display("Waiting for individual results: ");
    for (i, result) in results.enumerate() {
        let res = result?;
        board.taken(&label(&(i as u64)));
        display(&format!("result {i}: {res}"));
    }
    Ok(())
}
