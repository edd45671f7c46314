//! ProcessPoolExecutor · 用进程池下载 · Downloading with processes
//!
//! Mirrors the book's `flags_processpool.py`: the thread pool section with
//! the executor switched to processes. In Python that is one line. In Rust it
//! is one line plus what Python does silently: everything that crosses to a
//! worker process (the function, its argument, its result or error) must be
//! plain, serialisable data, so the job carries the site's address instead of
//! the site, and errors travel back as a [`Failure`].
//!
//! Sample run (`just run procs`, 2 cores, in-process server with 0.1..0.5 s
//! of latency; `-m 20` for 20 worker processes):
//!
//! ```text
//! IR JP VN PH DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK
//! 20 flags downloaded in 0.62s
//! ```

pub mod pool;
pub mod primes;

use std::path::PathBuf;
use std::time::Duration;

use flags_common::{FlagError, Site, count_flags, report, show};
use serde::{Deserialize, Serialize};

use crate::pool::ProcessPoolExecutor;

/// The flags2 tool's `-m`, as for the thread pool. Without `-m`, the
/// chapter's listing uses one worker per core.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

/// What one download needs, as plain data a worker process can receive.
/// The worker sees none of the parent's state, so even "print the code or
/// not" (`show`: off under the flags2 report) travels with the job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub base_url: String,
    pub dest_dir: PathBuf,
    pub timeout: Duration,
    pub cc: String,
    pub show: bool,
}

/// Why a download failed, in a form that can cross back to the parent
/// (a `FlagError` holds an `io::Error`, which cannot be serialised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    NotFound { cc: String },
    Other { cc: String, message: String },
}

impl Failure {
    fn new(cc: &str, err: FlagError) -> Failure {
        match err {
            FlagError::NotFound { .. } => Failure::NotFound { cc: cc.into() },
            err => Failure::Other {
                cc: cc.into(),
                message: err.reason(),
            },
        }
    }
}

impl From<Failure> for FlagError {
    fn from(failure: Failure) -> FlagError {
        match failure {
            Failure::NotFound { cc } => FlagError::NotFound { cc },
            Failure::Other { cc, message } => FlagError::Worker { cc, message },
        }
    }
}

/// Runs in a worker process, a fresh one per job: it builds its own client
/// from the job's plain data, as a Python worker re-imports the module.
pub fn download_one(job: Job) -> Result<String, Failure> {
    let Job {
        base_url,
        dest_dir,
        timeout,
        cc,
        show: show_code,
    } = job;
    let failed = |err| Failure::new(&cc, err);
    let site =
        Site::new(&base_url, &dest_dir, timeout).map_err(|err| Failure::Other {
            cc: cc.clone(),
            message: err.to_string(),
        })?;
    let image = site.get_flag(&cc).map_err(failed)?;
    if show_code {
        show(&cc);
    }
    site.save_flag(&image, &format!("{}.gif", cc.to_lowercase()))
        .map_err(failed)?;
    Ok(cc)
}

pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    // The one line that changes: processes instead of threads. Without -m,
    // one worker per core, like Python's ProcessPoolExecutor().
    let executor = ProcessPoolExecutor::new(site.max_req());
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    // The site itself cannot be sent to another process; its address can.
    let jobs = cc_list.into_iter().map(|cc| Job {
        base_url: site.base_url().to_string(),
        dest_dir: site.dest_dir().to_path_buf(),
        timeout: site.timeout(),
        cc,
        show: !report::flags2(),
    });
    let res = executor.map(download_one, jobs);
    count_flags(res.map(|result| result.map_err(FlagError::from)))
}
