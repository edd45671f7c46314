//! async-spawn · 让 .await 的循环并发起来 · Make the .await loop concurrent
//!
//! 动手 · Make. 这个 `supervisor` 在循环里逐个 `.await` 异步清单（crates/async_flags/src/lib.rs）
//! 的 `download_one`：10 面国旗，每个请求 1 个单位，共 10 个单位。异步语法本身不带来并发。
//! 让这些下载一起等，3 个单位之内完成。
//!
//! This `supervisor` `.await`s the async listing's `download_one` in a loop,
//! one at a time: 10 flags at 1 unit per request make 10 units. Async syntax
//! alone brings no concurrency. Make the downloads wait together, and finish
//! in at most 3 units.
//!
//! Run: `just exercise async-spawn`

use async_flags::download_one;
use async_flags::tasks::re_raise;
use flags_common::{FlagError, Site};
use reqwest::Client;
use tokio::task::JoinSet;

async fn supervisor(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let client = Client::new();
    let mut to_do = JoinSet::new();
    // ✏️ 这里一次只下载一面：让它们一起等。 · This downloads one flag at a time: make them wait together.
    for cc in cc_list {
        to_do.spawn(download_one(client.clone(), site.clone(), cc.clone()));
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
    exercises::check::concurrent(download_many, 10, 3)
}
