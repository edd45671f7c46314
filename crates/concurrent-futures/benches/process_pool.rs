//! What a task costs in the process pool, for tasks that do nothing: the
//! round trip itself (frames over a socket, a worker waking up, a handle
//! finishing), and how `map_chunksize` divides it among the items.
//!
//! Run with `cargo bench -p concurrent-futures --bench process_pool`; the
//! times per element are per task (or per item). Python's numbers on the same
//! machine, for comparison, come from this snippet (`python3 -c` or a file):
//!
//! ```text
//! import time
//! from concurrent.futures import ProcessPoolExecutor
//! def noop(x): return x
//! def per_item(label, n, run):
//!     t0 = time.perf_counter(); run(); dt = time.perf_counter() - t0
//!     print(f"{label:<40} {dt / n * 1e6:8.1f} µs")
//! if __name__ == '__main__':
//!     with ProcessPoolExecutor(2) as ex:
//!         list(ex.map(noop, range(100)))  # start the workers
//!         per_item("submit+result, one at a time", 2000,
//!                  lambda: [ex.submit(noop, i).result() for i in range(2000)])
//!         per_item("submit 1000, then results", 1000,
//!                  lambda: [f.result() for f in [ex.submit(noop, i) for i in range(1000)]])
//!         for cs in (1, 10, 100):
//!             per_item(f"map 10000, chunksize={cs}", 10000,
//!                      lambda: list(ex.map(noop, range(10000), chunksize=cs)))
//! ```

use std::hint::black_box;
use std::time::Duration;

use concurrent_futures::{Executor, ProcessPoolExecutor};
use criterion::{Criterion, Throughput, criterion_group};

const WORKERS: usize = 2;
const BATCH: u64 = 1000;
const ITEMS: u64 = 10_000;

fn noop(n: u64) -> u64 {
    n
}

fn process_pool(c: &mut Criterion) {
    let executor = ProcessPoolExecutor::new(WORKERS);
    // Start both workers before measuring: Python's numbers exclude that too.
    assert_eq!(executor.map(noop, 0..100).unwrap().count(), 100);

    let mut group = c.benchmark_group("process_pool");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));

    group.throughput(Throughput::Elements(1));
    group.bench_function("submit+result, one at a time", |b| {
        b.iter(|| {
            executor
                .submit(noop, black_box(7))
                .unwrap()
                .result()
                .unwrap()
        });
    });

    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("submit 1000, then results", |b| {
        b.iter(|| {
            let to_do: Vec<_> = (0..BATCH)
                .map(|n| executor.submit(noop, n).unwrap())
                .collect();
            for future in to_do {
                black_box(future.result().unwrap());
            }
        });
    });

    group.throughput(Throughput::Elements(ITEMS));
    for chunksize in [1, 10, 100] {
        group.bench_function(format!("map 10000, chunksize={chunksize}"), |b| {
            b.iter(|| {
                let map = executor.map_chunksize(noop, 0..ITEMS, chunksize).unwrap();
                map.for_each(|n| _ = black_box(n.unwrap()));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, process_pool);

// criterion_main!, with procspawn's guard first: a worker is this benchmark
// binary re-executed, and must become a worker before criterion starts.
fn main() {
    procspawn::init();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
