//! `concurrent.futures.ThreadPoolExecutor`, in Rust, on a rayon thread pool.
//!
//! | Python                         | here                                  |
//! |--------------------------------|---------------------------------------|
//! | `ThreadPoolExecutor(3)`        | [`ThreadPoolExecutor::new(3)`]        |
//! | `executor.submit(fn, arg)`     | [`executor.submit(move \|\| f(arg))`] |
//! | `Future` (concurrent.futures)  | [`Handle`]                            |
//! | `executor.map(fn, items)`      | [`executor.map(f, items)`]            |
//! | `futures.as_completed(fs)`     | [`as_completed(handles)`]             |
//! | `with ... as executor:`        | dropping the executor waits           |
//!
//! Python's `Future` is called [`Handle`] here because Rust already has a
//! `std::future::Future`, a different thing: a lazy computation that does
//! nothing until an async runtime polls it. A `Handle` is for work that is
//! already scheduled on a thread, which is what a concurrent.futures `Future` is.
//!
//! rayon is made for CPU-bound work and usually sizes its pool to the cores.
//! Here, like Python, we size it to `max_workers` on purpose, because the flag
//! downloads spend their time blocked on the network, not computing.
//!
//! [`ThreadPoolExecutor::new(3)`]: ThreadPoolExecutor::new
//! [`executor.submit(move || f(arg))`]: ThreadPoolExecutor::submit
//! [`executor.map(f, items)`]: ThreadPoolExecutor::map
//! [`as_completed(handles)`]: as_completed

use std::any::{Any, type_name};
use std::collections::VecDeque;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};

/// Why a task gave no value: Python's `result()` would re-raise here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked; the message is the panic's.
    #[error("task panicked: {0}")]
    Panicked(String),
    /// The process running the task died (a process pool's worker).
    #[error("worker process died: {0}")]
    WorkerDied(String),
}

// ---------------------------------------------------------------------------
// The executor
// ---------------------------------------------------------------------------

/// A pool of `max_workers` threads that runs submitted tasks in FIFO order.
///
/// Dropping it waits for every submitted task to finish, like leaving a
/// `with futures.ThreadPoolExecutor(...) as executor:` block.
pub struct ThreadPoolExecutor {
    pool: rayon::ThreadPool,
    queue: Arc<Queue>,
}

/// Work waiting for a worker, and how many workers are busy.
struct Queue {
    state: Mutex<QueueState>,
    /// Signalled when the last busy worker goes idle.
    idle: Condvar,
}

struct QueueState {
    waiting: VecDeque<Job>,
    busy: usize,
    max_workers: usize,
}

type Job = Box<dyn FnOnce() + Send>;

impl ThreadPoolExecutor {
    /// Starts `max_workers` threads (at least one).
    pub fn new(max_workers: usize) -> ThreadPoolExecutor {
        let max_workers = max_workers.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(max_workers)
            .thread_name(|i| format!("worker-{i}"))
            .build()
            .expect("the operating system refused to start threads");
        let queue = Arc::new(Queue {
            state: Mutex::new(QueueState {
                waiting: VecDeque::new(),
                busy: 0,
                max_workers,
            }),
            idle: Condvar::new(),
        });
        ThreadPoolExecutor { pool, queue }
    }

    pub fn max_workers(&self) -> usize {
        self.queue.lock().max_workers
    }

    /// Schedules `task` and returns at once with its [`Handle`].
    ///
    /// If a worker is free the task is `running` before `submit` returns;
    /// otherwise it is `pending` until a worker takes it, oldest first.
    pub fn submit<T, F>(&self, task: F) -> Handle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.try_submit(move || Ok(task()))
    }

    /// Like [`submit`](Self::submit), for a task that can fail in ways other
    /// than a panic: its `Err` becomes the handle's error. The process pool
    /// uses it for a worker process that died.
    pub fn try_submit<T, F>(&self, task: F) -> Handle<T>
    where
        F: FnOnce() -> Result<T, TaskError> + Send + 'static,
        T: Send + 'static,
    {
        let handle = Handle::new();
        let shared = Arc::clone(&handle.shared);
        let job: Job = Box::new(move || shared.run(task));

        let mut queue = self.queue.lock();
        if queue.busy < queue.max_workers {
            // A worker is free: it is this task's from now on.
            queue.busy += 1;
            handle.shared.mark_running();
            drop(queue);
            let queue = Arc::clone(&self.queue);
            self.pool.spawn_fifo(move || work(&queue, job));
        } else {
            queue.waiting.push_back(job);
        }
        handle
    }

    /// Submits `f(item)` for every item at once, and returns an iterator that
    /// yields the results in the order of `items`, waiting for each in turn.
    ///
    /// Like Python's `Executor.map`: if a task panicked, the panic resumes
    /// in the caller when the iterator reaches that task's result.
    pub fn map<I, T, F>(
        &self,
        f: F,
        items: impl IntoIterator<Item = I>,
    ) -> ResultIter<T>
    where
        F: Fn(I) -> T + Send + Sync + 'static,
        I: Send + 'static,
        T: Send + 'static,
    {
        let f = Arc::new(f);
        let handles: Vec<Handle<T>> = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(move || f(item))
            })
            .collect();
        ResultIter::new("ThreadPoolExecutor::map", handles)
    }
}

/// A worker's life: run a job, then keep taking waiting jobs until none is left.
fn work(queue: &Queue, first: Job) {
    let mut job = first;
    loop {
        job();
        let mut state = queue.lock();
        match state.waiting.pop_front() {
            Some(next) => job = next,
            None => {
                state.busy -= 1;
                if state.busy == 0 {
                    queue.idle.notify_all();
                }
                return;
            }
        }
    }
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        // Jobs never panic while holding this lock (panics are caught in `run`).
        self.state
            .lock()
            .expect("the executor's queue lock is never poisoned")
    }
}

impl Drop for ThreadPoolExecutor {
    /// Waits for every submitted task, like Python's `executor.shutdown(wait=True)`.
    fn drop(&mut self) {
        let mut state = self.queue.lock();
        while state.busy > 0 {
            state = self.queue.idle.wait(state).expect("never poisoned");
        }
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.queue.lock();
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &state.max_workers)
            .field("busy", &state.busy)
            .field("waiting", &state.waiting.len())
            .finish()
    }
}

// ---------------------------------------------------------------------------
// Handle: Python's concurrent.futures.Future
// ---------------------------------------------------------------------------

/// A task that has been scheduled: Python's `concurrent.futures.Future`.
///
/// Its `Debug` looks like Python's repr:
/// `<Future at 0x7f3a2c000b70 state=finished returned String>`.
pub struct Handle<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    finished: Condvar,
}

struct State<T> {
    phase: Phase,
    /// `Some` once finished, until `into_result` takes it.
    outcome: Option<Result<T, TaskError>>,
    callbacks: Vec<Callback<T>>,
}

type Callback<T> = Box<dyn FnOnce(&Handle<T>) + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Finished,
}

impl<T> Handle<T> {
    fn new() -> Handle<T> {
        let state = State {
            phase: Phase::Pending,
            outcome: None,
            callbacks: Vec::new(),
        };
        Handle {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                finished: Condvar::new(),
            }),
        }
    }

    /// True once the task has finished (returned or panicked). Never blocks.
    pub fn done(&self) -> bool {
        self.shared.lock().phase == Phase::Finished
    }

    /// Waits for the task and takes its value: `Err` if it panicked.
    pub fn into_result(self) -> Result<T, TaskError> {
        let mut state = self.shared.wait_finished();
        state
            .outcome
            .take()
            .expect("only into_result takes the outcome, once")
    }

    /// Calls `callback` once, when the task finishes, on the worker thread that
    /// ran it; or at once, here, if it has finished already.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Handle<T>) + Send + 'static,
    ) {
        let mut state = self.shared.lock();
        if state.phase == Phase::Finished {
            drop(state);
            callback(self);
        } else {
            state.callbacks.push(Box::new(callback));
        }
    }
}

impl<T: Clone> Handle<T> {
    /// Waits for the task and returns (a copy of) its value, or `Err` if it
    /// panicked: Python's `future.result()`, which re-raises.
    pub fn result(&self) -> Result<T, TaskError> {
        let state = self.shared.wait_finished();
        state
            .outcome
            .clone()
            .expect("the outcome is set when finished")
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Callbacks and tasks run outside this lock, so it is never poisoned.
        self.state
            .lock()
            .expect("a handle's lock is never poisoned")
    }

    fn wait_finished(&self) -> MutexGuard<'_, State<T>> {
        let mut state = self.lock();
        while state.phase != Phase::Finished {
            state = self.finished.wait(state).expect("never poisoned");
        }
        state
    }

    fn mark_running(&self) {
        self.lock().phase = Phase::Running;
    }

    /// Runs the task on a worker thread, stores its outcome, wakes waiters and
    /// runs the callbacks. A panic is caught and kept, as Python keeps an exception.
    fn run(self: Arc<Self>, task: impl FnOnce() -> Result<T, TaskError>) {
        self.mark_running();
        let outcome = panic::catch_unwind(AssertUnwindSafe(task))
            .unwrap_or_else(|payload| Err(TaskError::from_panic(payload)));
        let callbacks = {
            let mut state = self.lock();
            state.phase = Phase::Finished;
            state.outcome = Some(outcome);
            std::mem::take(&mut state.callbacks)
        };
        self.finished.notify_all();
        let handle = Handle { shared: self };
        for callback in callbacks {
            // Python logs and ignores an exception raised by a callback; a panic
            // here has been printed by the panic hook, and the worker carries on.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| callback(&handle)));
        }
    }
}

impl TaskError {
    /// The error for a caught panic (from `catch_unwind`, or a tokio `JoinError`).
    pub fn from_panic(payload: Box<dyn Any + Send>) -> TaskError {
        TaskError::Panicked(panic_message(payload.as_ref()))
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        let address = Arc::as_ptr(&self.shared);
        match (state.phase, &state.outcome) {
            (Phase::Pending, _) => {
                write!(f, "<Future at {address:p} state=pending>")
            }
            (Phase::Running, _) => {
                write!(f, "<Future at {address:p} state=running>")
            }
            (Phase::Finished, Some(Err(_))) => {
                write!(f, "<Future at {address:p} state=finished raised panic>")
            }
            (Phase::Finished, _) => write!(
                f,
                "<Future at {address:p} state=finished returned {}>",
                short_type_name::<T>()
            ),
        }
    }
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

// ---------------------------------------------------------------------------
// map's iterator and as_completed
// ---------------------------------------------------------------------------

/// What [`ThreadPoolExecutor::map`] returns: results in input order.
pub struct ResultIter<T> {
    source: &'static str,
    handles: VecDeque<Handle<T>>,
}

impl<T> ResultIter<T> {
    /// Yields the results of `handles` in their order; `source` names the
    /// `map` that made it, for its `Debug`.
    pub fn new(
        source: &'static str,
        handles: impl IntoIterator<Item = Handle<T>>,
    ) -> Self {
        ResultIter {
            source,
            handles: handles.into_iter().collect(),
        }
    }
}

impl<T> Iterator for ResultIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let handle = self.handles.pop_front()?;
        match handle.into_result() {
            Ok(value) => Some(value),
            // Python's map re-raises the task's exception here, in the caller.
            Err(TaskError::Panicked(message)) => {
                panic::resume_unwind(Box::new(message))
            }
            Err(err) => panic::resume_unwind(Box::new(err.to_string())),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.handles.len(), Some(self.handles.len()))
    }
}

impl<T> ExactSizeIterator for ResultIter<T> {}

impl<T> fmt::Debug for ResultIter<T> {
    /// Shaped like Python's `<generator object Executor.map.<locals>.result_iterator at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ResultIter from {} at {self:p}>", self.source)
    }
}

/// Yields the handles as their tasks finish, whatever order they were given in:
/// Python's `futures.as_completed(fs)`.
pub fn as_completed<T: Send + 'static>(
    handles: impl IntoIterator<Item = Handle<T>>,
) -> AsCompleted<T> {
    let (done_tx, done_rx) = mpsc::channel();
    let handles: Vec<Option<Handle<T>>> = handles
        .into_iter()
        .enumerate()
        .map(|(index, handle)| {
            let done_tx = done_tx.clone();
            // Each task reports its own index when it finishes (or at once if it has).
            handle.add_done_callback(move |_| {
                let _ = done_tx.send(index);
            });
            Some(handle)
        })
        .collect();
    AsCompleted {
        remaining: handles.len(),
        handles,
        done_rx,
    }
}

/// The iterator [`as_completed`] returns.
pub struct AsCompleted<T> {
    handles: Vec<Option<Handle<T>>>,
    remaining: usize,
    done_rx: mpsc::Receiver<usize>,
}

impl<T> Iterator for AsCompleted<T> {
    type Item = Handle<T>;

    fn next(&mut self) -> Option<Handle<T>> {
        if self.remaining == 0 {
            return None;
        }
        let index = self
            .done_rx
            .recv()
            .expect("every handle reports exactly once");
        self.remaining -= 1;
        self.handles[index].take()
    }
}

impl<T> fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<as_completed: {} of {} to go>",
            self.remaining,
            self.handles.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(short_type_name::<String>(), "String");
        assert_eq!(short_type_name::<u64>(), "u64");
        assert_eq!(
            short_type_name::<Result<String, std::io::Error>>(),
            "Result<String, Error>"
        );
        assert_eq!(short_type_name::<Vec<(i32, &str)>>(), "Vec<(i32, &str)>");
    }
}
