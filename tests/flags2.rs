//! The flags2 command line and report (`flags2_common.py`) on every download
//! section's binary: one test, a table of checks by a table of binaries. A
//! failure names its check and its binary; the checks themselves live in
//! `tests/support/flags2.rs`.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::thread;
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

/// A row of [`SECTIONS`]: `every` in milliseconds of delay.
const fn section(
    bin: &'static str,
    every: Option<(u64, bool)>,
    interrupt: &'static [&'static str],
) -> Section {
    let every = match every {
        Some((millis, concurrent)) => {
            Some((Duration::from_millis(millis), concurrent))
        }
        None => None,
    };
    Section {
        bin,
        every,
        interrupt,
    }
}

/// submit_as_completed runs the book's flags2_threadpool.py (submit +
/// as_completed) for its flags2 options, as threadpool does.
const SECTIONS: [Section; 5] = [
    section("sequential", Some((0, false)), &[]),
    section("threadpool", Some((1000, true)), &["-m", "4"]),
    section("submit_as_completed", Some((1000, true)), &["-m", "4"]),
    section("async_flags", Some((500, true)), &["-m", "4"]),
    section("processes", None, &["-m", "4"]),
];

/// The section binaries, built once, by the first check that needs them.
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

/// A check of the flags2 command line, run on one section's binary.
type Check = fn(&str, &Section);

/// Every check, by name: the names the failures give.
const CHECKS: [(&str, Check); 7] = [
    // `-e -m 1000`: 194 ok, 482 not found, 0 errors; the concurrent sections
    // have most of the 676 requests in flight together and take a few
    // delays, not hundreds; the sequential one, one request at a time.
    ("every_code_aa_to_zz", |bin, section| {
        if let Some((delay, concurrent)) = section.every {
            flags2::every_code_at_once(bin, delay, concurrent);
        }
    }),
    // 418s are counted per flag, not fatal; the report agrees with the server.
    ("errors_are_counted_and_reported", |bin, _| {
        flags2::errors_are_counted(bin);
    }),
    // `-v`: one line per flag (`CN ok`, `ZZ not found`, `CN error: ...`),
    // printed by whichever thread, task or worker process downloaded it.
    ("verbose_prints_a_line_per_flag", |bin, _| {
        flags2::verbose_lines(bin)
    }),
    // `-l 10` is 10 downloads; no progress bar when stderr is a pipe.
    ("limit_downloads_n_flags_and_no_bar_when_piped", |bin, _| {
        flags2::limit_and_no_bar_when_piped(bin);
    }),
    // `-m N` alone turns the chapter's listing into the flags2 tool.
    ("max_req_alone_runs_the_flags2_version", |bin, _| {
        flags2::max_req_alone_runs_flags2(bin);
    }),
    // `-s BOGUS`, `-m 0`, `-l 0`, `C1`: exit 2 with one line.
    ("usage_errors_exit_2_with_one_line", |bin, _| {
        flags2::usage_errors(bin)
    }),
    // Ctrl-C (`KeyboardInterrupt`): exit 130, `Interrupted.`, the partial
    // report, and no half-written file.
    (
        "interrupt_prints_a_partial_report_and_leaves_whole_files",
        |bin, section| {
            flags2::interrupt_leaves_a_report_and_whole_files(
                bin,
                section.interrupt,
            );
        },
    ),
];

/// Every check on every section's binary. Each check runs on a thread named
/// after it (so a panic says `thread 'verbose_prints_a_line_per_flag'
/// panicked`), on one binary after another, so that the 676 connections of
/// `every_code_aa_to_zz` are never needed twice at once; a failing case does
/// not hide the others, and the test ends naming each one that failed.
#[test]
fn every_flags2_check_on_every_section_binary() {
    let failed: Vec<String> = thread::scope(|scope| {
        let checks: Vec<_> = CHECKS
            .iter()
            .map(|&(name, check)| {
                thread::Builder::new()
                    .name(name.to_string())
                    .spawn_scoped(scope, move || run_on_every_binary(name, check))
                    .expect("start a thread")
            })
            .collect();
        checks
            .into_iter()
            .flat_map(|check| check.join().expect("failures are caught"))
            .collect()
    });
    assert!(failed.is_empty(), "failed: {}", failed.join(", "));
}

/// Runs `check` on each binary; returns `"check on binary"` for each failure.
fn run_on_every_binary(name: &str, check: Check) -> Vec<String> {
    let mut failed = Vec::new();
    for section in &SECTIONS {
        let bin = bin_dir().join(section.bin);
        let bin = bin.to_str().expect("a UTF-8 path");
        // The panic's own message is printed as it happens, under `name`.
        if panic::catch_unwind(AssertUnwindSafe(|| check(bin, section))).is_err() {
            failed.push(format!("{name} on {}", section.bin));
        }
    }
    failed
}
