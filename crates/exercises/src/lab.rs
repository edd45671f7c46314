//! What every check needs: a unit of time, a flag server to download from,
//! and a few lines of bilingual output.

use std::fmt::Debug;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use flags_common::Site;
use flags_server::{Config, Delay, FlagServer, StatsSnapshot};

/// One "unit" of the exercises: every delay is a whole number of units, so
/// a schedule can be predicted in units and checked against the clock. Long
/// enough that thread start-up and a busy machine stay well under half a unit.
pub const UNIT: Duration = Duration::from_millis(100);

/// The seed of every exercise's server, so a run can be repeated exactly.
pub const SEED: u64 = flags_server::DEFAULT_SEED;

/// The exit status of a check that cannot run here (no python3).
pub const SKIPPED: u8 = 3;

/// `elapsed` in whole units. A schedule only ever runs late (threads and
/// requests add overhead, never subtract it, and a busy machine adds more),
/// so up to nine tenths of a unit late still counts as on time.
pub fn units(elapsed: Duration) -> u64 {
    whole_units(elapsed.as_secs_f64() / UNIT.as_secs_f64())
}

/// A measured number of units, late by less than 0.9, as a whole number.
pub fn whole_units(measured: f64) -> u64 {
    (measured - 0.4).round().max(0.0) as u64
}

/// Does nothing for `n` units, then returns `n`: a task whose length you can read.
pub fn nap(n: u64) -> u64 {
    thread::sleep(UNIT * n as u32);
    n
}

/// `["CN", "FR"]` as the `Vec<String>` every `download_many` takes.
pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|cc| cc.to_string()).collect()
}

/// Runs `f`, and says how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t0 = Instant::now();
    let value = f();
    (value, t0.elapsed())
}

/// An in-process flag server and a site that saves into a fresh temporary
/// folder; dropping it stops the server and removes the folder.
#[derive(Debug)]
pub struct Lab {
    server: FlagServer,
    pub site: Site,
    dir: PathBuf,
}

impl Lab {
    /// Every request takes `delay_units`; `error_rate` of them answer 418.
    pub fn start(delay_units: u32, error_rate: f64) -> Lab {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let config = Config {
            delay: Delay::fixed(UNIT * delay_units),
            error_rate,
            seed: SEED,
            ..Config::default()
        };
        let server = FlagServer::start(config).expect("start the flag server");
        let dir = std::env::temp_dir().join(format!(
            "futures-exercise-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        let site = Site::new(&server.base_url(), &dir, Duration::from_secs(10))
            .expect("build the HTTP client");
        Lab { server, site, dir }
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.server.stats()
    }

    /// The files saved so far, sorted: `["cn.gif", "fr.gif"]`.
    pub fn saved(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok())
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `── 实际运行 · The real run ──`, before the run's own output.
pub fn heading(zh: &str, en: &str) {
    println!("── {zh} · {en} ──");
}

/// The check passed: a green line in both languages.
pub fn pass(zh: &str, en: &str) -> ExitCode {
    println!("✅ {zh}\n   {en}");
    ExitCode::SUCCESS
}

/// The check failed: what is wrong, in both languages.
pub fn fail(zh: &str, en: &str) -> ExitCode {
    println!("❌ {zh}\n   {en}");
    ExitCode::FAILURE
}

/// A prediction next to the real run: passes when they agree.
pub fn compare<T: PartialEq + Debug>(
    what_zh: &str,
    what_en: &str,
    predicted: T,
    actual: T,
) -> ExitCode {
    println!();
    println!("   {what_zh} · {what_en}");
    println!("   你的预测 · your prediction: {predicted:?}");
    println!("   实际运行 · the real run:    {actual:?}");
    if predicted == actual {
        pass("预测正确。", "Your prediction is right.")
    } else {
        fail(
            "预测与实际运行不符：对照上面的输出想一想为什么，再改预测。",
            "The prediction and the real run differ: read the run above, \
             work out why, then change your prediction.",
        )
    }
}

/// Text shown as it is, without Debug's quotes: a Python value (`4`, `None`).
#[derive(PartialEq, Eq)]
pub struct Plain<'a>(pub &'a str);

impl Debug for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The word after `state=` in a handle's Debug, `<Future at 0x.. state=running>`.
pub fn state_of(debug: &str) -> String {
    debug
        .split("state=")
        .nth(1)
        .and_then(|rest| rest.split([' ', '>']).next())
        .unwrap_or("?")
        .to_string()
}
