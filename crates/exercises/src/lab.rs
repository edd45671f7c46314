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

/// One thing a check says, in both languages: Chinese, then English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bi {
    pub zh: String,
    pub en: String,
}

/// `bi!("有 {n} 个", "{n} of them")`: a [`Bi`], each half a format string.
#[macro_export]
macro_rules! bi {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::lab::Bi::new(format!($zh), format!($en))
    };
}

impl Bi {
    /// Checks the order in debug builds (every check runs in one): Chinese
    /// characters in the first half, none in the second.
    pub fn new(zh: String, en: String) -> Bi {
        let han = |text: &str| {
            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        };
        debug_assert!(
            han(&zh) && !han(&en),
            "Chinese, then English: {zh:?} {en:?}"
        );
        Bi { zh, en }
    }
}

/// `── 实际运行 · The real run ──`, before the run's own output.
pub fn heading(what: Bi) {
    println!("── {} · {} ──", what.zh, what.en);
}

/// The check passed: a green line in both languages.
pub fn pass(why: Bi) -> ExitCode {
    println!("✅ {}\n   {}", why.zh, why.en);
    ExitCode::SUCCESS
}

/// The check failed: what is wrong, in both languages.
pub fn fail(why: Bi) -> ExitCode {
    println!("❌ {}\n   {}", why.zh, why.en);
    ExitCode::FAILURE
}

/// Text shown as it is, without Debug's quotes: a Python value (`4`, `None`).
#[derive(PartialEq, Eq)]
pub struct Plain(pub String);

impl Debug for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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

#[cfg(test)]
mod tests {
    /// Every message is Chinese, then English: the other way round is caught
    /// as soon as a check says it (the checks run in debug builds).
    #[test]
    #[should_panic(expected = "Chinese, then English")]
    fn a_message_in_the_wrong_order_is_caught() {
        let _ = crate::bi!("English first", "然后中文");
    }

    #[test]
    fn a_message_formats_both_halves() {
        let n = 3;
        let said = crate::bi!("有 {n} 个", "{n} of them");
        assert_eq!(
            (said.zh.as_str(), said.en.as_str()),
            ("有 3 个", "3 of them")
        );
    }
}
