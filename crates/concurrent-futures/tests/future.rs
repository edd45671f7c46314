//! CPython's `test_future.py` (`FutureTests`): a handle's states, `cancel`,
//! `result`, `exception`, done-callbacks and the repr.
//!
//! CPython builds futures in each state by hand (`create_future`); here only
//! an executor makes handles, so [`States`] builds them on a one-worker pool
//! whose worker is held at a gate.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{Gate, States, recv, repr_matches, signal};
use concurrent_futures::{Error, Handle, ThreadPoolExecutor};

/// CPython test_future.py FutureTests.test_done: only a finished (returned or
/// panicked) or cancelled handle is done; pending and running ones are not.
#[test]
fn done_in_every_state() {
    let s = States::new();
    assert!(!s.pending.done());
    assert!(!s.running.done());
    assert!(s.cancelled.done());
    assert!(s.panicked.done());
    assert!(s.finished.done());
}

/// CPython test_future.py FutureTests.test_running: only the task a worker
/// holds is running.
#[test]
fn running_in_every_state() {
    let s = States::new();
    assert!(!s.pending.running());
    assert!(s.running.running());
    assert!(!s.cancelled.running());
    assert!(!s.panicked.running());
    assert!(!s.finished.running());
}

/// CPython test_future.py FutureTests.test_cancelled: only a cancelled
/// handle says so.
#[test]
fn cancelled_in_every_state() {
    let s = States::new();
    assert!(!s.pending.cancelled());
    assert!(!s.running.cancelled());
    assert!(s.cancelled.cancelled());
    assert!(!s.panicked.cancelled());
    assert!(!s.finished.cancelled());
}

/// CPython test_future.py FutureTests.test_cancel: a pending task cancels
/// (it never runs, its done-callback runs exactly once, cancelling again says
/// true); a running or finished task refuses and keeps its state.
#[test]
fn cancel_in_every_state() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let running = pool.submit(move || key.wait()).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let ran_in_task = Arc::clone(&ran);
    let pending = pool
        .submit(move || ran_in_task.fetch_add(1, Ordering::SeqCst))
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let calls_in_callback = Arc::clone(&calls);
    pending.add_done_callback(move |_| {
        calls_in_callback.fetch_add(1, Ordering::SeqCst);
    });

    assert!(pending.cancel());
    assert!(pending.cancelled());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the callback ran at cancel"
    );
    assert!(pending.cancel(), "cancelling again still says cancelled");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "and runs no callback again"
    );

    assert!(!running.cancel());
    assert!(running.running());

    gate.open();
    assert_eq!(running.result(), Ok(true));
    assert!(!running.cancel());
    assert!(!running.cancelled() && running.done());

    let panicked = pool.submit(|| -> u8 { panic!("doh!") }).unwrap();
    assert!(panicked.exception().unwrap().is_some());
    assert!(!panicked.cancel());
    assert!(!panicked.cancelled());

    drop(pool); // waits for every task: the cancelled one is skipped
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "the cancelled task never ran"
    );
    assert_eq!(pending.result(), Err(Error::Cancelled));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// CPython test_future.py FutureTests.test_result_with_timeout: with no time
/// to wait, pending and running give Timeout, cancelled gives Cancelled, a
/// panic gives Panicked, a value comes back.
#[test]
fn result_with_zero_timeout_in_every_state() {
    let s = States::new();
    let now = Duration::ZERO;
    assert_eq!(s.pending.result_timeout(now), Err(Error::Timeout));
    assert_eq!(s.running.result_timeout(now), Err(Error::Timeout));
    assert_eq!(s.cancelled.result_timeout(now), Err(Error::Cancelled));
    assert_eq!(
        s.panicked.result_timeout(now),
        Err(Error::Panicked("boom".into()))
    );
    assert_eq!(s.finished.result_timeout(now), Ok(42));
}

/// CPython test_future.py FutureTests.test_result_with_timeout (a running
/// task): the timeout is Err(Timeout) after at least the time given, the task
/// goes on running and its result comes later.
#[test]
fn result_timeout_leaves_the_task_running() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool
        .submit(move || {
            key.wait();
            "late".to_string()
        })
        .unwrap();
    let timeout = Duration::from_millis(50);
    let start = Instant::now();
    assert_eq!(handle.result_timeout(timeout), Err(Error::Timeout));
    assert!(start.elapsed() >= timeout);
    assert!(handle.running() && !handle.done());
    gate.open();
    assert_eq!(handle.result_timeout(common::LIMIT), Ok("late".to_string()));
    assert!(handle.done() && !handle.running());
}

/// CPython test_future.py FutureTests.test_result_with_success: result()
/// blocks until another thread lets the task finish, then gives its value.
#[test]
fn result_waits_for_the_value() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool.submit(move || key.wait().then_some(42)).unwrap();
    let opener = thread::spawn(move || gate.open());
    assert_eq!(handle.result(), Ok(Some(42)));
    opener.join().unwrap();
}

/// CPython test_future.py FutureTests.test_result_with_cancel: result()
/// waiting on a pending task gives Err(Cancelled) when another thread
/// cancels it.
#[test]
fn result_wakes_up_cancelled() {
    let s = States::new();
    let pending = s.pending.clone();
    let canceller = thread::spawn(move || pending.cancel());
    assert_eq!(s.pending.result(), Err(Error::Cancelled));
    assert!(canceller.join().unwrap());
}

/// CPython test_future.py FutureTests.test_exception_with_timeout: pending
/// and running give Err(Timeout), cancelled Err(Cancelled), a panic is
/// Ok(Some(Panicked)), a returned value is Ok(None).
#[test]
fn exception_with_zero_timeout_in_every_state() {
    let s = States::new();
    let now = Duration::ZERO;
    assert_eq!(s.pending.exception_timeout(now), Err(Error::Timeout));
    assert_eq!(s.running.exception_timeout(now), Err(Error::Timeout));
    assert_eq!(s.cancelled.exception_timeout(now), Err(Error::Cancelled));
    assert_eq!(
        s.panicked.exception_timeout(now),
        Ok(Some(Error::Panicked("boom".into())))
    );
    assert_eq!(s.finished.exception_timeout(now), Ok(None));
}

/// CPython test_future.py FutureTests.test_exception_with_success: exception()
/// waits for a running task and gives the panic it ends with.
#[test]
fn exception_waits_for_the_panic() {
    let pool = ThreadPoolExecutor::new(2);
    let gate = Gate::new();
    let key = gate.key();
    let panicking = pool
        .submit(move || -> u8 {
            key.wait();
            panic!("late boom")
        })
        .unwrap();
    let opener = thread::spawn(move || gate.open());
    assert_eq!(
        panicking.exception(),
        Ok(Some(Error::Panicked("late boom".into())))
    );
    opener.join().unwrap();
}

/// CPython test_future.py FutureTests.test_exception_with_success, with the
/// exception a task's own: a task that returns `Err(e)` has raised `e`, and
/// exception() gives it back typed, to match on, as Python gives the
/// exception object. result() raises it; the repr says so.
#[test]
fn exception_is_the_err_a_task_returned() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let failing = pool
        .submit(move || {
            key.wait();
            "x".parse::<u8>()
        })
        .unwrap();
    let opener = thread::spawn(move || gate.open());
    let raised = failing.exception().unwrap();
    let Some(Error::Raised(err)) = raised else {
        panic!("expected the task's own error, got {raised:?}");
    };
    assert_eq!(*err.kind(), std::num::IntErrorKind::InvalidDigit);
    assert_eq!(failing.result(), Err(Error::Raised(err)));
    assert!(repr_matches(
        &format!("{failing:?}"),
        "finished raised ParseIntError"
    ));
    opener.join().unwrap();
}

/// Registers a callback on `handle` that sends what it saw down a channel,
/// and returns the receiving end.
fn report<T: Send + 'static, R: Send + 'static>(
    handle: &Handle<T>,
    see: impl FnOnce(&Handle<T>) -> R + Send + 'static,
) -> std::sync::mpsc::Receiver<R> {
    let (tx, rx) = signal();
    handle.add_done_callback(move |done| tx.send(see(done)).unwrap());
    rx
}

/// CPython test_future.py FutureTests.test_done_callback_with_result: the
/// callback runs once the task returns, with that task's handle, whose
/// result is there.
#[test]
fn done_callback_with_result() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool.submit(move || key.wait().then_some(5)).unwrap();
    let same = handle.clone();
    let seen = report(&handle, move |done| {
        (*done == same, done.result_timeout(Duration::ZERO))
    });
    assert!(
        seen.try_recv().is_err(),
        "not called before the task is done"
    );
    gate.open();
    assert_eq!(recv(&seen), (true, Ok(Some(5))));
    drop(pool);
    assert!(seen.try_recv().is_err(), "called exactly once");
}

/// CPython test_future.py FutureTests.test_done_callback_with_exception: the
/// callback of a task that panicked sees the panic.
#[test]
fn done_callback_with_exception() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool
        .submit(move || -> u8 {
            key.wait();
            panic!("test")
        })
        .unwrap();
    let seen = report(&handle, |done| done.exception_timeout(Duration::ZERO));
    gate.open();
    assert_eq!(recv(&seen), Ok(Some(Error::Panicked("test".into()))));
}

/// CPython test_future.py FutureTests.test_done_callback_with_cancel:
/// cancel() runs the callback before it returns, and it sees a cancelled handle.
#[test]
fn done_callback_with_cancel() {
    let s = States::new();
    let seen = report(&s.pending, |done| done.cancelled());
    assert!(s.pending.cancel());
    assert_eq!(seen.try_recv(), Ok(true), "ran inside cancel()");
}

/// CPython test_future.py FutureTests.test_done_callback_raises: a callback
/// that panics does not stop the next one, nor reach the task's outcome
/// (the panic hook prints the panic, as Python logs it).
#[test]
fn done_callback_raises() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool.submit(move || key.wait().then_some(5)).unwrap();
    let raising_called = report(&handle, |_| ());
    handle.add_done_callback(|_| panic!("doh!"));
    let fn_called = report(&handle, |done| done.result_timeout(Duration::ZERO));
    gate.open();
    recv(&raising_called);
    assert_eq!(recv(&fn_called), Ok(Some(5)));
    assert_eq!(handle.result(), Ok(Some(5)));
}

/// CPython test_future.py FutureTests.test_done_callback_already_successful:
/// on a finished handle the callback runs at once, on the calling thread.
#[test]
fn done_callback_already_successful() {
    let s = States::new();
    let caller = thread::current().id();
    let seen = report(&s.finished, move |done| {
        (thread::current().id() == caller, done.result())
    });
    assert_eq!(seen.try_recv(), Ok((true, Ok(42))));
}

/// CPython test_future.py FutureTests.test_done_callback_already_failed: on a
/// handle that panicked the callback runs at once and sees the panic.
#[test]
fn done_callback_already_failed() {
    let s = States::new();
    let seen = report(&s.panicked, |done| done.exception());
    assert_eq!(
        seen.try_recv(),
        Ok(Ok(Some(Error::Panicked("boom".into()))))
    );
}

/// CPython test_future.py FutureTests.test_done_callback_already_cancelled:
/// on a cancelled handle the callback runs at once and sees it cancelled.
#[test]
fn done_callback_already_cancelled() {
    let s = States::new();
    let seen = report(&s.cancelled, |done| done.cancelled());
    assert_eq!(seen.try_recv(), Ok(true));
}

/// CPython test_future.py FutureTests.test_done_callback_raises_already_succeeded:
/// a callback that panics when run at once does not unwind into the caller,
/// and one added after it still runs.
#[test]
fn done_callback_raises_already_succeeded() {
    let s = States::new();
    s.finished.add_done_callback(|_| panic!("doh!"));
    let seen = report(&s.finished, |done| done.result());
    assert_eq!(seen.try_recv(), Ok(Ok(42)));
}

/// CPython test_future.py FutureTests.test_repr: `<Future at 0x... state=...>`
/// for pending, running, cancelled, `finished returned i32`, a panic as
/// `finished raised panic`; a task returning `Result<String, E>` "returns"
/// `String` when Ok and "raises" `E` when Err.
#[test]
fn repr_in_every_state() {
    let s = States::new();
    let repr = |h: &Handle<i32>| format!("{h:?}");
    assert!(
        repr_matches(&repr(&s.pending), "pending"),
        "{:?}",
        s.pending
    );
    assert!(
        repr_matches(&repr(&s.running), "running"),
        "{:?}",
        s.running
    );
    assert!(repr_matches(&repr(&s.cancelled), "cancelled"));
    assert!(repr_matches(&repr(&s.finished), "finished returned i32"));
    assert!(repr_matches(&repr(&s.panicked), "finished raised panic"));

    let pool = ThreadPoolExecutor::new(2);
    let text = pool.submit(|| "flag".to_string()).unwrap();
    let ok = pool
        .submit(|| "7".parse::<u8>().map(|n| n.to_string()))
        .unwrap();
    let err = pool
        .submit(|| "x".parse::<u8>().map(|n| n.to_string()))
        .unwrap();
    assert!(ok.result().is_ok() && matches!(err.result(), Err(Error::Raised(_))));
    text.result().unwrap();
    let text = format!("{text:?}");
    assert!(repr_matches(&text, "finished returned String"), "{text}");
    let ok = format!("{ok:?}");
    assert!(repr_matches(&ok, "finished returned String"), "{ok}");
    let err = format!("{err:?}");
    assert!(repr_matches(&err, "finished raised ParseIntError"), "{err}");
}

/// CPython test_future.py FutureTests.test_done_callback_with_result (many
/// callbacks): every callback runs exactly once, in the order added, on the
/// worker that finished the task.
#[test]
fn done_callbacks_run_once_each_in_order() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = pool.submit(move || key.wait()).unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    for i in 0..5 {
        let order = Arc::clone(&order);
        handle.add_done_callback(move |_| order.lock().unwrap().push(i));
    }
    gate.open();
    drop(pool); // the worker has run the callbacks before it ends
    assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
}
