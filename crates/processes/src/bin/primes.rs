//! `just run primes`: the CPU-bound lesson, four ways.
//!
//! The last column sets each run against the best any schedule of these
//! numbers on that many workers could do: the sequential run's total divided
//! among the workers, or its longest number, if that is longer.
//!
//! ```text
//! $ just run primes --strategy all
//! $ just run primes -s threads -s rayon
//! ```

use std::process::ExitCode;
use std::thread;
use std::time::Instant;

use clap::Parser;
use processes::primes::{self, NUMBERS, Strategy};

#[derive(Debug, Parser)]
#[command(
    about = "Check 20 large numbers for primality: sequentially, on threads, on processes, with rayon"
)]
struct Args {
    /// Workers for threads, processes and rayon (default: one per core)
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// Check only the first N numbers (as `notes/py/primes.py --count N`)
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=20))]
    count: Option<u8>,
    /// Which strategies to run
    #[arg(long, short, value_enum, default_value = "all")]
    strategy: Vec<StrategyArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StrategyArg {
    Seq,
    Threads,
    Processes,
    Rayon,
    All,
}

fn main() -> ExitCode {
    procspawn::init();
    let args: Args = flags_common::parse_args();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cores, usize::from);
    let all = args.strategy.contains(&StrategyArg::All);
    let numbers = &NUMBERS[..args.count.map_or(NUMBERS.len(), usize::from)];
    let chosen = [
        (StrategyArg::Seq, Strategy::Seq, "sequential"),
        (StrategyArg::Threads, Strategy::Threads, "threads"),
        (StrategyArg::Processes, Strategy::Processes, "processes"),
        (StrategyArg::Rayon, Strategy::Rayon, "rayon"),
    ];
    let mut table = Vec::new();
    for (arg, strategy, name) in chosen {
        if !all && !args.strategy.contains(&arg) {
            continue;
        }
        let n = if strategy == Strategy::Seq {
            1
        } else {
            workers
        };
        println!("── {name}, {n} worker{} ──", if n == 1 { "" } else { "s" });
        let t0 = Instant::now();
        let checked = primes::run(strategy, n, numbers, |result| {
            println!("{}", primes::show(result));
        });
        let total = t0.elapsed().as_secs_f64();
        let results = match checked {
            Ok(results) => results,
            Err(err) => {
                eprintln!("primes: error: {err}");
                return ExitCode::FAILURE;
            }
        };
        println!("Total time: {total:.2}s\n");
        table.push((name, n, total, results));
    }
    // The sequential run gives the whole job's cost and its longest number.
    let baseline = table.iter().find(|row| row.0 == "sequential").map(|row| {
        let longest = row.3.iter().map(|r| r.elapsed.as_secs_f64());
        (row.2, longest.fold(0.0, f64::max))
    });
    println!(
        "{:<12}{:>8}{:>10}{:>10}{:>10}{:>9}",
        "strategy", "workers", "total", "speed-up", "ideal", "ratio"
    );
    for (name, n, total, _) in &table {
        let (speed_up, ideal, ratio) = match baseline {
            Some((base, longest)) => {
                let ideal = (base / *n as f64).max(longest);
                (
                    format!("{:.2}x", base / total),
                    format!("{ideal:.2}s"),
                    format!("{:.2}", total / ideal),
                )
            }
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "{name:<12}{n:>8}{:>10}{speed_up:>10}{ideal:>10}{ratio:>9}",
            format!("{total:.2}s")
        );
    }
    ExitCode::SUCCESS
}
