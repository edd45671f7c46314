//! `just run loiter`: the chapter's `demo_executor_map.py`.
//!
//! `just run loiter --unit 0.2` runs five times faster, with millisecond
//! timestamps so the schedule still shows. `just loiter-svg FILE` draws it,
//! and `--watch` shows it on a live board.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::builder::RangedU64ValueParser;
use loiter_map::{COUNT, MAX_WORKERS, Settings};

#[derive(Debug, Parser)]
#[command(about = "Watch Executor.map schedule 5 loitering tasks on 3 workers")]
struct Args {
    /// Worker threads in the pool
    #[arg(long, default_value_t = MAX_WORKERS, value_parser = RangedU64ValueParser::<usize>::new().range(1..=64))]
    workers: usize,
    /// Tasks to submit: loiter(0) .. loiter(count - 1)
    #[arg(long, default_value_t = COUNT, value_parser = clap::value_parser!(u64).range(1..=20))]
    count: u64,
    /// Seconds one "second" of loitering lasts
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0, value_parser = parse_unit)]
    unit: f64,
    /// Timestamps with milliseconds (on by default when --unit is below 1)
    #[arg(long)]
    millis: bool,
    /// Show the tasks on a live board (a line per state change when not a terminal)
    #[arg(long)]
    watch: bool,
}

fn parse_unit(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(unit) if (0.001..=10.0).contains(&unit) => Ok(unit),
        // At most 20 characters of the value: the error stays one short line.
        _ => Err(format!(
            "'{}' is not a unit between 0.001 and 10 seconds",
            text.chars().take(20).collect::<String>()
        )),
    }
}

fn main() -> ExitCode {
    let args: Args = flags_common::parse_args();
    loiter_map::configure(Settings {
        unit: Duration::from_secs_f64(args.unit),
        millis: args.millis || args.unit < 1.0,
    });
    // The board only watches the task events: the listing runs as it is.
    let board = args.watch.then(|| {
        // Ctrl-C would leave the board's scroll region set, the shell in a
        // strip under a frozen board: give the screen back, then stop.
        let _ = ctrlc::set_handler(|| {
            board::restore();
            std::process::exit(130);
        });
        // `map` submits loiter(0) .. loiter(count - 1), in that order.
        let labels: Vec<String> =
            (0..args.count).map(|n| format!("loiter({n})")).collect();
        let title = format!(
            "Executor.map: {} workers, {} tasks",
            args.workers, args.count
        );
        board::Board::watch(&title, &labels)
    });
    let run = loiter_map::main(args.workers, args.count);
    if let Some(board) = board {
        board.finish();
    }
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("loiter_map: error: {err}");
            ExitCode::FAILURE
        }
    }
}
