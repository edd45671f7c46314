//! `just bench-peers`: our pools against the Rust pools a user already knows,
//! measured in one run. Per task: submit a no-op, then read its result
//! through the handle each pool gives (or a one-shot channel where it gives
//! none).
//!
//! ```text
//! cargo run --release -p compare --example bench_peers -- [--rounds 7]
//! ```
//! Thread pools: 100,000 tasks on 4 workers. Process pools: 2 workers,
//! 5,000 tasks submitted in windows of 200 (submit 200, read their 200
//! results, next window). The rounds are interleaved (one of each pool, then
//! the next round), so a busy moment on the machine falls on every pool
//! alike; each row is the median of its rounds.

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use concurrent_futures::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use rayon::prelude::*;

const TASKS: u64 = 100_000;
const WORKERS: usize = 4;
const PROCESS_TASKS: u64 = 5_000;
const PROCESS_WORKERS: usize = 2;
const WINDOW: u64 = 200;

fn nothing(n: u64) -> u64 {
    n
}

/// Microseconds per task: `submit` every task, then read each handle.
/// `submit` returns the handle; `read` waits for it and gives the value.
fn per_task_us<H>(submit: impl Fn(u64) -> H, read: impl Fn(H) -> u64) -> f64 {
    windowed_us(TASKS, TASKS, submit, read)
}

/// Microseconds per task over `tasks` tasks, `window` at a time: submit a
/// window, read each of its handles, then the next window.
fn windowed_us<H>(
    tasks: u64,
    window: u64,
    submit: impl Fn(u64) -> H,
    read: impl Fn(H) -> u64,
) -> f64 {
    read(submit(0)); // a worker is up
    let t0 = Instant::now();
    let mut sum = 0;
    for start in (0..tasks).step_by(window as usize) {
        let handles: Vec<H> = (start..start + window).map(&submit).collect();
        for handle in handles {
            sum += read(handle);
        }
    }
    let us = t0.elapsed().as_secs_f64() * 1e6 / tasks as f64;
    assert_eq!(sum, tasks * (tasks - 1) / 2);
    us
}

fn ours() -> f64 {
    let pool = ThreadPoolExecutor::new(WORKERS);
    per_task_us(
        |i| pool.submit(move || black_box(i)).unwrap(),
        |h| h.result().unwrap(),
    )
}

fn rusty_pool() -> f64 {
    let pool =
        rusty_pool::ThreadPool::new(WORKERS, WORKERS, Duration::from_secs(60));
    per_task_us(
        |i| pool.evaluate(move || black_box(i)),
        rusty_pool::JoinHandle::await_complete,
    )
}

fn threadpool() -> f64 {
    let pool = threadpool_peer::ThreadPool::new(WORKERS);
    per_task_us(
        |i| {
            let (tx, rx) = mpsc::sync_channel(1);
            pool.execute(move || tx.send(black_box(i)).unwrap());
            rx
        },
        |rx| rx.recv().unwrap(),
    )
}

fn rayon_spawn() -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .build()
        .unwrap();
    per_task_us(
        |i| {
            let (tx, rx) = mpsc::sync_channel(1);
            pool.spawn(move || tx.send(black_box(i)).unwrap());
            rx
        },
        |rx| rx.recv().unwrap(),
    )
}

fn tokio_spawn_blocking() -> f64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(WORKERS)
        .build()
        .unwrap();
    per_task_us(
        |i| runtime.spawn_blocking(move || black_box(i)),
        |h| runtime.block_on(h).unwrap(),
    )
}

/// The reference with no handles at all: rayon splits the range itself.
fn rayon_par_iter() -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .build()
        .unwrap();
    pool.install(|| (0..10u64).into_par_iter().sum::<u64>()); // workers are up
    let t0 = Instant::now();
    let out: Vec<u64> =
        pool.install(|| (0..TASKS).into_par_iter().map(black_box).collect());
    let us = t0.elapsed().as_secs_f64() * 1e6 / TASKS as f64;
    assert_eq!(out.len() as u64, TASKS);
    us
}

/// Microseconds per task on process pools, in windows of `WINDOW`.
fn per_process_task_us<H>(
    submit: impl Fn(u64) -> H,
    read: impl Fn(H) -> u64,
) -> f64 {
    windowed_us(PROCESS_TASKS, WINDOW, submit, read)
}

fn ours_processes() -> f64 {
    let pool = ProcessPoolExecutor::new(PROCESS_WORKERS);
    per_process_task_us(
        |i| pool.submit(nothing, i).unwrap(),
        |h| h.result().unwrap(),
    )
}

fn procspawn_pool() -> f64 {
    let pool = procspawn::Pool::new(PROCESS_WORKERS).unwrap();
    let us = per_process_task_us(|i| pool.spawn(i, nothing), |h| h.join().unwrap());
    pool.shutdown();
    us
}

type Row = (&'static str, fn() -> f64);

fn main() {
    procspawn::init();
    let rounds: usize = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .map_or(7, |r| r.parse().expect("--rounds takes a number"));
    let threads: [Row; 6] = [
        ("concurrent-futures submit + result", ours),
        ("rusty_pool evaluate + await_complete", rusty_pool),
        ("threadpool execute + a one-shot channel", threadpool),
        ("rayon spawn + a one-shot channel", rayon_spawn),
        ("tokio spawn_blocking + JoinHandle", tokio_spawn_blocking),
        (
            "(rayon par_iter().map().collect(), no handles)",
            rayon_par_iter,
        ),
    ];
    let processes: [Row; 2] = [
        ("concurrent-futures ProcessPoolExecutor", ours_processes),
        ("procspawn Pool::spawn + join", procspawn_pool),
    ];
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("{cores} cores, median of {rounds} interleaved rounds");
    println!();
    table(
        &format!("thread pools, {TASKS} no-op tasks, {WORKERS} workers"),
        &threads,
        rounds,
    );
    println!();
    table(
        &format!(
            "process pools, {PROCESS_TASKS} tasks, {PROCESS_WORKERS} workers, \
             windows of {WINDOW}"
        ),
        &processes,
        rounds,
    );
}

/// Runs every row `rounds` times, interleaved, and prints each one's median
/// and range.
fn table(title: &str, rows: &[Row], rounds: usize) {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    for _ in 0..rounds {
        for (row, (_, measure)) in rows.iter().enumerate() {
            times[row].push(measure());
        }
    }
    println!("{title:<54}  median µs/task  (min–max)");
    for ((name, _), mut t) in rows.iter().zip(times) {
        t.sort_by(f64::total_cmp);
        let (median, min, max) = (t[t.len() / 2], t[0], t[t.len() - 1]);
        println!("{name:<54}  {median:>14.3}  ({min:.3}–{max:.3})");
    }
}
