//! What Python would raise, as one enum Rust returns.

use std::convert::Infallible;

/// Why a handle gave no value, or why the executor refused work.
///
/// `E` is the error type of the task itself: a task that returns
/// `Err(e)` has *raised* `e`, as a Python call raises an exception, and
/// [`result`](crate::Handle::result) gives it back as `Error::Raised(e)`.
/// For tasks that cannot fail, and for the executor's own errors, `E` is
/// [`Infallible`]: plain `Error`.
///
/// | Python raises                              | here                          |
/// |--------------------------------------------|-------------------------------|
/// | the task's own exception                   | [`Error::Raised`] (its `Err`), [`Error::Panicked`] (a panic) |
/// | `CancelledError`                           | [`Error::Cancelled`]          |
/// | `TimeoutError`                             | [`Error::Timeout`]            |
/// | `BrokenProcessPool` (for every task)       | [`Error::WorkerDied`] (for that task only), [`Error::BrokenPool`] (initializer failed, `terminate_workers`) |
/// | `BrokenThreadPool` (an initializer failed) | [`Error::BrokenPool`]         |
/// | `PicklingError`, an unpicklable result     | [`Error::Unpicklable`]        |
/// | `RuntimeError` after `shutdown()`          | [`Error::Shutdown`]           |
/// | `RuntimeError: can't start new thread`     | [`Error::CannotStart`]        |
/// | `InvalidStateError` (`set_result` twice)   | [`Error::InvalidState`]       |
/// | (none: Python has no `join`)               | [`Error::Taken`]              |
/// | `ValueError` from a constructor            | [`Error::InvalidArgument`]    |
///
/// It is a [`std::error::Error`] when `E` is one, and then what the task
/// raised is its [`source`](std::error::Error::source), so an error reporter
/// (`anyhow`'s `{:#}`, a loop over `source()`) prints the whole chain, and
/// `downcast_ref` finds the task's error in it:
///
/// ```
/// use std::error::Error as _;
/// use std::io;
/// use concurrent_futures::Error;
///
/// let err: Error<io::Error> = Error::Raised(io::Error::other("disk full"));
/// assert_eq!(err.to_string(), "the task raised an error");
/// let source = err.source().unwrap();
/// assert_eq!(source.to_string(), "disk full");
/// assert!(source.downcast_ref::<io::Error>().is_some());
/// ```
///
/// `Raised`'s own message leaves the task's message to its `source`, as
/// Rust's error guidelines ask, so a reporter does not print it twice; for
/// the task's error alone, [`into_raised`](Error::into_raised) gives it back.
/// An `E` that is not a `std::error::Error` (a `String`, a `Box<dyn Error>`)
/// still has `Debug` and `Display`, but no `source` to give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The task returned `Err(e)`: in Python's words, it raised `e`. It is
    /// the error's `source()`.
    #[error("the task raised an error")]
    Raised(#[source] E),
    /// The task was cancelled before a worker started it.
    #[error("the task was cancelled")]
    Cancelled,
    /// The time given to `result_timeout`, `map_timeout` ... ran out first.
    #[error("timed out")]
    Timeout,
    /// The task panicked; the message is the panic's.
    #[error("task panicked: {0}")]
    Panicked(String),
    /// The worker process running the task died (signal, abort, exit).
    #[error("worker process died: {0}")]
    WorkerDied(String),
    /// An argument or a result could not cross between the pool and a
    /// worker process: serde refused it, as pickle refuses a lambda.
    #[error("cannot send to or from a worker process: {0}")]
    Unpicklable(String),
    /// The pool cannot run tasks any more: an initializer failed (either
    /// pool), or `terminate_workers` / `kill_workers` ended the process
    /// pool's workers. The text says which.
    #[error("the pool is broken: {0}")]
    BrokenPool(String),
    /// `submit` or `map` after `shutdown`.
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
    /// `submit` needed a new worker thread and the operating system would
    /// not start one (Python's `RuntimeError: can't start new thread`). The
    /// task was not scheduled; the pool is as it was, and a later `submit`
    /// may succeed.
    #[error("cannot start a worker: {0}")]
    CannotStart(String),
    /// [`join`](crate::Handle::join) (or `join_timeout`) on a handle of
    /// this task has taken its value out: it moves once, and every later
    /// reader gets this.
    #[error("the result was taken by join")]
    Taken,
    /// An executor finished a handle that was done already
    /// ([`set_result`](crate::Handle::set_result) twice, or after a cancel):
    /// Python's `InvalidStateError`. The text is the handle's `Debug`.
    #[error("the handle is done already: {0}")]
    InvalidState(String),
    /// A builder was given a setting Python's constructor refuses with
    /// `ValueError` (`max_workers=0`); the text says which.
    #[error("{0}")]
    InvalidArgument(String),
}

impl<E> Error<E> {
    /// The task's own error, or, if the executor raised this, its error:
    /// how a caller turns `Error<FlagError>` into a `FlagError` of its own.
    pub fn into_raised(self) -> Result<E, Error> {
        match self {
            Error::Raised(err) => Ok(err),
            Error::Cancelled => Err(Error::Cancelled),
            Error::Timeout => Err(Error::Timeout),
            Error::Panicked(message) => Err(Error::Panicked(message)),
            Error::WorkerDied(why) => Err(Error::WorkerDied(why)),
            Error::Unpicklable(why) => Err(Error::Unpicklable(why)),
            Error::BrokenPool(why) => Err(Error::BrokenPool(why)),
            Error::Shutdown => Err(Error::Shutdown),
            Error::CannotStart(why) => Err(Error::CannotStart(why)),
            Error::Taken => Err(Error::Taken),
            Error::InvalidState(handle) => Err(Error::InvalidState(handle)),
            Error::InvalidArgument(why) => Err(Error::InvalidArgument(why)),
        }
    }

    /// The short name of what was raised, for a handle's `Debug`:
    /// `FlagError`, `panic`, `WorkerDied` ...
    pub(crate) fn raised_name(&self) -> String {
        match self {
            Error::Raised(_) => crate::future::short_type_name::<E>(),
            Error::Cancelled => "CancelledError".into(),
            Error::Timeout => "TimeoutError".into(),
            Error::Panicked(_) => "panic".into(),
            Error::WorkerDied(_) => "WorkerDied".into(),
            Error::Unpicklable(_) => "Unpicklable".into(),
            Error::BrokenPool(_) => "BrokenPool".into(),
            Error::Shutdown => "Shutdown".into(),
            Error::CannotStart(_) => "CannotStart".into(),
            Error::Taken => "Taken".into(),
            Error::InvalidState(_) => "InvalidStateError".into(),
            Error::InvalidArgument(_) => "ValueError".into(),
        }
    }
}

impl Error {
    /// The same error, as one a task with error type `E` can give: the
    /// executor's errors fit every handle.
    ///
    /// `submit` and `map` refuse with a plain `Error`; in a function that
    /// returns `Error<E>`, `.map_err(Error::widen)?` re-raises the refusal:
    ///
    /// ```
    /// use std::num::ParseIntError;
    /// use concurrent_futures::{Error, ThreadPoolExecutor};
    ///
    /// fn parse_all(
    ///     executor: &ThreadPoolExecutor,
    ///     texts: &[&'static str],
    /// ) -> Result<Vec<u8>, Error<ParseIntError>> {
    ///     let mut handles = Vec::new();
    ///     for &text in texts {
    ///         let handle = executor.submit(move || text.parse::<u8>());
    ///         handles.push(handle.map_err(Error::widen)?);
    ///     }
    ///     handles.into_iter().map(|handle| handle.join()).collect()
    /// }
    ///
    /// let executor = ThreadPoolExecutor::new(2);
    /// assert_eq!(parse_all(&executor, &["1", "2"]), Ok(vec![1, 2]));
    /// assert!(matches!(parse_all(&executor, &["x"]), Err(Error::Raised(_))));
    /// executor.shutdown(true, false);
    /// assert_eq!(parse_all(&executor, &["1"]), Err(Error::Shutdown));
    /// ```
    ///
    /// It is a method and not a `From` impl, so a bare `?` does not do it:
    /// `impl<E> From<Error> for Error<E>` would overlap std's
    /// `impl<T> From<T> for T` where `E` is `Infallible`, and Rust refuses
    /// the overlap.
    pub fn widen<E>(self) -> Error<E> {
        match self {
            Error::Raised(never) => match never {},
            Error::Cancelled => Error::Cancelled,
            Error::Timeout => Error::Timeout,
            Error::Panicked(message) => Error::Panicked(message),
            Error::WorkerDied(why) => Error::WorkerDied(why),
            Error::Unpicklable(why) => Error::Unpicklable(why),
            Error::BrokenPool(why) => Error::BrokenPool(why),
            Error::Shutdown => Error::Shutdown,
            Error::CannotStart(why) => Error::CannotStart(why),
            Error::Taken => Error::Taken,
            Error::InvalidState(handle) => Error::InvalidState(handle),
            Error::InvalidArgument(why) => Error::InvalidArgument(why),
        }
    }

    /// The message of a caught panic (from `catch_unwind`).
    pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
        if let Some(text) = payload.downcast_ref::<&str>() {
            text.to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "a panic with a non-string payload".to_string()
        }
    }
}
