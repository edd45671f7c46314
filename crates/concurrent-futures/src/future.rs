//! [`Handle`]: Python's `concurrent.futures.Future`, the handle of a task that
//! has been scheduled.
//!
//! A handle moves through Python's four states, once each way:
//!
//! ```text
//! pending ──(a worker takes it)──> running ──(it returns or panics)──> finished
//!    └──────────(cancel)──────────> cancelled
//! ```
//!
//! Waiting is a mutex and a condition variable; `wait` and `as_completed`
//! register a channel on each handle instead, and hear from whichever
//! finishes first.

use std::any::type_name;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use crate::Error;

/// A task that has been scheduled: Python's `concurrent.futures.Future`.
///
/// Only executors make handles, as only executors make Python's futures.
/// Cloning one is cheap and gives another handle on the same task.
///
/// Its `Debug` looks like Python's repr:
/// `<Future at 0x7f3a2c000b70 state=finished returned String>`.
pub struct Handle<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Notified when the handle becomes done (finished or cancelled).
    done: Condvar,
}

struct State<T> {
    phase: Phase,
    /// `Some` once finished.
    outcome: Option<Result<T, Error>>,
    callbacks: Vec<Callback<T>>,
    waiters: Vec<Waiter>,
    /// Threads blocked in `result()` and friends: with none, finishing needs
    /// no wake-up call (a system call per task, saved).
    sleepers: usize,
}

type Callback<T> = Box<dyn FnOnce(&Handle<T>) + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Cancelled,
    Finished,
}

/// A `wait` or `as_completed` call listening to this handle: it is sent
/// `index` once, when the handle becomes done.
#[derive(Debug)]
pub(crate) struct Waiter {
    pub(crate) id: u64,
    pub(crate) index: usize,
    pub(crate) tx: mpsc::Sender<usize>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Two handles are equal when they are handles on the same task, and hash
/// by that identity: Python's futures can be dict keys (`to_do_map[future] = cc`),
/// and so can these.
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Handle<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Eq for Handle<T> {}

impl<T> std::hash::Hash for Handle<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.shared).hash(state);
    }
}

impl<T> Handle<T> {
    /// A pending handle, for an executor to run later.
    pub(crate) fn new() -> Handle<T> {
        let state = State {
            phase: Phase::Pending,
            outcome: None,
            callbacks: Vec::new(),
            waiters: Vec::new(),
            sleepers: 0,
        };
        Handle {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                done: Condvar::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Tasks and callbacks run outside this lock, so it is never poisoned.
        self.shared
            .state
            .lock()
            .expect("a handle's lock is never poisoned")
    }

    /// True if the task finished or was cancelled. Never blocks.
    pub fn done(&self) -> bool {
        matches!(self.lock().phase, Phase::Finished | Phase::Cancelled)
    }

    /// True while a worker has the task (it can no longer be cancelled).
    pub fn running(&self) -> bool {
        self.lock().phase == Phase::Running
    }

    /// True if [`cancel`](Self::cancel) stopped the task before it started.
    pub fn cancelled(&self) -> bool {
        self.lock().phase == Phase::Cancelled
    }

    /// Cancels the task if no worker has started it, and says whether it is
    /// cancelled now. A running or finished task cannot be stopped: Rust, like
    /// Python, has no safe way to interrupt a thread.
    pub fn cancel(&self) -> bool {
        let mut state = self.lock();
        match state.phase {
            Phase::Cancelled => return true,
            Phase::Running | Phase::Finished => return false,
            Phase::Pending => state.phase = Phase::Cancelled,
        }
        self.became_done(state);
        true
    }

    /// Waits for the task and returns a copy of its value: Python's
    /// `future.result()`, with what it would raise as `Err`.
    pub fn result(&self) -> Result<T, Error>
    where
        T: Clone,
    {
        let state = self.wait_done(None);
        outcome_of(&state)
    }

    /// [`result`](Self::result), giving up with [`Error::Timeout`] after
    /// `timeout`. The task itself goes on running.
    pub fn result_timeout(&self, timeout: Duration) -> Result<T, Error>
    where
        T: Clone,
    {
        let state = self.wait_done(Some(Instant::now() + timeout));
        outcome_of(&state)
    }

    /// Waits for the task and returns the error it ended with, if any:
    /// Python's `future.exception()`. `Err` is what Python's would raise
    /// (cancelled, timed out); `Ok(None)` means the task returned a value.
    pub fn exception(&self) -> Result<Option<Error>, Error> {
        exception_of(&self.wait_done(None))
    }

    /// [`exception`](Self::exception), giving up after `timeout`.
    pub fn exception_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Error>, Error> {
        exception_of(&self.wait_done(Some(Instant::now() + timeout)))
    }

    /// Calls `callback` exactly once, when the task is done (finished or
    /// cancelled): on the thread that finished it, or here and now if it is
    /// done already. A callback that panics is reported and the others still run.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Handle<T>) + Send + 'static,
    ) {
        let mut state = self.lock();
        if matches!(state.phase, Phase::Finished | Phase::Cancelled) {
            drop(state);
            run_callback(self, Box::new(callback));
        } else {
            state.callbacks.push(Box::new(callback));
        }
    }

    /// Blocks until done or until `deadline`. Spurious wake-ups loop back.
    fn wait_done(&self, deadline: Option<Instant>) -> MutexGuard<'_, State<T>> {
        let mut state = self.lock();
        while !matches!(state.phase, Phase::Finished | Phase::Cancelled) {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                break;
            }
            let done = &self.shared.done;
            state.sleepers += 1;
            state = match left {
                None => done.wait(state).expect("never poisoned"),
                Some(left) => {
                    done.wait_timeout(state, left).expect("never poisoned").0
                }
            };
            state.sleepers -= 1;
        }
        state
    }

    // -- What executors do to a handle (Python's "internal" Future methods) --

    /// Marks a pending handle running, because a worker is taking it now.
    /// Returns false if it was cancelled: the worker must skip it.
    /// Python's `set_running_or_notify_cancel`.
    pub(crate) fn set_running_or_notify_cancel(&self) -> bool {
        let mut state = self.lock();
        match state.phase {
            Phase::Cancelled => false,
            Phase::Pending | Phase::Running => {
                state.phase = Phase::Running;
                true
            }
            Phase::Finished => {
                unreachable!("a finished task is never started again")
            }
        }
    }

    /// Runs `task` here, catching a panic as Python catches an exception, and
    /// finishes the handle with the outcome.
    pub(crate) fn run(&self, task: impl FnOnce() -> T) {
        let outcome =
            panic::catch_unwind(AssertUnwindSafe(task)).map_err(Error::from_panic);
        self.finish(outcome);
    }

    /// Stores the outcome, wakes every waiter and runs the callbacks.
    pub(crate) fn finish(&self, outcome: Result<T, Error>) {
        let mut state = self.lock();
        if state.phase == Phase::Cancelled {
            return;
        }
        state.phase = Phase::Finished;
        state.outcome = Some(outcome);
        self.became_done(state);
    }

    /// Adds a waiter; if the handle is done already, it hears so at once.
    pub(crate) fn add_waiter(&self, waiter: Waiter) {
        let mut state = self.lock();
        if matches!(state.phase, Phase::Finished | Phase::Cancelled) {
            let _ = waiter.tx.send(waiter.index);
        } else {
            state.waiters.push(waiter);
        }
    }

    /// Removes the waiter registered under `id` (the call stopped listening).
    pub(crate) fn remove_waiter(&self, id: u64) {
        self.lock().waiters.retain(|waiter| waiter.id != id);
    }

    /// The handle has just become done: wake `result()` callers and waiters,
    /// then run the callbacks outside the lock, so they may use this handle.
    fn became_done(&self, mut state: MutexGuard<'_, State<T>>) {
        let callbacks = std::mem::take(&mut state.callbacks);
        for waiter in state.waiters.drain(..) {
            let _ = waiter.tx.send(waiter.index);
        }
        let sleepers = state.sleepers;
        drop(state);
        if sleepers > 0 {
            self.shared.done.notify_all();
        }
        for callback in callbacks {
            run_callback(self, callback);
        }
    }
}

fn run_callback<T>(handle: &Handle<T>, callback: Callback<T>) {
    // Python logs an exception raised by a callback and goes on; the panic
    // hook has printed the panic, so say which callback it was and go on.
    if panic::catch_unwind(AssertUnwindSafe(|| callback(handle))).is_err() {
        eprintln!(
            "concurrent_futures: exception calling callback for <Future at {:p}>",
            Arc::as_ptr(&handle.shared)
        );
    }
}

fn outcome_of<T: Clone>(state: &State<T>) -> Result<T, Error> {
    match (state.phase, &state.outcome) {
        (Phase::Cancelled, _) => Err(Error::Cancelled),
        (Phase::Finished, Some(outcome)) => outcome.clone(),
        _ => Err(Error::Timeout),
    }
}

fn exception_of<T>(state: &State<T>) -> Result<Option<Error>, Error> {
    match (state.phase, &state.outcome) {
        (Phase::Cancelled, _) => Err(Error::Cancelled),
        (Phase::Finished, Some(Err(err))) => Ok(Some(err.clone())),
        (Phase::Finished, _) => Ok(None),
        _ => Err(Error::Timeout),
    }
}

impl<T: fmt::Debug> fmt::Debug for Handle<T> {
    /// `<Future at 0x.. state=finished returned String>`, as Python's repr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let address = Arc::as_ptr(&self.shared);
        write!(f, "<Future at {address:p} state=")?;
        match (state.phase, &state.outcome) {
            (Phase::Pending, _) => write!(f, "pending>"),
            (Phase::Running, _) => write!(f, "running>"),
            (Phase::Cancelled, _) => write!(f, "cancelled>"),
            (Phase::Finished, Some(Ok(value))) => match returned_err(value) {
                Some(err_type) => write!(f, "finished raised {err_type}>"),
                None => write!(f, "finished returned {}>", returned_ok::<T>()),
            },
            (Phase::Finished, Some(Err(Error::WorkerDied(_)))) => {
                write!(f, "finished raised WorkerDied>")
            }
            (Phase::Finished, _) => write!(f, "finished raised panic>"),
        }
    }
}

/// The type a task "returns": `String` for `String`, and `String` also for
/// `Result<String, FlagError>`, whose `Err` side is what it "raises".
fn returned_ok<T>() -> String {
    let name = short_type_name::<T>();
    match result_parts(&name) {
        Some((ok, _)) => ok.to_string(),
        None => name,
    }
}

/// `Some("FlagError")` if `value` is the `Err` of a `Result`: Python would
/// say the task raised it. Rust cannot ask a generic `T` "are you an `Err`?"
/// (that would need specialization), but a `Result`'s `Debug` starts with
/// `Err(` exactly when it is one, and we stop reading after four characters.
fn returned_err<T: fmt::Debug>(value: &T) -> Option<String> {
    let name = short_type_name::<T>();
    let (_, err) = result_parts(&name)?;
    let mut head = Head(String::new());
    let _ = fmt::write(&mut head, format_args!("{value:?}"));
    head.0.starts_with("Err(").then(|| err.to_string())
}

/// Keeps the first four characters written to it, then refuses the rest.
struct Head(String);

impl fmt::Write for Head {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0
            .extend(s.chars().take(4 - self.0.chars().count().min(4)));
        if self.0.chars().count() >= 4 {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// `Result<A, B>` -> `("A", "B")`, splitting at the top-level comma.
fn result_parts(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_prefix("Result<")?.strip_suffix('>')?;
    let mut depth = 0;
    for (i, ch) in inner.char_indices() {
        match ch {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                return Some((inner[..i].trim(), inner[i + 1..].trim()));
            }
            _ => {}
        }
    }
    None
}

/// `alloc::string::String` -> `String`, `core::result::Result<u64, my::Error>`
/// -> `Result<u64, Error>`: the short names Python's repr would show.
pub fn short_type_name<T: ?Sized>() -> String {
    let full = type_name::<T>();
    let mut short = String::with_capacity(full.len());
    let mut word = String::new();
    for ch in full.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            word.push(ch);
        } else {
            short.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            short.push(ch);
        }
    }
    short.push_str(word.rsplit("::").next().unwrap_or(&word));
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(short_type_name::<String>(), "String");
        assert_eq!(
            short_type_name::<Result<String, std::io::Error>>(),
            "Result<String, Error>"
        );
        assert_eq!(short_type_name::<Vec<(i32, &str)>>(), "Vec<(i32, &str)>");
    }

    #[test]
    fn a_result_splits_into_what_it_returns_and_what_it_raises() {
        assert_eq!(
            result_parts("Result<String, Error>"),
            Some(("String", "Error"))
        );
        assert_eq!(
            result_parts("Result<Vec<(u8, u8)>, Box<dyn Error>>"),
            Some(("Vec<(u8, u8)>", "Box<dyn Error>"))
        );
        assert_eq!(result_parts("Option<u8>"), None);
        assert_eq!(
            returned_err(&Err::<u8, String>("x".into())).as_deref(),
            Some("String")
        );
        assert_eq!(returned_err(&Ok::<u8, String>(1)), None);
        assert_eq!(returned_err(&"Err(not a Result)"), None);
    }
}
