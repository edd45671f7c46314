//! Checks of the flags2 command line that every download section must pass.
//! `tests/flags2.rs` runs each check on every section's binary.

use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{
    TempDir, assert_flags_match_server, leftovers, room_for_connections, run_bin,
    server_with_delay, server_with_errors, text,
};
use flags_server::FlagServer;

/// The closing lines of a flags2 run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
    pub elapsed: f64,
}

/// Reads `N flag(s) downloaded.`, `N not found.`, `N error(s).`, `Elapsed time: X.XXs`,
/// as the book prints them: counts padded to three columns, and no line for
/// a count of zero not found or errors.
pub fn parse_report(stdout: &str) -> Report {
    let count = |suffixes: &[&str]| -> Option<usize> {
        let line = stdout
            .lines()
            .find(|l| suffixes.iter().any(|s| l.ends_with(s)))?;
        Some(line.split_whitespace().next()?.parse().expect(line))
    };
    let ok = count(&[" flags downloaded.", " flag downloaded."])
        .unwrap_or_else(|| panic!("no flags downloaded line in:\n{stdout}"));
    let elapsed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Elapsed time: "))
        .and_then(|t| t.strip_suffix('s'))
        .unwrap_or_else(|| panic!("no elapsed time in:\n{stdout}"));
    Report {
        ok,
        not_found: count(&[" not found."]).unwrap_or(0),
        errors: count(&[" errors.", " error."]).unwrap_or(0),
        elapsed: elapsed.parse().expect(elapsed),
    }
}

/// One run of `bin` against `server`, saving into `dest`: stdout, stderr,
/// exit code.
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

/// `-e -m 1000` against a fixed `delay`: 194 ok, 482 not found, no errors,
/// 194 whole files. With `concurrent`, the requests overlap (most of the 676
/// in flight at once) and the run takes a few delays, not hundreds; without
/// it (the sequential section), exactly one request is ever in flight.
pub fn every_code_at_once(bin: &str, delay: Duration, concurrent: bool) {
    // The server is in this process: one socket per connection.
    if concurrent && !room_for_connections(676) {
        return;
    }
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
    assert_eq!(assert_flags_match_server(&dest).len(), 194);
    assert!(leftovers(&dest).is_empty(), "{:?}", leftovers(&dest));
    let most = server.stats().max_in_flight;
    if concurrent {
        assert!(
            stdout.contains("676 concurrent connections will be used."),
            "{stdout}"
        );
        assert!(most > 676 / 2, "only {most} requests at once");
        // One wave is one delay, plus opening 676 connections on a busy
        // machine; 5 at a time would be 135 delays.
        let delays = report.elapsed / delay.as_secs_f64();
        assert!(
            delays < 10.0,
            "{}s is {delays:.1} delays of {delay:?}",
            report.elapsed
        );
    } else {
        assert!(stdout.contains("1 connection will be used."), "{stdout}");
        assert_eq!(most, 1, "the sequential version never overlaps requests");
    }
}

/// With 25% of 418s: every flag accounted for, the report agrees with the
/// server's counters, every saved file is whole, and the exit code is 0.
pub fn errors_are_counted(bin: &str) {
    let server = server_with_errors(0.25, 7);
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
        (20..80).contains(&report.errors),
        "a 25% error rate gave {} errors of 194",
        report.errors
    );
    assert_eq!(assert_flags_match_server(&dest).len(), report.ok);
    assert!(leftovers(&dest).is_empty(), "{:?}", leftovers(&dest));
}

/// `-v` prints one line per flag: `CN ok`, `ZZ not found`, `CN error: ...`,
/// and both runs end normally.
pub fn verbose_lines(bin: &str) {
    let failing = server_with_errors(1.0, 0);
    let dest = TempDir::new("flags2-verbose");
    let (stdout, stderr, code) = run(bin, &failing, &dest, &["-v", "CN"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l == "CN error: HTTP 418 I'm a teapot"),
        "{stdout}"
    );
    assert_eq!(parse_report(&stdout).errors, 1, "{stdout}");
    let server = server_with_delay(Duration::ZERO);
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-v", "CN", "ZZ"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().any(|l| l == "CN ok"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "ZZ not found"), "{stdout}");
    let report = parse_report(&stdout);
    assert_eq!((report.ok, report.not_found, report.errors), (1, 1, 0));
    assert_eq!(dest.files(), ["cn.gif"]);
}

/// `-l 10` downloads exactly 10 flags; piped stderr shows no progress bar.
pub fn limit_and_no_bar_when_piped(bin: &str) {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("flags2-limit");
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-a", "-l", "10"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(parse_report(&stdout).ok, 10);
    // Ten codes or fewer are named, as the book's initial_report does.
    let first_ten = crate::all_cc()[..10].join(", ");
    assert!(
        stdout.contains(&format!("Searching for 10 flags: {first_ten}\n")),
        "{stdout}"
    );
    assert_eq!(dest.files().len(), 10);
    assert_eq!(server.stats().requests, 10);
    assert!(
        stderr.is_empty(),
        "a progress bar or noise on a pipe: {stderr:?}"
    );
}

/// `-m N` alone is a flags2 option too: the POP20 list, counted and reported
/// (the chapter's listing would print codes and `20 flags downloaded in`).
pub fn max_req_alone_runs_flags2(bin: &str) {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("flags2-max-req");
    let (stdout, stderr, code) = run(bin, &server, &dest, &["-m", "3"]);
    assert_eq!(code, 0, "{stderr}");
    let report = parse_report(&stdout);
    assert_eq!((report.ok, report.not_found, report.errors), (20, 0, 0));
    assert!(
        stdout.contains("Searching for 20 flags: from BD to VN"),
        "{stdout}"
    );
    assert!(!stdout.contains("flags downloaded in"), "{stdout}");
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// `-s BOGUS`, `-m 0`, `-l 0` and `C1` are usage errors: exit 2, one line.
pub fn usage_errors(bin: &str) {
    for (args, reason) in [
        (&["-s", "BOGUS"][..], "unknown server label 'BOGUS'"),
        (&["-m", "0"], "'0' is not a whole number >= 1"),
        (&["-l", "0"], "'0' is not a whole number >= 1"),
        (&["C1"], "invalid country code 'C1'"),
    ] {
        crate::assert_usage_error(bin, args, reason);
    }
}

/// SIGINT mid-run: exit 130, `Interrupted.` and the partial report, and no
/// partial file. `extra` are the section's options (`-m 4`).
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
    let out = interrupt_when_under_way(child, &dest, &["-INT"]);
    assert_interrupted_report(&out, &dest);
}

/// Waits until a few flags are saved in `dest`, then sends SIGINT with
/// `kill <kill_args> <pid>` (`["-INT", "--"]` and a negative pid for a
/// process group), and collects the output.
pub fn interrupt_when_under_way(
    mut child: Child,
    dest: &TempDir,
    kill_args: &[&str],
) -> Output {
    let t0 = Instant::now();
    while dest.files().iter().filter(|f| f.ends_with(".gif")).count() < 3 {
        if t0.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("no flags saved in 60 s");
        }
        thread::sleep(Duration::from_millis(10)); // polling the disk, not a race
    }
    let pid = child.id().to_string();
    let group = format!("-{pid}");
    let target = if kill_args.contains(&"--") {
        &group
    } else {
        &pid
    };
    let killed = Command::new("kill").args(kill_args).arg(target).status();
    assert!(killed.unwrap().success());
    child.wait_with_output().unwrap()
}

/// An interrupted run: exit 130, `Interrupted.`, the partial report, no
/// panic, no temporary file, and every GIF on disk whole.
pub fn assert_interrupted_report(out: &Output, dest: &TempDir) {
    let (stdout, stderr) = text(out);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(stdout.contains("\nInterrupted.\n"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = parse_report(&stdout);
    // Cut short: some flags may be saved but not yet counted, never the reverse.
    assert!(report.ok < 194, "{report:?}");
    assert!(
        leftovers(dest).is_empty(),
        "left behind: {:?}",
        leftovers(dest)
    );
    // Every GIF on disk is whole (a save that started, finished).
    let saved = assert_flags_match_server(dest).len();
    assert!(saved >= report.ok, "{saved} files, {} reported", report.ok);
}
