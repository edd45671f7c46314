//! The CPU-bound lesson: check the book's 20 large numbers for primality by
//! trial division, sequentially, on threads, on processes, and with rayon.
//!
//! In Python only processes speed this up: the GIL lets one thread run Python
//! code at a time. Rust has no GIL, so threads use every core too; processes
//! add only their start-up and the cost of sending arguments and results.
//! rayon is what Rust code reaches for here: `par_iter` on a pool of one
//! thread per core, balanced by work stealing rather than one shared queue.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use concurrent_futures::{
    Error, Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Fluent Python's `PRIME_FIXTURE` (its `primes.py`): twenty numbers up to
/// about 10^16 and whether each is prime, so a run here can be set against
/// the book's line for line.
pub const PRIME_FIXTURE: [(u64, bool); 20] = [
    (2, true),
    (142_702_110_479_723, true),
    (299_593_572_317_531, true),
    (3_333_333_333_333_301, true),
    (3_333_333_333_333_333, false),
    (3_333_335_652_092_209, false),
    (4_444_444_444_444_423, true),
    (4_444_444_444_444_444, false),
    (4_444_444_488_888_889, false),
    (5_555_553_133_149_889, false),
    (5_555_555_555_555_503, true),
    (5_555_555_555_555_555, false),
    (6_666_666_666_666_666, false),
    (6_666_666_666_666_719, true),
    (6_666_667_141_414_921, false),
    (7_777_777_536_340_681, false),
    (7_777_777_777_777_753, true),
    (7_777_777_777_777_777, false),
    (9_999_999_999_999_917, true),
    (9_999_999_999_999_999, false),
];

/// The numbers alone: the book's `NUMBERS = [n for n, _ in PRIME_FIXTURE]`.
pub const NUMBERS: [u64; 20] = {
    let mut numbers = [0; 20];
    let mut i = 0;
    while i < 20 {
        numbers[i] = PRIME_FIXTURE[i].0;
        i += 1;
    }
    numbers
};

/// Trial division by 2 and every odd number up to √n, like the book's.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n % 2 == 0 {
        return false;
    }
    let root = n.isqrt();
    (3..=root).step_by(2).all(|i| n % i != 0)
}

/// One number's verdict and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimeResult {
    pub n: u64,
    pub prime: bool,
    pub elapsed: Duration,
}

// A task returning a `PrimeResult` returns it; it never raises.
concurrent_futures::never_raises!(PrimeResult);

/// A plain `fn` with plain-data argument and result: it can run in a process.
pub fn check(n: u64) -> PrimeResult {
    let t0 = Instant::now();
    let prime = is_prime(n);
    PrimeResult {
        n,
        prime,
        elapsed: t0.elapsed(),
    }
}

/// `P 9999999999999937  0.54s`, or blanks for a composite.
pub fn show(result: &PrimeResult) -> String {
    let label = if result.prime { 'P' } else { ' ' };
    format!(
        "{label} {:16}  {:.2}s",
        result.n,
        result.elapsed.as_secs_f64()
    )
}

/// The ways `just run primes` checks the numbers, in the order it runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    Seq,
    Threads,
    Processes,
    Rayon,
    /// rayon with work stealing turned off: each thread keeps its first share.
    RayonFixed,
}

impl Strategy {
    /// Every strategy, in the order `--strategy all` runs them.
    pub const ALL: [Strategy; 5] = [
        Strategy::Seq,
        Strategy::Threads,
        Strategy::Processes,
        Strategy::Rayon,
        Strategy::RayonFixed,
    ];

    /// The name of its row in the table.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Seq => "sequential",
            Strategy::Threads => "threads",
            Strategy::Processes => "processes",
            Strategy::Rayon => "rayon",
            Strategy::RayonFixed => "rayon-fixed",
        }
    }
}

/// Checks `numbers` with `strategy` on `workers` workers, calling `report`
/// with each result as it completes. Returns the results in that order.
pub fn run(
    strategy: Strategy,
    workers: usize,
    numbers: &[u64],
    mut report: impl FnMut(&PrimeResult),
) -> Result<Vec<PrimeResult>, Error> {
    match strategy {
        Strategy::Seq => {
            let mut results = Vec::new();
            for &n in numbers {
                let result = check(n);
                report(&result);
                results.push(result);
            }
            Ok(results)
        }
        // The one line that differs, as in the book's `executor_class`.
        Strategy::Threads => {
            check_on(&ThreadPoolExecutor::new(workers), numbers, report)
        }
        Strategy::Processes => {
            check_on(&ProcessPoolExecutor::new(workers), numbers, report)
        }
        // No executor and no handles: see `run_rayon`.
        Strategy::Rayon | Strategy::RayonFixed => {
            let min_len = match strategy {
                Strategy::RayonFixed => numbers.len().div_ceil(workers),
                _ => 1,
            };
            let mut results = Vec::new();
            run_rayon(workers, numbers, min_len, |result| {
                report(&result);
                results.push(result);
            });
            Ok(results)
        }
    }
}

/// Checks `numbers` on any executor, threads or processes: Python's
/// `with executor_class(max_workers=workers) as executor:`. The task is a
/// plain `fn`, since only a plain `fn` can be sent to another process.
pub fn check_on(
    executor: &impl Executor<fn(u64) -> PrimeResult, u64, Output = PrimeResult>,
    numbers: &[u64],
    mut report: impl FnMut(&PrimeResult),
) -> Result<Vec<PrimeResult>, Error> {
    let to_do = numbers
        .iter()
        .map(|&n| executor.submit(check, n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results = Vec::new();
    for future in as_completed(to_do) {
        let result = future.result()?;
        report(&result);
        results.push(result);
    }
    Ok(results)
}

/// `par_iter` over `numbers` on a pool of `workers` threads, calling `report`
/// with each result as it completes (a channel, like `as_completed`). rayon
/// halves the range again and again, and an idle thread steals a half that
/// is still waiting; `min_len` stops the halving at that many numbers. With
/// `min_len` at `numbers.len() / workers`, the pieces are one share each:
/// a waiting piece can still be stolen whole, but a piece a thread has
/// begun is never cut smaller for an idle thread.
pub fn run_rayon(
    workers: usize,
    numbers: &[u64],
    min_len: usize,
    mut report: impl FnMut(PrimeResult),
) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the OS starts the pool's threads");
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        s.spawn(|| {
            pool.install(|| {
                numbers
                    .par_iter()
                    .with_min_len(min_len)
                    .for_each_with(tx, |tx, &n| tx.send(check(n)).unwrap());
            });
        });
        for result in rx {
            report(result);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_division_agrees_with_known_answers() {
        let primes = [2, 3, 5, 97, 7919, 1_000_000_007, 999_999_999_999_989];
        let composites = [
            0,
            1,
            4,
            9,
            91,
            7917,
            1_000_000_007 * 3,
            31_622_743 * 31_622_743,
        ];
        assert!(primes.iter().all(|&n| is_prime(n)));
        assert!(composites.iter().all(|&n| !is_prime(n)));
    }

    #[test]
    fn is_prime_agrees_with_the_book_s_fixture() {
        for (n, prime) in PRIME_FIXTURE {
            assert_eq!(is_prime(n), prime, "{n}");
        }
    }
}
