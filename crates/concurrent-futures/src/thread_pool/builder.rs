//! [`ThreadPoolBuilder`]: Python's constructor arguments, by name.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::ThreadPoolExecutor;
use crate::{Error, Outcome};

/// `ThreadPoolExecutor(max_workers=None, thread_name_prefix='',
/// initializer=None, initargs=())`, one method per argument:
/// `ThreadPoolExecutor::builder().max_workers(4).build()?`.
///
/// `initargs` has no twin: the initializer is a closure, and carries its
/// arguments itself.
#[derive(Default)]
pub struct ThreadPoolBuilder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

/// An initializer, its outcome read as Python reads a call: `Err` with what
/// it raised, or the message of its panic.
pub(super) type Initializer = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// The settings, fixed once built.
pub(super) struct Config {
    pub(super) max_workers: usize,
    /// Worker `k` is named `{name}_{k}`.
    pub(super) name: String,
    pub(super) initializer: Option<Initializer>,
}

impl ThreadPoolBuilder {
    /// At most `max_workers` threads. Default: `min(32, cores + 4)`, as
    /// Python 3.8 and later: enough threads for tasks that mostly wait on
    /// I/O, and never hundreds on a big machine.
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = Some(max_workers);
        self
    }

    /// Worker `k` (from 0) is named `{prefix}_{k}`. Default, or with an
    /// empty prefix: `ThreadPoolExecutor-{n}`, `n` counting the pools built
    /// without a prefix, as Python's.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer()` once on each worker thread, before its first
    /// task: the place to set up what every task on that thread shares (a
    /// thread-local connection). Python's `initializer` and `initargs`: the
    /// closure captures its arguments.
    ///
    /// If it fails (returns `Err` or panics), the pool is broken, as
    /// Python's `BrokenThreadPool`: every task still queued fails with
    /// [`Error::BrokenPool`], and so does every later `submit`.
    pub fn initializer<F, R>(mut self, initializer: F) -> Self
    where
        F: Fn() -> R + Send + Sync + 'static,
        R: Outcome<Err: fmt::Display>,
    {
        self.initializer = Some(Box::new(move || {
            match panic::catch_unwind(AssertUnwindSafe(&initializer)) {
                Ok(outcome) => outcome
                    .into_result()
                    .map(drop)
                    .map_err(|err| format!("the initializer raised: {err}")),
                Err(payload) => Err(format!(
                    "the initializer panicked: {}",
                    Error::panic_message(payload)
                )),
            }
        }));
        self
    }

    /// The executor. No thread starts until the first task comes.
    ///
    /// `max_workers(0)` is [`Error::InvalidArgument`], as Python raises
    /// `ValueError`.
    pub fn build(self) -> Result<ThreadPoolExecutor, Error> {
        let max_workers = self.max_workers.unwrap_or_else(default_max_workers);
        if max_workers == 0 {
            return Err(Error::InvalidArgument(
                "max_workers must be greater than 0".to_string(),
            ));
        }
        let name = match self.thread_name_prefix {
            Some(prefix) if !prefix.is_empty() => prefix,
            // Python's `thread_name_prefix or "ThreadPoolExecutor-%d" %
            // counter()`: only a pool without a prefix takes a number.
            _ => {
                static POOLS: AtomicUsize = AtomicUsize::new(0);
                let pool = POOLS.fetch_add(1, Ordering::Relaxed);
                format!("ThreadPoolExecutor-{pool}")
            }
        };
        Ok(ThreadPoolExecutor::with_config(Config {
            max_workers,
            name,
            initializer: self.initializer,
        }))
    }
}

/// Python's `min(32, (os.process_cpu_count() or 1) + 4)`.
pub(super) fn default_max_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores + 4).min(32)
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .field("initializer", &self.initializer.is_some())
            .finish()
    }
}
