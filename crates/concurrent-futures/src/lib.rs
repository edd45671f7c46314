//! Python's `concurrent.futures`, in Rust: `use concurrent_futures::{...}`
//! reads as Python's `from concurrent import futures`.
//!
//! ```
//! use concurrent_futures::{Executor, ThreadPoolExecutor, as_completed};
//!
//! let executor = ThreadPoolExecutor::new(4);
//! let futures: Vec<_> = (1..=3u64)
//!     .map(|n| executor.submit(move || n * n).unwrap())
//!     .collect();
//! let total: u64 = as_completed(futures).map(|f| f.result().unwrap()).sum();
//! assert_eq!(total, 14);
//! let squares: Vec<u64> = executor.map(|n: u64| n * n, 1..=3).unwrap()
//!     .map(Result::unwrap)
//!     .collect();
//! assert_eq!(squares, [1, 4, 9]);
//! ```
//!
//! | Python                                   | Rust                                              | What differs |
//! |------------------------------------------|---------------------------------------------------|--------------|
//! | `Executor` (the abstract base class)     | [`Executor`]: `submit`, `map`, `map_timeout`, `map_buffersize`, `shutdown` | `Executor<F, A>`: `F` is the function a task calls on its argument `A`, any closure on threads, a plain `fn` on processes |
//! | `ThreadPoolExecutor(max_workers=None, thread_name_prefix='', initializer=None, initargs=())` | [`ThreadPoolExecutor::new`], [`ThreadPoolExecutor::builder`] | `max_workers` defaults to `min(32, cores + 4)`; workers are named `{prefix}_{k}`, by default `ThreadPoolExecutor-{n}_{k}`; the initializer is a closure (it captures `initargs`), and one that returns `Err` or panics breaks the pool: [`Error::BrokenPool`] for the queued tasks and every later `submit` (`BrokenThreadPool`); `max_workers(0)` is [`Error::InvalidArgument`] from `build()` (`ValueError`), a panic from `new` |
//! | `ProcessPoolExecutor(max_workers, initializer=, initargs=, max_tasks_per_child=)` | [`ProcessPoolExecutor::new`], [`ProcessPoolExecutor::builder`] | Unix only (feature `process-pool`, on by default); a plain `fn`, arguments and results [`Picklable`] (serde); `map(.., chunksize=n)` is [`map_chunksize`](ProcessPoolExecutor::map_chunksize); `procspawn::init()` first in `main` |
//! | `executor.submit(fn, arg)`               | [`Executor::submit(&executor, f, arg)`](Executor::submit) on both pools; on threads also [`executor.submit(move \|\| f(arg))`](ThreadPoolExecutor::submit) | `Err(Shutdown)`, or `Err(CannotStart)` when no thread can start, instead of `RuntimeError`. On the thread pool, `executor.submit(f, arg)` finds its own closure form and does not compile: name the trait's |
//! | `executor.map(fn, items, timeout=t, buffersize=n)` | [`map`](Executor::map), [`map_timeout`](Executor::map_timeout), [`map_buffersize`](Executor::map_buffersize), [`map_buffersize_timeout`](Executor::map_buffersize_timeout) | yields a `Result` per item |
//! | `executor.shutdown(wait, cancel_futures=...)` | [`shutdown(wait, cancel_futures)`](ThreadPoolExecutor::shutdown) | |
//! | `terminate_workers()`, `kill_workers()` (3.14) | [`ProcessPoolExecutor::terminate_workers`], [`ProcessPoolExecutor::kill_workers`] | |
//! | `with executor:`                         | dropping the executor                             | |
//! | `Future`                                 | [`Handle<T, E>`](Handle)                          | the name: Rust's `Future` is another thing |
//! | a call that returns or raises            | a task returning `T`, or `Result<T, E>` ([`Outcome`]) | `Err(e)` is raised: `Debug` says `raised E`, [`exception`](Handle::exception) gives `Error::Raised(e)`, `wait(FirstException)` stops for it. A plain value (`u64`, `String`, arrays, tuples, `Arc<str>` ...) never raises; one of your own types says so with [`never_raises!`], one of another crate is returned as `Ok::<_, Infallible>(v)`. The handle is `Handle<T, E>`, with `E` = [`Infallible`](std::convert::Infallible) when nothing can be raised; a `From<Error<E>>` of your own error lets one `?` re-raise, and [`Error::widen`] lets `?` pass a refused `submit` on as an `Error<E>` |
//! | `future.done()`, `running()`, `cancelled()`, `cancel()` | the same names                     | |
//! | `future.result(timeout=t)`               | [`result`](Handle::result), [`result_timeout`](Handle::result_timeout) | returns `Err` where Python raises; a copy of the value (`T: Clone`), read as often as wanted until a [`join`](Handle::join) moves it out |
//! | (none: Python's readers share one object) | [`join`](Handle::join), [`join_timeout`](Handle::join_timeout) | moves the value out, for any `T` and `E` (`io::Error`, a `File`); later readers of the same task get [`Error::Taken`]. [`Map`] reads this way, so `map` needs no `Clone` |
//! | `future.exception(timeout=t)`            | [`exception`](Handle::exception), [`exception_timeout`](Handle::exception_timeout) | the error, typed |
//! | `future.add_done_callback(fn)`           | [`add_done_callback`](Handle::add_done_callback)  | |
//! | `Future()`, `set_running_or_notify_cancel()`, `set_result(r)`, `set_exception(e)` (for writing an executor) | [`Handle::new`], [`set_running_or_notify_cancel`](Handle::set_running_or_notify_cancel), [`set_result`](Handle::set_result), [`set_exception`](Handle::set_exception) | a second `set_result` gives `Err(Error::InvalidState)` where Python raises `InvalidStateError` |
//! | `futures.as_completed(fs, timeout=t)`    | [`as_completed`], [`as_completed_timeout`]        | the timeout is one last `Err` item; its clock starts at the first `next`, as a Python generator's body does |
//! | `futures.wait(fs, timeout, return_when)` | [`wait`], [`wait_timeout`], [`ReturnWhen`]        | |
//! | `CancelledError`, `TimeoutError`, `BrokenThreadPool`, `BrokenProcessPool`, `PicklingError`, `InvalidStateError` ... | [`Error`]   | one enum; what the task raised is its `source()` |
//!
//! Where Python takes `timeout=None`, Rust has two names, as `std` does
//! (`recv` and `recv_timeout`): `result()` waits for ever, `result_timeout(t)`
//! gives up after `t`.
//!
//! Python has nothing like [`events`]: an opt-in, process-wide observer told
//! of every change in every task's life (pending, running on worker k,
//! finished, cancelled, result taken), for a tool that draws a run without
//! touching its code. Unobserved, it costs one atomic load per handle made.
//!
//! # Where this crate differs from CPython, on purpose
//!
//! | What Python does | What we do | Why |
//! |------------------|------------|-----|
//! | A task is `running` only once a worker thread takes it, and can be cancelled until then. | The thread pool decides at `submit`: a task gets a free worker (and is `running`) or waits (`pending`). With 10 workers, the first 10 tasks are `running`, every time. | The chapter's futures section prints those states; decided at `submit`, its output is the same on every run instead of a race. |
//! | `map` raises the first failure from `__next__`, and the generator is over. | `map` yields a `Result` per item and goes on after a failure. | A Rust iterator cannot raise; `?` in the loop gives Python's behaviour, and a loop that counts failures (flags2) needs the rest. |
//! | One dead worker process breaks the whole pool (`BrokenProcessPool` for every task). | Only the task that worker was running fails ([`Error::WorkerDied`], naming the signal); a new worker takes over the queue. | A crash in one task should not fail the others; the pool still breaks when no worker can start (initializer). |
//! | `terminate_workers()` and `kill_workers()` cancel the queued tasks. | Queued tasks fail with [`Error::BrokenPool`], which says which call ended the workers; the call returns once every worker is collected. | The error tells a reader why a task never ran; waiting guarantees no child is left. |
//! | `submit` takes any callable, pickled by name. | The process pool takes a plain `fn(A) -> R` with serde arguments and result; a function from a dynamic library is refused ([`Error::Unpicklable`]). | Rust keeps no function names at run time: a function crosses as an offset in the shared executable, which means nothing for a library loaded at its own address in each process. |
//! | Ctrl-C (SIGINT) raises `KeyboardInterrupt` in the task each worker process is running. | Worker processes ignore SIGINT: a running task finishes, and the pool's own process decides (its `shutdown` ends the workers). | A task stopped half-way can leave half-written work behind; the program that owns the pool is the one that should handle Ctrl-C. |
//! | The process pool's `submit` raises when a new worker process cannot start; the pool stays usable. | The process starts on a keeper thread: the tasks waiting for it fail with [`Error::CannotStart`], the pool is not broken, and the next `submit` tries again. | `submit` does not wait for a process to start, so it stays quick; the error still reaches a future, and nothing waits for ever. |
//! | A task that calls `shutdown(wait=True)` on its own pool tries to join its own thread (`RuntimeError`). | It waits for every other worker (or keeper), then returns; so does a done-callback on a worker. | A task or callback may end its pool without an error; every other `shutdown(wait=true)` caller still waits for all. |
//! | A generator from `map(buffersize=n)` holds the executor weakly. | [`map_buffersize`](Executor::map_buffersize) borrows it: the executor outlives the iterator. | The borrow checker proves what the weak reference checks at run time. |
//! | `result()` can be read any number of times. | So can [`result`](Handle::result) (it clones the value); a value that is not `Clone` moves out with [`join`](Handle::join), and every later reader of that task gets [`Error::Taken`]. | A Rust value need not be copyable, and it moves once; `Taken` says where it went. |
//! | Printing a re-raised exception shows the task's own message. | [`Error::Raised(e)`](Error::Raised) displays "the task raised an error", and `e` is its `source()` ([`into_raised`](Error::into_raised) gives `e` back). | Rust's error reporters walk `source()`, and would print the message twice. |
//! | A failing initializer is logged (`LOGGER.critical`, with a traceback). | It is printed to stderr (a panicking one by the panic hook first). | The crate has no logging dependency; stderr is where a learner looks. |
//! | `set_running_or_notify_cancel` on a running or finished future raises `RuntimeError`. | It panics. | It is the executor's bug, not a condition for its caller to handle. |

#![warn(missing_docs)]

mod error;
pub mod events;
mod executor;
mod future;
mod map;
mod outcome;
#[cfg(all(unix, feature = "process-pool"))]
mod process_pool;
mod sync;
mod thread_pool;
mod wait;

pub use error::Error;
pub use executor::{Executor, HandleOf, MapOf};
pub use future::Handle;
pub use map::Map;
pub use outcome::Outcome;
#[cfg(all(unix, feature = "process-pool"))]
pub use process_pool::{Picklable, ProcessPoolBuilder, ProcessPoolExecutor};
pub use thread_pool::{ThreadPoolBuilder, ThreadPoolExecutor};
pub use wait::{
    AsCompleted, AsCompletedTimeout, DoneAndNotDone, ReturnWhen, as_completed,
    as_completed_timeout, wait, wait_timeout,
};

/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadMe;

// The examples of `notes/concurrent_futures.md` are doc tests of the
// workspace's test package (tests/support), not of this crate: the note is
// not part of the published package, and `cargo package` builds it alone.
