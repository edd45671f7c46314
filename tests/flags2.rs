//! The flags2 command line and report (`flags2_common.py`) on every download
//! section's binary: one test per check, run on a table of binaries. A
//! failure names the check (the test) and the binary (its message); the
//! checks themselves live in `tests/support/flags2.rs`.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use support::flags2;

/// A section's binary and what differs between sections.
struct Section {
    bin: &'static str,
    /// `-e -m 1000`: the server's delay, and whether requests overlap. `None`
    /// for processes, whose cap has its own test in `crates/processes`.
    every: Option<(Duration, bool)>,
    /// Options for the interrupt check: enough workers to be mid-run.
    interrupt: &'static [&'static str],
}

const SECTIONS: [Section; 5] = [
    Section {
        bin: "sequential",
        every: Some((Duration::ZERO, false)),
        interrupt: &[],
    },
    Section {
        bin: "threadpool",
        every: Some((Duration::from_millis(1000), true)),
        interrupt: &["-m", "4"],
    },
    // Runs the book's flags2_threadpool.py (submit + as_completed).
    Section {
        bin: "submit_as_completed",
        every: Some((Duration::from_millis(1000), true)),
        interrupt: &["-m", "4"],
    },
    Section {
        bin: "async_flags",
        every: Some((Duration::from_millis(500), true)),
        interrupt: &["-m", "4"],
    },
    Section {
        bin: "processes",
        every: None,
        interrupt: &["-m", "4"],
    },
];

/// The section binaries, built once for all the tests of this file.
fn bin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let mut args = vec!["--bins"];
        for section in &SECTIONS {
            args.extend(["-p", section.bin]);
        }
        support::built_bins(&args)
    })
}

/// Runs `check` on every section's binary; a failing binary does not hide
/// the others, and the test fails naming each one that failed.
fn on_every_binary(check: impl Fn(&str, &Section)) {
    let mut failed = Vec::new();
    for section in &SECTIONS {
        let bin = bin_dir().join(section.bin);
        let bin = bin.to_str().expect("a UTF-8 path");
        // The panic's own message is printed above, as it happens.
        if panic::catch_unwind(AssertUnwindSafe(|| check(bin, section))).is_err() {
            failed.push(section.bin);
        }
    }
    assert!(failed.is_empty(), "failed on: {}", failed.join(", "));
}

/// `-e -m 1000`: 194 ok, 482 not found, 0 errors; the concurrent sections
/// have most of the 676 requests in flight together and take a few delays,
/// not hundreds; the sequential one has one request at a time.
#[test]
fn every_code_aa_to_zz() {
    on_every_binary(|bin, section| {
        if let Some((delay, concurrent)) = section.every {
            flags2::every_code_at_once(bin, delay, concurrent);
        }
    });
}

/// 418s are counted per flag, not fatal; the report agrees with the server.
#[test]
fn errors_are_counted_and_reported() {
    on_every_binary(|bin, _| flags2::errors_are_counted(bin));
}

/// `-v`: one line per flag (`CN ok`, `ZZ not found`, `CN error: ...`),
/// printed by whichever thread, task or worker process downloaded it.
#[test]
fn verbose_prints_a_line_per_flag() {
    on_every_binary(|bin, _| flags2::verbose_lines(bin));
}

/// `-l 10` is 10 downloads; no progress bar when stderr is a pipe.
#[test]
fn limit_downloads_n_flags_and_no_bar_when_piped() {
    on_every_binary(|bin, _| flags2::limit_and_no_bar_when_piped(bin));
}

/// `-m N` alone turns the chapter's listing into the flags2 tool.
#[test]
fn max_req_alone_runs_the_flags2_version() {
    on_every_binary(|bin, _| flags2::max_req_alone_runs_flags2(bin));
}

/// `-s BOGUS`, `-m 0`, `-l 0`, `C1`: exit 2 with one line.
#[test]
fn usage_errors_exit_2_with_one_line() {
    on_every_binary(|bin, _| flags2::usage_errors(bin));
}

/// Ctrl-C (`KeyboardInterrupt`): exit 130, `Interrupted.`, the partial
/// report, and no half-written file.
#[test]
fn interrupt_prints_a_partial_report_and_leaves_whole_files() {
    on_every_binary(|bin, section| {
        flags2::interrupt_leaves_a_report_and_whole_files(bin, section.interrupt);
    });
}
