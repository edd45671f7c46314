//! No command-line value makes a binary panic: every numeric option of every
//! section binary, given zero, a negative, NaN, infinity, a huge and a tiny
//! number, an empty string and a 10,000-character string, either runs
//! (exit 0) or is a usage error (exit 2) with one line on stderr.
//!
//! A value that is accepted runs cheaply and offline: one flag (`-l 1`) from
//! a flag server this test starts with no delay, into a scratch directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::{TempDir, run_bin, server_with_delay, text};

/// The numeric options of the download command line (flags-common's cli).
const FLAG_OPTIONS: &[&str] = &["--limit", "--max-req", "--delay", "--timeout"];

/// Each binary and its numeric options.
const BINARIES: &[(&str, &[&str])] = &[
    ("sequential", FLAG_OPTIONS),
    ("threadpool", FLAG_OPTIONS),
    ("submit_as_completed", FLAG_OPTIONS),
    ("async_flags", FLAG_OPTIONS),
    ("processes", FLAG_OPTIONS),
    ("loiter_map", &["--workers", "--count", "--unit"]),
    ("primes", &["--workers", "--count"]),
];

/// The values every numeric option is tried with.
fn values() -> Vec<String> {
    let mut values: Vec<String> = ["0", "-1", "nan", "inf", "1e300", "1e-300", ""]
        .map(String::from)
        .to_vec();
    values.push("7".repeat(10_000));
    values
}

/// The rest of the command line, so that an accepted value makes a short,
/// offline run: the test's server and `-l 1` for the downloads (not where
/// the option under test is one of them: `--delay` needs the in-process
/// server), a short unit for loiter, one number for primes.
fn cheap_args(
    bin: &str,
    option: &str,
    server_url: &str,
    dest: &Path,
) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    let mut push = |words: &[&str]| args.extend(words.iter().map(|w| w.to_string()));
    match bin {
        "loiter_map" => {
            if option != "--unit" {
                push(&["--unit", "0.001"]);
            }
            if option != "--count" {
                push(&["--count", "2"]);
            }
        }
        "primes" => {
            if option != "--count" {
                push(&["--count", "1"]);
            }
        }
        _ => {
            push(&["--dest", dest.to_str().unwrap()]);
            if option != "--delay" {
                push(&["-s", server_url]);
            }
            if option != "--limit" {
                push(&["-l", "1"]);
            }
        }
    }
    args
}

/// The section binaries of [`BINARIES`], built, and the directory they are in.
fn section_bins() -> PathBuf {
    let mut build = vec![];
    for (bin, _) in BINARIES {
        let package = if *bin == "primes" { "processes" } else { bin };
        build.extend(["-p", package]);
    }
    build.push("--bins");
    support::built_bins(&build)
}

/// Every numeric option of every section binary, with every awkward value:
/// exit 0 or 2, one line on stderr for a usage error, never a panic (101).
#[test]
fn no_numeric_value_makes_a_binary_panic() {
    let bin_dir = section_bins();
    let server = server_with_delay(Duration::ZERO);
    let url = server.base_url();
    let mut failures = Vec::new();
    let mut accepted = 0;
    let mut runs = 0;
    for (bin, options) in BINARIES {
        let path = bin_dir.join(bin);
        let path = path.to_str().unwrap();
        for option in options.iter() {
            for value in values() {
                let dest = TempDir::new("cli-values");
                let mut args = vec![format!("{option}={value}")];
                args.extend(cheap_args(bin, option, &url, dest.path()));
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = run_bin(path, &args, Duration::from_secs(60));
                runs += 1;
                let (_, stderr) = text(&out);
                let shown: String = value.chars().take(12).collect();
                let what = format!("{bin} {option}={shown:?}");
                match out.status.code() {
                    Some(0) => accepted += 1,
                    Some(2) if stderr.lines().count() == 1 => {}
                    code => failures.push(format!(
                        "{what}: exit {code:?}, stderr:\n{}",
                        stderr.chars().take(600).collect::<String>()
                    )),
                }
                if out.status.code() == Some(0) && stderr.lines().count() > 1 {
                    failures.push(format!("{what}: ran, but said:\n{stderr}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // `--delay 0` and `--delay 1e-300` are no delay: those runs happen.
    assert!(accepted >= 2, "{accepted} of {runs} values were accepted");
}

/// `--help` is not a usage error: every section binary prints its help on
/// stdout and exits 0 (clap's `use_stderr` is false only for help and
/// version, which is how `usage_error` tells them apart).
#[test]
fn help_is_printed_on_stdout_with_exit_zero() {
    let bin_dir = section_bins();
    for (bin, _) in BINARIES {
        let out = run_bin(
            bin_dir.join(bin).to_str().unwrap(),
            &["--help"],
            Duration::from_secs(60),
        );
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{bin} --help: {stderr}");
        assert!(stdout.contains("Usage:"), "{bin} --help printed {stdout:?}");
    }
}
