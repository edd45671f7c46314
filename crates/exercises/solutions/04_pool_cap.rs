//! pool-cap · 最多同时 4 个请求 · At most 4 requests at once
//!
//! 动手 · Make. 这是线程池清单的 `download_many`（crates/threadpool/src/lib.rs）。
//! 对方的服务器只愿意同时处理 4 个请求。改它：仍然下载全部 20 面国旗，但同一时刻最多 4 个请求。
//! 检查会数服务器上同时进行的请求，也会计时（一个一个地下载太慢了）。
//!
//! The thread pool listing's `download_many`. The site will serve only 4
//! requests at once. Change it so that it still downloads all 20 flags, with
//! at most 4 requests in flight at any moment. The check counts the requests
//! in flight at the server, and times the run (one at a time is too slow).
//!
//! Run: `just exercise pool-cap`

use concurrent_futures::{Executor, ThreadPoolExecutor};
use flags_common::{FlagError, Site};
use threadpool::download_one;

const MAX_WORKERS: usize = 4;

// ✏️ 同一时刻最多 4 个请求，仍然下载全部 20 面。 · At most 4 requests at once, still all 20 flags.
fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let workers = MAX_WORKERS.min(cc_list.len());
    let executor = ThreadPoolExecutor::new(workers);
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let site = site.clone();
    let res = executor.map(move |cc: String| download_one(&site, &cc), cc_list)?;
    let mut count = 0;
    for result in res {
        result?;
        count += 1;
    }
    Ok(count)
}

fn main() -> std::process::ExitCode {
    exercises::check::cap_in_flight(download_many, 4)
}
