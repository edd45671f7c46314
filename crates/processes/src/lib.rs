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
use std::sync::OnceLock;
use std::time::Duration;

use flags_common::{FlagError, Site, count_flags, show};
use serde::{Deserialize, Serialize};

use crate::pool::ProcessPoolExecutor;

/// What one download needs, as plain data a worker process can receive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub base_url: String,
    pub dest_dir: PathBuf,
    pub timeout: Duration,
    pub cc: String,
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
                message: err.to_string(),
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

/// Runs in a worker process. Each worker builds its HTTP client once, on its
/// first job, as each Python worker imports the module once.
pub fn download_one(job: Job) -> Result<String, Failure> {
    static SITE: OnceLock<Site> = OnceLock::new();
    let Job {
        base_url,
        dest_dir,
        timeout,
        cc,
    } = job;
    let failed = |err| Failure::new(&cc, err);
    let site = match SITE.get() {
        Some(site) => site,
        None => {
            let site = Site::new(&base_url, &dest_dir, timeout).map_err(|err| {
                Failure::Other {
                    cc: cc.clone(),
                    message: err.to_string(),
                }
            })?;
            SITE.get_or_init(|| site)
        }
    };
    let image = site.get_flag(&cc).map_err(failed)?;
    show(&cc);
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
    });
    let res = executor.map(download_one, jobs);
    count_flags(res.map(|result| result.map_err(FlagError::from)))
}
