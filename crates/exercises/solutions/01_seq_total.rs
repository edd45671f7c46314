//! seq-total · 顺序下载要多久 · How long does a sequential download take?
//!
//! 预测 · Predict. `run` downloads five flags with the sequential listing's
//! `download_many` (crates/sequential/src/lib.rs). The server takes 1 unit
//! (100 ms) to answer each request. How many units does `run` take?
//!
//! 写下你的预测，然后运行 `just exercise seq-total`。
//! Write your prediction below, then run `just exercise seq-total`.

use flags_common::{FlagError, Site};

fn run(site: &Site) -> Result<usize, FlagError> {
    let cc_list = exercises::codes(&["CN", "IN", "US", "ID", "BR"]);
    sequential::download_many(site, &cc_list)
}

// ✏️ 你的预测：run 要几个单位？（把 None 换成 Some(…)） · Your prediction: how many units does `run` take? (None → Some(…))
const PREDICTED_UNITS: Option<u64> = Some(5);

fn main() -> std::process::ExitCode {
    exercises::check::total_units(run, PREDICTED_UNITS)
}
