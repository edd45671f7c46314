//! Fetching flags over HTTP: one shared client, capped bodies, errors as values.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::executor::TaskError;

/// A flag is a few KB; anything much bigger is not a flag.
pub const MAX_FLAG_BYTES: u64 = 1 << 20;

/// Why a flag was not downloaded.
///
/// `Clone`, so a handle's `result()` can hand out copies, as Python's can.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FlagError {
    /// 404: the server has no flag for this code. Not a failure of the run.
    #[error("{cc}: not found")]
    NotFound { cc: String },
    /// Any other non-success status, like the book's `418 I'm a teapot`.
    #[error("{cc}: HTTP {status}")]
    Http { cc: String, status: StatusCode },
    /// No answer: connection refused, timeout, reset ...
    #[error("{cc}: cannot get {url}: {reason}")]
    Network {
        cc: String,
        url: String,
        reason: String,
    },
    #[error("{cc}: the answer is over the {MAX_FLAG_BYTES}-byte cap")]
    TooLarge { cc: String },
    #[error("cannot save {}: {source}", path.display())]
    Save {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    /// A download that failed in a worker process, as that process reported it.
    #[error("{cc}: {message}")]
    Worker { cc: String, message: String },
    /// A worker panicked while downloading.
    #[error(transparent)]
    Task(#[from] TaskError),
}

impl FlagError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, FlagError::NotFound { .. })
    }

    /// The country code the error is about, when it is known.
    pub fn cc(&self) -> Option<&str> {
        match self {
            FlagError::NotFound { cc }
            | FlagError::Http { cc, .. }
            | FlagError::Network { cc, .. }
            | FlagError::TooLarge { cc }
            | FlagError::Worker { cc, .. } => Some(cc),
            FlagError::Save { .. } | FlagError::Task(_) => None,
        }
    }

    /// What went wrong, without the code in front: `HTTP 418 I'm a teapot`.
    pub fn reason(&self) -> String {
        let text = self.to_string();
        match self
            .cc()
            .and_then(|cc| text.strip_prefix(cc)?.strip_prefix(": "))
        {
            Some(reason) => reason.to_string(),
            None => text,
        }
    }

    /// 200 is a flag, 404 is "not found", anything else is an error: the
    /// rule every client here (blocking or async) applies to an answer.
    pub fn check_status(cc: &str, status: StatusCode) -> Result<(), FlagError> {
        match status {
            StatusCode::OK => Ok(()),
            StatusCode::NOT_FOUND => Err(FlagError::NotFound { cc: cc.into() }),
            status => Err(FlagError::Http {
                cc: cc.into(),
                status,
            }),
        }
    }

    /// A request that got no answer. reqwest's own message is "error sending
    /// request for url (...)"; the useful part is at the end of its chain.
    pub fn network(cc: &str, url: &str, err: &reqwest::Error) -> FlagError {
        let reason = if err.is_timeout() {
            "timed out".to_string()
        } else {
            let mut cause: &dyn std::error::Error = err;
            while let Some(source) = cause.source() {
                cause = source;
            }
            cause.to_string()
        };
        FlagError::Network {
            cc: cc.into(),
            url: url.into(),
            reason,
        }
    }
}

/// The flag site and where its flags go: Python's `BASE_URL` and `DEST_DIR`,
/// plus the one HTTP client every download shares.
///
/// Cloning is cheap (the client is reference-counted inside), so each worker
/// thread can own a copy.
#[derive(Clone)]
pub struct Site {
    client: Client,
    base_url: Arc<str>,
    dest_dir: Arc<Path>,
    timeout: Duration,
    max_req: Option<usize>,
}

impl Site {
    /// `timeout` bounds each whole request, connecting included.
    pub fn new(
        base_url: &str,
        dest_dir: impl AsRef<Path>,
        timeout: Duration,
    ) -> Result<Site, reqwest::Error> {
        // One client for the whole run: it keeps connections open and reuses
        // them, as a requests.Session would.
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()?;
        Ok(Site {
            client,
            base_url: base_url.trim_end_matches('/').into(),
            dest_dir: dest_dir.as_ref().into(),
            timeout,
            max_req: None,
        })
    }

    /// At most `max_req` requests to this site at a time (`-m`), for the
    /// sections that take a limit.
    pub fn with_max_req(mut self, max_req: usize) -> Site {
        self.max_req = Some(max_req);
        self
    }

    /// The user's `-m`, if given.
    pub fn max_req(&self) -> Option<usize> {
        self.max_req
    }

    /// How long one request may take, connecting included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn dest_dir(&self) -> &Path {
        &self.dest_dir
    }

    /// Downloads the GIF of `cc`: `{BASE_URL}/{cc}/{cc}.gif`, lower case.
    pub fn get_flag(&self, cc: &str) -> Result<Vec<u8>, FlagError> {
        let cc_lower = cc.to_lowercase();
        let url = format!("{}/{cc_lower}/{cc_lower}.gif", self.base_url);
        self.get(cc, &url)
    }

    /// Downloads any file of the site (the GIF, or `metadata.json`).
    pub fn get(&self, cc: &str, url: &str) -> Result<Vec<u8>, FlagError> {
        let resp = self
            .client
            .get(url)
            .send()
            .map_err(|err| FlagError::network(cc, url, &err))?;
        FlagError::check_status(cc, resp.status())?;
        if resp
            .content_length()
            .is_some_and(|len| len > MAX_FLAG_BYTES)
        {
            return Err(FlagError::TooLarge { cc: cc.into() });
        }
        // Read one byte past the cap, so an over-long body is seen, not cut.
        let mut body = Vec::new();
        resp.take(MAX_FLAG_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|err| FlagError::Network {
                cc: cc.into(),
                url: url.into(),
                reason: err.to_string(),
            })?;
        if body.len() as u64 > MAX_FLAG_BYTES {
            return Err(FlagError::TooLarge { cc: cc.into() });
        }
        Ok(body)
    }

    /// Saves `img` as `filename` in the destination directory, atomically.
    pub fn save_flag(&self, img: &[u8], filename: &str) -> Result<(), FlagError> {
        crate::save_flag(img, &self.dest_dir, filename).map_err(|source| {
            FlagError::Save {
                path: self.dest_dir.join(filename),
                source: Arc::new(source),
            }
        })
    }
}

impl fmt::Debug for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Site")
            .field("base_url", &self.base_url)
            .field("dest_dir", &self.dest_dir)
            .finish_non_exhaustive()
    }
}

/// Counts the flags a run downloaded: Python's `len(list(res))`.
///
/// Each outcome goes to [`report::record`](crate::report::record): in the
/// chapter's listings a 404 is shown and not counted and any other error ends
/// the run, as an uncaught exception would; under the flags2 report every
/// outcome is counted and the run goes on.
pub fn count_flags(
    results: impl IntoIterator<Item = Result<String, FlagError>>,
) -> Result<usize, FlagError> {
    let mut count = 0;
    for res in results {
        let ok = res.is_ok();
        crate::report::record(res)?;
        count += usize::from(ok);
    }
    Ok(count)
}

/// How every section marks a code with no flag, between the codes it shows.
pub fn show_not_found(cc: &str) {
    crate::show(&format!("({cc}: not found)"));
}
