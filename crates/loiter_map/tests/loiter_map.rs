//! The loiter run keeps the chapter's schedule, order and output shape.

use std::time::Duration;

use support::{run_bin, text};

const BIN: &str = env!("CARGO_BIN_EXE_loiter_map");
const UNIT: f64 = 0.2;

/// One printed line: seconds since midnight, and the text after the stamp.
struct Line {
    at: f64,
    text: String,
}

/// Runs the demo with a short unit and parses `[HH:MM:SS.mmm] text` lines.
fn run_loiter(extra: &[&str]) -> Vec<Line> {
    let unit = UNIT.to_string();
    let mut args = vec!["--unit", unit.as_str()];
    args.extend_from_slice(extra);
    let out = run_bin(BIN, &args, Duration::from_secs(30));
    assert!(out.status.success(), "{out:?}");
    let (stdout, _) = text(&out);
    let mut lines: Vec<Line> = stdout.lines().map(parse_line).collect();
    // A run that crosses midnight: keep the clock going up.
    for i in 1..lines.len() {
        if lines[i].at < lines[i - 1].at - 3600.0 {
            lines[i].at += 86_400.0;
        }
    }
    lines
}

fn parse_line(line: &str) -> Line {
    let (stamp, text) = line
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
        .unwrap_or_else(|| panic!("no [timestamp] in {line:?}"));
    let parts: Vec<f64> =
        stamp.split(':').map(|p| p.parse().expect(stamp)).collect();
    assert!(
        stamp.contains('.'),
        "short units print milliseconds: {stamp}"
    );
    Line {
        at: parts[0] * 3600.0 + parts[1] * 60.0 + parts[2],
        text: text.to_string(),
    }
}

/// When the line with exactly this text was printed, in units since the start.
fn when(lines: &[Line], text: &str) -> f64 {
    let start = lines[0].at;
    let line = lines.iter().find(|l| l.text == text);
    (line.unwrap_or_else(|| panic!("no line {text:?}")).at - start) / UNIT
}

fn started(n: usize) -> String {
    format!("{} loiter({n}): doing nothing for {n}s ...", "\t".repeat(n))
}

fn done(n: usize) -> String {
    format!("{} loiter({n}) done!", "\t".repeat(n))
}

/// loiter(3) starts with the first three, loiter(4) when loiter(1) frees a
/// worker, and the whole run takes 5 units (loiter(4) runs from 1 to 5).
#[test]
fn keeps_the_chapter_s_schedule() {
    let lines = run_loiter(&[]);
    assert_eq!(lines[0].text, "Script starting ...");
    for n in 0..3 {
        assert!(
            when(&lines, &started(n)) < 0.5,
            "loiter({n}) starts at once"
        );
    }
    let t3 = when(&lines, &started(3));
    assert!(
        t3 < 0.5,
        "loiter(3) starts when loiter(0) returns, at {t3:.2} units"
    );
    let t4 = when(&lines, &started(4));
    assert!(
        (0.8..1.5).contains(&t4),
        "loiter(4) starts when loiter(1) ends, at {t4:.2}"
    );
    let total = lines.last().unwrap().at - lines[0].at;
    let units = total / UNIT;
    assert!((4.8..6.0).contains(&units), "the run took {units:.2} units");
    for n in 1..5 {
        let ended = when(&lines, &done(n));
        assert!(
            ended >= n as f64 - 0.05,
            "loiter({n}) ended early, at {ended:.2}"
        );
    }
}

/// Results come back in input order, each after its own task is done.
#[test]
fn results_come_in_input_order() {
    let lines = run_loiter(&[]);
    let results: Vec<&str> = lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| t.starts_with("result "))
        .collect();
    let expected: Vec<String> =
        (0..5).map(|i| format!("result {i}: {}", i * 10)).collect();
    assert_eq!(results, expected);
    for (i, line) in expected.iter().enumerate() {
        let result = when(&lines, line);
        assert!(
            result >= when(&lines, &done(i)),
            "result {i} before loiter({i}) was done"
        );
    }
}

/// Every line has the chapter's shape: tabs, words, the map object, the order.
#[test]
fn prints_the_chapter_s_lines() {
    let lines = run_loiter(&[]);
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts.len(), 1 + 5 * 2 + 2 + 5);
    let result_line = texts
        .iter()
        .find(|t| t.starts_with("result:  <"))
        .expect("map's repr");
    assert!(
        result_line
            .starts_with("result:  <ResultIter from ThreadPoolExecutor::map at 0x")
    );
    let waiting = texts
        .iter()
        .position(|t| *t == "Waiting for individual results: ")
        .unwrap();
    let first_result = texts
        .iter()
        .position(|t| t.starts_with("result 0"))
        .unwrap();
    assert!(waiting < first_result);
    for n in 0..5 {
        assert!(
            texts.contains(&started(n).as_str())
                && texts.contains(&done(n).as_str())
        );
    }
}

/// With as many workers as tasks, nothing waits: the run takes 4 units.
#[test]
fn more_workers_shorten_the_run() {
    let lines = run_loiter(&["--workers", "5"]);
    let units = (lines.last().unwrap().at - lines[0].at) / UNIT;
    assert!((3.8..4.8).contains(&units), "the run took {units:.2} units");
    assert!(when(&lines, &started(4)) < 0.5);
}

/// Bad options exit 2 with one line.
#[test]
fn bad_options_exit_2() {
    for (args, reason) in [
        (&["--workers", "0"][..], "invalid value '0' for '--workers"),
        (
            &["--unit", "fast"],
            "'fast' is not a unit between 0.001 and 10 seconds",
        ),
        (&["--count", "99"], "invalid value '99' for '--count"),
    ] {
        support::assert_usage_error(BIN, args, reason);
    }
}
