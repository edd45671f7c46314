//! `just loiter-svg FILE`: runs `loiter_map --watch` (the binary next to
//! this one) with `WATCH_EVENTS` naming a file, for the board to write the
//! task events there, reads them back and draws them: a labelled row per
//! `loiter(n)`, a tick where each result was taken, and an animation
//! replaying the run at its real speed.
//!
//! `loiter_svg --futures FILE` does the same for the futures section:
//! `submit_as_completed --watch` (the listing's own 10 workers), on its
//! in-process server.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use compare::timeline;

/// One "second" of loitering, in the picture: the run lasts 2.5 s.
const UNIT: f64 = 0.5;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (futures, path) = match args.as_slice() {
        [path] if !path.starts_with('-') => (false, path),
        [flag, path] if flag == "--futures" => (true, path),
        _ => {
            eprintln!("loiter_svg: usage: loiter_svg [--futures] FILE.svg");
            return ExitCode::from(2);
        }
    };
    let exe = std::env::current_exe().expect("the program's own path");
    let unit = UNIT.to_string();
    // Task i is the i-th submitted: loiter(i), or the i-th code in sorted
    // order, as the listings submit them.
    let (name, run_args, title, unit, labels) = if futures {
        let dest =
            std::env::temp_dir().join(format!("loiter-svg-{}", std::process::id()));
        let dest = dest.to_string_lossy().into_owned();
        let args = vec!["--watch".to_string(), "--dest".into(), dest];
        let title =
            "submit + as_completed: 10 workers, 20 flags (in-process server)";
        let mut codes = flags_common::POP20_CC.map(String::from).to_vec();
        codes.sort();
        ("submit_as_completed", args, title.to_string(), None, codes)
    } else {
        let args = vec!["--watch".to_string(), "--unit".into(), unit];
        let title = format!("Executor.map: 3 workers, 5 tasks (unit {UNIT} s)");
        let labels = (0..5).map(|n| format!("loiter({n})")).collect();
        ("loiter_map", args, title, Some(UNIT), labels)
    };
    let program = exe.with_file_name(name);
    let events_file = std::env::temp_dir()
        .join(format!("loiter-svg-{}.jsonl", std::process::id()));
    let run = Command::new(&program)
        .args(&run_args)
        .env("WATCH_EVENTS", &events_file)
        .output();
    let output = match run {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!(
                "loiter_svg: {} failed: {}",
                program.display(),
                output.status
            );
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!(
                "loiter_svg: cannot run {} (build it first): {err}",
                program.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if futures {
        // The flags themselves are not the point: only the schedule is kept.
        let _ = std::fs::remove_dir_all(&run_args[2]);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let tasks = std::fs::read_to_string(&events_file).and_then(|events| {
        compare::loiter::tasks(&events, &labels).map_err(std::io::Error::other)
    });
    let _ = std::fs::remove_file(&events_file);
    let Ok(tasks) = tasks.inspect_err(|err| {
        let program = program.display();
        eprintln!("loiter_svg: cannot read the events {program} wrote: {err}");
    }) else {
        return ExitCode::FAILURE;
    };
    let svg = timeline::tasks_svg(&title, &tasks, unit);
    let path = PathBuf::from(path);
    if let Err(err) = timeline::write_whole(&path, &svg) {
        eprintln!("loiter_svg: cannot write {}: {err}", path.display());
        return ExitCode::FAILURE;
    }
    eprintln!("loiter_svg: timeline written to {}", path.display());
    ExitCode::SUCCESS
}
