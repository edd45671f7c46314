//! The book's 20 numbers (`PRIME_FIXTURE`), checked on one worker per core:
//! how each scheduler deals with their uneven costs (a composite with a
//! small factor falls at once, a 16-digit prime takes a tenth of a second
//! or more).
//!
//! - `threads`: the executor's one FIFO queue, each worker taking the next
//!   number when it is free;
//! - `rayon`: `par_iter`, each thread splitting its range and an idle one
//!   stealing half of what a busy one has left;
//! - `rayon-fixed`: the same with a minimum length of n / workers
//!   (`primes::run_rayon`), so no share is split again and there is nothing
//!   to steal: what a plain `thread::spawn` per share would do;
//! - `processes`: the FIFO queue again, across processes.
//!
//! Run with `cargo bench -p processes --bench primes` (or `just bench`).

use std::thread;
use std::time::Duration;

use criterion::Criterion;
use processes::primes::{self, NUMBERS, Strategy};

fn schedulers(c: &mut Criterion) {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group(format!("20 primes, {cores} workers"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for strategy in Strategy::ALL {
        group.bench_function(strategy.name(), |b| {
            b.iter(|| primes::run(strategy, cores, &NUMBERS, |_| {}).unwrap());
        });
    }
    group.finish();
}

fn main() {
    // The process pool re-runs this benchmark binary as its workers.
    procspawn::init();
    let mut c = Criterion::default().configure_from_args();
    schedulers(&mut c);
    c.final_summary();
}
