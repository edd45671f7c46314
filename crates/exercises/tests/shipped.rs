//! The exercises cannot rot: each one, as shipped, fails its check, and
//! passes with its solution applied. Both are run on copies in a temporary
//! folder, through the runner, as a learner's `just exercise list` runs them.
//! The shipped files are taken from git (HEAD), so a learner's edits to the
//! working copies never change what these tests see.

use std::path::{Path, PathBuf};
use std::process::Command;

use exercises::catalogue::{CRATES, EXERCISES};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder for one test's copies.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The exercise file as committed; None outside a git checkout.
fn shipped(file: &str) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(crate_dir())
        .arg("show")
        .arg(format!("HEAD:./exercises/{file}"))
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// `exercise --dir DIR --fresh ARGS`: its exit status and output.
fn runner(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exercise"))
        .arg("--dir")
        .arg(dir)
        .arg("--fresh")
        .args(args)
        .output()
        .expect("run the exercise runner");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The `list` row of each exercise, in order.
fn rows(listing: &str) -> Vec<&str> {
    let rows: Vec<&str> = listing
        .lines()
        .filter(|line| {
            EXERCISES
                .iter()
                .any(|e| line.contains(&format!(" {} ", e.name)))
        })
        .collect();
    assert_eq!(
        rows.len(),
        EXERCISES.len(),
        "one row per exercise:\n{listing}"
    );
    rows
}

/// A Python exercise may be skipped where python3 is missing, and says so.
fn skipped(row: &str) -> bool {
    row.starts_with("⏭️") && row.contains("no python3")
}

/// Every exercise ships unfinished: its check fails (and it compiles, so the
/// learner starts from working code, not from a compiler error).
#[test]
fn every_exercise_fails_as_shipped() {
    let dir = scratch("shipped");
    for exercise in EXERCISES {
        let Some(text) = shipped(exercise.file) else {
            eprintln!("skipped every_exercise_fails_as_shipped: not a git checkout");
            return;
        };
        std::fs::write(dir.join(exercise.file), text).unwrap();
    }
    let (_, listing) = runner(&dir, &["list"]);
    for (exercise, row) in EXERCISES.iter().zip(rows(&listing)) {
        let fails_its_check = row.starts_with("❌") && !row.contains("compile");
        if !fails_its_check && !skipped(row) {
            let (_, detail) = runner(&dir, &[exercise.name]);
            panic!(
                "{} should fail its check as shipped:\n{row}\n{detail}",
                exercise.name
            );
        }
    }
}

/// Every solution passes its exercise's check: every row of `list` turns ✅.
#[test]
fn every_exercise_passes_with_its_solution() {
    let dir = scratch("solved");
    for exercise in EXERCISES {
        let solution = crate_dir().join("solutions").join(exercise.file);
        std::fs::copy(&solution, dir.join(exercise.file)).unwrap();
    }
    let (ok, listing) = runner(&dir, &["list"]);
    assert!(ok, "{listing}");
    for (exercise, row) in EXERCISES.iter().zip(rows(&listing)) {
        if !row.starts_with("✅") && !skipped(row) {
            let (_, detail) = runner(&dir, &[exercise.name]);
            panic!(
                "{} should pass with its solution:\n{row}\n{detail}",
                exercise.name
            );
        }
    }
}

/// A broken exercise fails alone, with the compiler's message and the file
/// to edit; the rest of the workspace never compiles it.
#[test]
fn a_broken_exercise_reports_its_file_and_fails_alone() {
    let dir = scratch("broken");
    let exercise = &EXERCISES[0];
    let solution = crate_dir().join("solutions").join(exercise.file);
    let text = std::fs::read_to_string(solution).unwrap();
    let broken = text.replace("fn run(", "fn run(oops");
    std::fs::write(dir.join(exercise.file), broken).unwrap();
    let (ok, out) = runner(&dir, &[exercise.name]);
    assert!(!ok, "{out}");
    assert!(out.contains("does not compile"), "{out}");
    assert!(out.contains(exercise.file), "names the file: {out}");
}

/// Each exercise has its file and its solution, one marked place to edit
/// (which the runner points at), and a note that exists.
#[test]
fn the_catalogue_matches_the_files() {
    let workspace = crate_dir().join("../..");
    let mut names = Vec::new();
    for exercise in EXERCISES {
        for folder in ["exercises", "solutions"] {
            let path = crate_dir().join(folder).join(exercise.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            assert_eq!(
                text.matches("✏️").count(),
                1,
                "{}: one ✏️ line, the place to edit",
                path.display()
            );
        }
        assert!(workspace.join(exercise.note).exists(), "{}", exercise.note);
        assert!(!names.contains(&exercise.name), "{} twice", exercise.name);
        names.push(exercise.name);
    }
    let mut files: Vec<String> = std::fs::read_dir(crate_dir().join("exercises"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<&str> = EXERCISES.iter().map(|e| e.file).collect();
    assert_eq!(files, listed, "every file listed, in chapter order");
}

/// The book's Exercises page lists every exercise, with a link to its file.
#[test]
fn the_book_page_lists_every_exercise() {
    let page = crate_dir().join("../../notes/exercises.md");
    let text = std::fs::read_to_string(&page).unwrap();
    for exercise in EXERCISES {
        let link = format!(
            "[`{}`](../crates/exercises/exercises/{})",
            exercise.name, exercise.file
        );
        assert!(
            text.contains(&link),
            "notes/exercises.md: no row for {link}"
        );
    }
}

/// Each crate the runner offers an exercise is used by one: the exercises
/// crate depends on nothing for nothing.
#[test]
fn every_crate_offered_to_the_exercises_is_used() {
    let texts: Vec<String> = EXERCISES
        .iter()
        .filter(|e| !e.is_python())
        .map(|e| {
            std::fs::read_to_string(crate_dir().join("exercises").join(e.file))
                .unwrap()
        })
        .collect();
    for name in CRATES {
        // procspawn starts the workers of the program that runs many at once.
        let used = name == "procspawn"
            || texts.iter().any(|t| t.contains(&format!("{name}::")));
        assert!(
            used,
            "no exercise uses {name}: drop it from CRATES and Cargo.toml"
        );
    }
}
