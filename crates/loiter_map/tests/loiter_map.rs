//! The loiter run keeps the chapter's schedule, order and output shape.
//!
//! Every bound is in units of `--unit`, with room for a busy machine; where
//! the schedule is a matter of which line comes first, the test compares
//! line order, not clocks.

use std::sync::OnceLock;
use std::time::Duration;

use support::{run_bin, text};

const BIN: &str = env!("CARGO_BIN_EXE_loiter_map");
const UNIT: f64 = 0.2;

/// One printed line: seconds since midnight, and the text after the stamp.
#[derive(Debug)]
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

/// The chapter's run (3 workers, 5 tasks), made once and shared by the tests
/// that only read it.
fn chapter_run() -> &'static [Line] {
    static RUN: OnceLock<Vec<Line>> = OnceLock::new();
    RUN.get_or_init(|| run_loiter(&[]))
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

/// Where the line with exactly this text is.
fn index(lines: &[Line], text: &str) -> usize {
    lines
        .iter()
        .position(|l| l.text == text)
        .unwrap_or_else(|| panic!("no line {text:?} in {lines:#?}"))
}

/// When the line with exactly this text was printed, in units since the start.
fn when(lines: &[Line], text: &str) -> f64 {
    (lines[index(lines, text)].at - lines[0].at) / UNIT
}

/// The whole run, in units.
fn units(lines: &[Line]) -> f64 {
    (lines.last().unwrap().at - lines[0].at) / UNIT
}

fn started(n: usize) -> String {
    format!("{} loiter({n}): doing nothing for {n}s ...", "\t".repeat(n))
}

fn done(n: usize) -> String {
    format!("{} loiter({n}) done!", "\t".repeat(n))
}

/// loiter(3) takes the worker loiter(0) frees, before loiter(1) is done;
/// loiter(4) takes loiter(1)'s, before loiter(2) is done; so the whole run
/// takes 5 units (loiter(4) runs from 1 to 5), not 3 + 4 = 7.
#[test]
fn keeps_the_chapter_s_schedule() {
    let lines = chapter_run();
    assert_eq!(lines[0].text, "Script starting ...");
    let at = |text: &str| index(lines, text);
    // The first three start before anything is done but loiter(0).
    for n in 0..3 {
        assert!(at(&started(n)) < at(&done(1)), "loiter({n}) starts at once");
    }
    assert!(at(&done(0)) < at(&started(3)) && at(&started(3)) < at(&done(1)));
    assert!(at(&done(1)) < at(&started(4)) && at(&started(4)) < at(&done(2)));
    let t4 = when(lines, &started(4));
    assert!(
        (0.95..1.6).contains(&t4),
        "loiter(4) starts when loiter(1) ends, at 1 unit, not {t4:.2}"
    );
    for n in 1..5 {
        let ended = when(lines, &done(n));
        assert!(ended >= n as f64 - 0.05, "loiter({n}) ended at {ended:.2}");
    }
    let total = units(lines);
    assert!(
        (4.95..6.5).contains(&total),
        "the run took {total:.2} units"
    );
}

/// Results come back in input order, each after its own task is done.
#[test]
fn results_come_in_input_order() {
    let lines = chapter_run();
    let results: Vec<&str> = lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| t.starts_with("result "))
        .collect();
    let expected: Vec<String> =
        (0..5).map(|i| format!("result {i}: {}", i * 10)).collect();
    assert_eq!(results, expected);
    for (i, line) in expected.iter().enumerate() {
        assert!(
            index(lines, line) > index(lines, &done(i)),
            "result {i} before loiter({i}) was done"
        );
    }
}

/// Every line has the chapter's shape: tabs, words, the generator's repr
/// printed before any result, and the order of the first lines.
#[test]
fn prints_the_chapter_s_lines() {
    let lines = chapter_run();
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts.len(), 1 + 5 * 2 + 2 + 5, "{texts:#?}");
    assert_eq!(texts[0], "Script starting ...");
    let repr = texts
        .iter()
        .position(|t| t.starts_with("result:  <"))
        .expect("map's repr");
    assert!(
        texts[repr].starts_with(
            "result:  <generator object Executor.map.<locals>.result_iterator at 0x"
        ) && texts[repr].ends_with('>'),
        "{}",
        texts[repr]
    );
    let waiting = texts
        .iter()
        .position(|t| *t == "Waiting for individual results: ")
        .unwrap();
    let first_result = texts
        .iter()
        .position(|t| t.starts_with("result 0"))
        .unwrap();
    assert!(repr < waiting && waiting < first_result);
    for n in 0..5 {
        assert!(
            texts.contains(&started(n).as_str())
                && texts.contains(&done(n).as_str())
        );
    }
}

/// With as many workers as tasks, nothing waits: loiter(4) starts at once
/// and the run takes 4 units.
#[test]
fn more_workers_shorten_the_run() {
    let lines = run_loiter(&["--workers", "5"]);
    let total = units(&lines);
    assert!(
        (3.95..5.0).contains(&total),
        "the run took {total:.2} units"
    );
    assert!(index(&lines, &started(4)) < index(&lines, &done(1)));
}

/// `--count` sets how many tasks go to `map`: 2 tasks, 2 results.
#[test]
fn count_sets_the_number_of_tasks() {
    let lines = run_loiter(&["--count", "2"]);
    let results: Vec<&str> = lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| t.starts_with("result "))
        .collect();
    assert_eq!(results, ["result 0: 0", "result 1: 10"]);
}

/// Bad options exit 2 with one line, naming the value (cut short if long).
#[test]
fn bad_options_exit_2() {
    let long = "9".repeat(10_000);
    let long_unit = format!("'{}' is not a unit", &long[..20]);
    for (args, reason) in [
        (&["--workers", "0"][..], "invalid value '0' for '--workers"),
        (
            &["--unit", "fast"],
            "'fast' is not a unit between 0.001 and 10 seconds",
        ),
        (
            &["--unit", "nan"],
            "'nan' is not a unit between 0.001 and 10",
        ),
        (&["--unit", &long], &long_unit),
        (&["--count", "99"], "invalid value '99' for '--count"),
    ] {
        support::assert_usage_error(BIN, args, reason);
    }
}
