//! [`Map`]: what `executor.map` returns, results in input order.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::time::Instant;

use crate::{Error, Handle};

/// The tasks a buffered map has yet to submit: each call submits the next
/// item's task, `None` once the items are exhausted. `Send`, so that a map
/// can be read on another thread than the one that made it.
pub(crate) type Submitter<'a, T, E> =
    Box<dyn FnMut() -> Option<Result<Handle<T, E>, Error>> + Send + 'a>;

/// The iterator `map` returns: each task's result, in the order of the
/// items, waiting for each in turn.
///
/// A task's failure is that item's `Err` and the iteration goes on (Python
/// raises it from `__next__` and stops). After an [`Error::Timeout`] the
/// iterator ends. Dropping it part way cancels the tasks no worker has
/// started, as Python's `result_iterator` does when it is closed; dropping it
/// before the first `next` cancels nothing, as a Python generator that never
/// started runs no `finally`.
///
/// A map made with a `buffersize` (Python 3.14) submits lazily: it starts
/// with `buffersize` tasks, and each `next` submits one more item's task
/// before it waits for the oldest, so an endless iterator is fine.
///
/// A map is `Send` when its values and errors are, so it can be handed to
/// another thread to read, as a Python generator can be:
///
/// ```
/// use concurrent_futures::{Executor, ThreadPoolExecutor};
///
/// let executor = ThreadPoolExecutor::new(2);
/// std::thread::scope(|scope| {
///     let squares = executor.map_buffersize(|n: u64| n * n, 1..=3, 2).unwrap();
///     let reader = scope.spawn(move || squares.map(Result::unwrap).sum::<u64>());
///     assert_eq!(reader.join().unwrap(), 14);
/// });
/// ```
#[must_use = "the results come back only through this iterator"]
pub struct Map<'a, T, E = Infallible> {
    source: &'static str,
    handles: VecDeque<Handle<T, E>>,
    /// The rest of the items, for a buffered map.
    rest: Option<Submitter<'a, T, E>>,
    deadline: Option<Instant>,
    started: bool,
}

impl<'a, T, E> Map<'a, T, E> {
    /// Yields the results of `handles` in their order, then of what `rest`
    /// submits; `source` names the `map` that made it, for its `Debug`.
    pub(crate) fn new(
        source: &'static str,
        handles: impl IntoIterator<Item = Handle<T, E>>,
        rest: Option<Submitter<'a, T, E>>,
        deadline: Option<Instant>,
    ) -> Map<'a, T, E> {
        Map {
            source,
            handles: handles.into_iter().collect(),
            rest,
            deadline,
            started: false,
        }
    }

    fn cancel_the_rest(&mut self) {
        self.rest = None;
        for handle in self.handles.drain(..) {
            handle.cancel();
        }
    }
}

// No `Clone` bound: the map holds the only handle on each of its tasks, so
// it moves each value out (`join`) and any `T` and `E` can be read.
impl<T, E> Iterator for Map<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn next(&mut self) -> Option<Result<T, Error<E>>> {
        self.started = true;
        // Python 3.14 submits the next item before waiting for the oldest.
        if let Some(rest) = &mut self.rest {
            match rest() {
                Some(Ok(handle)) => self.handles.push_back(handle),
                None => self.rest = None,
                Some(Err(err)) => {
                    // Python's generator raises RuntimeError and is over.
                    self.cancel_the_rest();
                    return Some(Err(err.widen()));
                }
            }
        }
        let handle = self.handles.pop_front()?;
        let Some(deadline) = self.deadline else {
            return Some(handle.join());
        };
        let res =
            handle.join_timeout(deadline.saturating_duration_since(Instant::now()));
        if matches!(res, Err(Error::Timeout)) {
            handle.cancel();
            self.cancel_the_rest();
        }
        Some(res)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let known = self.handles.len();
        match self.rest {
            None => (known, Some(known)),
            Some(_) => (known, None),
        }
    }
}

impl<T, E> Drop for Map<'_, T, E> {
    fn drop(&mut self) {
        if self.started {
            self.cancel_the_rest();
        }
    }
}

impl<T, E> fmt::Debug for Map<'_, T, E> {
    /// Shaped like Python's `<generator object Executor.map.<locals>.result_iterator at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<generator object {}.<locals>.result_iterator at {self:p}>",
            self.source
        )
    }
}
