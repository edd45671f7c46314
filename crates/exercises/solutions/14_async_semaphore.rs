//! async-semaphore · 用信号量限制并发 · Cap concurrency with a semaphore
//!
//! 动手 · Make. 这个 `supervisor` 和异步清单（crates/async_flags/src/lib.rs）的一样：每个下载
//! 都 `spawn`，20 个请求同时发出。对方的服务器只愿意同时处理 3 个。用 `tokio::sync::Semaphore`
//! 把同时进行的请求限制在 3 个，仍然下载全部 20 面（原书 flags2_asyncio.py 的做法）。
//!
//! This `supervisor` is the async listing's: every download is spawned, and
//! all 20 requests go out at once. The site will serve only 3 at a time. Use
//! a `tokio::sync::Semaphore` to keep at most 3 requests in flight, still
//! downloading all 20 flags (as the book's flags2_asyncio.py does).
//!
//! Run: `just exercise async-semaphore`

use std::sync::Arc;

use async_flags::download_one;
use async_flags::tasks::re_raise;
use flags_common::{FlagError, Site};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

// ✏️ 同一时刻最多 3 个请求。 · At most 3 requests at once.
async fn supervisor(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let client = Client::new();
    let mut to_do = JoinSet::new();
    let semaphore = Arc::new(Semaphore::new(3));
    for cc in cc_list {
        let (client, site, cc) = (client.clone(), site.clone(), cc.clone());
        let semaphore = Arc::clone(&semaphore);
        to_do.spawn(async move {
            // Held until the download ends: at most 3 tasks get past here at once.
            let _permit = semaphore.acquire_owned().await.expect("never closed");
            download_one(client, site, cc).await
        });
    }
    let mut res = Vec::new();
    while let Some(joined) = to_do.join_next().await {
        res.push(re_raise(joined)?);
    }
    Ok(res.len())
}

/// `asyncio.run(supervisor(cc_list))`.
fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let runtime = tokio::runtime::Runtime::new().expect("start the tokio runtime");
    runtime.block_on(supervisor(site, cc_list))
}

fn main() -> std::process::ExitCode {
    exercises::check::cap_in_flight(download_many, 3)
}
