//! CPython's `test_init.py` on the thread pool (`InitializerMixin`,
//! `FailingInitializerMixin`): an initializer runs on each worker before its
//! first task, and one that fails breaks the pool (`BrokenThreadPool`).

mod common;

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Gate, LIMIT, recv, signal};
use concurrent_futures::{Error, ThreadPoolExecutor};

thread_local! {
    /// CPython's `INITIALIZER_STATUS`, per thread: a global would be set by
    /// whichever worker came first, and prove nothing about the others.
    static INITIALIZER_STATUS: Cell<&'static str> = const { Cell::new("uninitialized") };
    /// How many times the initializer ran on this thread.
    static INITIALIZER_RUNS: Cell<usize> = const { Cell::new(0) };
}

fn init(status: &'static str) {
    INITIALIZER_STATUS.set(status);
    INITIALIZER_RUNS.set(INITIALIZER_RUNS.get() + 1);
}

fn get_init_status() -> (&'static str, usize) {
    (INITIALIZER_STATUS.get(), INITIALIZER_RUNS.get())
}

/// CPython's `init_fail`, raising as Rust does: a panic.
fn init_fail() {
    panic!("error in initializer");
}

/// The broken pool's reason for CPython's `init_fail`, which raises
/// `ValueError('error in initializer')`.
fn broken(how: &str) -> Error {
    Error::BrokenPool(format!("the initializer {how}: error in initializer"))
}

/// CPython test_init.py InitializerMixin.test_initializer: with
/// `initializer=init, initargs=('initialized',)`, every task on either of
/// the 2 workers sees the status set. Here both workers are made to start
/// (two tasks held at once), and each ran the initializer exactly once
/// though it then runs more tasks.
#[test]
fn initializer_mixin() {
    let worker_count = 2;
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let executor = ThreadPoolExecutor::builder()
        .max_workers(worker_count)
        .initializer(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            init("initialized");
        })
        .build()
        .unwrap();
    let gate = Gate::new();
    let (started, has_started) = signal();
    let held: Vec<_> = (0..worker_count)
        .map(|_| {
            let (key, started) = (gate.key(), started.clone());
            executor
                .submit(move || {
                    started.send(()).unwrap();
                    key.wait();
                    get_init_status()
                })
                .unwrap()
        })
        .collect();
    (0..worker_count).for_each(|_| recv(&has_started));
    gate.open();
    let futures: Vec<_> = (0..10)
        .map(|_| executor.submit(get_init_status).unwrap())
        .collect();
    for f in held.iter().chain(&futures) {
        assert_eq!(f.result(), Ok(("initialized", 1)));
    }
    executor.shutdown(true, false);
    assert_eq!(runs.load(Ordering::SeqCst), worker_count, "once per worker");
}

/// CPython test_init.py FailingInitializerMixin.test_initializer, with an
/// initializer that raises: the task submitted fails with the broken pool
/// (BrokenExecutor), and from then on submit fails too. (CPython's test
/// also reads the log; the reason is written to stderr here, unchecked.)
#[test]
fn failing_initializer_mixin() {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(|| Err::<(), _>("error in initializer"))
        .build()
        .unwrap();
    the_first_task_and_every_submit_fail(&executor, "raised");
}

/// The first submit starts the worker whose initializer fails: the pool
/// cannot be broken before it, so the submit itself succeeds, and its task
/// fails with the broken pool; so does every later submit.
fn the_first_task_and_every_submit_fail(executor: &ThreadPoolExecutor, how: &str) {
    let future = executor.submit(get_init_status).unwrap();
    assert_eq!(future.result_timeout(LIMIT), Err(broken(how)));
    assert_eq!(executor.submit(get_init_status).err(), Some(broken(how)));
}

/// FailingInitializerMixin.test_initializer again, with an initializer that
/// panics, Rust's other way to raise.
#[test]
fn failing_initializer_mixin_panicking() {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(init_fail)
        .build()
        .unwrap();
    the_first_task_and_every_submit_fail(&executor, "panicked");
}

/// CPython thread.py `_initializer_failed` drains the work queue and fails
/// every future in it with BrokenThreadPool (CPython's `init_fail` sleeps
/// first, "let some futures be scheduled"; here a gate holds it). Five tasks
/// queued on 2 workers whose initializers are both held: all five fail,
/// their callbacks run, a cancelled one stays cancelled, and the pool still
/// shuts down.
#[test]
fn a_failing_initializer_fails_the_queued_tasks() {
    let gate = Gate::new();
    let key = gate.key();
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(move || {
            key.wait();
            Err::<(), _>("error in initializer")
        })
        .build()
        .unwrap();
    let queued: Vec<_> = (0..5)
        .map(|_| executor.submit(get_init_status).unwrap())
        .collect();
    let cancelled = executor.submit(get_init_status).unwrap();
    assert!(cancelled.cancel());
    let (called, calls) = signal();
    for future in &queued {
        let called = called.clone();
        future.add_done_callback(move |f| called.send(f.exception()).unwrap());
    }
    gate.open();
    for future in &queued {
        assert_eq!(future.result_timeout(LIMIT), Err(broken("raised")));
        assert_eq!(recv(&calls), Ok(Some(broken("raised"))));
    }
    assert_eq!(cancelled.result(), Err(Error::Cancelled));
    assert_eq!(
        executor.submit(get_init_status).err(),
        Some(broken("raised"))
    );
    executor.shutdown(true, false);
}

/// In CPython a worker whose initializer succeeded goes on running the task
/// it took when another worker's initializer fails: `_initializer_failed`
/// drains only the queue. Here the first worker initializes and holds its
/// task; the second worker's initializer fails; the held task still
/// returns its value, the other fails.
#[test]
fn a_task_already_taken_finishes_when_another_initializer_fails() {
    let calls = AtomicUsize::new(0);
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(move || match calls.fetch_add(1, Ordering::SeqCst) {
            0 => Ok(()),
            _ => Err("error in initializer"),
        })
        .build()
        .unwrap();
    let gate = Gate::new();
    let key = gate.key();
    let (started, has_started) = signal();
    let held = executor
        .submit(move || {
            started.send(()).unwrap();
            key.wait()
        })
        .unwrap();
    recv(&has_started);
    let second = executor.submit(get_init_status).unwrap();
    assert_eq!(second.result_timeout(LIMIT), Err(broken("raised")));
    gate.open();
    assert_eq!(held.result(), Ok(true));
    assert_eq!(
        executor.submit(get_init_status).err(),
        Some(broken("raised"))
    );
}
