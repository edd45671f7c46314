//! [`Executor`]: Python's abstract `concurrent.futures.Executor`, the
//! interface both pools share.

use std::time::{Duration, Instant};

use crate::{Error, Handle, Map, Outcome};

/// The handle of a task whose function returns `R`.
pub type HandleOf<R> = Handle<<R as Outcome>::Ok, <R as Outcome>::Err>;

/// The iterator `map` returns for a function that returns `R`.
pub type MapOf<'a, R> = Map<'a, <R as Outcome>::Ok, <R as Outcome>::Err>;

/// What every executor does: `submit`, `map` and `shutdown`. Code that takes
/// "any executor" takes `impl Executor<F, A>`, as Python code takes an
/// `executor_class`.
///
/// `F` is the function a task calls on its argument `A`: any closure for the
/// [`ThreadPoolExecutor`](crate::ThreadPoolExecutor), a plain `fn` for the
/// `ProcessPoolExecutor`, whose tasks cross to another process. Written with
/// `F` as a parameter of the trait, each pool states its own bounds once, and
/// `map` is written once, here, for both.
pub trait Executor<F, A> {
    /// What `F` returns: a value, or a `Result` whose `Err` the task raises.
    type Output: Outcome;

    /// Schedules `f(arg)` and returns at once with its [`Handle`]: Python's
    /// `executor.submit(fn, arg)`. After `shutdown`: [`Error::Shutdown`].
    fn submit(&self, f: F, arg: A) -> Result<HandleOf<Self::Output>, Error>;

    /// Stops taking new tasks: Python's `executor.shutdown(wait, cancel_futures)`.
    fn shutdown(&self, wait: bool, cancel_futures: bool);

    /// Submits `f(item)` for every item now, and returns an iterator that
    /// yields the results in the order of `items`, waiting for each in turn.
    ///
    /// Like Python's `Executor.map`: submitting is eager, only reading is
    /// lazy. Dropping the iterator early cancels the tasks not yet started.
    /// If a submit is refused (the pool was shut down meanwhile), `map`
    /// returns that error, and the tasks already submitted go on, as in
    /// Python, where the exception leaves them to run.
    /// The iterator does not borrow the executor: as in Python, dropping the
    /// executor (which waits for the tasks) leaves the results to read.
    fn map(
        &self,
        f: F,
        items: impl IntoIterator<Item = A>,
    ) -> Result<MapOf<'static, Self::Output>, Error>
    where
        F: Clone,
    {
        map_until(self, f, items, None)
    }

    /// [`map`](Self::map) whose iterator gives [`Error::Timeout`] (and then
    /// stops) if a result is not ready `timeout` after this call.
    fn map_timeout(
        &self,
        f: F,
        items: impl IntoIterator<Item = A>,
        timeout: Duration,
    ) -> Result<MapOf<'static, Self::Output>, Error>
    where
        F: Clone,
    {
        map_until(self, f, items, Some(Instant::now() + timeout))
    }

    /// Python 3.14's `executor.map(fn, items, buffersize=n)`: lazy and
    /// bounded. It submits the first `buffersize` items now and one more each
    /// time a result is taken, so at most `buffersize` tasks wait for their
    /// turn, and `items` may be endless (`0..`).
    ///
    /// Panics if `buffersize` is 0, as Python raises `ValueError`.
    ///
    /// The map keeps the executor, `f` and the rest of `items` to submit
    /// from, and is `Send` (it can be read on another thread): so they are
    /// `Sync`, `Send` and `Send`.
    fn map_buffersize<'a, I>(
        &'a self,
        f: F,
        items: I,
        buffersize: usize,
    ) -> Result<MapOf<'a, Self::Output>, Error>
    where
        Self: Sync,
        F: Clone + Send + 'a,
        I: IntoIterator<Item = A>,
        I::IntoIter: Send + 'a,
    {
        map_lazily(self, f, items, buffersize, None)
    }

    /// Python 3.14's `executor.map(fn, items, timeout=t, buffersize=n)`:
    /// [`map_buffersize`](Self::map_buffersize) whose iterator gives
    /// [`Error::Timeout`] (and then stops) if a result is not ready `timeout`
    /// after this call.
    ///
    /// Panics if `buffersize` is 0, as Python raises `ValueError`.
    fn map_buffersize_timeout<'a, I>(
        &'a self,
        f: F,
        items: I,
        buffersize: usize,
        timeout: Duration,
    ) -> Result<MapOf<'a, Self::Output>, Error>
    where
        Self: Sync,
        F: Clone + Send + 'a,
        I: IntoIterator<Item = A>,
        I::IntoIter: Send + 'a,
    {
        let deadline = Instant::now() + timeout;
        map_lazily(self, f, items, buffersize, Some(deadline))
    }
}

/// `map_buffersize` and `map_buffersize_timeout`: the first `buffersize`
/// tasks submitted now, the rest one per result taken. Python's clock starts
/// at the call, before the first submit.
fn map_lazily<'a, X, F, A, I>(
    executor: &'a X,
    f: F,
    items: I,
    buffersize: usize,
    deadline: Option<Instant>,
) -> Result<MapOf<'a, X::Output>, Error>
where
    X: Executor<F, A> + Sync + ?Sized,
    F: Clone + Send + 'a,
    I: IntoIterator<Item = A>,
    I::IntoIter: Send + 'a,
{
    assert!(buffersize > 0, "buffersize must be None or > 0");
    let mut items = items.into_iter();
    let mut handles = Vec::new();
    for item in items.by_ref().take(buffersize) {
        // Refused: those submitted go on, as in Python (see `map`).
        handles.push(executor.submit(f.clone(), item)?);
    }
    let rest = move || Some(executor.submit(f.clone(), items.next()?));
    Ok(Map::new(
        "Executor.map",
        handles,
        Some(Box::new(rest)),
        deadline,
    ))
}

/// `map` and `map_timeout`: every task submitted now. A refused submit
/// leaves the ones before it running: Python's list of submits raises, and
/// nothing cancels what it had submitted.
fn map_until<X, F, A>(
    executor: &X,
    f: F,
    items: impl IntoIterator<Item = A>,
    deadline: Option<Instant>,
) -> Result<MapOf<'static, X::Output>, Error>
where
    X: Executor<F, A> + ?Sized,
    F: Clone,
{
    let mut handles = Vec::new();
    for item in items {
        handles.push(executor.submit(f.clone(), item)?);
    }
    Ok(Map::new("Executor.map", handles, None, deadline))
}
