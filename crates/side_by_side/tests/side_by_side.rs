//! Side by side: both programs run and their results can be compared line by line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use flags_server::{Config, Delay};
use side_by_side::{Run, Section, columns, find, run_pair, run_pair_on, sections};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn justfile_sections() -> Vec<Section> {
    sections(&std::fs::read_to_string(workspace().join("justfile")).unwrap())
}

/// Every short name of the justfile is found, with its crate and binary.
#[test]
fn the_justfile_maps_every_short_name() {
    let all = justfile_sections();
    let get = |name: &str| find(&all, name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(get("loiter").crate_name, "loiter_map");
    assert_eq!(get("pool").bin, "threadpool");
    assert_eq!(
        (
            get("primes").crate_name.as_str(),
            get("primes").bin.as_str()
        ),
        ("processes", "primes")
    );
    for short in [
        "seq", "pool", "futures", "loiter", "procs", "async", "primes",
    ] {
        let section = get(short);
        assert!(
            side_by_side::python_listing(&section.bin).is_some(),
            "{short}"
        );
        assert!(
            workspace()
                .join("crates")
                .join(&section.crate_name)
                .is_dir(),
            "{short}"
        );
    }
}

/// What a side-by-side test needs: python3 for the left column, `package`'s
/// binaries built next to this test for the right one, and the section the
/// justfile calls `short`. `None`, after saying the test is skipped, when
/// python3 is missing.
fn both_sides(package: &str, short: &str) -> Option<(PathBuf, Section)> {
    if !support::python3_available() {
        support::skip("no python3: nothing to compare against");
        return None;
    }
    let bin_dir = support::built_bins(&["-p", package]);
    Some((bin_dir, find(&justfile_sections(), short).unwrap()))
}

/// `just side-by-side loiter --unit 0.2`: both columns, and the same results.
#[test]
fn loiter_side_by_side_gives_the_same_results() {
    let Some((bin_dir, section)) = both_sides("loiter_map", "loiter") else {
        return;
    };
    let args = ["--unit".to_string(), "0.2".to_string()];
    let (python, rust) = run_pair(&section, &args, &workspace(), &bin_dir).unwrap();
    assert!(python.success && rust.success);
    let expected: Vec<(u32, u32)> = (0..5).map(|i| (i, i * 10)).collect();
    assert_eq!(
        support::loiter_results(&python.lines),
        expected,
        "{:#?}",
        python.lines
    );
    assert_eq!(
        support::loiter_results(&rust.lines),
        expected,
        "{:#?}",
        rust.lines
    );
    let shown = columns(&python, &rust, 70);
    // One in each column (Python's lines may interleave, so not always on one row).
    assert_eq!(shown.matches("result 4: 40").count(), 2, "{shown}");
}

/// The delay each flag met on one side's server: path `/flags/cn/cn.gif` is
/// `CN`, its delay the time the server held the request.
fn delays(run: &Run) -> HashMap<String, Duration> {
    run.requests
        .iter()
        .map(|r| {
            let cc = r.path.rsplit('/').next().unwrap().trim_end_matches(".gif");
            (cc.to_uppercase(), r.end - r.start)
        })
        .collect()
}

/// The codes in the order one side printed them, from its line of codes.
/// Python's `print(cc, end=' ')` writes the code and the space separately,
/// so threads can print `CNNG  `: the letters, two by two, are the order.
fn completion_order(run: &Run) -> Vec<String> {
    let letters: Vec<char> = run
        .lines
        .iter()
        .find(|l| {
            l.chars().all(|c| c == ' ' || c.is_ascii_uppercase()) && l.len() >= 40
        })
        .unwrap_or_else(|| {
            panic!("{}: no line of codes in {:#?}", run.title, run.lines)
        })
        .chars()
        .filter(char::is_ascii_uppercase)
        .collect();
    assert_eq!(letters.len(), 40, "{}: {:?}", run.title, run.lines);
    letters.chunks(2).map(|cc| cc.iter().collect()).collect()
}

/// `just side-by-side pool` gives both sides the same server schedule: each
/// flag meets the same delay on both sides, so flags whose delays are well
/// apart finish in the same order in both columns.
#[test]
fn both_sides_meet_the_same_schedule_and_finish_in_the_same_order() {
    let Some((bin_dir, section)) = both_sides("threadpool", "pool") else {
        return;
    };
    let config = Config {
        delay: Delay::uniform(Duration::from_millis(50), Duration::from_millis(650)),
        seed: 11,
        log_requests: true,
        ..Config::default()
    };
    let (python, rust) =
        run_pair_on(&config, &section, &[], &workspace(), &bin_dir).unwrap();
    assert!(python.success, "{:#?}", python.lines);
    assert!(rust.success, "{:#?}", rust.lines);
    let (py_delays, rs_delays) = (delays(&python), delays(&rust));
    assert_eq!(py_delays.len(), 20, "{:?}", python.requests);
    assert_eq!(rs_delays.len(), 20, "{:?}", rust.requests);
    // The same seed and a first ask on both servers: the same draw each.
    for (cc, py) in &py_delays {
        let rs = rs_delays[cc];
        let apart = py.abs_diff(rs);
        assert!(apart < Duration::from_millis(40), "{cc}: {py:?} vs {rs:?}");
    }
    let (py_order, rs_order) = (completion_order(&python), completion_order(&rust));
    let position = |order: &[String], cc: &str| order.iter().position(|c| c == cc);
    // Threads start a few milliseconds apart: compare only pairs whose
    // delays are well apart.
    let gap = Duration::from_millis(100);
    let mut pairs = 0;
    for (a, da) in &rs_delays {
        for (b, db) in &rs_delays {
            if *da + gap < *db {
                pairs += 1;
                for (side, order) in [("Python", &py_order), ("Rust", &rs_order)] {
                    assert!(
                        position(order, a) < position(order, b),
                        "{side}: {a} ({da:?}) finished after {b} ({db:?}): {order:?}"
                    );
                }
            }
        }
    }
    assert!(pairs > 50, "only {pairs} pairs of well-separated delays");
}
