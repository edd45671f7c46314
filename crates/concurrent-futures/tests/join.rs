//! Results that are not `Clone`: `Handle::join` moves the value out, and
//! `as_completed`, `wait` and `map` carry such results through. Python has
//! no `join` (every reader of a Python future shares one object), so these
//! tests are this crate's own, not translations.

mod common;

use std::error::Error as StdError;
use std::io;

use common::Gate;
use concurrent_futures::{
    Error, Executor, ReturnWhen, ThreadPoolExecutor, as_completed, wait,
};

/// A value that cannot be cloned, as a `File` or a socket cannot.
#[derive(Debug, PartialEq)]
struct Flag(u32);

concurrent_futures::never_raises!(Flag);

/// Even numbers give a flag; odd ones fail with an `io::Error`, which is
/// not `Clone` either.
fn fetch(n: u32) -> io::Result<Flag> {
    if n % 2 == 1 {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no flag {n}"),
        ));
    }
    Ok(Flag(n))
}

#[test]
fn io_error_through_submit_as_completed_wait_map_and_join() {
    let executor = ThreadPoolExecutor::new(3);

    // submit + as_completed + join: every result read, whatever the order.
    let handles: Vec<_> = (0..6u32)
        .map(|n| executor.submit(move || fetch(n)).unwrap())
        .collect();
    let mut flags = Vec::new();
    let mut missing = Vec::new();
    for handle in as_completed(handles) {
        match handle.join() {
            Ok(Flag(n)) => flags.push(n),
            Err(Error::Raised(err)) => {
                assert_eq!(err.kind(), io::ErrorKind::NotFound);
                missing.push(err.to_string());
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    flags.sort_unstable();
    missing.sort_unstable();
    assert_eq!(flags, [0, 2, 4]);
    assert_eq!(missing, ["no flag 1", "no flag 3", "no flag 5"]);

    // wait(FirstException): the raised handle is in `done`, and join reads it.
    let failing = executor.submit(|| fetch(7)).unwrap();
    let result = wait([failing.clone()], ReturnWhen::FirstException);
    assert_eq!(result.done, [failing]);
    let raised = result.done.into_iter().next().unwrap().join();
    assert!(
        matches!(&raised, Err(Error::Raised(err)) if err.to_string() == "no flag 7"),
        "{raised:?}"
    );

    // map: in the order of the items, one Result each.
    let results: Vec<_> = executor.map(fetch, 0..4u32).unwrap().collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().ok(), Some(&Flag(0)));
    assert_eq!(results[2].as_ref().ok(), Some(&Flag(2)));
    for odd in [1, 3] {
        let Err(Error::Raised(err)) = &results[odd] else {
            panic!("{:?}", results[odd])
        };
        assert_eq!(err.to_string(), format!("no flag {odd}"));
    }

    // map_buffersize, the lazy map, reads them the same way.
    let lazy: Vec<bool> = executor
        .map_buffersize(fetch, 0..4u32, 2)
        .unwrap()
        .map(|res| res.is_ok())
        .collect();
    assert_eq!(lazy, [true, false, true, false]);
}

#[test]
fn a_boxed_error_is_taken_out_with_its_source_chain() {
    type BoxError = Box<dyn StdError + Send + Sync>;
    let executor = ThreadPoolExecutor::new(1);
    let handle = executor
        .submit(|| -> Result<u8, BoxError> { Ok("300".parse::<u8>()?) })
        .unwrap();
    let Err(Error::Raised(err)) = handle.join() else {
        panic!("300 does not fit in a u8")
    };
    assert!(
        err.downcast_ref::<std::num::ParseIntError>().is_some(),
        "{err}"
    );
}

#[test]
fn the_value_moves_out_once_and_clones_then_read_taken() {
    let executor = ThreadPoolExecutor::new(1);
    let handle = executor.submit(|| "flag".to_string()).unwrap();
    let clone = handle.clone();
    assert_eq!(handle.join(), Ok("flag".to_string()));
    assert!(clone.done());
    assert_eq!(clone.result(), Err(Error::Taken));
    assert_eq!(clone.exception(), Err(Error::Taken));
    assert!(format!("{clone:?}").ends_with("state=finished returned String>"));
    assert_eq!(clone.join(), Err(Error::Taken));
}

#[test]
fn a_taken_failure_is_still_a_failure_to_wait_and_debug() {
    let executor = ThreadPoolExecutor::new(1);
    let failing = executor.submit(|| fetch(1)).unwrap();
    let clone = failing.clone();
    assert!(matches!(failing.join(), Err(Error::Raised(_))));
    // A waiter added after the take still hears that the task raised.
    let result = wait([clone.clone()], ReturnWhen::FirstException);
    assert_eq!(result.done, std::slice::from_ref(&clone));
    assert!(format!("{clone:?}").ends_with("state=finished raised Error>"));
    assert!(matches!(clone.join(), Err(Error::Taken)));
}

#[test]
fn join_timeout_gives_up_and_the_value_can_be_taken_later() {
    let executor = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let handle = executor
        .submit(move || key.wait().then_some(Flag(1)).ok_or(io::ErrorKind::TimedOut))
        .unwrap();
    assert!(matches!(
        handle.join_timeout(std::time::Duration::ZERO),
        Err(Error::Timeout)
    ));
    gate.open();
    assert_eq!(handle.join_timeout(common::LIMIT), Ok(Flag(1)));
}

#[test]
fn a_cancelled_handle_joins_as_cancelled() {
    let executor = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let _blocker = executor.submit(move || key.wait()).unwrap();
    let queued = executor.submit(|| Flag(2)).unwrap();
    assert!(queued.cancel());
    assert_eq!(queued.join(), Err(Error::Cancelled));
}

/// An error with a cause of its own, as a download error wraps an I/O one.
#[derive(Debug)]
struct Corrupt(std::num::ParseIntError);

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the flag file is corrupt")
    }
}

impl StdError for Corrupt {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

/// What a task raised is the `source()` of its `Error`, so a reporter that
/// walks the chain prints each message once, the task's own causes after it,
/// and `downcast_ref` finds the task's error type in the chain.
#[test]
fn what_was_raised_is_the_source_and_its_chain_follows() {
    let executor = ThreadPoolExecutor::new(1);
    let handle = executor
        .submit(|| "x".parse::<u8>().map_err(Corrupt))
        .unwrap();
    let err = handle.join().unwrap_err();
    let mut chain = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    assert_eq!(
        chain,
        [
            "the task raised an error",
            "the flag file is corrupt",
            "invalid digit found in string",
        ]
    );
    assert!(err.source().unwrap().downcast_ref::<Corrupt>().is_some());
    // The executor's own errors have no source: nothing was raised.
    assert!(Error::<Corrupt>::Cancelled.source().is_none());
}
