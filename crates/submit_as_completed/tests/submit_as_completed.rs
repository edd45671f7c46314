//! submit + as_completed: handles show their state, results arrive as they finish.

use std::collections::HashMap;
use std::time::Duration;

use support::{
    TempDir, assert_flags_match_server, run_against_teapots, run_bin,
    server_with_delay, text,
};

const BIN: &str = env!("CARGO_BIN_EXE_submit_as_completed");

/// Runs the section against a server with a fixed delay; returns its stdout.
fn run(delay: Duration, dest: &TempDir) -> String {
    let server = server_with_delay(delay);
    let url = server.base_url();
    let args = ["--server", &url, "--dest", dest.path().to_str().unwrap()];
    let out = run_bin(BIN, &args, Duration::from_secs(60));
    assert!(out.status.success(), "{out:?}");
    text(&out).0
}

/// With 10 workers, the first 10 handles are running and the last 10 pending.
#[test]
fn ten_running_then_ten_pending_at_scheduling_time() {
    let dest = TempDir::new("futures-states");
    let stdout = run(Duration::from_millis(300), &dest);
    let scheduled: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("Scheduled for "))
        .collect();
    assert_eq!(scheduled.len(), 20);
    let (first, last) = scheduled.split_at(10);
    assert!(
        first.iter().all(|l| l.ends_with("state=running>")),
        "{first:#?}"
    );
    assert!(
        last.iter().all(|l| l.ends_with("state=pending>")),
        "{last:#?}"
    );
    // Scheduled in sorted order.
    let codes: Vec<&str> = scheduled.iter().map(|l| &l[14..16]).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

/// Each finished line names the same handle that was scheduled for its code,
/// shows it finished and returning a `String` (Python's `returned str`), and
/// its result is that code; every flag is on disk.
#[test]
fn finished_lines_match_their_scheduled_handles() {
    let dest = TempDir::new("futures-finished");
    let stdout = run(Duration::from_millis(50), &dest);
    let address = |line: &str| {
        line.split_whitespace()
            .find(|w| w.starts_with("0x"))
            .map(str::to_string)
    };
    let mut scheduled = HashMap::new();
    for line in stdout.lines().filter(|l| l.starts_with("Scheduled for ")) {
        scheduled.insert(line[14..16].to_string(), address(line).unwrap());
    }
    let finished: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("state=finished"))
        .collect();
    assert_eq!(finished.len(), 20);
    for line in finished {
        let (_, cc) = line.rsplit_once(" result: ").expect(line);
        assert_eq!(address(line).as_ref(), scheduled.get(cc), "{line}");
        assert!(
            line.contains("<Future at 0x")
                && line.contains(" state=finished returned String> result: "),
            "{line}"
        );
    }
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// Ten workers for twenty flags: two waves of 10, so the printed time is
/// between 2 and 5 delays.
#[test]
fn ten_workers_take_two_waves() {
    let delay = Duration::from_millis(200);
    let dest = TempDir::new("futures-timing");
    let stdout = run(delay, &dest);
    let last = stdout.lines().last().unwrap();
    let seconds: f64 = last
        .strip_prefix("20 flags downloaded in ")
        .and_then(|s| s.strip_suffix('s'))
        .expect(last)
        .parse()
        .unwrap();
    let waves = seconds / delay.as_secs_f64();
    assert!(
        (2.0..5.0).contains(&waves),
        "{seconds}s is {waves:.2} delays"
    );
}

/// The binary prints what it scheduled, then stops at the first 418 with one
/// error line, exit 1, and nothing saved.
#[test]
fn a_server_error_ends_the_run_with_one_line() {
    let (out, stdout, stderr, dest) = run_against_teapots(BIN, "futures-418");
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let scheduled = stdout.lines().filter(|l| l.starts_with("Scheduled for "));
    assert_eq!(scheduled.count(), 20, "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("submit_as_completed: error: ")
            && stderr.contains(": HTTP 418 I'm a teapot"),
        "{stderr}"
    );
    assert!(dest.files().is_empty(), "{:?}", dest.files());
}
