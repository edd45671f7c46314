//! The flags2 command line on worker processes, where it differs from the
//! other sections: the cap on worker processes, and Ctrl-C reaching the
//! workers too. The checks every section shares run on this binary from the
//! workspace's `tests/flags2.rs`.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use support::flags2::{self, parse_report};
use support::{
    TempDir, assert_flags_match_server, room_for_connections, run_bin,
    server_with_delay, text,
};

const BIN: &str = env!("CARGO_BIN_EXE_processes");

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
    let out = flags2::interrupt_when_under_way(child, &dest, &["-INT", "--"]);
    flags2::assert_interrupted_report(&out, &dest);
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
