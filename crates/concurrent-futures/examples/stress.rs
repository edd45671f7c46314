//! `just stress`: minutes of random work on both pools, checking the
//! executor's promises after every round, with a watchdog that turns a hang
//! into a failure that prints the pool.
//!
//! ```text
//! $ just stress --seconds 60
//! ```
//!
//! Each round makes a pool of 1 to 64 workers (or 1 to 4 processes) and mixes
//! submit, cancel, result_timeout, wait, as_completed, add_done_callback and
//! shutdown at random. Afterwards: every task ran at most once, a cancelled
//! one never, every kept one exactly once, and each callback ran once.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use concurrent_futures::{
    Error, Executor, Handle, ProcessPoolExecutor, ReturnWhen, ThreadPoolExecutor,
    as_completed_timeout, wait_timeout,
};

/// A small xorshift generator: the same seed replays the same choices.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Operations done, for the report and for the watchdog (no progress = hang).
static OPS: AtomicU64 = AtomicU64::new(0);

/// What the watchdog prints if the run hangs: the pool of the current round.
static CURRENT: Mutex<String> = Mutex::new(String::new());

struct Task {
    handle: Handle<usize>,
    runs: Arc<AtomicUsize>,
    callbacks: Arc<AtomicUsize>,
    added: usize,
}

fn watch(handle: &Handle<usize>, callbacks: &Arc<AtomicUsize>) {
    let callbacks = Arc::clone(callbacks);
    handle.add_done_callback(move |_| {
        callbacks.fetch_add(1, Ordering::SeqCst);
    });
}

/// One round on a thread pool; returns the number of tasks checked.
fn thread_round(rng: &mut Rng) -> usize {
    let workers = 1 + rng.below(64) as usize;
    let pool = ThreadPoolExecutor::new(workers);
    let mut tasks: Vec<Task> = Vec::new();
    let ops = 50 + rng.below(400);
    for _ in 0..ops {
        *CURRENT.lock().unwrap() = format!("{pool:?}");
        OPS.fetch_add(1, Ordering::Relaxed);
        let pick = rng.below(tasks.len().max(1) as u64) as usize;
        match rng.below(100) {
            0..=49 => {
                let runs = Arc::new(AtomicUsize::new(0));
                let counter = Arc::clone(&runs);
                let spin = rng.below(200) as usize;
                let submitted = pool.submit(move || {
                    (0..spin).for_each(|_| std::hint::spin_loop());
                    counter.fetch_add(1, Ordering::SeqCst)
                });
                match submitted {
                    Ok(handle) => {
                        let callbacks = Arc::new(AtomicUsize::new(0));
                        watch(&handle, &callbacks);
                        tasks.push(Task {
                            handle,
                            runs,
                            callbacks,
                            added: 1,
                        });
                    }
                    Err(err) => assert_eq!(err, Error::Shutdown),
                }
            }
            50..=64 if !tasks.is_empty() => _ = tasks[pick].handle.cancel(),
            65..=74 if !tasks.is_empty() => {
                let wait = Duration::from_micros(rng.below(200));
                match tasks[pick].handle.result_timeout(wait) {
                    Ok(_) | Err(Error::Timeout | Error::Cancelled) => {}
                    Err(other) => panic!("result_timeout gave {other:?}"),
                }
            }
            75..=82 if !tasks.is_empty() => {
                let some = tasks.iter().skip(pick).take(8).map(|t| t.handle.clone());
                let when = [ReturnWhen::FirstCompleted, ReturnWhen::AllCompleted]
                    [rng.below(2) as usize];
                let split = wait_timeout(some, Duration::from_millis(2), when);
                assert!(split.done.iter().all(Handle::done));
            }
            83..=89 if !tasks.is_empty() => {
                let some = tasks.iter().skip(pick).take(8).map(|t| t.handle.clone());
                for handle in
                    as_completed_timeout(some, Duration::from_millis(2)).flatten()
                {
                    assert!(handle.done());
                }
            }
            90..=97 if !tasks.is_empty() => {
                let task = &mut tasks[pick];
                watch(&task.handle, &task.callbacks);
                task.added += 1;
            }
            98..=99 => pool.shutdown(rng.below(2) == 0, rng.below(2) == 0),
            _ => {}
        }
    }
    drop(pool);
    for (i, task) in tasks.iter().enumerate() {
        let runs = task.runs.load(Ordering::SeqCst);
        assert!(runs <= 1, "task {i} ran {runs} times");
        if task.handle.cancelled() {
            assert_eq!(runs, 0, "cancelled task {i} ran");
        } else {
            assert_eq!(runs, 1, "task {i} was kept and never ran");
        }
        let callbacks = task.callbacks.load(Ordering::SeqCst);
        assert_eq!(callbacks, task.added, "task {i}'s callbacks");
    }
    tasks.len()
}

fn triple(n: u64) -> u64 {
    n * 3
}

/// One round on a process pool, with fewer operations: a task's trip costs
/// tens of microseconds, and a worker's start milliseconds.
fn process_round(rng: &mut Rng) -> usize {
    let pool = ProcessPoolExecutor::new(1 + rng.below(4) as usize);
    let mut tasks = Vec::new();
    for n in 0..(10 + rng.below(60)) {
        *CURRENT.lock().unwrap() = format!("{pool:?}");
        OPS.fetch_add(1, Ordering::Relaxed);
        match rng.below(10) {
            0..=6 => {
                if let Ok(handle) = pool.submit(triple, n) {
                    let callbacks = Arc::new(AtomicUsize::new(0));
                    let counter = Arc::clone(&callbacks);
                    handle.add_done_callback(move |_| {
                        counter.fetch_add(1, Ordering::SeqCst);
                    });
                    tasks.push((n, handle, callbacks));
                }
            }
            7..=8 if !tasks.is_empty() => {
                let pick = rng.below(tasks.len() as u64) as usize;
                tasks[pick].1.cancel();
            }
            9 => pool.shutdown(false, rng.below(2) == 0),
            _ => {}
        }
    }
    drop(pool);
    for (n, handle, callbacks) in &tasks {
        match handle.result() {
            Ok(value) => assert_eq!(value, n * 3),
            Err(Error::Cancelled) => assert!(handle.cancelled()),
            Err(other) => panic!("task {n}: {other:?}"),
        }
        assert_eq!(callbacks.load(Ordering::SeqCst), 1, "task {n}'s callback");
    }
    tasks.len()
}

fn main() -> ExitCode {
    procspawn::init();
    let mut args = std::env::args().skip(1);
    let mut seconds = 120;
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value) {
            ("--seconds", Some(v)) => seconds = v,
            ("--seed", Some(v)) => seed = v.max(1),
            _ => {
                eprintln!("usage: stress [--seconds N] [--seed N]");
                return ExitCode::from(2);
            }
        }
    }
    // The watchdog: no operation for 30 s is a hang; say where, and fail.
    thread::spawn(|| {
        let mut last = (OPS.load(Ordering::Relaxed), Instant::now());
        loop {
            thread::sleep(Duration::from_secs(1));
            let ops = OPS.load(Ordering::Relaxed);
            if ops != last.0 {
                last = (ops, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(30) {
                eprintln!(
                    "stress: no progress for 30 s; the pool: {}",
                    CURRENT.lock().unwrap()
                );
                std::process::exit(1);
            }
        }
    });
    let mut rng = Rng(seed);
    let start = Instant::now();
    let (mut rounds, mut tasks, mut longest) = (0, 0, Duration::ZERO);
    while start.elapsed() < Duration::from_secs(seconds) {
        let round = Instant::now();
        tasks += match rounds % 8 {
            7 => process_round(&mut rng),
            _ => thread_round(&mut rng),
        };
        longest = longest.max(round.elapsed());
        rounds += 1;
    }
    let ops = OPS.load(Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "stress: {rounds} rounds, {tasks} tasks checked, {ops} operations in {elapsed:.0} s \
         ({:.0} per second); longest round {:.3} s; seed {seed}",
        ops as f64 / elapsed,
        longest.as_secs_f64()
    );
    ExitCode::SUCCESS
}
