//! The book's `flags2_common.py`: what the flags2 version of every section
//! shares. Each section's `flags2.rs` counts its own outcomes in a
//! [`Counter`] and returns it; [`cli::main`](crate::cli::main) prints the reports.

use std::fmt;
use std::io::IsTerminal;
use std::ops::{Index, IndexMut};
use std::time::Duration;

use indicatif::{
    ProgressBar, ProgressBarIter, ProgressDrawTarget, ProgressIterator,
};

use crate::{FlagError, Site};

/// A flags2 `download_many(site, cc_list, verbose, concur_req)`: downloads
/// with at most `concur_req` requests at a time, and counts the outcomes.
pub type DownloadMany = fn(&Site, &[String], bool, usize) -> Counter;

/// How one download ended: the book's `DownloadStatus`. Serialisable, so a
/// worker process can send it back.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum DownloadStatus {
    Ok,
    NotFound,
    Error,
}

impl fmt::Display for DownloadStatus {
    /// The word `-v` prints after the code: `CN ok`, `ZZ not found`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DownloadStatus::Ok => "ok",
            DownloadStatus::NotFound => "not found",
            DownloadStatus::Error => "error",
        })
    }
}

/// How many downloads ended in each status: Python's `Counter()`, indexed
/// the same way (`counter[status] += 1`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

impl Index<DownloadStatus> for Counter {
    type Output = usize;

    fn index(&self, status: DownloadStatus) -> &usize {
        match status {
            DownloadStatus::Ok => &self.ok,
            DownloadStatus::NotFound => &self.not_found,
            DownloadStatus::Error => &self.errors,
        }
    }
}

impl IndexMut<DownloadStatus> for Counter {
    fn index_mut(&mut self, status: DownloadStatus) -> &mut usize {
        match status {
            DownloadStatus::Ok => &mut self.ok,
            DownloadStatus::NotFound => &mut self.not_found,
            DownloadStatus::Error => &mut self.errors,
        }
    }
}

impl Counter {
    /// Counts one download: `counter[status] += 1`, where a failure counts
    /// as `Error` and, with `verbose`, prints `CC error: reason` (the book's
    /// `error_msg` handling, written once).
    pub fn add(
        &mut self,
        cc: &str,
        res: Result<DownloadStatus, FlagError>,
        verbose: bool,
    ) {
        let status = match res {
            Ok(status) => status,
            Err(err) => {
                if verbose {
                    println!("{cc} error: {}", err.reason());
                }
                DownloadStatus::Error
            }
        };
        self[status] += 1;
    }
}

/// `tqdm.tqdm(iterable, total=n)`: a progress bar on stderr that advances as
/// `iter` yields. Drawn only when `show` and stderr is a terminal, and no
/// one watches the tasks (`--watch`: the board draws them instead).
pub fn progress<I: Iterator>(
    iter: I,
    total: usize,
    show: bool,
) -> ProgressBarIter<I> {
    iter.progress_with(progress_bar(total, show))
}

/// The bar [`progress`] draws, for loops that are not iterators (async
/// code): call `inc(1)` per flag.
pub fn progress_bar(total: usize, show: bool) -> ProgressBar {
    let watched = concurrent_futures::events::observed();
    let target = if show && !watched && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    ProgressBar::with_draw_target(Some(total as u64), target)
}

/// The lines before a run: which server, how many flags, how many at once,
/// as the book's (second edition) `flags2_common.initial_report` prints them:
/// ten codes or fewer by name, more as a range.
pub fn initial_report(
    label: &str,
    base_url: &str,
    cc_list: &[String],
    actual_req: usize,
) {
    let n = cc_list.len();
    let cc_msg = match cc_list {
        [first, .., last] if n > 10 => format!("from {first} to {last}"),
        _ => cc_list.join(", "),
    };
    println!("{label} site: {base_url}");
    println!("Searching for {n} flag{}: {cc_msg}", plural(n));
    match actual_req {
        1 => println!("1 connection will be used."),
        n => println!("{n} concurrent connections will be used."),
    }
}

/// The lines after a run, as the book's `final_report` prints them: the
/// counts three wide, a line for not found or errors only when there were
/// any, and the time.
pub fn final_report(counter: &Counter, elapsed: Duration, interrupted: bool) {
    if interrupted {
        println!("\nInterrupted.");
    }
    println!("{}", "-".repeat(20));
    println!("{:3} flag{} downloaded.", counter.ok, plural(counter.ok));
    if counter.not_found > 0 {
        println!("{:3} not found.", counter.not_found);
    }
    if counter.errors > 0 {
        println!("{:3} error{}.", counter.errors, plural(counter.errors));
    }
    println!("Elapsed time: {:.2}s", elapsed.as_secs_f64());
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
