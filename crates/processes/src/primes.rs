//! The CPU-bound lesson: check 20 large numbers for primality by trial
//! division, sequentially, on threads, and on processes.
//!
//! In Python only processes speed this up: the GIL lets one thread run Python
//! code at a time. Rust has no GIL, so threads use every core too; processes
//! add only their start-up and the cost of sending arguments and results.

use std::time::{Duration, Instant};

use flags_common::executor::{Handle, TaskError, ThreadPoolExecutor, as_completed};
use serde::{Deserialize, Serialize};

use crate::pool::ProcessPoolExecutor;

/// Primes and composites between 10^15 and 10^16 (and 2). The squares of
/// large primes are the hard composites: no small factor, so trial division
/// runs as long as for a prime.
pub const NUMBERS: [u64; 20] = [
    2,
    999_997_874_844_049, // 31_622_743²
    999_999_999_999_989,
    1_000_000_000_000_000,
    2_718_281_828_458_993,
    2_718_281_828_459_045,
    2_718_281_828_459_051,
    3_141_592_653_589_771,
    3_141_592_653_589_793,
    3_141_592_653_589_861,
    4_999_999_841_798_329, // 70_710_677²
    4_999_999_999_999_997,
    5_000_000_000_000_023,
    7_777_777_777_777_777,
    7_999_999_999_999_871,
    8_000_000_000_000_011,
    9_999_997_800_000_121, // 99_999_989²
    9_999_999_999_999_937,
    9_999_999_999_999_999,
    9_999_999_999_999_991,
];

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    Seq,
    Threads,
    Processes,
}

/// Checks `numbers` with `strategy` on `workers` workers, calling `report`
/// with each result as it completes. Returns the results in that order.
pub fn run(
    strategy: Strategy,
    workers: usize,
    numbers: &[u64],
    mut report: impl FnMut(&PrimeResult),
) -> Result<Vec<PrimeResult>, TaskError> {
    let mut results = Vec::new();
    let mut collect = |future: Handle<PrimeResult>| -> Result<(), TaskError> {
        let result = future.result()?;
        report(&result);
        results.push(result);
        Ok(())
    };
    match strategy {
        Strategy::Seq => {
            for &n in numbers {
                let result = check(n);
                report(&result);
                results.push(result);
            }
        }
        Strategy::Threads => {
            let executor = ThreadPoolExecutor::new(workers);
            let to_do: Vec<_> = numbers
                .iter()
                .map(|&n| executor.submit(move || check(n)))
                .collect();
            for future in as_completed(to_do) {
                collect(future)?;
            }
        }
        Strategy::Processes => {
            // The one line that differs from the threads above.
            let executor = ProcessPoolExecutor::new(Some(workers));
            let to_do: Vec<_> =
                numbers.iter().map(|&n| executor.submit(check, n)).collect();
            for future in as_completed(to_do) {
                collect(future)?;
            }
        }
    }
    Ok(results)
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
    fn the_hard_composites_are_squares_of_primes() {
        for p in [31_622_743_u64, 70_710_677, 99_999_989] {
            assert!(is_prime(p) && NUMBERS.contains(&(p * p)));
        }
    }
}
