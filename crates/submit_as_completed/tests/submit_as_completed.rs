//! submit + as_completed: handles show their state, results arrive as they finish.

use std::collections::HashMap;
use std::time::Duration;

use support::{
    TempDir, assert_flags_match_server, run_bin, server_with_delay, text,
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
/// shows it finished, and its result is that code; every flag is on disk.
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
            line.contains("state=finished returned Result<String, FlagError>>"),
            "{line}"
        );
    }
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// Two waves of 10: elapsed between 2·L and 5·L.
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
