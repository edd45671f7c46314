//! The flags2 command line and report of `flags2_threadpool.py` (submit +
//! as_completed), one plain test per check; the checks live in
//! `tests/support/flags2.rs`.

use std::time::Duration;

use support::flags2;

const BIN: &str = env!("CARGO_BIN_EXE_threadpool");

/// `-e -m 1000`: 194 ok, 482 not found, 0 errors; most of the 676 requests
/// are in flight together, so the run takes a few delays, not hundreds.
#[test]
fn every_code_aa_to_zz_at_once_takes_a_few_delays() {
    flags2::every_code_at_once(BIN, Duration::from_millis(1000), true);
}

/// 418s are counted per flag, not fatal; the report agrees with the server.
#[test]
fn errors_are_counted_and_reported() {
    flags2::errors_are_counted(BIN);
}

/// `-v`: one line per flag (`CN ok`, `ZZ not found`, `CN error: ...`).
#[test]
fn verbose_prints_a_line_per_flag() {
    flags2::verbose_lines(BIN);
}

/// `-l 10` is 10 downloads; no progress bar when stderr is a pipe.
#[test]
fn limit_downloads_n_flags_and_no_bar_when_piped() {
    flags2::limit_and_no_bar_when_piped(BIN);
}

/// `-m N` alone turns the chapter's listing into the flags2 tool.
#[test]
fn max_req_alone_runs_the_flags2_version() {
    flags2::max_req_alone_runs_flags2(BIN);
}

/// `-s BOGUS`, `-m 0`, `-l 0`, `C1`: exit 2 with one line.
#[test]
fn usage_errors_exit_2_with_one_line() {
    flags2::usage_errors(BIN);
}

/// Ctrl-C (`KeyboardInterrupt`): exit 130, `Interrupted.`, the partial
/// report, and no half-written file.
#[test]
fn interrupt_prints_a_partial_report_and_leaves_whole_files() {
    flags2::interrupt_leaves_a_report_and_whole_files(BIN, &["-m", "4"]);
}
