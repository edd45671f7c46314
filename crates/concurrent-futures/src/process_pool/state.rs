//! What the executor and its keepers share: the queue, the idle workers,
//! and whether the pool is shut down or broken.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use super::builder::Config;
use super::job::Job;
use super::keeper::Conn;
use crate::Error;

/// What the keepers share with the executor.
pub(super) struct Pool {
    pub(super) state: Mutex<State>,
    pub(super) config: Config,
}

pub(super) struct State {
    /// Jobs no worker has taken yet: Python's pending work items.
    pub(super) queue: VecDeque<Box<dyn Job>>,
    /// Workers waiting for a job. Never non-empty while `queue` is.
    pub(super) idle: Vec<Arc<Conn>>,
    /// Keeper threads alive, one per worker process (starting or running).
    pub(super) keepers: usize,
    pub(super) shutdown: bool,
    /// Why the pool can run nothing more (the initializer panicked, or
    /// `terminate_workers` ended the workers): Python's broken pool, the
    /// cases where every task fails. Always an [`Error::BrokenPool`].
    pub(super) broken: Option<Error>,
    /// The worker processes alive, by pid, for `terminate_workers`. A keeper
    /// takes its worker off before collecting it, so no pid here can have
    /// been reused by another process.
    pub(super) pids: Vec<u32>,
}

impl Pool {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Tasks run in other processes and callbacks outside this lock.
        self.state
            .lock()
            .expect("the pool's lock is never poisoned")
    }

    /// No worker can start: a keeper gives up, failing every queued task
    /// with `why`; new ones are refused.
    pub(super) fn break_with(&self, why: Error) {
        let mut state = self.lock();
        state.keepers -= 1;
        let (failed, why) = state.break_with(why);
        drop(state);
        for job in failed {
            job.fail(why.clone());
        }
    }
}

impl State {
    /// Marks the pool broken (a first reason stays) and takes the queued
    /// jobs, for the caller to fail with the reason once outside the lock.
    pub(super) fn break_with(&mut self, why: Error) -> (Vec<Box<dyn Job>>, Error) {
        let why = self.broken.get_or_insert(why).clone();
        (self.queue.drain(..).collect(), why)
    }
}
