//! What Python would raise, as one enum Rust returns.

/// Why a handle gave no value, or why the executor refused work.
///
/// | Python raises                        | here                    |
/// |--------------------------------------|-------------------------|
/// | `CancelledError`                     | [`Error::Cancelled`]    |
/// | `TimeoutError`                       | [`Error::Timeout`]      |
/// | the task's own exception             | [`Error::Panicked`]     |
/// | `BrokenProcessPool` (for every task) | [`Error::WorkerDied`] (for that task only) |
/// | `RuntimeError` after `shutdown()`    | [`Error::Shutdown`]     |
///
/// A task that can fail in an ordinary way returns a `Result` of its own; that
/// `Err` is the task's value, not one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
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
    /// `submit` or `map` after `shutdown`.
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
}

impl Error {
    /// The error for a caught panic (from `catch_unwind`, or a tokio `JoinError`).
    pub fn from_panic(payload: Box<dyn std::any::Any + Send>) -> Error {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            text.to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "a panic with a non-string payload".to_string()
        };
        Error::Panicked(message)
    }
}
