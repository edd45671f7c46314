//! Checks of the flags2 command line that every download section must pass.
//! Each section's test file calls these with its own binary.

use std::fs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use flags_server::{Config, FlagServer};

use crate::{TempDir, assert_flags_match_server, run_bin, server_with_delay, text};

/// The closing lines of a flags2 run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
    pub elapsed: f64,
}

/// Reads `N flag(s) downloaded.`, `N not found.`, `N error(s).`, `Elapsed time: X.XXs`.
pub fn parse_report(stdout: &str) -> Report {
    let number = |suffixes: &[&str]| -> usize {
        let line = stdout
            .lines()
            .find(|l| suffixes.iter().any(|s| l.ends_with(s)))
            .unwrap_or_else(|| panic!("no {suffixes:?} line in:\n{stdout}"));
        line.split_whitespace().next().unwrap().parse().expect(line)
    };
    let elapsed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Elapsed time: "))
        .and_then(|t| t.strip_suffix('s'))
        .unwrap_or_else(|| panic!("no elapsed time in:\n{stdout}"));
    Report {
        ok: number(&[" flags downloaded.", " flag downloaded."]),
        not_found: number(&[" not found."]),
        errors: number(&[" errors.", " error."]),
        elapsed: elapsed.parse().expect(elapsed),
    }
}

fn run(
    bin: &str,
    server: &FlagServer,
    dest: &TempDir,
    args: &[&str],
) -> (String, String, i32) {
    let url = server.base_url();
    let mut all = vec!["-s", &url, "--dest", dest.path().to_str().unwrap()];
    all.extend_from_slice(args);
    let out = run_bin(bin, &all, Duration::from_secs(120));
    let (stdout, stderr) = text(&out);
    (stdout, stderr, out.status.code().unwrap_or(-1))
}

/// `-e -m 1000` against a fixed delay: 194 ok, 482 not found, no errors,
/// 194 files; with `max_delays`, in under that many delays.
pub fn every_code_at_once(bin: &str, delay: Duration, max_delays: Option<f64>) {
    let server = server_with_delay(delay);
    let dest = TempDir::new("flags2-every");
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-e", "-m", "1000"]);
    assert_eq!(code, 0, "{stderr}");
    let report = parse_report(&stdout);
    assert_eq!(
        (report.ok, report.not_found, report.errors),
        (194, 482, 0),
        "{stdout}"
    );
    assert_eq!(dest.files().len(), 194);
    if let Some(max_delays) = max_delays {
        let delays = report.elapsed / delay.as_secs_f64();
        assert!(
            delays < max_delays,
            "{} s is {delays:.1} delays",
            report.elapsed
        );
    }
}

/// With 25% of 418s: every flag accounted for, the report agrees with the
/// server's counters, every saved file is whole, and the exit code is 0.
pub fn errors_are_counted(bin: &str) {
    let config = Config {
        error_rate: 0.25,
        seed: 7,
        ..Config::default()
    };
    let server = FlagServer::start(config).unwrap();
    let dest = TempDir::new("flags2-errors");
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-a", "-m", "20"]);
    assert_eq!(code, 0, "{stderr}");
    let report = parse_report(&stdout);
    assert_eq!(
        report.ok + report.not_found + report.errors,
        194,
        "{stdout}"
    );
    let stats = server.stats();
    assert_eq!(report.ok as u64, stats.flags_served);
    assert_eq!(report.errors as u64, stats.teapots);
    assert_eq!(report.not_found as u64, stats.not_found);
    assert!(
        report.errors > 20,
        "a 25% error rate gave {} errors",
        report.errors
    );
    assert_eq!(assert_flags_match_server(&dest).len(), report.ok);
}

/// `-v` prints one line per flag: `CN ok`, `ZZ not found`, `XX error: ...`.
pub fn verbose_lines(bin: &str) {
    let config = Config {
        error_rate: 1.0,
        ..Config::default()
    };
    let failing = FlagServer::start(config).unwrap();
    let dest = TempDir::new("flags2-verbose");
    let (stdout, _, code) = run(bin, &failing, &dest, &["-v", "CN"]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .lines()
            .any(|l| l == "CN error: HTTP 418 I'm a teapot"),
        "{stdout}"
    );
    let server = server_with_delay(Duration::ZERO);
    let (stdout, _, _) = run(bin, &server, &dest, &["-v", "CN", "ZZ"]);
    assert!(stdout.lines().any(|l| l == "CN ok"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "ZZ not found"), "{stdout}");
}

/// `-l 10` downloads exactly 10 flags; piped stderr shows no progress bar.
pub fn limit_and_no_bar_when_piped(bin: &str) {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("flags2-limit");
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-a", "-l", "10"]);
    assert_eq!(code, 0);
    assert_eq!(parse_report(&stdout).ok, 10);
    assert!(
        stdout.contains("Searching for 10 flags: from AD to AU"),
        "{stdout}"
    );
    assert_eq!(dest.files().len(), 10);
    assert_eq!(server.stats().requests, 10);
    assert!(
        stderr.is_empty(),
        "a progress bar or noise on a pipe: {stderr:?}"
    );
}

/// `-s BOGUS`, `-m 0` and `C1` are usage errors: exit 2, one line.
pub fn usage_errors(bin: &str) {
    for (args, reason) in [
        (&["-s", "BOGUS"][..], "unknown server label 'BOGUS'"),
        (&["-m", "0"], "-m must be >= 1"),
        (&["C1"], "invalid country code 'C1'"),
    ] {
        crate::assert_usage_error(bin, args, reason);
    }
}

/// SIGINT mid-run: exit 130, the partial report, and no partial file.
pub fn interrupt_leaves_a_report_and_whole_files(bin: &str, extra: &[&str]) {
    let server = server_with_delay(Duration::from_millis(100));
    let dest = TempDir::new("flags2-interrupt");
    let url = server.base_url();
    let mut args = vec!["-a", "-s", &url, "--dest", dest.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    let child = Command::new(bin)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the run to be under way: a few flags saved.
    let t0 = Instant::now();
    while dest.files().iter().filter(|f| f.ends_with(".gif")).count() < 3 {
        assert!(t0.elapsed() < Duration::from_secs(60), "no flags saved");
        thread::sleep(Duration::from_millis(10)); // polling the disk, not a race
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.unwrap().success());
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(stdout.contains("Interrupted."), "{stdout}");
    let report = parse_report(&stdout);
    // Cut short: some flags may be saved but not yet counted, never the reverse.
    assert!(report.ok < 194, "{report:?}");
    let leftovers: Vec<String> = dest
        .files()
        .into_iter()
        .filter(|f| !f.ends_with(".gif"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    // Every GIF on disk is whole (a save that started, finished).
    let saved = assert_flags_match_server(&dest).len();
    assert!(saved >= report.ok, "{saved} files, {} reported", report.ok);
    let _ = fs::remove_dir_all(dest.path());
}

/// The flags2 tests of one section, as `#[test]` functions:
/// `flags2_tests!(env!("CARGO_BIN_EXE_threadpool"), every: 300 ms < 4 delays, interrupt: ["-m", "4"]);`
/// Without `< N delays`, the `-e` run is not timed (the sequential section).
#[macro_export]
macro_rules! flags2_tests {
    ($bin:expr, every: $ms:literal ms $(< $delays:literal delays)?, interrupt: [$($arg:literal),*]) => {
        /// `-e -m 1000`: 194 flags, 482 not found, 0 errors (and fast, when concurrent).
        #[test]
        fn flags2_every_code_with_a_thousand_connections() {
            let max_delays: Option<f64> = None $(.or(Some($delays)))?;
            $crate::flags2::every_code_at_once($bin, std::time::Duration::from_millis($ms), max_delays);
        }

        /// 418s are counted per flag; the report agrees with the server.
        #[test]
        fn flags2_errors_are_counted_and_reported() {
            $crate::flags2::errors_are_counted($bin);
        }

        /// `-v`: one line per flag.
        #[test]
        fn flags2_verbose_prints_a_line_per_flag() {
            $crate::flags2::verbose_lines($bin);
        }

        /// `-l 10` is 10 downloads; no progress bar on a pipe.
        #[test]
        fn flags2_limit_and_no_bar_when_piped() {
            $crate::flags2::limit_and_no_bar_when_piped($bin);
        }

        /// `-s BOGUS`, `-m 0`, `C1`: exit 2 with one line.
        #[test]
        fn flags2_usage_errors_exit_2() {
            $crate::flags2::usage_errors($bin);
        }

        /// Ctrl-C: exit 130, partial report, no partial file.
        #[test]
        fn flags2_interrupt_prints_a_partial_report() {
            $crate::flags2::interrupt_leaves_a_report_and_whole_files($bin, &[$($arg),*]);
        }
    };
}
