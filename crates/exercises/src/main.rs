//! `just exercise`: the runner. It builds one exercise at a time (each is a
//! program of this package, behind the feature `learner`), runs its check,
//! and says what is wrong and where to edit.
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
//! passes. Verdicts are remembered by the file's contents (and the runner's
//! build), so `list` reruns only what changed.

mod runner;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::{Parser, Subcommand};
use exercises::catalogue::{EXERCISES, Exercise, find};

use runner::{Outcome, Runner};

/// 练习 · Exercises that check themselves: with no command, the first
/// unfinished one.
#[derive(Debug, Parser)]
#[command(name = "exercise")]
struct Cli {
    /// Check the solutions (solutions/) instead of your files
    #[arg(long, global = true)]
    solutions: bool,
    /// Run every check now, neither using nor keeping remembered verdicts
    #[arg(long, global = true)]
    fresh: bool,
    /// One exercise, by name (`list` shows them)
    #[arg(value_parser = named)]
    name: Option<&'static Exercise>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every exercise, ✅ or ❌, and its note
    List,
    /// The hint of NAME, or of the first unfinished exercise
    Hint {
        #[arg(value_parser = named)]
        name: Option<&'static Exercise>,
    },
    /// The first unfinished exercise, checked again on every save (Ctrl-C quits)
    Watch,
    /// Check a Python exercise's FILE with python3 (how the runner checks one)
    Python {
        #[arg(value_parser = named)]
        name: &'static Exercise,
        file: PathBuf,
    },
}

/// An exercise's name, as clap reads it.
fn named(name: &str) -> Result<&'static Exercise, String> {
    find(name).ok_or_else(|| {
        let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
        format!("no exercise '{name}'; exercises: {}", names.join(" "))
    })
}

fn main() -> ExitCode {
    let cli: Cli = flags_common::parse_args();
    let runner = match Runner::new(cli.solutions, cli.fresh) {
        Ok(runner) => runner,
        Err(err) => {
            eprintln!("exercise: {err}");
            return ExitCode::FAILURE;
        }
    };
    match (cli.command, cli.name) {
        (Some(_), Some(exercise)) => {
            eprintln!(
                "exercise: error: '{}' and a command (see --help)",
                exercise.name
            );
            ExitCode::from(2)
        }
        (Some(Command::List), _) => list(&runner),
        (Some(Command::Hint { name }), _) => {
            match name.or_else(|| first_unfinished(&runner, false)) {
                Some(exercise) => hint(exercise),
                None => all_done(),
            }
        }
        (Some(Command::Watch), _) => watch(&runner),
        (Some(Command::Python { name, file }), _) => {
            exercises::python::check(name.name, &file)
        }
        (None, Some(exercise)) => one(&runner, exercise),
        (None, None) => next(&runner),
    }
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
fn newest_change(runner: &Runner) -> Option<SystemTime> {
    EXERCISES
        .iter()
        .filter_map(|e| std::fs::metadata(runner.path(e)).ok()?.modified().ok())
        .max()
}

fn watch(runner: &Runner) -> ExitCode {
    let mut seen = None;
    loop {
        let now = newest_change(runner);
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
