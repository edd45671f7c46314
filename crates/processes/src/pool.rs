//! `concurrent.futures.ProcessPoolExecutor`: the thread executor's interface,
//! with every task run in a worker process.
//!
//! The worker processes come from `procspawn`: it re-executes the current
//! program, which (because `main` calls `procspawn::init()` first, as Python's
//! `if __name__ == '__main__':` guard protects its workers) runs the task and
//! sends the result back over an IPC channel. A task is a plain `fn` plus
//! serialisable arguments, and its result is serialised back: Python's
//! pickling rule, in Rust types.
//!
//! Each task gets a fresh process, like Python's
//! `ProcessPoolExecutor(max_tasks_per_child=1)`, and at most `max_workers` run
//! at once: a thread of an ordinary [`ThreadPoolExecutor`] starts each one and
//! waits for it. So `submit` returns the same [`Handle`], `as_completed` works
//! unchanged, a panic comes back with its message, and a process that dies
//! takes only its own task with it. The price: starting a process per task
//! costs about 0.85 ms here, against 0.09 ms to reuse one through
//! `procspawn::Pool` (`just overhead`), whose workers lose a panic's message.
//! For tasks that run for milliseconds or more, that is noise.

use std::thread;

use flags_common::executor::{Handle, ResultIter, TaskError, ThreadPoolExecutor};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Runs tasks in worker processes, at most `max_workers` at a time.
///
/// Dropping it waits for every submitted task, like the thread executor.
#[derive(Debug)]
pub struct ProcessPoolExecutor {
    threads: ThreadPoolExecutor,
}

impl ProcessPoolExecutor {
    /// `None` means one worker per core: the chapter's rule of thumb for
    /// CPU-bound work.
    pub fn new(max_workers: Option<usize>) -> ProcessPoolExecutor {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        let max_workers = max_workers.unwrap_or(cores).max(1);
        ProcessPoolExecutor {
            threads: ThreadPoolExecutor::new(max_workers),
        }
    }

    pub fn max_workers(&self) -> usize {
        self.threads.max_workers()
    }

    /// Schedules `f(arg)` in a worker process. `f` must be a plain function
    /// (no captured variables: they could not be sent), and `arg` and the
    /// result must be serialisable.
    pub fn submit<A, R>(&self, f: fn(A) -> R, arg: A) -> Handle<R>
    where
        A: Serialize + DeserializeOwned + Send + 'static,
        R: Serialize + DeserializeOwned + Send + 'static,
    {
        self.threads.try_submit(move || {
            // This thread only starts the process and waits for its answer.
            procspawn::spawn(arg, f)
                .join()
                .map_err(|err| match err.panic_info() {
                    Some(panic) => TaskError::Panicked(panic.message().to_string()),
                    // Killed, aborted, crashed: no answer came back.
                    None => TaskError::WorkerDied(err.to_string()),
                })
        })
    }

    /// Python's `executor.map(f, items)`: results in input order.
    pub fn map<A, R>(
        &self,
        f: fn(A) -> R,
        items: impl IntoIterator<Item = A>,
    ) -> ResultIter<R>
    where
        A: Serialize + DeserializeOwned + Send + 'static,
        R: Serialize + DeserializeOwned + Send + 'static,
    {
        let handles: Vec<Handle<R>> =
            items.into_iter().map(|arg| self.submit(f, arg)).collect();
        ResultIter::new("ProcessPoolExecutor::map", handles)
    }
}
