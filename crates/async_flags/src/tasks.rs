//! Tokio tasks that raise, read as Python's `await` reads them. Not part of
//! the listing: the listing's twin is [`crate`]'s lib.rs.

use flags_common::FlagError;
use tokio::task::JoinError;

/// A finished task as Python's `await` gives it: what it returned, or one
/// error to re-raise, whether the task returned it or panicked. tokio keeps
/// the two apart, as a `JoinError` around the task's own `Result`.
pub fn re_raise<T, E: Into<FlagError>>(
    joined: Result<Result<T, E>, JoinError>,
) -> Result<T, FlagError> {
    match joined {
        Ok(res) => res.map_err(Into::into),
        Err(err) => Err(task_failed(err)),
    }
}

/// A task that panicked (or was aborted), as this flag's error.
pub fn task_failed(err: JoinError) -> FlagError {
    FlagError::Task(err.to_string())
}
