//! CPython's `test_as_completed.py` (`AsCompletedTests`): handles come back
//! as they finish, the timeout is one last `Err`.

mod common;

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use common::{Gate, States, same_set};
use concurrent_futures::{
    Error, Handle, ThreadPoolExecutor, as_completed, as_completed_timeout,
};

/// CPython test_as_completed.py AsCompletedTests.test_no_timeout: every
/// handle comes back once, whether done before (cancelled, panicked,
/// finished) or after the call.
#[test]
fn no_timeout() {
    let s = States::new();
    let pool = ThreadPoolExecutor::new(2);
    let future1 = pool.submit(|| 2 * 21).unwrap();
    let future2 = pool.submit(|| 7 * 6).unwrap();
    let all = [&s.cancelled, &s.panicked, &s.finished, &future1, &future2];
    let completed: Vec<_> = as_completed(all.map(Handle::clone)).collect();
    assert!(same_set(&completed, &all), "{completed:?}");
}

/// CPython test_as_completed.py AsCompletedTests.test_no_timeout, in order:
/// handles done already come first, in the order given; then each as it
/// finishes, whatever order they were given in.
#[test]
fn yields_in_completion_order() {
    let s = States::new();
    let pool = ThreadPoolExecutor::new(3);
    let gates = [Gate::new(), Gate::new(), Gate::new()];
    let handles: Vec<_> = gates
        .iter()
        .enumerate()
        .map(|(i, gate)| {
            let key = gate.key();
            pool.submit(move || key.wait().then_some(i as i32).unwrap())
        })
        .collect::<Result<_, _>>()
        .unwrap();
    let mut given = handles.clone();
    given.push(s.finished.clone());
    given.push(s.cancelled.clone());
    let mut completed = as_completed(given);
    assert_eq!(completed.next(), Some(s.finished.clone()));
    assert_eq!(completed.next(), Some(s.cancelled.clone()));
    for i in [2, 0, 1] {
        gates[i].open();
        let next = completed.next().unwrap();
        assert!(next == handles[i], "expected task {i}, got {next:?}");
        assert_eq!(next.result(), Ok(i as i32));
    }
    assert!(completed.next().is_none());
}

/// CPython test_as_completed.py AsCompletedTests.test_future_times_out: with
/// a timeout of 0 or 50 ms, the handles done already come back, then one
/// Err(Timeout), then the iterator ends; the blocked task is not yielded.
#[test]
fn future_times_out() {
    let s = States::new();
    for timeout in [Duration::ZERO, Duration::from_millis(50)] {
        let given = [
            s.cancelled.clone(),
            s.panicked.clone(),
            s.finished.clone(),
            s.running.clone(),
        ];
        let start = Instant::now();
        let mut completed = as_completed_timeout(given, timeout);
        let mut yielded = Vec::new();
        for _ in 0..3 {
            yielded.push(completed.next().unwrap().unwrap());
        }
        assert!(same_set(
            &yielded,
            &[&s.cancelled, &s.panicked, &s.finished]
        ));
        assert_eq!(completed.next().unwrap().unwrap_err(), Error::Timeout);
        assert!(start.elapsed() >= timeout);
        assert!(completed.next().is_none(), "ends after the timeout");
        assert!(completed.next().is_none());
        assert!(s.running.running());
    }
}

/// CPython test_as_completed.py AsCompletedTests.test_duplicate_futures: the
/// same handle three times comes back once.
#[test]
fn duplicate_futures() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let future1 = pool.submit(move || key.wait()).unwrap();
    let mut completed = as_completed(std::iter::repeat_n(future1.clone(), 3));
    gate.open();
    assert_eq!(completed.next(), Some(future1.clone()));
    assert!(completed.next().is_none());
}

/// CPython test_as_completed.py AsCompletedTests.test_free_reference_yielded_future:
/// the iterator keeps no handle it has yielded, so dropping the yielded
/// handle frees the task's value.
#[test]
fn free_reference_yielded_future() {
    let pool = ThreadPoolExecutor::new(1);
    let handles: Vec<Handle<Arc<u32>>> = (0..8)
        .map(|i| pool.submit(move || Arc::new(i)).unwrap())
        .collect();
    // One worker, first in first out: once this has run, it has dropped
    // every earlier task (and its copy of the handle).
    pool.submit(|| ()).unwrap().result().unwrap();
    let mut freed = 0;
    for handle in as_completed(handles) {
        let value: Weak<u32> = Arc::downgrade(&handle.result().unwrap());
        drop(handle);
        assert!(value.upgrade().is_none(), "the iterator still holds it");
        freed += 1;
    }
    assert_eq!(freed, 8);
}

/// CPython test_as_completed.py AsCompletedTests.test_correct_timeout_exception_msg:
/// with pending and running handles among done ones, a zero timeout yields
/// the 2 done ones and then Err(Timeout) (Rust's error carries no count).
#[test]
fn timeout_after_the_done_ones() {
    let s = States::new();
    let given = [
        s.cancelled.clone(),
        s.pending.clone(),
        s.running.clone(),
        s.finished.clone(),
    ];
    let items: Vec<_> = as_completed_timeout(given, Duration::ZERO).collect();
    assert_eq!(items.len(), 3, "{items:?}");
    let done: Vec<_> = items[..2].iter().map(|h| h.clone().unwrap()).collect();
    assert!(same_set(&done, &[&s.cancelled, &s.finished]));
    assert_eq!(items[2].clone().unwrap_err(), Error::Timeout);
    assert!(!s.pending.done() && !s.running.done());
}

/// CPython's `as_completed` is a generator: its body, which reads the clock
/// for `timeout`, starts at the first `next()`. So time spent between the
/// call and the first `next` does not count: here the first `next` still
/// waits its whole `timeout` for a task that never finishes, though as long
/// again has passed since the call.
#[test]
fn the_clock_starts_at_the_first_next() {
    let s = States::new();
    let timeout = Duration::from_millis(200);
    let mut completions = as_completed_timeout([s.running.clone()], timeout);
    std::thread::sleep(timeout);
    let start = Instant::now();
    assert_eq!(completions.next(), Some(Err(Error::Timeout)));
    let waited = start.elapsed();
    assert!(waited >= timeout / 2, "waited {waited:?} of {timeout:?}");
}
