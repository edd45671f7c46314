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
//!
//! The operations Python survives and a pool can hang on are in the mix too:
//! a done-callback that waits for a task submitted after its own (one per
//! round, on pools of 2 or more, where a free worker must run it), two
//! threads in `shutdown(wait=true)` at once (each checks, when it returns,
//! that every task it kept has run), and, on processes, arguments and
//! results serde refuses and workers killed with SIGKILL.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use concurrent_futures::{
    Error, Executor, Handle, ProcessPoolExecutor, ReturnWhen, ThreadPoolExecutor,
    as_completed_timeout, wait_timeout,
};
use rustix::process::{Pid, Signal, kill_process};

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

/// `shutdown(wait=true, cancel_futures)` from this thread, or from two at
/// once; `ran_all` checks, in each caller as it returns, that every task
/// kept has run.
fn shutdown_and_check(
    rng: &mut Rng,
    shutdown: &(dyn Fn(bool) + Sync),
    ran_all: &(dyn Fn() + Sync),
) {
    let cancel = rng.below(2) == 0;
    if rng.below(2) == 0 {
        shutdown(cancel);
        ran_all();
        return;
    }
    let other = rng.below(2) == 0;
    thread::scope(|scope| {
        scope.spawn(|| {
            shutdown(other);
            ran_all();
        });
        shutdown(cancel);
        ran_all();
    });
}

/// One round on a thread pool; returns the number of tasks checked.
fn thread_round(rng: &mut Rng) -> usize {
    let workers = 1 + rng.below(64) as usize;
    let pool = ThreadPoolExecutor::new(workers);
    let mut tasks: Vec<Task> = Vec::new();
    // Whether a callback of this round waits for a later task: one at most,
    // so that a free worker is always left to run what it waits for.
    let mut waiting_callback = workers < 2;
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
            90..=95 if !tasks.is_empty() => {
                let task = &mut tasks[pick];
                watch(&task.handle, &task.callbacks);
                task.added += 1;
            }
            96..=97 if pick + 1 < tasks.len() && !waiting_callback => {
                // Python runs a callback before its worker takes the next
                // item, so waiting here for a later task never hangs.
                waiting_callback = true;
                let later = tasks[pick + 1..].last().expect("a later task");
                let later = later.handle.clone();
                let callbacks = Arc::clone(&tasks[pick].callbacks);
                tasks[pick].handle.add_done_callback(move |own| {
                    // Run by a cancel (here, or in a shutdown cancelling the
                    // later task too), waiting could be for ever, in Python too.
                    if !own.cancelled() {
                        let _ = later.result();
                    }
                    callbacks.fetch_add(1, Ordering::SeqCst);
                });
                tasks[pick].added += 1;
            }
            98 => pool.shutdown(false, rng.below(2) == 0),
            99 => shutdown_and_check(
                rng,
                &|cancel| pool.shutdown(true, cancel),
                &|| {
                    for (i, task) in tasks.iter().enumerate() {
                        let runs = task.runs.load(Ordering::SeqCst);
                        if !task.handle.cancelled() {
                            assert_eq!(
                                runs, 1,
                                "shutdown(wait) returned before task {i} ran"
                            );
                        }
                    }
                },
            ),
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

fn pid(_: u64) -> u64 {
    u64::from(std::process::id())
}

/// A value serde refuses to write (the stress run's unpicklable lambda);
/// it crosses as `n`, or refuses when `n` is odd.
#[derive(Debug, Clone, Copy)]
struct Lambda(u64);

impl serde::Serialize for Lambda {
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        match self.0 % 2 {
            0 => to.serialize_u64(self.0),
            _ => Err(serde::ser::Error::custom("cannot pickle 'function' object")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Lambda {
    fn deserialize<D: serde::Deserializer<'de>>(
        from: D,
    ) -> Result<Lambda, D::Error> {
        u64::deserialize(from).map(Lambda)
    }
}

concurrent_futures::never_raises!(Lambda);

/// Refuses its argument (odd) or its result (`n + 1`, odd for even `n`).
fn lambda(n: Lambda) -> Lambda {
    Lambda(n.0 + 1)
}

/// What a process task was, for the check after the round.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Triple,
    Pid,
}

/// One round on a process pool, with fewer operations: a task's trip costs
/// tens of microseconds, and a worker's start milliseconds. Besides submit,
/// cancel and shutdown: values serde refuses, and workers killed mid-round.
fn process_round(rng: &mut Rng) -> usize {
    let pool = ProcessPoolExecutor::new(1 + rng.below(4) as usize);
    let mut tasks: Vec<(u64, Kind, Handle<u64>, Arc<AtomicUsize>)> = Vec::new();
    let mut lambdas: Vec<(u64, Handle<Lambda>, Arc<AtomicUsize>)> = Vec::new();
    let mut killed = false;
    fn watched<T>(handle: &Handle<T>) -> Arc<AtomicUsize> {
        let callbacks = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&callbacks);
        handle.add_done_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        callbacks
    }
    for n in 0..(10 + rng.below(60)) {
        *CURRENT.lock().unwrap() = format!("{pool:?}");
        OPS.fetch_add(1, Ordering::Relaxed);
        match rng.below(20) {
            0..=11 => {
                if let Ok(handle) = pool.submit(triple, n) {
                    let callbacks = watched(&handle);
                    tasks.push((n, Kind::Triple, handle, callbacks));
                }
            }
            12..=13 => {
                if let Ok(handle) = pool.submit(lambda, Lambda(n)) {
                    let callbacks = watched(&handle);
                    lambdas.push((n, handle, callbacks));
                }
            }
            14 => {
                // A worker killed as the OOM killer would: its task (if any)
                // fails with WorkerDied, and a new worker takes over.
                if let Ok(handle) = pool.submit(pid, 0) {
                    let callbacks = watched(&handle);
                    if let Ok(pid) = handle.result() {
                        let pid = Pid::from_raw(pid as i32).expect("a positive pid");
                        let _ = kill_process(pid, Signal::KILL);
                        killed = true;
                    }
                    tasks.push((n, Kind::Pid, handle, callbacks));
                }
            }
            15..=17 if !tasks.is_empty() => {
                let pick = rng.below(tasks.len() as u64) as usize;
                tasks[pick].2.cancel();
            }
            18 => pool.shutdown(false, rng.below(2) == 0),
            19 => shutdown_and_check(
                rng,
                &|cancel| pool.shutdown(true, cancel),
                &|| {
                    for (n, _, handle, _) in &tasks {
                        assert!(
                            handle.done(),
                            "shutdown(wait) returned before task {n}"
                        );
                    }
                    for (n, handle, _) in &lambdas {
                        assert!(
                            handle.done(),
                            "shutdown(wait) returned before lambda({n})"
                        );
                    }
                },
            ),
            _ => {}
        }
    }
    drop(pool);
    for (n, handle, callbacks) in &lambdas {
        // An odd argument is refused in this process, an odd result in the
        // worker: either way that task alone fails, and the pool goes on.
        match handle.result() {
            Err(Error::Unpicklable(_)) => {}
            Err(Error::Cancelled) => assert!(handle.cancelled()),
            Err(Error::WorkerDied(_)) if killed => {}
            other => panic!("lambda({n}) gave {other:?}"),
        }
        assert_eq!(
            callbacks.load(Ordering::SeqCst),
            1,
            "lambda({n})'s callback"
        );
    }
    for (n, kind, handle, callbacks) in &tasks {
        match handle.result() {
            Ok(value) if *kind == Kind::Triple => assert_eq!(value, n * 3),
            Ok(_) => {}
            Err(Error::Cancelled) => assert!(handle.cancelled()),
            // Only a round that killed a worker may lose a task to it.
            Err(Error::WorkerDied(_)) if killed => {}
            Err(other) => panic!("task {n}: {other:?}"),
        }
        assert_eq!(callbacks.load(Ordering::SeqCst), 1, "task {n}'s callback");
    }
    tasks.len() + lambdas.len()
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
    // Printed first, so that a run that fails or hangs can be replayed.
    eprintln!("stress: seed {seed}, {seconds} s");
    // The watchdog: no operation for 30 s is a hang; say where, and fail.
    thread::spawn(move || {
        let mut last = (OPS.load(Ordering::Relaxed), Instant::now());
        loop {
            thread::sleep(Duration::from_secs(1));
            let ops = OPS.load(Ordering::Relaxed);
            if ops != last.0 {
                last = (ops, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(30) {
                eprintln!(
                    "stress: no progress for 30 s (seed {seed}); the pool: {}",
                    CURRENT.lock().unwrap_or_else(|e| e.into_inner())
                );
                std::process::exit(1);
            }
        }
    });
    let mut rng = Rng(seed);
    let start = Instant::now();
    let (mut rounds, mut longest) = (0, Duration::ZERO);
    // Rounds and tasks checked, on threads and on processes.
    let (mut threads, mut processes) = ((0, 0), (0, 0));
    while start.elapsed() < Duration::from_secs(seconds) {
        let round = Instant::now();
        let (pool, tasks) = match rounds % 8 {
            7 => (&mut processes, process_round(&mut rng)),
            _ => (&mut threads, thread_round(&mut rng)),
        };
        *pool = (pool.0 + 1, pool.1 + tasks);
        longest = longest.max(round.elapsed());
        rounds += 1;
    }
    let ops = OPS.load(Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    let tasks = threads.1 + processes.1;
    println!(
        "stress: {rounds} rounds, {tasks} tasks checked, {ops} operations in {elapsed:.0} s \
         ({:.0} per second); longest round {:.3} s; seed {seed}",
        ops as f64 / elapsed,
        longest.as_secs_f64()
    );
    println!(
        "stress: threads {} rounds, {} tasks; processes {} rounds, {} tasks",
        threads.0, threads.1, processes.0, processes.1
    );
    ExitCode::SUCCESS
}
