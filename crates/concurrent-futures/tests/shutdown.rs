//! CPython's `test_shutdown.py` (`ExecutorShutdownTest`,
//! `ThreadPoolShutdownTest`): `shutdown(wait, cancel_futures)` and dropping
//! the executor (Python's `with` block).

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::{
    Gate, blocked_reporting_exit, recv, report_exit, running_until_opened, signal,
    thread_name,
};
use concurrent_futures::{Error, Executor, ThreadPoolExecutor};

/// CPython test_shutdown.py ExecutorShutdownTest.test_run_after_shutdown:
/// submit and map after shutdown are Err(Shutdown) and run nothing; a second
/// shutdown is harmless.
#[test]
fn run_after_shutdown() {
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let ran = Arc::new(AtomicUsize::new(0));
    let in_task = Arc::clone(&ran);
    let submitted = pool.submit(move || in_task.fetch_add(1, Ordering::SeqCst));
    assert_eq!(submitted.unwrap_err(), Error::Shutdown);
    let in_task = Arc::clone(&ran);
    let mapped =
        pool.map(move |i: usize| in_task.fetch_add(i, Ordering::SeqCst), 1..4);
    assert_eq!(mapped.unwrap_err(), Error::Shutdown);
    pool.shutdown(true, true);
    drop(pool);
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(Arc::strong_count(&ran), 1, "the refused tasks were dropped");
}

/// CPython test_shutdown.py ExecutorShutdownTest.test_hang_issue12364:
/// shutdown(wait=true) with 50 tasks queued returns once all of them have
/// run: every result is there without waiting.
#[test]
fn shutdown_waits_for_queued_tasks() {
    let pool = ThreadPoolExecutor::new(5);
    let handles: Vec<_> = (0..50usize)
        .map(|i| pool.submit(move || i * 2).unwrap())
        .collect();
    pool.shutdown(true, false);
    for (i, handle) in handles.iter().enumerate() {
        assert_eq!(handle.result_timeout(Duration::ZERO), Ok(i * 2));
    }
}

/// CPython test_shutdown.py ExecutorShutdownTest.test_cancel_futures:
/// shutdown(cancel_futures=true) cancels exactly the queued tasks (which
/// never run), while the running ones finish before it returns.
#[test]
fn cancel_futures() {
    let pool = ThreadPoolExecutor::new(2);
    let gate = Gate::new();
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (key, ran) = (gate.key(), Arc::clone(&ran));
            pool.submit(move || {
                ran.fetch_add(1, Ordering::SeqCst);
                key.wait();
                i
            })
            .unwrap()
        })
        .collect();
    assert!(handles[..2].iter().all(|h| h.running()));
    assert!(handles[2..].iter().all(|h| !h.running() && !h.done()));
    // The running tasks may end only once shutdown has cancelled the rest.
    let key = gate.key();
    handles[2].add_done_callback(move |_| key.open());
    pool.shutdown(true, true);

    assert!(handles[2..].iter().all(|h| h.cancelled()));
    assert_eq!(handles[0].result_timeout(Duration::ZERO), Ok(0));
    assert_eq!(handles[1].result_timeout(Duration::ZERO), Ok(1));
    assert_eq!(ran.load(Ordering::SeqCst), 2, "no cancelled task ran");
}

/// CPython test_shutdown.py ThreadPoolShutdownTest.test_cancel_futures_wait_false:
/// shutdown(wait=false, cancel_futures=true) returns at once: the queued task
/// is cancelled, the running one goes on and finishes.
#[test]
fn cancel_futures_wait_false() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let running = pool.submit(move || key.wait().then_some("apple")).unwrap();
    let queued = pool.submit(|| Some("pear")).unwrap();
    pool.shutdown(false, true);
    assert!(queued.cancelled());
    assert!(running.running(), "shutdown(wait=false) did not wait");
    gate.open();
    assert_eq!(running.result(), Ok(Some("apple")));
}

/// CPython test_shutdown.py ExecutorShutdownTest.test_hang_gh94440:
/// shutdown(wait=true) does not hang on a task cancelled in the queue just
/// before it, and the cancelled task never runs.
#[test]
fn shutdown_after_a_cancel_does_not_hang() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    pool.submit(|| 0).unwrap().result().unwrap();
    let running = pool.submit(move || key.wait()).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let in_task = Arc::clone(&ran);
    let queued = pool
        .submit(move || in_task.fetch_add(1, Ordering::SeqCst) > 0)
        .unwrap();
    assert!(queued.cancel());
    gate.open();
    pool.shutdown(true, false);
    assert!(running.done() && queued.cancelled());
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

/// CPython test_shutdown.py ThreadPoolShutdownTest.test_threads_terminate:
/// shutdown(wait=true) waits for the task still running and for every worker
/// thread to end. The blocked task is let go only once an idle worker has
/// exited, which it does only after shutdown has begun.
#[test]
fn shutdown_waits_for_running_tasks_and_threads() {
    let pool = ThreadPoolExecutor::new(2);
    let (exits, exited) = signal();
    let (blocked, gate) =
        blocked_reporting_exit(&pool, exits.clone(), |_| thread_name());
    let quick = pool
        .submit(move || {
            report_exit(&exits);
            thread_name()
        })
        .unwrap();
    let idle = quick.result().unwrap();
    let opener = thread::spawn(move || {
        let first = recv(&exited);
        gate.open();
        (first, exited)
    });
    pool.shutdown(true, false);
    let busy = blocked
        .result_timeout(Duration::ZERO)
        .expect("shutdown waited for it");
    let (first, exited) = opener.join().unwrap();
    assert_eq!(first, idle, "the idle worker left first");
    assert_eq!(
        exited.try_recv().as_deref(),
        Ok(busy.as_str()),
        "both threads have ended"
    );
}

/// CPython test_shutdown.py ThreadPoolShutdownTest.test_context_manager_shutdown:
/// map inside the pool's scope gives abs in order, and leaving the scope
/// (drop) ends every worker thread.
#[test]
fn context_manager_shutdown() {
    let (exits, exited) = signal();
    let names = {
        let pool = ThreadPoolExecutor::new(5);
        let results: Vec<_> = pool
            .map(
                move |i: i32| {
                    report_exit(&exits);
                    (i.abs(), thread_name())
                },
                -5..5,
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let abs: Vec<_> = results.iter().map(|(abs, _)| *abs).collect();
        assert_eq!(abs, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        results
            .into_iter()
            .map(|(_, name)| name)
            .collect::<BTreeSet<_>>()
    };
    let ended: BTreeSet<_> = exited.try_iter().collect();
    assert_eq!(
        ended, names,
        "every worker has ended when the scope is left"
    );
}

/// CPython test_shutdown.py ThreadPoolShutdownTest.test_del_shutdown:
/// dropping the executor waits for every task, so the map iterator kept past
/// it has all its results ready.
#[test]
fn drop_waits_for_tasks() {
    let pool = ThreadPoolExecutor::new(2);
    let (exits, exited) = signal();
    let (blocked, gate) =
        blocked_reporting_exit(&pool, exits.clone(), |opened| opened.then_some(-5));
    let idle = pool.submit(move || report_exit(&exits)).unwrap();
    idle.result().unwrap();
    let results = pool.map(|i: i32| Some(i.abs()), -5..5).unwrap();
    // Let the blocked task go once a worker has exited: only drop ends them.
    let opener = thread::spawn(move || {
        recv(&exited);
        gate.open();
    });
    drop(pool);
    assert_eq!(blocked.result_timeout(Duration::ZERO), Ok(Some(-5)));
    opener.join().unwrap();
    let results: Vec<_> = results.map(Result::unwrap).collect();
    let expected: Vec<_> = (-5..5).map(|i: i32| Some(i.abs())).collect();
    assert_eq!(results, expected);
}

/// CPython test_shutdown.py ThreadPoolShutdownTest.test_shutdown_no_wait:
/// shutdown(wait=false) returns with tasks still running and queued; they
/// all finish anyway, and the workers end afterwards.
#[test]
fn shutdown_no_wait() {
    let pool = ThreadPoolExecutor::new(5);
    let gate = Gate::new();
    let (exits, exited) = signal();
    let key = gate.key();
    let results = pool
        .map(
            move |i: i32| {
                report_exit(&exits);
                key.wait().then_some((i.abs(), thread_name()))
            },
            -5..5,
        )
        .unwrap();
    pool.shutdown(false, false);
    gate.open(); // had shutdown waited, the tasks would have given up: None
    let results: Vec<_> = results.map(|r| r.unwrap().unwrap()).collect();
    let abs: Vec<_> = results.iter().map(|(abs, _)| *abs).collect();
    assert_eq!(abs, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
    let names: BTreeSet<_> = results.into_iter().map(|(_, name)| name).collect();
    let ended: BTreeSet<_> = names.iter().map(|_| recv(&exited)).collect();
    assert_eq!(ended, names, "the workers end by themselves");
}

/// CPython's `shutdown(wait=True)` joins every thread in each caller: with
/// two threads in `shutdown(wait=true)` while a task runs, neither returns
/// before the task has finished and its worker has ended. The task is let go
/// once a caller has returned (the bug), or after a grace time for both to
/// be waiting: the time only decides how surely the bug shows, never whether
/// a correct pool passes.
#[test]
fn every_shutdown_wait_caller_waits_for_the_workers() {
    let pool = Arc::new(ThreadPoolExecutor::new(1));
    let (task, gate) = running_until_opened(&pool);
    let (returned, has_returned) = signal();
    let callers: Vec<_> = (0..2)
        .map(|_| {
            let (pool, task, returned) =
                (pool.clone(), task.clone(), returned.clone());
            thread::spawn(move || {
                pool.shutdown(true, false);
                let done = task.done();
                returned.send(()).unwrap();
                done
            })
        })
        .collect();
    let _ = has_returned.recv_timeout(Duration::from_millis(300));
    gate.open();
    for caller in callers {
        assert!(
            caller.join().unwrap(),
            "a shutdown(wait=true) returned before the task ended"
        );
    }
}

/// A task that shuts down its own pool with `wait=true` waits for the other
/// workers, not for itself (Python would try to join its own thread).
#[test]
fn a_task_shutting_down_its_own_pool_waits_for_the_others() {
    let pool = Arc::new(ThreadPoolExecutor::new(2));
    let (other, gate) = running_until_opened(&pool);
    let (inner, other_seen) = (Arc::clone(&pool), other.clone());
    let own = pool
        .submit(move || {
            inner.shutdown(true, false);
            other_seen.done()
        })
        .unwrap();
    gate.open();
    assert_eq!(
        own.result(),
        Ok(true),
        "returned before the other worker ended"
    );
    assert_eq!(other.result(), Ok(true));
}
