//! CPython's `test_wait.py` (`WaitTests`, `ThreadPoolWaitTests`): `wait`
//! with each `ReturnWhen`, and with a timeout.

mod common;

use std::fmt::Debug;
use std::thread;
use std::time::{Duration, Instant};

use common::{Gate, States, same_set};
use concurrent_futures::{
    Error, HandleOf, Outcome, ReturnWhen, ThreadPoolExecutor, wait, wait_timeout,
};

/// CPython test_wait.py WaitTests.test_20369: the same handle twice is one
/// task: it is in `done` once.
#[test]
fn the_same_handle_twice_is_done_once() {
    let pool = ThreadPoolExecutor::new(1);
    let handle = pool.submit(|| 2).unwrap();
    let result = wait([handle.clone(), handle.clone()], ReturnWhen::AllCompleted);
    assert!(same_set(&result.done, &[&handle]), "{result:?}");
    assert!(result.not_done.is_empty());
}

/// CPython test_wait.py WaitTests.test_first_completed: FirstCompleted returns
/// as soon as one task finishes, while another is still blocked.
#[test]
fn first_completed() {
    let pool = ThreadPoolExecutor::new(2);
    let gate = Gate::new();
    let (first_gate, key) = (Gate::new(), gate.key());
    let first_key = first_gate.key();
    let future1 = pool.submit(move || first_key.wait().then_some(42)).unwrap();
    let future2 = pool.submit(move || key.wait().then_some(0)).unwrap();
    let opener = thread::spawn(move || first_gate.open());
    let result = wait(
        [future1.clone(), future2.clone()],
        ReturnWhen::FirstCompleted,
    );
    assert!(same_set(&result.done, &[&future1]), "{result:?}");
    assert!(same_set(&result.not_done, &[&future2]));
    assert!(future2.running());
    gate.open();
    assert_eq!(future2.result(), Ok(Some(0)));
    opener.join().unwrap();
}

/// CPython test_wait.py WaitTests.test_first_completed_some_already_completed:
/// handles done already (cancelled, finished) satisfy FirstCompleted at once.
#[test]
fn first_completed_some_already_completed() {
    let s = States::new();
    let all = [s.cancelled.clone(), s.finished.clone(), s.running.clone()];
    let result = wait(all, ReturnWhen::FirstCompleted);
    assert!(same_set(&result.done, &[&s.cancelled, &s.finished]));
    assert!(same_set(&result.not_done, &[&s.running]));
}

/// CPython test_wait.py WaitTests.test_first_exception, for either way a
/// task raises: the first task returns `value()`, the second then raises
/// with `raise()`, and FirstException returns with the third (which would
/// also return `value()`) still blocked. The raised handle is returned.
fn first_exception_with<R>(value: fn() -> R, raise: fn() -> R) -> HandleOf<R>
where
    R: Outcome<
            Ok: Clone + Send + PartialEq + Debug + 'static,
            Err: Clone + Send + Debug + 'static,
        > + 'static,
{
    let pool = ThreadPoolExecutor::new(3);
    let (gate1, gate2) = (Gate::new(), Gate::new());
    let (key1, key2) = (gate1.key(), gate2.key());
    let future1 = pool.submit(value).unwrap();
    let future2 = pool
        .submit(move || {
            key1.wait();
            raise()
        })
        .unwrap();
    let future3 = pool
        .submit(move || {
            key2.wait();
            value()
        })
        .unwrap();
    // future1 finishes before future2 may raise.
    let first = future1.clone();
    let opener = thread::spawn(move || {
        first.result().unwrap();
        gate1.open();
    });
    let all = [future1.clone(), future2.clone(), future3.clone()];
    let result = wait(all, ReturnWhen::FirstException);
    assert!(same_set(&result.done, &[&future1, &future2]), "{result:?}");
    assert!(same_set(&result.not_done, &[&future3]));
    opener.join().unwrap();
    gate2.open();
    assert_eq!(future3.result().ok(), future1.result().ok());
    future2
}

/// The exception a panic: `raise` in CPython's test.
#[test]
fn first_exception() {
    let raised = first_exception_with(|| 42, || panic!("this is an exception"));
    assert!(matches!(raised.result(), Err(Error::Panicked(_))));
}

/// The exception a task's own: a task that returns `Err` has raised.
#[test]
fn first_exception_from_a_returned_err() {
    let raised = first_exception_with(
        || "42".parse::<i32>(),
        || "this is an exception".parse::<i32>(),
    );
    assert!(matches!(raised.result(), Err(Error::Raised(_))));
}

/// CPython test_wait.py WaitTests.test_first_exception_some_already_complete:
/// a returned value and a cancellation are not exceptions; FirstException
/// returns at the division by zero, leaving the blocked task not done.
#[test]
fn first_exception_some_already_complete() {
    let s = States::new();
    let pool = ThreadPoolExecutor::new(1);
    let zero = std::hint::black_box(0);
    let future1 = pool.submit(move || 21 / zero).unwrap();
    let all = [
        s.finished.clone(),
        s.cancelled.clone(),
        future1.clone(),
        s.running.clone(),
    ];
    let result = wait(all, ReturnWhen::FirstException);
    assert!(same_set(
        &result.done,
        &[&s.finished, &s.cancelled, &future1]
    ));
    assert!(same_set(&result.not_done, &[&s.running]));
}

/// CPython test_wait.py WaitTests.test_first_exception_one_already_failed:
/// a handle that panicked already makes FirstException return at once.
#[test]
fn first_exception_one_already_failed() {
    let s = States::new();
    let result = wait(
        [s.panicked.clone(), s.running.clone()],
        ReturnWhen::FirstException,
    );
    assert!(same_set(&result.done, &[&s.panicked]));
    assert!(same_set(&result.not_done, &[&s.running]));
}

/// CPython test_wait.py WaitTests.test_first_exception (no exception): when
/// no task raises, FirstException waits for all, as AllCompleted; an `Ok`
/// is a value, whatever it holds.
#[test]
fn first_exception_without_one_waits_for_all() {
    let pool = ThreadPoolExecutor::new(2);
    let gate = Gate::new();
    let key = gate.key();
    let early = pool.submit(|| "7".parse::<u8>()).unwrap();
    let late = pool
        .submit(move || {
            key.wait();
            "1".parse::<u8>()
        })
        .unwrap();
    let returned = early.clone();
    let opener = thread::spawn(move || {
        returned.result().unwrap();
        gate.open();
    });
    let result = wait([early.clone(), late.clone()], ReturnWhen::FirstException);
    assert!(same_set(&result.done, &[&early, &late]), "{result:?}");
    assert!(result.not_done.is_empty());
    opener.join().unwrap();
}

/// CPython test_wait.py WaitTests.test_all_completed: AllCompleted returns
/// with every handle done: finished, cancelled, panicked, a division by zero
/// and a product.
#[test]
fn all_completed() {
    let s = States::new();
    let pool = ThreadPoolExecutor::new(2);
    let zero = std::hint::black_box(0);
    let future1 = pool.submit(move || 2 / zero).unwrap();
    let future2 = pool.submit(|| 2 * 21).unwrap();
    let all = [
        s.finished.clone(),
        s.cancelled.clone(),
        s.panicked.clone(),
        future1.clone(),
        future2.clone(),
    ];
    let result = wait(all, ReturnWhen::AllCompleted);
    let expected = [&s.finished, &s.cancelled, &s.panicked, &future1, &future2];
    assert!(same_set(&result.done, &expected), "{result:?}");
    assert!(result.not_done.is_empty());
    assert_eq!(future2.result(), Ok(42));
}

/// CPython test_wait.py WaitTests.test_timeout: wait_timeout gives up after
/// the time given, with the blocked task in not_done and the others done.
#[test]
fn wait_timeout_leaves_not_done() {
    let s = States::new();
    let timeout = Duration::from_millis(50);
    let start = Instant::now();
    let all = [
        s.cancelled.clone(),
        s.panicked.clone(),
        s.finished.clone(),
        s.running.clone(),
    ];
    let result = wait_timeout(all, timeout, ReturnWhen::AllCompleted);
    assert!(start.elapsed() >= timeout);
    assert!(same_set(
        &result.done,
        &[&s.cancelled, &s.panicked, &s.finished]
    ));
    assert!(same_set(&result.not_done, &[&s.running]));
    assert!(s.running.running(), "the timeout does not touch the task");
}

/// CPython test_wait.py ThreadPoolWaitTests.test_pending_calls_race: 100
/// tasks released at once all end up in done.
#[test]
fn pending_calls_race() {
    let pool = ThreadPoolExecutor::new(5);
    let gate = Gate::new();
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let key = gate.key();
            pool.submit(move || key.wait().then_some(i)).unwrap()
        })
        .collect();
    gate.open();
    let result = wait(handles.clone(), ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 100);
    assert!(result.not_done.is_empty());
    assert!(handles.iter().all(|h| h.done()));
}

/// CPython's `wait(FIRST_EXCEPTION)` learns from each future, as it
/// completes, whether it raised (`_FirstExceptionWaiter.add_exception`); it
/// never looks at every future again. Here too: on 20000 handles that all
/// return, `FirstException` costs about what `AllCompleted` does (a look at
/// every handle per completion would make it thousands of times dearer).
#[test]
#[cfg_attr(
    miri,
    ignore = "20000 tasks take many minutes under Miri, where time means nothing"
)]
fn first_exception_costs_what_all_completed_costs() {
    let pool = ThreadPoolExecutor::new(2);
    let handles: Vec<_> = (0..20_000)
        .map(|n| pool.submit(move || n).unwrap())
        .collect();
    assert_eq!(
        wait(handles.clone(), ReturnWhen::AllCompleted).done.len(),
        20_000
    );
    let timed = |when| {
        let start = Instant::now();
        let split = wait(handles.clone(), when);
        assert_eq!(split.done.len(), 20_000);
        start.elapsed()
    };
    // The best of three each, so that one preempted run decides nothing.
    let best = |when| (0..3).map(|_| timed(when)).min().unwrap();
    let (all, first) = (
        best(ReturnWhen::AllCompleted),
        best(ReturnWhen::FirstException),
    );
    assert!(
        first < all * 20,
        "FirstException took {first:?}, AllCompleted {all:?}"
    );
}
