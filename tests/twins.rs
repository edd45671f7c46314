//! Each section's `lib.rs` stays the twin of its Python listing: about as
//! long (at most twice its code lines), with no hidden global state, and the
//! shared crate stays small. Checked against the tree, so a listing cannot
//! quietly grow measuring code or a global mode again.

use std::fs;
use std::path::{Path, PathBuf};

/// Section crate -> the Python listing it mirrors, in `notes/py/`.
const TWINS: [(&str, &str); 6] = [
    ("sequential", "flags.py"),
    ("threadpool", "flags_threadpool.py"),
    ("submit_as_completed", "flags_threadpool_futures.py"),
    ("loiter_map", "demo_executor_map.py"),
    ("processes", "flags_processpool.py"),
    ("async_flags", "flags_asyncio.py"),
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Lines of Rust that are neither blank nor comments (`//`, `///`, `//!`).
fn rust_code_lines(text: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

/// Lines of Python that are neither blank, comments nor docstrings.
fn python_code_lines(text: &str) -> usize {
    let mut in_docstring = false;
    let mut count = 0;
    for line in text.lines().map(str::trim) {
        let quotes = line.matches("\"\"\"").count();
        if in_docstring {
            in_docstring = quotes % 2 == 0;
            continue;
        }
        if line.starts_with("\"\"\"") {
            in_docstring = quotes == 1;
            continue;
        }
        if !line.is_empty() && !line.starts_with('#') {
            count += 1;
        }
    }
    count
}

/// A listing is at most twice as long as its Python twin, in code lines.
#[test]
fn each_listing_is_at_most_twice_its_python() {
    let mut too_long = Vec::new();
    for (krate, listing) in TWINS {
        let rust = rust_code_lines(&read(
            &workspace().join(format!("crates/{krate}/src/lib.rs")),
        ));
        let python =
            python_code_lines(&read(&workspace().join("notes/py").join(listing)));
        if rust > 2 * python {
            too_long.push(format!(
                "{krate}/src/lib.rs: {rust} code lines, {listing}: {python}"
            ));
        }
    }
    assert!(too_long.is_empty(), "{too_long:#?}");
}

/// No global state decides what a listing does: no report module, no
/// mutable statics (a set-once `OnceLock`, Python's module-level constant,
/// is allowed).
#[test]
fn no_listing_has_global_mutable_state() {
    let forbidden = ["report::", "static ", "Mutex", "RwLock", "Atomic"];
    let mut found = Vec::new();
    for (krate, _) in TWINS {
        let path = workspace().join(format!("crates/{krate}/src/lib.rs"));
        for (n, line) in read(&path).lines().enumerate() {
            let code = line.trim();
            if code.starts_with("//") || code.contains("OnceLock") {
                continue;
            }
            if let Some(word) = forbidden.iter().find(|word| code.contains(*word)) {
                found.push(format!("{krate}/src/lib.rs:{}: {word}: {code}", n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// flags-common stays small: the roles of flags.py and flags2_common.py
/// (and the two conversions that let a listing's one `?` re-raise what a
/// task raised).
#[test]
fn flags_common_stays_within_700_code_lines() {
    let src = workspace().join("crates/flags-common/src");
    let total: usize = fs::read_dir(&src)
        .expect("flags-common/src")
        .map(|entry| read(&entry.expect("an entry").path()))
        .map(|text| rust_code_lines(&text))
        .sum();
    assert!(total <= 700, "flags-common has {total} code lines");
}

/// The counters agree with a hand count, so the checks above mean something.
#[test]
fn code_lines_skip_comments_blanks_and_docstrings() {
    let python = "\"\"\"Doc.\n\nMore.\n\"\"\"\n\nimport os  \n# note\ndef f():\n    \"\"\"One line.\"\"\"\n    return 1\n";
    assert_eq!(python_code_lines(python), 3);
    let rust = "//! doc\n\n/// item\nfn f() {\n    // why\n    1\n}\n";
    assert_eq!(rust_code_lines(rust), 3);
}
