//! futures-states · 提交时打印的状态 · The states printed at submit
//!
//! 预测 · Predict. 像期物清单（crates/submit_as_completed/src/lib.rs）那样逐个 `submit`
//! 并打印句柄，只是池里有 3 个线程，提交 5 个下载。五行各打印什么状态？
//!
//! As the futures listing does, `submit` each download and print its handle;
//! here the pool has 3 threads and 5 downloads are submitted. Which state does
//! each of the five `Scheduled for` lines print?
//!
//! Run: `just exercise futures-states`

use concurrent_futures::ThreadPoolExecutor;
use flags_common::Site;

const MAX_WORKERS: usize = 3;

/// Submits five downloads and prints each handle; returns what it printed.
fn run(site: &Site) -> Vec<String> {
    let executor = ThreadPoolExecutor::new(MAX_WORKERS);
    let mut printed = Vec::new();
    for cc in ["CN", "IN", "US", "ID", "BR"] {
        let site = site.clone();
        let future = executor
            .submit(move || threadpool::download_one(&site, cc))
            .expect("the executor is not shut down");
        println!("Scheduled for {cc}: {future:?}");
        printed.push(format!("{future:?}"));
    }
    printed
}

// ✏️ 五行各是什么状态（"running" 或 "pending"）？（把 None 换成 Some(…)） · The state on each line ("running" or "pending")? (None → Some(…))
const PREDICTED_STATES: Option<[&str; 5]> = None;

fn main() -> std::process::ExitCode {
    exercises::check::submit_states(run, PREDICTED_STATES)
}
