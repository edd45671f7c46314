//! [`ProcessPoolBuilder`]: Python's constructor arguments, by name.

use std::thread;

use super::function::FnRef;
use super::{Picklable, ProcessPoolExecutor, refusal, wire};
use crate::Error;

/// `ProcessPoolExecutor(max_workers=None, initializer=None, initargs=(),
/// max_tasks_per_child=None)`, one method per argument:
/// `ProcessPoolExecutor::builder().max_workers(2).build()`.
#[derive(Debug, Default)]
pub struct ProcessPoolBuilder {
    max_workers: Option<usize>,
    initializer: Option<Result<Vec<u8>, Error>>,
    max_tasks_per_child: Option<usize>,
}

/// The settings, fixed once built.
pub(super) struct Config {
    pub(super) max_workers: usize,
    /// The initializer's request, or why its `initargs` would not serialize.
    pub(super) initializer: Option<Result<Vec<u8>, Error>>,
    pub(super) max_tasks_per_child: Option<usize>,
}

impl ProcessPoolBuilder {
    /// At most `max_workers` processes. Default: one per core, as Python.
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = Some(max_workers);
        self
    }

    /// Runs `initializer(initargs)` once in each worker, before its first
    /// task: the place to build what every task of that worker shares (an
    /// HTTP client in a process-wide `OnceLock`). If it panics, the pool is
    /// broken: tasks fail with [`Error::BrokenPool`], as Python's raise
    /// `BrokenProcessPool`.
    pub fn initializer<I: Picklable>(
        mut self,
        initializer: fn(I),
        initargs: I,
    ) -> Self {
        // Serialized once here; every worker, first or replacement, gets a copy.
        let mut request = Vec::new();
        let written = FnRef::new(initializer).and_then(|call| {
            wire::put_request(call, std::slice::from_ref(&initargs), &mut request)
                .map_err(|err| {
                    let why = refusal::why(&initargs, err);
                    format!("cannot serialize initargs: {why}")
                })
        });
        self.initializer =
            Some(written.map(|()| request).map_err(Error::Unpicklable));
        self
    }

    /// Each worker exits after `max_tasks_per_child` tasks and a fresh one
    /// replaces it (1: a new process for every task). Default: no limit.
    pub fn max_tasks_per_child(mut self, max_tasks_per_child: usize) -> Self {
        self.max_tasks_per_child = Some(max_tasks_per_child);
        self
    }

    /// The executor. No process starts until the first task comes.
    ///
    /// Panics if `max_workers` or `max_tasks_per_child` is 0, as Python
    /// raises `ValueError`.
    pub fn build(self) -> ProcessPoolExecutor {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        let max_workers = self.max_workers.unwrap_or(cores);
        assert!(max_workers > 0, "max_workers must be greater than 0");
        assert!(
            self.max_tasks_per_child != Some(0),
            "max_tasks_per_child must be >= 1"
        );
        ProcessPoolExecutor::with_config(Config {
            max_workers,
            initializer: self.initializer,
            max_tasks_per_child: self.max_tasks_per_child,
        })
    }
}
