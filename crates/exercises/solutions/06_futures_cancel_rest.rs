//! futures-cancel-rest · 一个失败就取消其余的 · Cancel the rest once one download fails
//!
//! 动手 · Make. 这是期物清单的 `download_many`（crates/submit_as_completed/src/lib.rs），
//! 用 2 个线程。有一面国旗不存在时，`?` 会返回错误，可是返回之前丢弃执行器，要等其余所有下载
//! 都做完。改它：一个下载失败，就取消还没开始的任务，再返回那个错误。检查会数服务器收到的请求。
//!
//! The futures listing's `download_many`, on 2 threads. When a flag does not
//! exist, `?` returns the error; but on the way out the executor is dropped,
//! and it waits for every other download first. Change it so that once a
//! download fails, the tasks not yet started are cancelled, then the error is
//! returned. The check counts the requests the server sees.
//!
//! Run: `just exercise futures-cancel-rest`

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{FlagError, Site};
use threadpool::download_one;

const MAX_WORKERS: usize = 2;

// ✏️ 一个下载失败时，先取消还没开始的任务，再返回错误。 · When a download fails, cancel the tasks not yet started, then return the error.
fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let mut to_do = Vec::new();
    for cc in cc_list {
        let (site, code) = (site.clone(), cc.clone());
        let future = executor.submit(move || download_one(&site, &code))?;
        to_do.push(future);
    }
    let mut results = Vec::new();
    for future in as_completed(to_do.clone()) {
        match future.result() {
            Ok(res) => results.push(res),
            Err(err) => {
                for future in &to_do {
                    future.cancel();
                }
                return Err(err.into());
            }
        }
    }
    Ok(results.len())
}

fn main() -> std::process::ExitCode {
    exercises::check::cancel_rest(download_many)
}
