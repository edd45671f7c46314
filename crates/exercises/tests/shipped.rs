//! The exercises cannot rot: each one, as shipped, fails its check (a predict
//! exercise without showing the run), and passes with its solution. Both
//! are built and run through the runner, as `just exercise list` runs them.
//! "As shipped" is the file as committed (git HEAD): an exercise a learner
//! has edited is left out, and the test says so.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use exercises::catalogue::{EXERCISES, Exercise, Kind};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `exercise ARGS`: its exit status and output.
fn runner(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exercise"))
        .args(args)
        .output()
        .expect("run the exercise runner");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Says a test (or part of one) was skipped, and lists it where `just test`
/// counts the skips (`reason<TAB>test` in target/skipped-tests.txt).
fn skip(test: &str, reason: &str, detail: &str) {
    eprintln!("skipped {test}: {reason}: {detail}");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../skipped-tests.txt");
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        let _ = file.write_all(format!("{reason}\t{test}\n").as_bytes());
    }
}

/// The exercises whose file is as committed; None outside a git checkout.
fn as_shipped(test: &str) -> Option<Vec<&'static Exercise>> {
    let mut shipped = Vec::new();
    let mut edited = Vec::new();
    for exercise in EXERCISES {
        let out = Command::new("git")
            .arg("-C")
            .arg(crate_dir())
            .arg("show")
            .arg(format!("HEAD:./exercises/{}", exercise.file))
            .output()
            .ok()
            .filter(|out| out.status.success());
        let Some(out) = out else {
            skip(test, "not a git checkout", "no shipped files to compare");
            return None;
        };
        let now = std::fs::read(crate_dir().join("exercises").join(exercise.file));
        match now.is_ok_and(|now| now == out.stdout) {
            true => shipped.push(exercise),
            false => edited.push(exercise.name),
        }
    }
    if !edited.is_empty() {
        skip(test, "exercises edited since the commit", &edited.join(" "));
    }
    Some(shipped)
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
    let Some(shipped) = as_shipped("every_exercise_fails_as_shipped") else {
        return;
    };
    let (_, listing) = runner(&["--fresh", "list"]);
    for (exercise, row) in EXERCISES.iter().zip(rows(&listing)) {
        let fails_its_check = row.starts_with("❌") && !row.contains("compile");
        if shipped.iter().any(|e| e.name == exercise.name)
            && !fails_its_check
            && !skipped(row)
        {
            let (_, detail) = runner(&[exercise.name]);
            panic!(
                "{} should fail its check as shipped:\n{row}\n{detail}",
                exercise.name
            );
        }
    }
}

/// A predict exercise shipped without a prediction asks for one, and shows
/// no run: the learner predicts before seeing.
#[test]
fn a_predict_exercise_asks_before_it_runs() {
    let Some(shipped) = as_shipped("a_predict_exercise_asks_before_it_runs") else {
        return;
    };
    for exercise in shipped.iter().filter(|e| e.kind == Kind::Predict) {
        let (ok, out) = runner(&["--fresh", exercise.name]);
        assert!(!ok, "{}: passes as shipped:\n{out}", exercise.name);
        assert!(
            out.contains("No prediction yet"),
            "{}: asks nothing:\n{out}",
            exercise.name
        );
        assert!(
            !out.contains("The real run"),
            "{}: shows the run:\n{out}",
            exercise.name
        );
        let edit = format!("exercises/{}:", exercise.file);
        assert!(
            out.contains(&edit),
            "{}: says not where to write:\n{out}",
            exercise.name
        );
    }
}

/// Every solution passes its exercise's check: every row of `list` turns ✅.
#[test]
fn every_exercise_passes_with_its_solution() {
    let (ok, listing) = runner(&["--solutions", "--fresh", "list"]);
    assert!(ok, "{listing}");
    for (exercise, row) in EXERCISES.iter().zip(rows(&listing)) {
        if !row.starts_with("✅") && !skipped(row) {
            let (_, detail) = runner(&["--solutions", exercise.name]);
            panic!(
                "{} should pass with its solution:\n{row}\n{detail}",
                exercise.name
            );
        }
    }
}

/// An exercise that does not compile fails with Cargo's message and the file
/// to edit. The runner calls the cargo that $CARGO names, as Cargo's own
/// subcommands do; here it is a stand-in that fails as rustc would.
#[cfg(unix)]
#[test]
fn a_broken_exercise_reports_cargos_message_and_its_file() {
    use std::os::unix::fs::PermissionsExt;
    let cargo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broken-cargo");
    let script =
        "#!/bin/sh\necho 'error[E0425]: cannot find value `oops`' >&2\nexit 101\n";
    std::fs::write(&cargo, script).unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_exercise"))
        .args(["--fresh", EXERCISES[0].name])
        .env("CARGO", &cargo)
        .output()
        .expect("run the exercise runner");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("cannot find value `oops`"),
        "shows Cargo's message: {text}"
    );
    assert!(text.contains("does not compile"), "{text}");
    let edit = format!("exercises/{}:", EXERCISES[0].file);
    assert!(text.contains(&edit), "names the file: {text}");
}

/// Each Rust exercise and its solution is a program of the package that
/// needs the feature `learner`, so the workspace's build and clippy leave a
/// broken one out; and the package has no other program but the runner.
#[test]
fn every_exercise_is_a_program_behind_the_learner_feature() {
    let manifest = std::fs::read_to_string(crate_dir().join("Cargo.toml")).unwrap();
    let mut programs = 1;
    for exercise in EXERCISES.iter().filter(|e| !e.is_python()) {
        for (suffix, folder) in [("", "exercises"), ("-sol", "solutions")] {
            let row = format!(
                r#"{{ name = "{}{suffix}", path = "{folder}/{}", required-features = ["learner"] }}"#,
                exercise.name, exercise.file
            );
            assert!(manifest.contains(&row), "Cargo.toml: no row {row}");
            programs += 1;
        }
    }
    assert_eq!(
        manifest.matches("{ name = ").count(),
        programs,
        "Cargo.toml: one program each"
    );
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

/// Every dependency of the package is used, by the checks or the exercises.
#[test]
fn every_dependency_is_used() {
    let manifest = std::fs::read_to_string(crate_dir().join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    let mut texts = String::new();
    for folder in ["src", "exercises"] {
        for entry in std::fs::read_dir(crate_dir().join(folder)).unwrap() {
            texts += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
    }
    for line in deps.lines().filter(|line| !line.trim().is_empty()) {
        let name = line.split(['.', ' ']).next().unwrap().replace('-', "_");
        assert!(
            texts.contains(&format!("{name}::")),
            "nothing uses {name}: drop it"
        );
    }
}
