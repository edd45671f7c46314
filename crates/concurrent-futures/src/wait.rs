//! The module functions [`wait`] and [`as_completed`]: waiting on many
//! handles at once.
//!
//! Both register a channel on every handle (CPython registers a "waiter" on
//! each future in the same way); a handle sends its index down the channel
//! when it becomes done, so whichever finishes first is heard first.

use crate::sync::mpsc;
use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::future::{Done, Waiter};
use crate::{Error, Handle};

/// When [`wait`] returns: Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any handle is done (finished or cancelled).
    FirstCompleted,
    /// As soon as any task has raised (returned `Err`, panicked, lost its
    /// worker); if none does, when all are done.
    FirstException,
    /// When every handle is done.
    AllCompleted,
}

/// What [`wait`] returns: Python's `DoneAndNotDoneFutures(done, not_done)`.
#[derive(Debug)]
pub struct DoneAndNotDone<T, E = Infallible> {
    /// The handles that are done (finished or cancelled).
    pub done: Vec<Handle<T, E>>,
    /// The others, still pending or running.
    pub not_done: Vec<Handle<T, E>>,
}

/// Blocks until `return_when` holds for `handles`, and splits them into the
/// done and the not done: Python's `futures.wait(fs, return_when=...)`.
pub fn wait<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T, E> {
    wait_until(handles, None, return_when)
}

/// [`wait`] that also returns when `timeout` has passed, whatever is done.
pub fn wait_timeout<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
    timeout: Duration,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T, E> {
    wait_until(handles, Some(Instant::now() + timeout), return_when)
}

fn wait_until<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
    deadline: Option<Instant>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T, E> {
    let handles = distinct(handles);
    let listener = Listener::new(&handles);
    let (mut done, mut raised) = (0, false);
    loop {
        let enough = match return_when {
            ReturnWhen::AllCompleted => done == handles.len(),
            ReturnWhen::FirstCompleted => done > 0 || handles.is_empty(),
            // Each handle says whether it raised as it reports done: one
            // message per handle, never a look at all of them per wake-up.
            ReturnWhen::FirstException => done == handles.len() || raised,
        };
        if enough {
            break;
        }
        match listener.next_before(deadline) {
            Ok(heard) => {
                done += 1;
                raised |= heard.raised;
            }
            Err(_) => break,
        }
    }
    listener.stop(&handles);
    let (done, not_done) = handles.into_iter().partition(Handle::done);
    DoneAndNotDone { done, not_done }
}

/// `handles` without repeats, in their first order: Python's `set(fs)`, so
/// a handle given twice is waited for, and yielded, once.
// A handle hashes by identity, which its mutable state does not change.
#[allow(clippy::mutable_key_type)]
fn distinct<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
) -> Vec<Handle<T, E>> {
    let mut seen = HashSet::new();
    handles
        .into_iter()
        .filter(|handle| seen.insert(handle.clone()))
        .collect()
}

/// Yields the handles as they become done, whatever order they were given in:
/// Python's `futures.as_completed(fs)`. Those done already come first.
pub fn as_completed<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
) -> AsCompleted<T, E> {
    AsCompleted(Completions::new(handles, None))
}

/// [`as_completed`] with a time limit: after yielding what finished within
/// `timeout`, it yields one `Err(Error::Timeout)` and ends, as Python's
/// raises `TimeoutError`. The clock starts at the first `next`, as Python's
/// `as_completed` is a generator whose body starts there.
pub fn as_completed_timeout<T, E>(
    handles: impl IntoIterator<Item = Handle<T, E>>,
    timeout: Duration,
) -> AsCompletedTimeout<T, E> {
    AsCompletedTimeout(Completions::new(handles, Some(timeout)))
}

/// The iterator [`as_completed`] returns.
#[derive(Debug)]
pub struct AsCompleted<T, E = Infallible>(Completions<T, E>);

/// The iterator [`as_completed_timeout`] returns.
#[derive(Debug)]
pub struct AsCompletedTimeout<T, E = Infallible>(Completions<T, E>);

impl<T, E> Iterator for AsCompleted<T, E> {
    type Item = Handle<T, E>;

    fn next(&mut self) -> Option<Handle<T, E>> {
        self.0
            .next()
            .map(|res| res.expect("no deadline, so no timeout"))
    }
}

impl<T, E> Iterator for AsCompletedTimeout<T, E> {
    type Item = Result<Handle<T, E>, Error>;

    fn next(&mut self) -> Option<Result<Handle<T, E>, Error>> {
        self.0.next()
    }
}

#[derive(Debug)]
struct Completions<T, E> {
    handles: Vec<Option<Handle<T, E>>>,
    remaining: usize,
    timeout: Option<Duration>,
    /// Set at the first `next`: `timeout` from then.
    deadline: Option<Instant>,
    listener: Listener,
}

impl<T, E> Completions<T, E> {
    fn new(
        handles: impl IntoIterator<Item = Handle<T, E>>,
        timeout: Option<Duration>,
    ) -> Self {
        let handles = distinct(handles);
        let listener = Listener::new(&handles);
        Completions {
            remaining: handles.len(),
            handles: handles.into_iter().map(Some).collect(),
            timeout,
            deadline: None,
            listener,
        }
    }

    fn next(&mut self) -> Option<Result<Handle<T, E>, Error>> {
        if self.remaining == 0 {
            return None;
        }
        if let (Some(timeout), None) = (self.timeout, self.deadline) {
            self.deadline = Some(Instant::now() + timeout);
        }
        match self.listener.next_before(self.deadline) {
            Ok(heard) => {
                self.remaining -= 1;
                self.handles[heard.index].take().map(Ok)
            }
            Err(err) => {
                // Python raises TimeoutError once; the generator is then over.
                self.remaining = 0;
                Some(Err(err))
            }
        }
    }
}

impl<T, E> Drop for Completions<T, E> {
    fn drop(&mut self) {
        for handle in self.handles.iter().flatten() {
            handle.remove_waiter(self.listener.id);
        }
    }
}

/// One channel registered on many handles, each under its index.
#[derive(Debug)]
struct Listener {
    id: u64,
    rx: mpsc::Receiver<Done>,
}

impl Listener {
    fn new<T, E>(handles: &[Handle<T, E>]) -> Listener {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        for (index, handle) in handles.iter().enumerate() {
            let tx = tx.clone();
            handle.add_waiter(Waiter { id, index, tx });
        }
        Listener { id, rx }
    }

    /// The next handle to become done, or `Error::Timeout`.
    fn next_before(&self, deadline: Option<Instant>) -> Result<Done, Error> {
        match deadline {
            None => Ok(self.rx.recv().expect("a waiting handle keeps a sender")),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                self.rx.recv_timeout(left).map_err(|_| Error::Timeout)
            }
        }
    }

    fn stop<T, E>(&self, handles: &[Handle<T, E>]) {
        for handle in handles {
            handle.remove_waiter(self.id);
        }
    }
}
