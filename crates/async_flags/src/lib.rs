//! asyncio · 异步下载 · Downloading with tokio
//!
//! Mirrors the chapter's `flags_asyncio.py`. One thread pool is replaced by
//! one event loop: every download is a task on a tokio runtime, and all of
//! them share one async HTTP client. A download waiting for the network
//! holds a task, not a thread: about 43 KiB of resident memory per download
//! in flight against 65 KiB on a thread (`just memory`, server side
//! included). The book's flags2 and flags3 versions of this file are
//! [`flags2`] and [`flags3`].
//!
//! Sample run (`just run async`, in-process server with 0.1..0.5 s of latency):
//!
//! ```text
//! IR JP VN PH DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK
//! 20 flags downloaded in 0.51s
//! ```

pub mod flags2;
pub mod flags3;
pub mod tasks;

use flags_common::{FlagError, Site, fetch, flag_url, gif_name, show};
use reqwest::Client;
use tokio::task::{self, JoinSet};

use crate::tasks::re_raise;

pub async fn get_flag(
    client: &Client,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    fetch(client, cc, &flag_url(base_url, cc)).await
}

pub async fn download_one(
    client: Client,
    site: Site,
    cc: String,
) -> Result<String, FlagError> {
    let image = get_flag(&client, site.base_url(), &cc).await?;
    // Writing a file blocks the thread. On a runtime worker it would stall every
    // task scheduled there, so it goes to tokio's blocking pool (asyncio.to_thread).
    let filename = gif_name(&cc);
    re_raise(task::spawn_blocking(move || site.save_flag(&image, &filename)).await)?;
    show(&cc);
    Ok(cc)
}

pub async fn supervisor(
    site: &Site,
    cc_list: &[String],
) -> Result<usize, FlagError> {
    let client =
        Client::builder()
            .timeout(site.timeout())
            .build()
            .map_err(|err| {
                FlagError::Task(format!("cannot create the HTTP client: {err}"))
            })?;
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut to_do = JoinSet::new();
    for cc in cc_list {
        // `spawn` hands the future to the runtime, which starts polling it now;
        // calling `download_one` alone would only build a lazy future.
        to_do.spawn(download_one(client.clone(), site.clone(), cc));
    }
    // `asyncio.as_completed`: the results as they finish. `?` re-raises what
    // the task raised: a download that failed, or a panic.
    let mut res = Vec::new();
    while let Some(joined) = to_do.join_next().await {
        res.push(re_raise(joined)?);
    }
    Ok(res.len())
}

/// `asyncio.run(supervisor(cc_list))`: a runtime for this one call.
pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|err| {
        FlagError::Task(format!("cannot start the tokio runtime: {err}"))
    })?;
    runtime.block_on(supervisor(site, cc_list))
}
