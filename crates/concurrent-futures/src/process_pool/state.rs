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
    /// Why no worker can start (the initializer panicked ...): Python's
    /// broken pool, the one case where every task fails.
    pub(super) broken: Option<String>,
}

impl Pool {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Tasks run in other processes and callbacks outside this lock.
        self.state
            .lock()
            .expect("the pool's lock is never poisoned")
    }

    /// No worker can start: fail every queued task, refuse new ones.
    pub(super) fn break_with(&self, why: String) {
        let mut state = self.lock();
        state.keepers -= 1;
        let failed: Vec<_> = state.queue.drain(..).collect();
        state.broken = Some(why.clone());
        drop(state);
        for job in failed {
            job.fail(Error::WorkerDied(why.clone()));
        }
    }
}
