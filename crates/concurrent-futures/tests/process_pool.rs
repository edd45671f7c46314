//! ProcessPoolExecutor: long-lived workers, Python's options, and faults that
//! fail one task instead of the pool. Tasks that must be caught running wait
//! at a [`Gate`]; nothing here sleeps to wait for progress.

mod gate;

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, mpsc};
use std::thread;
use std::time::Duration;

use concurrent_futures::{Error, Executor, ProcessPoolExecutor};
use gate::{Gate, arrive, wait_at};
use rustix::process::{Pid, Signal, kill_process};

// Workers re-run this test binary; this lets them find their way.
procspawn::enable_test_support!();

/// Runs `body` on a thread and fails the test if it takes longer than a
/// minute: a hung pool must fail, not stall the suite.
fn within<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || done_tx.send(body()).unwrap());
    done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the process pool hung")
}

fn kill(pid: u32, signal: Signal) {
    kill_process(Pid::from_raw(pid as i32).unwrap(), signal).unwrap();
}

fn pid(_: ()) -> u32 {
    std::process::id()
}

fn pid_of(n: u64) -> (u64, u32) {
    (n, std::process::id())
}

fn square(n: u64) -> u64 {
    n * n
}

fn pow((base, exp): (u64, u32)) -> u64 {
    base.wrapping_pow(exp)
}

fn parse(text: String) -> Result<u32, String> {
    text.parse().map_err(|_| format!("not a number: {text}"))
}

/// The name `ps` and `top` show for this process.
fn comm(_: ()) -> String {
    fs::read_to_string("/proc/self/comm")
        .unwrap()
        .trim()
        .to_string()
}

fn unlucky(n: u32) -> u32 {
    assert!(n != 13, "unlucky {n}");
    n
}

fn aborts(_: ()) -> u32 {
    std::process::abort()
}

fn exits(code: i32) -> u32 {
    std::process::exit(code)
}

static INITIALIZED: OnceLock<String> = OnceLock::new();
static INIT_RUNS: AtomicUsize = AtomicUsize::new(0);

fn init(word: String) {
    INIT_RUNS.fetch_add(1, Ordering::SeqCst);
    INITIALIZED.set(word).unwrap();
}

fn init_fails(_: ()) {
    panic!("error in initializer");
}

fn init_status(_: ()) -> (u32, Option<String>, usize) {
    let runs = INIT_RUNS.load(Ordering::SeqCst);
    (std::process::id(), INITIALIZED.get().cloned(), runs)
}

/// Workers are long-lived: 10 tasks on 2 workers run in at most 2 processes,
/// so some share one (CPython: test_idle_process_reuse_one).
#[test]
fn a_worker_runs_many_tasks() {
    let pids = within(|| {
        let executor = ProcessPoolExecutor::new(2);
        let to_do: Vec<_> =
            (0..10).map(|_| executor.submit(pid, ()).unwrap()).collect();
        to_do
            .iter()
            .map(|future| future.result().unwrap())
            .collect::<Vec<_>>()
    });
    let distinct: HashSet<u32> = pids.iter().copied().collect();
    assert!(distinct.len() <= 2, "{pids:?}");
    assert!(!distinct.contains(&std::process::id()));
}

/// A worker retires after max_tasks_per_child tasks and a new one takes
/// over (CPython: test_max_tasks_per_child).
#[test]
fn max_tasks_per_child_replaces_the_worker() {
    let pids = within(|| {
        let executor = ProcessPoolExecutor::builder()
            .max_workers(1)
            .max_tasks_per_child(3)
            .build();
        (0..4)
            .map(|_| executor.submit(pid, ()).unwrap().result().unwrap())
            .collect::<Vec<_>>()
    });
    assert_eq!(pids[0], pids[1]);
    assert_eq!(pids[0], pids[2]);
    assert_ne!(pids[0], pids[3]);
}

/// max_tasks_per_child = 1 is a process per task, and a backlog still
/// drains (CPython: test_max_tasks_per_child_pending_tasks_gh115634).
#[test]
fn max_tasks_per_child_1_is_a_process_per_task() {
    let results = within(|| {
        let executor = ProcessPoolExecutor::builder()
            .max_workers(2)
            .max_tasks_per_child(1)
            .build();
        let to_do: Vec<_> = (0..6)
            .map(|n| executor.submit(pid_of, n).unwrap())
            .collect();
        to_do
            .iter()
            .map(|future| future.result().unwrap())
            .collect::<Vec<_>>()
    });
    let distinct: HashSet<u32> = results.iter().map(|&(_, pid)| pid).collect();
    assert_eq!(distinct.len(), 6, "{results:?}");
    assert_eq!(
        results.iter().map(|&(n, _)| n).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
}

/// The initializer runs once in each worker, before its first task
/// (CPython: InitializerMixin.test_initializer).
#[test]
fn the_initializer_runs_once_per_worker() {
    let statuses = within(|| {
        let executor = ProcessPoolExecutor::builder()
            .max_workers(2)
            .initializer(init, "initialized".to_string())
            .build();
        let to_do: Vec<_> = (0..10)
            .map(|_| executor.submit(init_status, ()).unwrap())
            .collect();
        to_do
            .iter()
            .map(|future| future.result().unwrap())
            .collect::<Vec<_>>()
    });
    for (_, word, runs) in &statuses {
        assert_eq!(word.as_deref(), Some("initialized"));
        assert_eq!(*runs, 1, "{statuses:?}");
    }
    assert_eq!(INIT_RUNS.load(Ordering::SeqCst), 0, "not in this process");
}

/// An initializer that panics breaks the pool, as in Python: its task fails
/// and submit refuses more (CPython: FailingInitializerMixin.test_initializer).
#[test]
fn a_failing_initializer_breaks_the_pool() {
    let (first, later) = within(|| {
        let executor = ProcessPoolExecutor::builder()
            .max_workers(2)
            .initializer(init_fails, ())
            .build();
        let first = executor.submit(pid, ()).unwrap().result();
        (first, executor.submit(pid, ()).err())
    });
    let expected = "the initializer panicked: error in initializer";
    assert_eq!(first, Err(Error::BrokenPool(expected.into())));
    assert_eq!(later, Some(Error::BrokenPool(expected.into())));
}

/// A task that returns `Err` in a worker has raised it, as on a thread:
/// result(), exception(), the repr and FIRST_EXCEPTION agree (CPython
/// test_process_pool's test_traceback: the exception crosses back).
#[test]
fn a_returned_err_is_raised_across_processes() {
    let (ok, raised, repr, exception) = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        let ok = executor.submit(parse, "7".into()).unwrap();
        let bad = executor.submit(parse, "x".into()).unwrap();
        let waited = concurrent_futures::wait(
            [ok.clone(), bad.clone()],
            concurrent_futures::ReturnWhen::FirstException,
        );
        assert!(waited.done.contains(&bad));
        (
            ok.result(),
            bad.result(),
            format!("{bad:?}"),
            bad.exception(),
        )
    });
    assert_eq!(ok, Ok(7));
    assert_eq!(raised, Err(Error::Raised("not a number: x".to_string())));
    assert!(repr.ends_with("state=finished raised String>"), "{repr}");
    assert_eq!(exception, Ok(Some(Error::Raised("not a number: x".into()))));
}

/// Workers show under the program's name in `ps`, not as `exe` (procspawn
/// starts them through /proc/self/exe), as Python's show as python.
#[test]
fn workers_are_named_after_the_program() {
    let names = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        (executor.submit(comm, ()).unwrap().result(), comm(()))
    });
    let (worker, parent) = names;
    assert_eq!(worker.as_deref(), Ok(parent.as_str()));
    assert_ne!(parent, "exe");
}

/// A panic comes back as its task's Err with the message, and the same
/// worker serves the next task (CPython: test_traceback).
#[test]
fn a_panic_fails_its_task_and_the_worker_serves_on() {
    let (before, bad, after) = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        let before = executor.submit(pid, ()).unwrap().result();
        let bad = executor.submit(unlucky, 13).unwrap().result();
        (before, bad, executor.submit(pid, ()).unwrap().result())
    });
    assert_eq!(bad, Err(Error::Panicked("unlucky 13".into())));
    assert_eq!(before.unwrap(), after.unwrap());
}

/// A worker that aborts fails only the task it was running; every other task
/// finishes and the pool takes new work (Python breaks the whole pool).
#[test]
fn an_aborted_worker_fails_only_its_task() {
    let (squares, dead, later) = within(|| {
        let executor = ProcessPoolExecutor::new(2);
        let before: Vec<_> = (0..5)
            .map(|n| executor.submit(square, n).unwrap())
            .collect();
        let dead = executor.submit(aborts, ()).unwrap();
        let after: Vec<_> = (5..10)
            .map(|n| executor.submit(square, n).unwrap())
            .collect();
        let squares: Vec<_> =
            before.iter().chain(&after).map(|f| f.result()).collect();
        (
            squares,
            dead.result(),
            executor.submit(square, 10).unwrap().result(),
        )
    });
    assert_eq!(squares, (0..10).map(|n| Ok(n * n)).collect::<Vec<_>>());
    match dead {
        Err(Error::WorkerDied(why)) => assert!(why.contains("SIGABRT"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(later, Ok(100));
}

/// A worker killed from outside (SIGKILL, as the OOM killer does) fails only
/// its task, named by the signal (CPython: test_killed_child, where the
/// whole pool breaks instead).
#[test]
fn a_killed_worker_fails_only_its_task() {
    let gate = Gate::new();
    let path = gate.path();
    let (victim, dead, squares, later) = within(move || {
        let executor = ProcessPoolExecutor::new(2);
        let doomed = executor.submit(wait_at, path).unwrap();
        let others: Vec<_> = (0..5)
            .map(|n| executor.submit(square, n).unwrap())
            .collect();
        let (victim, _held) = gate.arrival();
        kill(victim, Signal::KILL);
        let squares: Vec<_> = others.iter().map(|f| f.result()).collect();
        (
            victim,
            doomed.result(),
            squares,
            executor.submit(pid, ()).unwrap().result(),
        )
    });
    match dead {
        Err(Error::WorkerDied(why)) => {
            assert!(
                why.contains("SIGKILL") && why.contains(&victim.to_string()),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(squares, (0..5).map(|n| Ok(n * n)).collect::<Vec<_>>());
    assert_ne!(later.unwrap(), victim);
}

/// A worker that exits names its exit status (CPython:
/// test_traceback_when_child_process_terminates_abruptly).
#[test]
fn a_worker_that_exits_names_its_status() {
    let dead = within(|| {
        ProcessPoolExecutor::new(1)
            .submit(exits, 99)
            .unwrap()
            .result()
    });
    match dead {
        Err(Error::WorkerDied(why)) => {
            assert!(why.ends_with("exit status: 99"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

/// Ctrl-C (SIGINT to the process group) does not stop a running task: the
/// worker finishes it and serves on; the parent decides when workers end.
#[test]
fn ctrl_c_does_not_stop_a_running_task() {
    let gate = Gate::new();
    let path = gate.path();
    let (worker, done, next) = within(move || {
        let executor = ProcessPoolExecutor::new(1);
        let running = executor.submit(wait_at, path).unwrap();
        let (worker, held) = gate.arrival();
        kill(worker, Signal::INT);
        // Let the task go on: had SIGINT killed the worker, its result
        // would be WorkerDied.
        drop(held);
        (
            worker,
            running.result(),
            executor.submit(pid, ()).unwrap().result(),
        )
    });
    assert_eq!(done, Ok(worker));
    assert_eq!(next, Ok(worker));
}

/// A pending task can be cancelled, a running one cannot, and the pool
/// skips the cancelled one and shuts down cleanly (CPython: test_future's
/// test_cancel, test_hang_gh94440).
#[test]
fn a_pending_task_can_be_cancelled_a_running_one_cannot() {
    let gate = Gate::new();
    let path = gate.path();
    let (cancels, results) = within(move || {
        let executor = ProcessPoolExecutor::new(1);
        let running = executor.submit(wait_at, path.clone()).unwrap();
        let pending = executor.submit(wait_at, path).unwrap();
        let (_, held) = gate.arrival();
        let cancels = (running.cancel(), pending.cancel(), running.running());
        drop(held);
        let next = executor.submit(square, 7).unwrap();
        let results = (running.result().is_ok(), pending.result(), next.result());
        drop(executor);
        assert_eq!(gate.try_arrival(), None, "the cancelled task ran");
        (cancels, results)
    });
    assert_eq!(cancels, (false, true, true));
    assert_eq!(results, (true, Err(Error::Cancelled), Ok(49)));
}

/// shutdown(cancel_futures=True) cancels what waits, lets what runs finish,
/// and submit is refused after it (CPython: test_cancel_futures,
/// test_run_after_shutdown).
#[test]
fn shutdown_cancels_pending_tasks_and_refuses_new_ones() {
    let gate = Gate::new();
    let path = gate.path();
    let (running, pending, refused) = within(move || {
        let executor = ProcessPoolExecutor::new(1);
        let running = executor.submit(wait_at, path).unwrap();
        let pending: Vec<_> = (0..3)
            .map(|n| executor.submit(square, n).unwrap())
            .collect();
        let (_, held) = gate.arrival();
        executor.shutdown(false, true);
        let refused = executor.submit(square, 3).err();
        drop(held);
        let pending: Vec<_> = pending.iter().map(|f| f.result()).collect();
        (running.result().is_ok(), pending, refused)
    });
    assert!(running);
    assert_eq!(pending, vec![Err(Error::Cancelled); 3]);
    assert_eq!(refused, Some(Error::Shutdown));
}

/// map with a chunksize gives the same results in the same order
/// (CPython: test_map_chunksize).
#[test]
fn map_chunksize_gives_results_in_order() {
    let items: Vec<(u64, u32)> = (0..40).map(|n| (n, n as u32)).collect();
    let expected: Vec<u64> = items.iter().copied().map(pow).collect();
    let results = within(move || {
        let executor = ProcessPoolExecutor::new(2);
        [6, 50, 40].map(|chunksize| {
            let map = executor
                .map_chunksize(pow, items.clone(), chunksize)
                .unwrap();
            map.collect::<Result<Vec<u64>, Error>>().unwrap()
        })
    });
    for got in results {
        assert_eq!(got, expected);
    }
}

/// A chunksize of 0 is refused, as Python raises ValueError for -1
/// (CPython: test_map_chunksize).
#[test]
#[should_panic(expected = "chunksize must be >= 1")]
fn map_chunksize_0_is_refused() {
    let _ = ProcessPoolExecutor::new(1).map_chunksize(square, 0..3, 0);
}

/// Items cross in chunks: the 10 items of a chunk run in one worker.
#[test]
fn items_cross_in_chunks() {
    let results = within(|| {
        let executor = ProcessPoolExecutor::new(2);
        let map = executor.map_chunksize(pid_of, 0..20, 10).unwrap();
        map.collect::<Result<Vec<_>, Error>>().unwrap()
    });
    assert_eq!(
        results.iter().map(|&(n, _)| n).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
    for chunk in results.chunks(10) {
        assert!(
            chunk.iter().all(|&(_, pid)| pid == chunk[0].1),
            "{results:?}"
        );
    }
}

/// A panic inside a chunk fails only its own item (Python fails the chunk).
#[test]
fn a_panic_in_a_chunk_fails_only_its_item() {
    let results: Vec<_> = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        executor
            .map_chunksize(unlucky, [12, 13, 14], 3)
            .unwrap()
            .collect()
    });
    assert_eq!(
        results,
        [Ok(12), Err(Error::Panicked("unlucky 13".into())), Ok(14)]
    );
}

/// map_timeout gives Timeout for a result that is late, then stops, and the
/// items not yet started never run.
#[test]
fn map_timeout_times_out_and_cancels_the_rest() {
    let gate = Gate::new();
    let path = gate.path();
    let (first, rest, ran) = within(move || {
        let executor = ProcessPoolExecutor::new(1);
        let mut map = executor
            .map_timeout(wait_at, vec![path; 3], Duration::from_millis(50))
            .unwrap();
        let first = map.next();
        let rest = map.count();
        let (_, held) = gate.arrival();
        drop(held);
        drop(executor);
        (first, rest, gate.try_arrival())
    });
    assert_eq!(first, Some(Err(Error::Timeout)));
    assert_eq!(rest, 0);
    assert_eq!(ran, None);
}

/// In a process of its own: a pool with one worker, then nothing until killed.
fn parent_of_a_worker(path: String) {
    let executor = ProcessPoolExecutor::new(1);
    executor
        .submit(stay_at_gate, path)
        .unwrap()
        .result()
        .unwrap();
    loop {
        thread::park();
    }
}

/// Arrives at the gate and keeps the connection open as long as this worker
/// process lives.
fn stay_at_gate(path: String) {
    static HELD: OnceLock<std::os::unix::net::UnixStream> = OnceLock::new();
    HELD.set(arrive(&path)).unwrap();
}

/// If the pool's process dies, its workers see their channel close and exit.
#[test]
fn workers_exit_when_the_pool_process_dies() {
    let gate = Gate::new();
    let path = gate.path();
    within(move || {
        let mut parent = procspawn::spawn(path, parent_of_a_worker);
        let (_, mut worker) = gate.arrival();
        parent.kill().unwrap();
        // Returns at end of file: when the worker process has ended.
        worker.read_to_end(&mut Vec::new()).unwrap();
    });
}

/// A value serde refuses to write, as pickle refuses a lambda.
#[derive(Debug, Clone)]
struct Lambda;

impl serde::Serialize for Lambda {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("cannot pickle 'function' object"))
    }
}

impl<'de> serde::Deserialize<'de> for Lambda {
    fn deserialize<D: serde::Deserializer<'de>>(
        from: D,
    ) -> Result<Lambda, D::Error> {
        <()>::deserialize(from).map(|()| Lambda)
    }
}

concurrent_futures::never_raises!(Lambda);

fn takes_a_lambda(_: Lambda) -> u64 {
    0
}

fn returns_a_lambda(_: ()) -> Lambda {
    Lambda
}

/// CPython test_deadlock.py ExecutorDeadlockTest.test_error_at_task_pickle
/// and test_shutdown_deadlock_pickle (an argument pickle refuses, on a warm
/// pool): that one future raises the pickling error, the next
/// submit runs, and leaving the pool returns. Here the worker is warm and
/// idle, so the argument goes straight to it from `submit`: the worker must
/// stay in the pool though nothing reached it.
#[test]
fn an_unserializable_argument_fails_only_its_task() {
    let (refused, next) = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        assert_eq!(executor.submit(square, 2).unwrap().result(), Ok(4));
        let refused = executor.submit(takes_a_lambda, Lambda).unwrap().result();
        let next = executor.submit(square, 3).unwrap().result();
        (refused, next)
    });
    match refused {
        Err(Error::Unpicklable(why)) => {
            assert!(
                why.contains("cannot serialize the argument")
                    && why.contains("cannot pickle 'function' object"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(next, Ok(9));
}

/// CPython test_deadlock.py
/// ExecutorDeadlockTest.test_error_during_result_pickle_on_worker: a result
/// that pickle refuses makes its future raise the pickling error, and the
/// worker serves on.
#[test]
fn an_unserializable_result_fails_only_its_task() {
    let (refused, next) = within(|| {
        let executor = ProcessPoolExecutor::new(1);
        let refused = executor.submit(returns_a_lambda, ()).unwrap().result();
        let next = executor.submit(square, 3).unwrap().result();
        (refused.map(drop), next)
    });
    match refused {
        Err(Error::Unpicklable(why)) => {
            assert!(
                why.contains("cannot serialize the result")
                    && why.contains("cannot pickle 'function' object"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(next, Ok(9));
}

/// CPython's shutdown joins every worker in each caller: with two threads
/// in `shutdown(wait=true)` while a task runs, neither returns before the
/// task has finished and its worker has been collected. The task is let go
/// once a caller has returned (the bug), or after a grace time for both to
/// be waiting: the time only decides how surely the bug shows, never
/// whether a correct pool passes.
#[test]
fn every_shutdown_wait_caller_waits_for_the_workers() {
    let gate = Gate::new();
    let path = gate.path();
    let early = within(move || {
        let executor = std::sync::Arc::new(ProcessPoolExecutor::new(1));
        let task = executor.submit(wait_at, path).unwrap();
        let (_, held) = gate.arrival();
        let (returned, has_returned) = mpsc::channel();
        let callers: Vec<_> = (0..2)
            .map(|_| {
                let (executor, task, returned) =
                    (executor.clone(), task.clone(), returned.clone());
                thread::spawn(move || {
                    executor.shutdown(true, false);
                    let done = task.done();
                    returned.send(()).unwrap();
                    done
                })
            })
            .collect();
        let _ = has_returned.recv_timeout(Duration::from_millis(300));
        drop(held);
        let done: Vec<bool> =
            callers.into_iter().map(|c| c.join().unwrap()).collect();
        done.iter().filter(|done| !**done).count()
    });
    assert_eq!(
        early, 0,
        "a shutdown(wait=true) returned before the task ended"
    );
}
