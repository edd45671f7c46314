//! flags2-counts · flags2 的计数和并发请求数 · flags2's counts, and the requests in flight
//!
//! 预测 · Predict. 线程池的 flags2 工具（crates/threadpool/src/flags2.rs）下载 7 个代码，
//! 其中 3 个不是国家代码；`concur_req` 是 3。最后的计数是多少？服务器上最多同时有几个请求？
//!
//! The thread pool's flags2 tool downloads 7 codes, 3 of which are no
//! country's; `concur_req` is 3. What are the final counts, and how many
//! requests does the server have in flight at most?
//!
//! Run: `just exercise flags2-counts`

use flags_common::Site;
use flags_common::flags2::Counter;

fn run(site: &Site) -> Counter {
    let cc_list = exercises::codes(&["CN", "ZZ", "FR", "XX", "BR", "IN", "QQ"]);
    let (verbose, concur_req) = (true, 3);
    threadpool::flags2::download_many(site, &cc_list, verbose, concur_req)
}

// ✏️ ([下载, 不存在, 错误], 最多同时几个请求)（把 None 换成 Some(…)） · ([downloaded, not found, errors], most requests in flight) (None → Some(…))
const PREDICTED: Option<([usize; 3], usize)> = Some(([4, 3, 0], 3));

fn main() -> std::process::ExitCode {
    exercises::check::flags2_counts(run, PREDICTED)
}
