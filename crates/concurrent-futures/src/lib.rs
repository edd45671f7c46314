//! Python's `concurrent.futures`, in Rust: `use concurrent_futures::{...}`
//! reads as Python's `from concurrent import futures`.
//!
//! | Python                                   | Rust                                              | What differs |
//! |------------------------------------------|---------------------------------------------------|--------------|
//! | `ThreadPoolExecutor(max_workers)`        | [`ThreadPoolExecutor::new`]                       | `max_workers` is required |
//! | `ProcessPoolExecutor(max_workers, initializer=, initargs=, max_tasks_per_child=)` | [`ProcessPoolExecutor::new`], [`ProcessPoolExecutor::builder`] | `submit(f, arg)`: a plain `fn`, arguments and results [`Picklable`] (serde); `map(.., chunksize=n)` is [`map_chunksize`](ProcessPoolExecutor::map_chunksize); a dead worker fails only its task ([`Error::WorkerDied`]); `procspawn::init()` first in `main` |
//! | `executor.submit(fn, *args)`             | [`submit(move \|\| f(arg))`](ThreadPoolExecutor::submit) | a closure carries the arguments; `Err(Shutdown)` instead of `RuntimeError` |
//! | `executor.map(fn, items, timeout=t)`     | [`map`](ThreadPoolExecutor::map), [`map_timeout`](ThreadPoolExecutor::map_timeout) | yields `Result`s: a failed task does not end the loop |
//! | `executor.shutdown(wait, cancel_futures=...)` | [`shutdown(wait, cancel_futures)`](ThreadPoolExecutor::shutdown) | |
//! | `with executor:`                         | dropping the executor                             | |
//! | `Future`                                 | [`Handle`]                                        | the name: Rust's `Future` is another thing |
//! | `future.done()`, `running()`, `cancelled()`, `cancel()` | the same names                     | |
//! | `future.result(timeout=t)`               | [`result`](Handle::result), [`result_timeout`](Handle::result_timeout) | returns `Err` where Python raises |
//! | `future.exception(timeout=t)`            | [`exception`](Handle::exception), [`exception_timeout`](Handle::exception_timeout) | |
//! | `future.add_done_callback(fn)`           | [`add_done_callback`](Handle::add_done_callback)  | |
//! | `futures.as_completed(fs, timeout=t)`    | [`as_completed`], [`as_completed_timeout`]        | the timeout is one last `Err` item |
//! | `futures.wait(fs, timeout, return_when)` | [`wait`], [`wait_timeout`], [`ReturnWhen`]        | |
//! | `CancelledError`, `TimeoutError` ...     | [`Error`]                                         | one enum |
//!
//! Where Python takes `timeout=None`, Rust has two names, as `std` does
//! (`recv` and `recv_timeout`): `result()` waits for ever, `result_timeout(t)`
//! gives up after `t`.
//!
//! The thread pool keeps its own FIFO queue and decides at `submit` whether a
//! worker is free, so a handle's state is fixed there: with 10 workers, the
//! first 10 tasks submitted are `running` and the rest `pending`, every time.

mod error;
mod executor;
mod future;
mod map;
mod outcome;
#[cfg(feature = "process-pool")]
mod process_pool;
mod thread_pool;
mod wait;

pub use error::Error;
pub use executor::{Executor, HandleOf, MapOf};
pub use future::Handle;
pub use map::Map;
pub use outcome::Outcome;
#[cfg(feature = "process-pool")]
pub use process_pool::{Picklable, ProcessPoolBuilder, ProcessPoolExecutor};
pub use thread_pool::ThreadPoolExecutor;
pub use wait::{
    AsCompleted, AsCompletedTimeout, DoneAndNotDone, ReturnWhen, as_completed,
    as_completed_timeout, wait, wait_timeout,
};

/// The examples of `notes/concurrent_futures.md`, compiled and run as doc
/// tests so the note cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../../../notes/concurrent_futures.md")]
pub struct NotesConcurrentFutures;
