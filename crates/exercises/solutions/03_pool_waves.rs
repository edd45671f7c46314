//! pool-waves · 5 个线程下载 20 面国旗 · 20 flags on 5 threads
//!
//! 预测 · Predict. 这是线程池清单的 `download_many`（crates/threadpool/src/lib.rs），
//! 只是用 5 个线程而不是 20 个。服务器回答每个请求要 1 个单位（100 毫秒）。`run` 要几个单位？
//!
//! The thread pool listing's `download_many`, with 5 threads instead of 20.
//! The server takes 1 unit (100 ms) to answer each request. How many units
//! does `run` take for the 20 flags?
//!
//! Run: `just exercise pool-waves`

use concurrent_futures::{Executor, ThreadPoolExecutor};
use flags_common::{FlagError, POP20_CC, Site};

const MAX_WORKERS: usize = 5;

fn run(site: &Site) -> Result<usize, FlagError> {
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let site = site.clone();
    let cc_list = exercises::codes(&POP20_CC);
    let res = executor.map(
        move |cc: String| threadpool::download_one(&site, &cc),
        cc_list,
    )?;
    let mut count = 0;
    for result in res {
        result?;
        count += 1;
    }
    Ok(count)
}

// ✏️ 你的预测：run 要几个单位？（把 None 换成 Some(…)） · Your prediction: how many units does `run` take? (None → Some(…))
const PREDICTED_UNITS: Option<u64> = Some(4);

fn main() -> std::process::ExitCode {
    exercises::check::total_units(run, PREDICTED_UNITS)
}
