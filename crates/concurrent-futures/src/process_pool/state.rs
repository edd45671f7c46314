//! What the executor and its keepers share: the queue, the idle workers,
//! and whether the pool is shut down or broken.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::builder::Config;
use super::job::Job;
use super::keeper::Conn;
use crate::Error;

/// What the keepers share with the executor.
pub(super) struct Pool {
    pub(super) state: Mutex<State>,
    pub(super) config: Config,
    /// Notified when `starting` reaches 0, when a keeper ends, and when a
    /// callback on a keeper starts waiting in `shutdown`.
    pub(super) settled: Condvar,
    /// Set by a test: the next worker process is refused, as the system
    /// refuses one past its process limit.
    #[cfg(test)]
    pub(super) refuse_next_process: std::sync::atomic::AtomicBool,
}

pub(super) struct State {
    /// Jobs no worker has taken yet: Python's pending work items.
    pub(super) queue: VecDeque<Box<dyn Job>>,
    /// Workers waiting for a job. Never non-empty while `queue` is.
    pub(super) idle: Vec<Arc<Conn>>,
    /// Keeper threads alive, one per worker process (starting or running).
    /// A keeper counts itself out once its worker is collected.
    pub(super) keepers: usize,
    /// Keeper threads being started, not yet on the list `shutdown` joins.
    pub(super) starting: usize,
    /// Keepers blocked in `shutdown(wait=true)`, called by a done-callback
    /// they run: they cannot end before it returns.
    pub(super) waiting_in_callbacks: usize,
    pub(super) shutdown: bool,
    /// Why the pool can run nothing more (the initializer panicked, or
    /// `terminate_workers` ended the workers): Python's broken pool, the
    /// cases where every task fails. Always an [`Error::BrokenPool`].
    pub(super) broken: Option<Error>,
    /// The worker processes alive, by pid, for `terminate_workers`. A keeper
    /// takes its worker off before collecting it, so no pid here can have
    /// been reused by another process.
    pub(super) pids: Vec<u32>,
    /// Worker processes started so far: the next one's number.
    pub(super) started: usize,
}

impl Pool {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Tasks run in other processes and callbacks outside this lock.
        self.state
            .lock()
            .expect("the pool's lock is never poisoned")
    }

    /// A keeper gives up: its worker would not start. A process the system
    /// refused ([`Error::CannotStart`]: fork failed, too many processes)
    /// does not break the pool, as CPython's stays usable after `submit`
    /// raises from one: the queued tasks fail only if no other keeper is
    /// left to serve them, and a later `submit` starts a keeper that tries
    /// again. Any other reason (the initializer failed, another build)
    /// breaks the pool: every queued task fails, and new ones are refused.
    pub(super) fn give_up(&self, why: Error) {
        let mut state = self.lock();
        state.keepers -= 1;
        self.settled.notify_all();
        let (failed, why) = match why {
            Error::CannotStart(_) if state.keepers > 0 => (Vec::new(), why),
            Error::CannotStart(_) => (state.queue.drain(..).collect(), why),
            why => state.break_with(why),
        };
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
