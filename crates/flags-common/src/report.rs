//! Per-flag accounting and the final report: the book's `flags2` tool.
//!
//! Every section hands each flag's outcome to [`record`] (through
//! [`count_flags`](crate::count_flags)). What happens then depends on how the
//! program was started, decided once by the harness in [`start`]:
//!
//! - the chapter's listing (no flags2 option): codes are shown as they arrive,
//!   a 404 is marked and skipped, any other error stops the run;
//! - the flags2 tool (codes, `-a`, `-e`, `-l` or `-v`): nothing stops the run;
//!   every flag is counted as OK, NOT_FOUND or ERROR, a progress bar (or, with
//!   `-v`, a line per flag) shows progress, and a report closes the run.
//!
//! Like Python's module-level state, the mode is set before any worker starts;
//! a program that never calls `start` (a test) gets the chapter's mode. A
//! program that makes several runs (`compare`) calls `start` before each.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, Once, RwLock};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{FlagError, show_not_found};

/// The book's `DownloadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadStatus {
    Ok,
    NotFound,
    Error,
}

/// How many flags ended in each status: the book's `Counter`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

impl Tally {
    pub fn add(&mut self, status: DownloadStatus) {
        match status {
            DownloadStatus::Ok => self.ok += 1,
            DownloadStatus::NotFound => self.not_found += 1,
            DownloadStatus::Error => self.errors += 1,
        }
    }
}

/// The run under way, as the harness started it.
#[derive(Debug)]
struct Run {
    flags2: bool,
    verbose: bool,
    started: Instant,
    tally: Mutex<Tally>,
    bar: Option<ProgressBar>,
}

static RUN: RwLock<Option<Arc<Run>>> = RwLock::new(None);

fn run() -> Option<Arc<Run>> {
    RUN.read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// True when the flags2 report is on: then `show` stays quiet.
pub fn flags2() -> bool {
    run().is_some_and(|run| run.flags2)
}

/// How a run reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// The flags2 report (else the chapter's listing).
    pub flags2: bool,
    /// A line per flag.
    pub verbose: bool,
    /// A progress bar on stderr, if it is a terminal.
    pub progress: bool,
}

/// Starts the clock and the accounting for `total` flags, and makes Ctrl-C
/// print the report of the run under way.
pub fn start(mode: Mode, total: usize) {
    let Mode {
        flags2,
        verbose,
        progress,
    } = mode;
    let bar = (progress && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            ProgressDrawTarget::stderr(),
        );
        let style =
            ProgressStyle::with_template("{bar:40} {pos}/{len} flags  {elapsed}")
                .expect("a valid template");
        bar.set_style(style);
        bar
    });
    let run = Run {
        flags2,
        verbose,
        started: Instant::now(),
        tally: Mutex::default(),
        bar,
    };
    *RUN.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
        Some(Arc::new(run));
    static CTRL_C: Once = Once::new();
    CTRL_C.call_once(|| {
        // Ctrl-C: let saves in progress finish, start no new one, report, exit 130.
        let installed = ctrlc::set_handler(|| {
            let _no_more_saves = crate::stop_saving();
            print_report(true);
            std::process::exit(130);
        });
        if let Err(err) = installed {
            let name = crate::program_name();
            eprintln!("{name}: warning: Ctrl-C will not print a report: {err}");
        }
    });
}

/// Starts a run that counts like the flags2 tool and prints nothing: for
/// programs that make many runs and read [`tally`] after each (`compare`).
pub fn start_quiet(total: usize) {
    start(
        Mode {
            flags2: true,
            verbose: false,
            progress: false,
        },
        total,
    );
}

/// Takes one flag's outcome. Returns an error only when the run must stop:
/// in the chapter's mode, for anything but a 404.
pub fn record(res: Result<String, FlagError>) -> Result<(), FlagError> {
    let status = match &res {
        Ok(_) => DownloadStatus::Ok,
        Err(err) if err.is_not_found() => DownloadStatus::NotFound,
        Err(_) => DownloadStatus::Error,
    };
    let Some(run) = run() else {
        return chapter_mode(res);
    };
    run.tally.lock().expect("never poisoned").add(status);
    if !run.flags2 {
        return chapter_mode(res);
    }
    if run.verbose {
        match &res {
            Ok(cc) => println!("{cc} ok"),
            Err(err) => {
                let cc = err.cc().unwrap_or("??");
                let word = if status == DownloadStatus::NotFound {
                    ""
                } else {
                    "error: "
                };
                println!("{cc} {word}{}", err.reason());
            }
        }
    }
    if let Some(bar) = &run.bar {
        bar.inc(1);
    }
    Ok(())
}

fn chapter_mode(res: Result<String, FlagError>) -> Result<(), FlagError> {
    match res {
        Ok(_) => Ok(()),
        Err(FlagError::NotFound { cc }) => {
            show_not_found(&cc);
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// The counts so far.
pub fn tally() -> Tally {
    run()
        .map(|run| *run.tally.lock().expect("never poisoned"))
        .unwrap_or_default()
}

/// Closes the run: the chapter's last line, or the flags2 report.
pub fn print_report(interrupted: bool) {
    let Some(run) = run() else { return };
    if let Some(bar) = &run.bar {
        bar.abandon();
    }
    let elapsed = run.started.elapsed().as_secs_f64();
    let tally = tally();
    let note = if interrupted { " (interrupted)" } else { "" };
    if !run.flags2 {
        println!("\n{} flags downloaded in {elapsed:.2}s{note}", tally.ok);
        return;
    }
    let plural = |n: usize, word: &str| {
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    };
    if interrupted {
        println!("\nInterrupted.");
    }
    println!("{}", "-".repeat(20));
    println!("{} downloaded.", plural(tally.ok, "flag"));
    println!("{} not found.", tally.not_found);
    println!("{}.", plural(tally.errors, "error"));
    println!("Elapsed time: {elapsed:.2}s");
}
