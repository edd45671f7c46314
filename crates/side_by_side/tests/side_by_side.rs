//! Side by side: both programs run and their results can be compared line by line.

use std::path::{Path, PathBuf};
use std::process::Command;

use side_by_side::{Section, columns, find, run_pair, sections};

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

/// `just side-by-side loiter --unit 0.2`: both columns, and the same results.
#[test]
fn loiter_side_by_side_gives_the_same_results() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 is not installed: nothing to compare against");
        return;
    }
    // The Rust side runs the loiter_map binary: build it next to this test.
    let bin_dir = support::built_bins(&["-p", "loiter_map"]);
    let section = find(&justfile_sections(), "loiter").unwrap();
    let args = ["--unit".to_string(), "0.2".to_string()];
    let (python, rust) = run_pair(&section, &args, &workspace(), &bin_dir).unwrap();
    assert!(python.success && rust.success);
    let results = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| {
                l.split_once("] result ")
                    .map(|(_, r)| format!("result {r}"))
            })
            .collect()
    };
    let expected: Vec<String> =
        (0..5).map(|i| format!("result {i}: {}", i * 10)).collect();
    assert_eq!(results(&python.lines), expected);
    assert_eq!(results(&rust.lines), expected);
    let shown = columns(&python, &rust, 70);
    // One in each column (Python's lines may interleave, so not always on one row).
    assert_eq!(shown.matches("result 4: 40").count(), 2, "{shown}");
}
