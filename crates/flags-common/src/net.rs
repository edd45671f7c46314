//! Fetching flags over HTTP: one shared client, capped bodies, errors as values.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::Client;

use serde::{Deserialize, Serialize};

/// A flag is a few KB; anything much bigger is not a flag.
pub const MAX_FLAG_BYTES: u64 = 1 << 20;

/// `{base_url}/{cc}/{cc}.gif`, lower case: where the book's sites keep a flag.
pub fn flag_url(base_url: &str, cc: &str) -> String {
    let cc = cc.to_lowercase();
    format!("{base_url}/{cc}/{cc}.gif")
}

/// `{base_url}/{cc}/metadata.json`: the country's name and codes (flags3).
pub fn metadata_url(base_url: &str, cc: &str) -> String {
    format!("{base_url}/{}/metadata.json", cc.to_lowercase())
}

/// GETs `url` with an async client and reads the body, capped like the
/// blocking client's: the async sections' one HTTP call.
pub async fn fetch(
    client: &reqwest::Client,
    cc: &str,
    url: &str,
) -> Result<Vec<u8>, FlagError> {
    if crate::interrupted() {
        return Err(FlagError::Interrupted);
    }
    let network = |err: reqwest::Error| FlagError::network(cc, url, &err);
    // `.await` gives this thread back to the runtime until the answer arrives.
    let mut resp = client.get(url).send().await.map_err(network)?;
    FlagError::check_status(cc, resp.status())?;
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(network)? {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > MAX_FLAG_BYTES {
            return Err(FlagError::TooLarge { cc: cc.into() });
        }
    }
    Ok(body)
}

/// Why a flag was not downloaded.
///
/// Plain data (`Clone`, serialisable), so it can be copied out of a handle,
/// as Python's `result()` can, and cross back from a worker process.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FlagError {
    /// 404: the server has no flag for this code.
    #[error("{cc}: not found")]
    NotFound { cc: String },
    /// Any other non-success status, like the book's `418 I'm a teapot`.
    #[error("{cc}: HTTP {status}")]
    Http { cc: String, status: String },
    /// No answer: connection refused, timeout, reset ...
    #[error("{cc}: cannot get {url}: {reason}")]
    Network {
        cc: String,
        url: String,
        reason: String,
    },
    #[error("{cc}: the answer is over the {MAX_FLAG_BYTES}-byte cap")]
    TooLarge { cc: String },
    #[error("cannot save {}: {reason}", path.display())]
    Save { path: PathBuf, reason: String },
    /// Ctrl-C was pressed: no new request or save starts.
    #[error("interrupted")]
    Interrupted,
    /// The task itself failed: it panicked, was cancelled, or its worker died.
    #[error("{0}")]
    Task(String),
}

/// The executor's own errors (shut down, cancelled, a task that panicked):
/// this flag's error, so a listing's `?` re-raises them.
impl From<concurrent_futures::Error> for FlagError {
    fn from(err: concurrent_futures::Error) -> FlagError {
        FlagError::Task(err.to_string())
    }
}

/// What a download task raised: the `FlagError` it returned, as it was, or
/// what the executor raised instead. So one `?` on `future.result()` reads
/// as Python's `future.result()`, which re-raises either.
impl From<concurrent_futures::Error<FlagError>> for FlagError {
    fn from(err: concurrent_futures::Error<FlagError>) -> FlagError {
        err.into_raised().unwrap_or_else(FlagError::from)
    }
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
            | FlagError::TooLarge { cc } => Some(cc),
            _ => None,
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
                status: status.to_string(),
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
/// thread can own a copy. Sent to a worker process, a `Site` travels as its
/// address and the worker builds a client of its own.
#[derive(Clone, Serialize, Deserialize)]
#[serde(into = "Address", try_from = "Address")]
pub struct Site {
    client: Client,
    base_url: Arc<str>,
    dest_dir: Arc<Path>,
    timeout: Duration,
}

/// What a `Site` is made from: plain data.
#[derive(Serialize, Deserialize)]
struct Address {
    base_url: String,
    dest_dir: PathBuf,
    timeout: Duration,
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
        })
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

    /// Downloads the GIF of `cc`: Python's `get_flag(cc)`.
    pub fn get_flag(&self, cc: &str) -> Result<Vec<u8>, FlagError> {
        self.get(cc, &flag_url(&self.base_url, cc))
    }

    /// Downloads any file of the site (the GIF, or `metadata.json`).
    pub fn get(&self, cc: &str, url: &str) -> Result<Vec<u8>, FlagError> {
        // After Ctrl-C, tasks still queued end at once instead of downloading.
        if crate::interrupted() {
            return Err(FlagError::Interrupted);
        }
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
        crate::save_flag(img, &self.dest_dir, filename).map_err(|err| {
            if crate::interrupted() {
                return FlagError::Interrupted;
            }
            FlagError::Save {
                path: self.dest_dir.join(filename),
                reason: err.to_string(),
            }
        })
    }
}

impl From<Site> for Address {
    fn from(site: Site) -> Address {
        Address {
            base_url: site.base_url.to_string(),
            dest_dir: site.dest_dir.to_path_buf(),
            timeout: site.timeout,
        }
    }
}

impl TryFrom<Address> for Site {
    type Error = String;

    fn try_from(address: Address) -> Result<Site, String> {
        Site::new(&address.base_url, &address.dest_dir, address.timeout)
            .map_err(|err| format!("cannot create the HTTP client: {err}"))
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
