//! Per-task cost of the executor: `submit` + `result`, and `map`, over no-op tasks.
//!
//! Run with `just bench` (or `cargo bench -p concurrent-futures`). Python's
//! ThreadPoolExecutor costs 7 to 14 µs per task on the same 2-core machine
//! (`just bench-python` measures both in one run).

use std::hint::black_box;

use concurrent_futures::{Executor, ThreadPoolExecutor};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const TASKS: u64 = 100_000;
const WORKERS: usize = 4;

fn executor(c: &mut Criterion) {
    let mut group = c.benchmark_group("executor");
    group.throughput(Throughput::Elements(TASKS));
    group.sample_size(10);
    group.bench_function("submit+result, 100k no-op tasks, 4 workers", |b| {
        b.iter_batched(
            || ThreadPoolExecutor::new(WORKERS),
            |executor| {
                let to_do: Vec<_> = (0..TASKS)
                    .map(|i| executor.submit(move || black_box(i)).unwrap())
                    .collect();
                for future in to_do {
                    black_box(future.result().unwrap());
                }
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("map, 100k no-op tasks, 4 workers", |b| {
        b.iter_batched(
            || ThreadPoolExecutor::new(WORKERS),
            |executor| {
                executor.map(black_box, 0..TASKS).unwrap().for_each(|n| {
                    black_box(n.unwrap());
                })
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, executor);
criterion_main!(benches);
