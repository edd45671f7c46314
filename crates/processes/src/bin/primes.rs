//! `just run primes`: the CPU-bound lesson, four ways, and rayon without
//! work stealing.
//!
//! `rayon-fixed` is rayon with work stealing turned off: each thread keeps
//! its first share of the numbers. The last two columns say how evenly a run
//! kept its workers busy, from that run's own times (so they hold on a busy
//! machine too): `busy` is the time spent in `is_prime`, all numbers added
//! up; `balance` is the run's total over the best any schedule of those
//! times could do (busy / workers, or the longest number if that is
//! longer), 1.00 when no worker ever waited for another.
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
    /// Which strategies to run: all, or any of seq, threads, processes,
    /// rayon, rayon-fixed
    #[arg(long, short, default_value = "all", value_parser = strategy_or_all)]
    strategy: Vec<Option<Strategy>>,
}

/// `all` (None), or one strategy by its name.
fn strategy_or_all(name: &str) -> Result<Option<Strategy>, String> {
    use clap::ValueEnum;
    if name == "all" {
        return Ok(None);
    }
    Strategy::from_str(name, false).map(Some).map_err(|_| {
        let names: Vec<String> = Strategy::value_variants()
            .iter()
            .filter_map(|s| s.to_possible_value())
            .map(|value| value.get_name().to_string())
            .collect();
        format!("expected all or one of {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    procspawn::init();
    let args: Args = flags_common::parse_args();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cores, usize::from);
    let all = args.strategy.contains(&None);
    let numbers = &NUMBERS[..args.count.map_or(NUMBERS.len(), usize::from)];
    let mut table = Vec::new();
    for strategy in Strategy::ALL {
        if !all && !args.strategy.contains(&Some(strategy)) {
            continue;
        }
        let name = strategy.name();
        let n = if strategy == Strategy::Seq {
            1
        } else {
            workers
        };
        println!("── {name}, {n} worker{} ──", if n == 1 { "" } else { "s" });
        let t0 = Instant::now();
        let checked = primes::run(strategy, n, numbers, |result| {
            println!("{}", primes::show(result))
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
    let baseline = table
        .iter()
        .find(|row| row.0 == "sequential")
        .map(|row| row.2);
    println!(
        "{:<12}{:>8}{:>10}{:>10}{:>10}{:>9}",
        "strategy", "workers", "total", "speed-up", "busy", "balance"
    );
    for (name, n, total, results) in &table {
        let speed_up =
            baseline.map_or("-".into(), |base| format!("{:.2}x", base / total));
        let times = results.iter().map(|r| r.elapsed.as_secs_f64());
        let busy: f64 = times.clone().sum();
        let best = (busy / *n as f64).max(times.fold(0.0, f64::max));
        println!(
            "{name:<12}{n:>8}{:>10}{speed_up:>10}{:>10}{:>9.2}",
            format!("{total:.2}s"),
            format!("{busy:.2}s"),
            total / best
        );
    }
    ExitCode::SUCCESS
}
