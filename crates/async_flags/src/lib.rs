//! asyncio · 异步下载 · Downloading with tokio
//!
//! Mirrors the chapter's `flags_asyncio.py` (and, with `--metadata`, the
//! book's `flags3_asyncio.py`). One thread pool is replaced by one event loop:
//! every download is a task on a tokio runtime, all of them share one async
//! HTTP client, and a semaphore caps how many requests are out at once.
//! Waiting for the network costs a task a few hundred bytes, not a thread.
//!
//! Sample run (`just run async`, in-process server with 0.1..0.5 s of latency):
//!
//! ```text
//! IR JP VN PH DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK
//! 20 flags downloaded in 0.51s
//! ```

use std::sync::Arc;

use flags_common::executor::TaskError;
use flags_common::{FlagError, MAX_FLAG_BYTES, Site, count_flags, show};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task::{self, JoinSet};

/// The flags2 tool's `-m`: 5 requests at a time unless told otherwise, 1000
/// at most. Without `-m`, the chapter's listing requests every flag at once.
pub const DEFAULT_CONCUR_REQ: usize = 5;
pub const MAX_CONCUR_REQ: usize = 1000;

/// How each flag is named on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `cn.gif`, like every other section.
    ByCode,
    /// `China.gif`, from the country's `metadata.json` (flags3).
    ByCountry,
}

/// What every download task shares: one client, the site, the permits.
#[derive(Debug)]
struct Shared {
    client: Client,
    /// Where from and where to; only its `save_flag` is used, on blocking threads.
    site: Site,
    /// At most `max_req` requests at a time: the async twin of `max_workers`.
    semaphore: Semaphore,
    naming: Naming,
}

/// GETs `url` and reads the body, capped like the blocking client's.
async fn get(client: &Client, cc: &str, url: &str) -> Result<Vec<u8>, FlagError> {
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

pub async fn get_flag(
    client: &Client,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    let cc_lower = cc.to_lowercase();
    get(client, cc, &format!("{base_url}/{cc_lower}/{cc_lower}.gif")).await
}

/// The country's name, from `{cc}/metadata.json`.
pub async fn get_country(
    client: &Client,
    base_url: &str,
    cc: &str,
) -> Result<String, FlagError> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        country: String,
    }
    let cc_lower = cc.to_lowercase();
    let url = format!("{base_url}/{cc_lower}/metadata.json");
    let json = get(client, cc, &url).await?;
    let metadata: Metadata =
        serde_json::from_slice(&json).map_err(|err| FlagError::Network {
            cc: cc.into(),
            url,
            reason: format!("bad metadata: {err}"),
        })?;
    Ok(metadata.country)
}

async fn download_one(shared: Arc<Shared>, cc: String) -> Result<String, FlagError> {
    let (client, base_url) = (&shared.client, shared.site.base_url());
    let filename = match shared.naming {
        Naming::ByCode => format!("{}.gif", cc.to_lowercase()),
        Naming::ByCountry => {
            // A permit per request: waiting for one is where `-m` throttles.
            let _permit = shared.semaphore.acquire().await.expect("never closed");
            let country = get_country(client, base_url, &cc).await?;
            format!("{}.gif", country.replace(' ', "_"))
        }
    };
    let image = {
        let _permit = shared.semaphore.acquire().await.expect("never closed");
        get_flag(client, base_url, &cc).await?
    }; // the permit is released here, before the file is written
    // Writing a file blocks the thread. On a runtime worker it would stall every
    // task scheduled there, so it goes to tokio's blocking pool (asyncio.to_thread).
    let site = shared.site.clone();
    task::spawn_blocking(move || site.save_flag(&image, &filename))
        .await
        .expect("save_flag does not panic")?;
    show(&cc);
    Ok(cc)
}

/// The downloads under way, each a task on the runtime.
pub type ToDo = JoinSet<Result<String, FlagError>>;

/// Starts one task per code, all at once, and returns them. Must be called
/// inside the runtime (in `block_on`, or in async code).
pub fn supervisor(
    site: &Site,
    cc_list: &[String],
    max_req: usize,
    naming: Naming,
) -> ToDo {
    let client = Client::builder()
        .timeout(site.timeout())
        .build()
        .expect("the HTTP client builds with these settings");
    let shared = Arc::new(Shared {
        client,
        site: site.clone(),
        semaphore: Semaphore::new(max_req.max(1)),
        naming,
    });
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut to_do = JoinSet::new();
    for cc in cc_list {
        // `spawn` hands the future to the runtime, which starts polling it now;
        // calling `download_one` alone would only build a lazy future.
        to_do.spawn(download_one(Arc::clone(&shared), cc));
    }
    to_do
}

/// Waits for whichever download finishes next: `asyncio.as_completed`, one step.
pub async fn next_done(to_do: &mut ToDo) -> Option<Result<String, FlagError>> {
    let joined = to_do.join_next().await?;
    // A JoinError means the task panicked: Python's re-raise, as a value.
    Some(joined.unwrap_or_else(|err| {
        let error = match err.try_into_panic() {
            Ok(payload) => TaskError::from_panic(payload),
            Err(err) => TaskError::Panicked(err.to_string()),
        };
        Err(error.into())
    }))
}

/// Every result, in completion order: `asyncio.gather`, but as they finish.
pub async fn gather(mut to_do: ToDo) -> Vec<Result<String, FlagError>> {
    let mut results = Vec::new();
    while let Some(res) = next_done(&mut to_do).await {
        results.push(res);
    }
    results
}

/// `asyncio.run(supervisor(cc_list))`: a runtime for this one call. Without
/// `-m`, every flag may be requested at once.
pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    run(site, cc_list, Naming::ByCode)
}

/// flags3: the same, naming each file after its country (`China.gif`).
pub fn download_many_by_country(
    site: &Site,
    cc_list: &[String],
) -> Result<usize, FlagError> {
    run(site, cc_list, Naming::ByCountry)
}

fn run(site: &Site, cc_list: &[String], naming: Naming) -> Result<usize, FlagError> {
    let max_req = site.max_req().unwrap_or(cc_list.len());
    let runtime =
        tokio::runtime::Runtime::new().expect("cannot start the tokio runtime");
    let mut to_do =
        runtime.block_on(async { supervisor(site, cc_list, max_req, naming) });
    // Each step runs the event loop until the next download is done, so the
    // results reach `count_flags` (and the report) as they complete. If it
    // stops early, dropping `to_do` cancels the downloads still running.
    let res = std::iter::from_fn(|| runtime.block_on(next_done(&mut to_do)));
    count_flags(res)
}
