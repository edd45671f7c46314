//! `just exercise`: the runner. It compiles one exercise file at a time
//! against the `exercises` library (with rustc, outside Cargo's build of the
//! workspace), runs its check, and says what is wrong and where to edit.
//!
//! ```text
//! just exercise              the first unfinished exercise
//! just exercise list         every exercise, ✅ or ❌, and its note
//! just exercise hint [NAME]  the hint of NAME, or of the first unfinished
//! just exercise NAME         one exercise
//! just exercise watch        the first unfinished one, again on every save
//! ```
//!
//! Progress is the state of the files: an exercise is done when its check
//! passes. Results are cached by the file's contents (and the library's
//! build), so `list` reruns only what changed.

mod runner;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use exercises::catalogue::{EXERCISES, Exercise, find};

use runner::{Outcome, Runner};

const USAGE: &str =
    "usage: exercise [--dir DIR] [--fresh] [list | hint [NAME] | watch | NAME]";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // Internal: the runner's own child process for a Python exercise.
    if args.first().map(String::as_str) == Some("--check-python") {
        let [_, name, path] = &args[..] else {
            return usage("--check-python takes NAME and FILE");
        };
        return exercises::python::check(name, Path::new(path));
    }
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let mut fresh = false;
    while let Some(flag) = args.first().filter(|a| a.starts_with("--")).cloned() {
        args.remove(0);
        match flag.as_str() {
            "--dir" if !args.is_empty() => dir = PathBuf::from(args.remove(0)),
            "--fresh" => fresh = true,
            _ => return usage(&format!("unknown option '{flag}'")),
        }
    }
    let runner = match Runner::new(dir, fresh) {
        Ok(runner) => runner,
        Err(err) => {
            eprintln!("exercise: {err}");
            return ExitCode::FAILURE;
        }
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => next(&runner),
        ["list"] => list(&runner),
        ["hint"] => match first_unfinished(&runner, false) {
            Some(exercise) => hint(exercise),
            None => all_done(),
        },
        ["hint", name] => match find(name) {
            Some(exercise) => hint(exercise),
            None => unknown(name),
        },
        ["watch"] => watch(&runner),
        [name] => match find(name) {
            Some(exercise) => one(&runner, exercise),
            None => unknown(name),
        },
        _ => usage("too many arguments"),
    }
}

fn usage(reason: &str) -> ExitCode {
    eprintln!("exercise: {reason}\n{USAGE}");
    ExitCode::from(2)
}

fn unknown(name: &str) -> ExitCode {
    let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
    eprintln!(
        "exercise: no exercise '{name}'. Exercises: {}",
        names.join(" ")
    );
    ExitCode::from(2)
}

/// `NN name · 中文 · English  [kind]`
fn title(exercise: &Exercise) -> String {
    format!(
        "{} · {} · {}  [{}]",
        exercise.name,
        exercise.title_zh,
        exercise.title_en,
        exercise.kind.label()
    )
}

fn all_done() -> ExitCode {
    println!("🎉 全部完成！ · Every exercise is done!");
    ExitCode::SUCCESS
}

fn hint(exercise: &Exercise) -> ExitCode {
    println!(
        "💡 {}\n   {}\n   {}",
        title(exercise),
        exercise.hint_zh,
        exercise.hint_en
    );
    ExitCode::SUCCESS
}

/// Runs `exercise` and prints everything about it: the check's output, then
/// where to edit or that it is done.
fn one(runner: &Runner, exercise: &Exercise) -> ExitCode {
    println!("▶ {}", title(exercise));
    let outcome = runner.run(exercise, true);
    print!("{}", outcome.output());
    let edit = runner.edit_location(exercise);
    match outcome {
        Outcome::Passed(_) => {
            println!("✅ 完成 · Done. 下一个 · Next: just exercise");
            ExitCode::SUCCESS
        }
        Outcome::Skipped(_) => ExitCode::SUCCESS,
        Outcome::Failed(_) | Outcome::CompileError(_) => {
            println!();
            println!("✏️  编辑 · Edit: {edit}");
            println!(
                "   改好后再运行 · then run again: just exercise {}    \
                 提示 · hint: just exercise hint {}",
                exercise.name, exercise.name
            );
            ExitCode::FAILURE
        }
    }
}

/// The first exercise whose check does not pass (cached results count).
fn first_unfinished(runner: &Runner, say_done: bool) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|exercise| {
        let passed = runner.status(exercise).is_done();
        if passed && say_done {
            println!("✅ {}", exercise.name);
        }
        !passed
    })
}

fn next(runner: &Runner) -> ExitCode {
    match first_unfinished(runner, true) {
        Some(exercise) => one(runner, exercise),
        None => all_done(),
    }
}

fn list(runner: &Runner) -> ExitCode {
    let (mut done, mut skipped) = (0, 0);
    let outcomes = runner.statuses(EXERCISES);
    for (i, (exercise, outcome)) in EXERCISES.iter().zip(outcomes).enumerate() {
        let (mark, why) = match outcome {
            Outcome::Passed(_) => ("✅", ""),
            Outcome::Skipped(_) => ("⏭️", "  (skipped: no python3)"),
            Outcome::Failed(_) => ("❌", ""),
            Outcome::CompileError(_) => ("❌", "  (编译失败 · does not compile)"),
        };
        done += usize::from(matches!(outcome, Outcome::Passed(_)));
        skipped += usize::from(matches!(outcome, Outcome::Skipped(_)));
        println!(
            "{mark} {:2} {:22} {:14} {:30} {}{why}",
            i + 1,
            exercise.name,
            exercise.kind.label(),
            exercise.note,
            exercise.title_en
        );
    }
    print!("{done}/{} 完成 · done", EXERCISES.len());
    if skipped > 0 {
        print!("; {skipped} 跳过 · skipped (no python3)");
    }
    println!();
    ExitCode::SUCCESS
}

/// The newest change time among the exercise files.
fn newest_change(dir: &Path) -> Option<SystemTime> {
    EXERCISES
        .iter()
        .filter_map(|e| std::fs::metadata(dir.join(e.file)).ok()?.modified().ok())
        .max()
}

fn watch(runner: &Runner) -> ExitCode {
    let mut seen = None;
    loop {
        let now = newest_change(runner.dir());
        if now != seen {
            seen = now;
            println!(
                "\n──────── just exercise watch (Ctrl-C 退出 · to quit) ────────"
            );
            if let Some(exercise) = first_unfinished(runner, false) {
                one(runner, exercise);
            } else {
                return all_done();
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}
