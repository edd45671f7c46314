//! An executor written outside the crate, with only its public API: a
//! pending `Handle::new()`, then `set_running_or_notify_cancel` and
//! `set_result` / `set_exception`, the methods CPython's `Future` keeps
//! public for executors. `wait`, `as_completed` and the trait's `map` work
//! on its handles as on the pools'. The last tests are CPython's
//! `test_future.py` cases on a bare `Future()`.

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::{self, JoinHandle};

use common::Gate;
use concurrent_futures::{
    Error, Executor, Handle, HandleOf, Outcome, ReturnWhen, as_completed, wait,
};

/// The tiniest executor: each task on a thread of its own.
struct ThreadPerTask {
    /// `None` once shut down.
    threads: Mutex<Option<Vec<JoinHandle<()>>>>,
}

impl ThreadPerTask {
    fn new() -> ThreadPerTask {
        ThreadPerTask {
            threads: Mutex::new(Some(Vec::new())),
        }
    }
}

impl<F, A, R> Executor<F, A> for ThreadPerTask
where
    F: FnOnce(A) -> R + Send + 'static,
    A: Send + 'static,
    R: Outcome<Ok: Send + 'static, Err: Send + 'static> + 'static,
{
    type Output = R;

    fn submit(&self, f: F, arg: A) -> Result<HandleOf<R>, Error> {
        let mut threads = self.threads.lock().unwrap();
        let threads = threads.as_mut().ok_or(Error::Shutdown)?;
        let handle = Handle::new();
        let worker = handle.clone();
        threads.push(thread::spawn(move || {
            if !worker.set_running_or_notify_cancel() {
                return;
            }
            // A panic is what the task raised, as the crate's pools say it.
            let finished = match panic::catch_unwind(AssertUnwindSafe(|| f(arg))) {
                Ok(returned) => match returned.into_result() {
                    Ok(value) => worker.set_result(value),
                    Err(err) => worker.set_exception(Error::Raised(err)),
                },
                Err(_) => {
                    worker.set_exception(Error::Panicked("a task panicked".into()))
                }
            };
            finished.expect("only this thread finishes the handle");
        }));
        Ok(handle)
    }

    fn shutdown(&self, wait: bool, _cancel_futures: bool) {
        // Every task starts at once, so there is nothing queued to cancel.
        let threads = self.threads.lock().unwrap().take().unwrap_or_default();
        if wait {
            for thread in threads {
                thread.join().expect("a worker catches its task's panic");
            }
        }
    }
}

impl Drop for ThreadPerTask {
    fn drop(&mut self) {
        Executor::<fn(()), ()>::shutdown(self, true, false);
    }
}

/// A task that returns `n` once its gate opens, or fails if it never does.
fn gated(
    gate: &Gate,
    n: u32,
) -> (impl FnOnce(u32) -> Result<u32, String> + use<>, u32) {
    let key = gate.key();
    (
        move |n| key.wait().then_some(n).ok_or("never opened".into()),
        n,
    )
}

#[test]
fn as_completed_yields_the_outside_executors_handles_as_they_finish() {
    let executor = ThreadPerTask::new();
    let gates: Vec<Gate> = (0..3).map(|_| Gate::new()).collect();
    let handles: Vec<_> = (0..3)
        .map(|n| {
            let (task, arg) = gated(&gates[n as usize], n);
            executor.submit(task, arg).unwrap()
        })
        .collect();
    let mut completed = as_completed(handles.clone());
    // Only one task may finish at a time, so the order is the gates' order.
    for n in [2, 0, 1] {
        gates[n].open();
        let handle = completed.next().unwrap();
        assert_eq!(handle, handles[n]);
        assert_eq!(handle.result(), Ok(n as u32));
    }
    assert!(completed.next().is_none());
}

#[test]
fn wait_sees_the_outside_executors_states() {
    let executor = ThreadPerTask::new();
    let (first_gate, rest_gate) = (Gate::new(), Gate::new());
    let (task, arg) = gated(&first_gate, 1);
    let first = executor.submit(task, arg).unwrap();
    let (task, arg) = gated(&rest_gate, 2);
    let blocked = executor.submit(task, arg).unwrap();

    first_gate.open();
    let result = wait([first.clone(), blocked.clone()], ReturnWhen::FirstCompleted);
    assert_eq!(result.done, [first]);
    assert_eq!(result.not_done, std::slice::from_ref(&blocked));
    assert!(!blocked.done());

    // FirstException: a task that raises ends the wait, the blocked one
    // still running.
    let failing = executor
        .submit(|n: u32| Err::<u32, _>(format!("no flag {n}")), 7)
        .unwrap();
    let result = wait(
        [blocked.clone(), failing.clone()],
        ReturnWhen::FirstException,
    );
    assert_eq!(result.done, std::slice::from_ref(&failing));
    assert_eq!(
        failing.exception(),
        Ok(Some(Error::Raised("no flag 7".into())))
    );
    rest_gate.open();
    assert_eq!(blocked.result(), Ok(2));
}

#[test]
fn the_trait_gives_the_outside_executor_map_and_shutdown() {
    let executor = ThreadPerTask::new();
    let doubled: Vec<_> = executor.map(|n: u32| n * 2, 0..4).unwrap().collect();
    assert_eq!(doubled, [Ok(0), Ok(2), Ok(4), Ok(6)]);

    let panicking = executor.submit(|()| -> u32 { panic!("boom") }, ()).unwrap();
    assert!(matches!(panicking.result(), Err(Error::Panicked(_))));

    Executor::<fn(u32) -> u32, u32>::shutdown(&executor, true, false);
    let refused = executor.submit(|n: u32| n, 1);
    assert_eq!(refused.err(), Some(Error::Shutdown));
}

/// An outside executor's worker finds a handle cancelled before it started:
/// `set_running_or_notify_cancel` says so, and the task never runs.
#[test]
fn a_handle_cancelled_before_its_worker_starts_is_skipped() {
    let handle: Handle<u32> = Handle::new();
    assert!(handle.cancel());
    assert!(!handle.set_running_or_notify_cancel());
    assert!(handle.cancelled());
    assert_eq!(handle.result(), Err(Error::Cancelled));
    assert!(matches!(handle.set_result(1), Err(Error::InvalidState(_))));
    assert!(handle.cancelled(), "a refused set_result changes nothing");
}

/// Starting a task twice is an executor's bug: CPython's
/// `set_running_or_notify_cancel` raises `RuntimeError` for any state but
/// pending or cancelled, and ours panics.
#[test]
#[should_panic(expected = "set_running_or_notify_cancel called twice")]
fn a_second_set_running_or_notify_cancel_panics() {
    let handle: Handle<u32> = Handle::new();
    assert!(handle.set_running_or_notify_cancel());
    handle.set_running_or_notify_cancel();
}

/// CPython test_future.py FutureTests.test_result_with_success: `set_result`
/// from another thread reaches a `result()` there, whether it is waiting
/// already or not yet (CPython sleeps to make it wait; no sleep here).
#[test]
fn result_with_success() {
    let future: Handle<u32> = Handle::new();
    let setter = future.clone();
    let waiting = thread::spawn(move || future.result_timeout(common::LIMIT));
    setter.set_result(42).unwrap();
    assert_eq!(waiting.join().unwrap(), Ok(42));
}

/// CPython test_future.py FutureTests.test_multiple_set_result: the second
/// `set_result` is refused with `InvalidStateError` naming the handle, and
/// the first value stays.
#[test]
fn multiple_set_result() {
    let future: Handle<i32> = Handle::new();
    future.set_result(1).unwrap();
    let Err(Error::InvalidState(repr)) = future.set_result(2) else {
        panic!("a second set_result must be refused")
    };
    assert!(repr.starts_with("<Future at 0x"), "{repr}");
    assert!(repr.ends_with(" state=finished returned i32>"), "{repr}");
    assert!(future.done());
    assert_eq!(future.result(), Ok(1));
}

/// CPython test_future.py FutureTests.test_multiple_set_exception.
#[test]
fn multiple_set_exception() {
    let future: Handle<i32, String> = Handle::new();
    future
        .set_exception(Error::Raised("ValueError".into()))
        .unwrap();
    let Err(Error::InvalidState(repr)) =
        future.set_exception(Error::Raised("Exception".into()))
    else {
        panic!("a second set_exception must be refused")
    };
    assert!(repr.ends_with(" state=finished raised String>"), "{repr}");
    assert_eq!(
        future.exception(),
        Ok(Some(Error::Raised("ValueError".into())))
    );
}
