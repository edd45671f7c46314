//! [`Map`]: what `executor.map` returns, results in input order.

use std::collections::VecDeque;
use std::fmt;
use std::time::Instant;

use crate::{Error, Handle};

/// The iterator `map` returns: each task's result, in the order of the
/// items, waiting for each in turn.
///
/// A task's failure is that item's `Err` and the iteration goes on (Python
/// raises it from `__next__` and stops). After an [`Error::Timeout`] the
/// iterator ends. Dropping it part way cancels the tasks no worker has
/// started, as Python's `result_iterator` does when it is closed; dropping it
/// before the first `next` cancels nothing, as a Python generator that never
/// started runs no `finally`.
#[must_use = "the results come back only through this iterator"]
pub struct Map<T> {
    source: &'static str,
    handles: VecDeque<Handle<T>>,
    deadline: Option<Instant>,
    started: bool,
}

impl<T> Map<T> {
    /// Yields the results of `handles` in their order; `source` names the
    /// `map` that made it, for its `Debug`.
    pub(crate) fn new(
        source: &'static str,
        handles: impl IntoIterator<Item = Handle<T>>,
        deadline: Option<Instant>,
    ) -> Map<T> {
        Map {
            source,
            handles: handles.into_iter().collect(),
            deadline,
            started: false,
        }
    }

    fn cancel_the_rest(&mut self) {
        for handle in self.handles.drain(..) {
            handle.cancel();
        }
    }
}

impl<T: Clone> Iterator for Map<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Result<T, Error>> {
        self.started = true;
        let handle = self.handles.pop_front()?;
        let res = match self.deadline {
            None => handle.result(),
            Some(deadline) => handle
                .result_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        if matches!(res, Err(Error::Timeout)) {
            handle.cancel();
            self.cancel_the_rest();
        }
        Some(res)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.handles.len(), Some(self.handles.len()))
    }
}

impl<T> Drop for Map<T> {
    fn drop(&mut self) {
        if self.started {
            self.cancel_the_rest();
        }
    }
}

impl<T> fmt::Debug for Map<T> {
    /// Shaped like Python's `<generator object Executor.map.<locals>.result_iterator at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<generator object {}.<locals>.result_iterator at {self:p}>",
            self.source
        )
    }
}
