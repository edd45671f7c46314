//! The flags2 command line and report on worker processes, one plain test per
//! check; the shared checks live in `tests/support/flags2.rs`.

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use std::os::unix::process::CommandExt;

use support::flags2::{self, parse_report};
use support::{
    TempDir, assert_flags_match_server, leftovers, room_for_connections, run_bin,
    server_with_delay, text,
};

const BIN: &str = env!("CARGO_BIN_EXE_processes");

/// 418s are counted per flag, not fatal; the report agrees with the server.
#[test]
fn errors_are_counted_and_reported() {
    flags2::errors_are_counted(BIN);
}

/// `-v`: one line per flag (`CN ok`, `ZZ not found`, `CN error: ...`),
/// printed by the worker that downloaded it.
#[test]
fn verbose_prints_a_line_per_flag() {
    flags2::verbose_lines(BIN);
}

/// `-l 10` is 10 downloads; no progress bar when stderr is a pipe.
#[test]
fn limit_downloads_n_flags_and_no_bar_when_piped() {
    flags2::limit_and_no_bar_when_piped(BIN);
}

/// `-s BOGUS`, `-m 0`, `-l 0`, `C1`: exit 2 with one line.
#[test]
fn usage_errors_exit_2_with_one_line() {
    flags2::usage_errors(BIN);
}

/// Ctrl-C to the parent alone: exit 130, the partial report, whole files.
#[test]
fn interrupt_prints_a_partial_report_and_leaves_whole_files() {
    flags2::interrupt_leaves_a_report_and_whole_files(BIN, &["-m", "4"]);
}

/// `-e -m 1000` asks for a thousand workers; the section caps processes at
/// 64, never has more requests in flight than that, and still counts every
/// one of the 676 codes.
#[test]
fn every_code_with_processes_stays_under_the_cap() {
    if !room_for_connections(128) {
        return;
    }
    let server = server_with_delay(Duration::from_millis(50));
    let dest = TempDir::new("procs-every");
    let url = server.base_url();
    let dest_arg = dest.path().to_str().unwrap();
    let out = run_bin(
        BIN,
        &["-e", "-m", "1000", "-s", &url, "--dest", dest_arg],
        Duration::from_secs(120),
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("64 concurrent connections will be used."),
        "{stdout}"
    );
    let report = parse_report(&stdout);
    assert_eq!((report.ok, report.not_found, report.errors), (194, 482, 0));
    let most = server.stats().max_in_flight;
    assert!(
        most <= 64,
        "{most} requests at once from at most 64 workers"
    );
    assert!(most > 8, "only {most} requests at once");
    assert_eq!(assert_flags_match_server(&dest).len(), 194);
}

/// Processes whose process group is `pgid` (from /proc), other than zombies
/// waiting for a parent that is gone.
fn members(pgid: u32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("Linux /proc").flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: the fields after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2) == Some(&pgid.to_string().as_str()) {
            found.push(format!(
                "{} {}",
                entry.file_name().to_string_lossy(),
                fields[0]
            ));
        }
    }
    found
}

/// Ctrl-C in a terminal reaches the whole process group, workers included:
/// the run still exits 130 with the partial report, leaves no `.tmp` file,
/// and no worker process outlives it.
#[test]
fn ctrl_c_to_the_process_group_leaves_no_worker_and_no_partial_file() {
    let server = server_with_delay(Duration::from_millis(100));
    let dest = TempDir::new("procs-sigint-group");
    let url = server.base_url();
    let dest_arg = dest.path().to_str().unwrap().to_string();
    let child = Command::new(BIN)
        .args(["-a", "-m", "8", "-s", &url, "--dest", &dest_arg])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let pgid = child.id();
    let t0 = Instant::now();
    while dest.files().iter().filter(|f| f.ends_with(".gif")).count() < 3 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no flags saved in 60 s"
        );
        thread::sleep(Duration::from_millis(10)); // polling the disk, not a race
    }
    let killed = Command::new("kill")
        .args(["-INT", "--", &format!("-{pgid}")])
        .status();
    assert!(killed.unwrap().success());
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(stdout.contains("\nInterrupted.\n"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = parse_report(&stdout);
    assert!(report.ok < 194, "{report:?}");
    assert!(
        leftovers(&dest).is_empty(),
        "left behind: {:?}",
        leftovers(&dest)
    );
    assert!(assert_flags_match_server(&dest).len() >= report.ok);
    // The workers were told to stop when the parent went; give them a moment.
    let t0 = Instant::now();
    while !members(pgid).is_empty() && t0.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(20)); // polling /proc, not a race
    }
    assert_eq!(
        members(pgid),
        Vec::<String>::new(),
        "workers outlived the run"
    );
}
