//! [`ProcessPoolExecutor`]: `max_workers` long-lived worker processes, fed
//! serialized tasks, behind the thread pool's interface.
//!
//! Python's picture, and ours:
//!
//! ```text
//! Python   submit -> pending work items -> call queue -> worker processes
//!          manager thread <- result queue <-----------------'
//! Rust     submit -> queue (Box<dyn Job>) -> keeper thread -> socket -> worker
//!          Handle::finish <- keeper thread <- socket <-------------'
//! ```
//!
//! Each worker has one keeper thread and one Unix socket pair, its call
//! queue and result queue in one. A worker takes one job at a time, so a task
//! not yet running stays in the pool's queue, where it can be cancelled; an
//! idle worker is written to straight from `submit`. Arguments and results
//! cross as postcard frames (`wire.rs`), the twin of pickling, and the
//! function crosses as an offset in the shared executable (`function.rs`),
//! the twin of pickling it by name.
//!
//! Starting a worker is procspawn's job: it re-executes this program, and
//! `procspawn::init()` at the top of `main` (Python's `if __name__ ==
//! '__main__':` guard) turns that copy into a worker. Tests call
//! `procspawn::enable_test_support!()` instead.
//!
//! Where Python breaks the whole pool when one worker dies, here only the
//! task that worker was running fails, with [`Error::WorkerDied`] naming the
//! signal or exit status, and a new worker takes over the queue. The pool
//! breaks, as Python's, when no worker can start (the initializer panicked)
//! and when [`terminate_workers`](ProcessPoolExecutor::terminate_workers)
//! or [`kill_workers`](ProcessPoolExecutor::kill_workers) end them all.
//!
//! # Lock order
//!
//! Three locks may be held at once, always in this order: the pool's lock
//! (`Pool::state`), then one worker's slot (`Conn::slot`), then one handle's
//! lock. `submit` and a keeper's `feed` take a worker's slot under the pool's
//! lock, so that a worker taken off the idle list, or a job taken off the
//! queue, is in the slot before its keeper can look; `Job::start` marks the
//! job's tasks running under the slot; `shutdown(cancel_futures)` cancels the
//! queued tasks under the pool's lock. The list of keepers (`keepers`) is
//! locked alone, never with another lock held.
//!
//! No lock is held while a keeper thread or a worker process starts, while a
//! done-callback runs (a job finishes, fails or is cancelled after its locks
//! are released), or while a job's arguments are dropped.

mod builder;
mod function;
mod job;
mod keeper;
mod refusal;
mod state;
mod wire;
mod worker;

use rustix::process::{Pid, Signal, kill_process};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, ThreadId};

use crate::{Error, Executor, HandleOf, Map, MapOf, Outcome};
use builder::Config;
pub use builder::ProcessPoolBuilder;
use job::{Chunk, Job};
use state::{Pool, State};

/// What can cross to a worker and back: Python's "picklable". Arguments,
/// results and `initargs` are serialized with serde, so any type that
/// derives `Serialize` and `Deserialize` (and may move between threads) is.
pub trait Picklable: Serialize + DeserializeOwned + Send + 'static {}

impl<T: Serialize + DeserializeOwned + Send + 'static> Picklable for T {}

/// A pool of worker processes: Python's `ProcessPoolExecutor`.
///
/// A task is a plain `fn(A) -> R` (a closure that captures nothing also
/// coerces to one) and an argument; both the argument and the result must be
/// serializable, as Python's must be picklable. `submit` and `map` come from
/// the [`Executor`] trait. Dropping the executor is
/// `shutdown(true, false)`: it waits for every task, then ends and collects
/// every worker.
pub struct ProcessPoolExecutor {
    pool: Arc<Pool>,
    keepers: Mutex<Vec<Keeper>>,
    name: String,
}

/// A keeper thread on the list: its id, so that `shutdown` knows when a
/// done-callback on a keeper calls it; its handle, for the first caller that
/// joins it.
struct Keeper {
    id: ThreadId,
    handle: Option<JoinHandle<()>>,
}

impl ProcessPoolExecutor {
    /// A pool of up to `max_workers` processes, started as tasks need them.
    pub fn new(max_workers: usize) -> ProcessPoolExecutor {
        ProcessPoolExecutor::builder()
            .max_workers(max_workers)
            .build()
    }

    /// For Python's other arguments: `ProcessPoolExecutor::builder()
    /// .max_workers(2).initializer(f, args).max_tasks_per_child(1).build()`.
    pub fn builder() -> ProcessPoolBuilder {
        ProcessPoolBuilder::default()
    }

    /// The most worker processes this pool runs at once.
    pub fn max_workers(&self) -> usize {
        self.pool.config.max_workers
    }

    fn with_config(config: Config) -> ProcessPoolExecutor {
        static POOLS: AtomicUsize = AtomicUsize::new(0);
        let state = State {
            queue: VecDeque::new(),
            idle: Vec::new(),
            keepers: 0,
            starting: 0,
            waiting_in_callbacks: 0,
            shutdown: false,
            broken: None,
            pids: Vec::new(),
            started: 0,
        };
        let pool = POOLS.fetch_add(1, Ordering::Relaxed);
        ProcessPoolExecutor {
            pool: Arc::new(Pool {
                state: Mutex::new(state),
                config,
                settled: Condvar::new(),
                #[cfg(test)]
                refuse_next_process: Default::default(),
            }),
            keepers: Mutex::new(Vec::new()),
            name: format!("ProcessPoolExecutor-{pool}"),
        }
    }

    /// Python's `executor.map(f, items, chunksize=n)`: items cross to the
    /// workers `chunksize` at a time, one request per chunk, which pays for
    /// the round trip once per chunk. Results still come one per item, in
    /// order; a panic fails only its own item. Panics if `chunksize` is 0.
    pub fn map_chunksize<A, R>(
        &self,
        f: fn(A) -> R,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<MapOf<'static, R>, Error>
    where
        A: Picklable,
        R: Picklable + Outcome<Ok: Send + 'static, Err: Send + 'static>,
    {
        assert!(chunksize > 0, "chunksize must be >= 1");
        let mut handles = Vec::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let (chunk, chunk_handles) =
                Chunk::new(f, items.by_ref().take(chunksize).collect())?;
            // Refused: the chunks already submitted go on, as in Python.
            self.schedule(Box::new(chunk))?;
            handles.extend(chunk_handles);
        }
        Ok(Map::new("ProcessPoolExecutor.map", handles, None, None))
    }

    /// Gives `job` to an idle worker, or queues it (starting a worker if the
    /// pool has room for one).
    fn schedule(&self, job: Box<dyn Job>) -> Result<(), Error> {
        let mut state = self.pool.lock();
        let refused = match &state.broken {
            Some(why) => Some(why.clone()),
            None => state.shutdown.then_some(Error::Shutdown),
        };
        if let Some(why) = refused {
            // The job (the user's arguments) is dropped after the lock.
            drop(state);
            return Err(why);
        }
        if let Some(conn) = state.idle.pop() {
            // Written from this thread: no hop through the worker's keeper.
            let slot = conn.lock_slot();
            drop(state);
            if !conn.send(slot, job) {
                // Nothing went out: the worker is idle still, and its keeper
                // is waiting to read. Give it the next job, or the idle list.
                keeper::feed(&self.pool, &conn);
            }
            return Ok(());
        }
        let id = job_id(&*job);
        state.queue.push_back(job);
        if state.keepers < self.pool.config.max_workers {
            // Counted in `starting` until it is on the list of keepers, so
            // that a `shutdown(wait=true)` meanwhile waits for it.
            state.keepers += 1;
            state.starting += 1;
            drop(state);
            self.start_keeper(id)?;
        }
        Ok(())
    }

    /// Starts a keeper thread, with no lock held, and puts it on the list.
    /// If it cannot start, the job `id` is taken back, if no keeper has
    /// taken it yet, and `submit` says why: Python's `RuntimeError`.
    fn start_keeper(&self, id: usize) -> Result<(), Error> {
        let pool = Arc::clone(&self.pool);
        let name = format!("{}_keeper", self.name);
        let spawned = spawn_keeper(name, move || keeper::keep(pool)).map(|handle| {
            let mut keepers = self.lock_keepers();
            keepers.retain(|keeper| {
                keeper
                    .handle
                    .as_ref()
                    .is_some_and(|handle| !handle.is_finished())
            });
            let id = handle.thread().id();
            keepers.push(Keeper {
                id,
                handle: Some(handle),
            });
        });
        let mut state = self.pool.lock();
        state.starting -= 1;
        let mut unscheduled = Vec::new();
        if spawned.is_err() {
            state.keepers -= 1;
            let ours = state.queue.iter().position(|job| job_id(&**job) == id);
            unscheduled.extend(ours.and_then(|index| state.queue.remove(index)));
            if state.keepers == 0 {
                // No keeper is left to serve what other submits queued
                // meanwhile: they fail as this one does.
                unscheduled.extend(state.queue.drain(..));
            }
        }
        self.pool.settled.notify_all();
        drop(state);
        let Err(err) = spawned else {
            return Ok(());
        };
        let why = format!("cannot start a keeper thread: {err}");
        let mut ours = false;
        for job in unscheduled {
            if job_id(&*job) == id {
                ours = true;
            } else {
                job.fail(Error::CannotStart(why.clone()));
            }
        }
        // Not ours: a keeper took our job meanwhile, and it runs.
        match ours {
            true => Err(Error::CannotStart(why)),
            false => Ok(()),
        }
    }

    /// Stops taking new tasks. With `cancel_futures`, cancels the tasks no
    /// worker has taken; with `wait`, returns once every worker process has
    /// ended and been collected. Calling it again is harmless.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let mut state = self.pool.lock();
        state.shutdown = true;
        let cancelled: Vec<_> = match cancel_futures {
            true => state.queue.drain(..).collect(),
            false => Vec::new(),
        };
        // Cancelled under the lock, as Python's shutdown cancels under its
        // own; the callbacks, and the arguments' drops, wait for after it.
        let callbacks: Vec<_> =
            cancelled.iter().flat_map(|job| job.cancel()).collect();
        // An idle worker is waiting to read: closing its channel ends it.
        for conn in state.idle.drain(..) {
            conn.close();
        }
        drop(state);
        for deferred in callbacks {
            deferred.run();
        }
        drop(cancelled);
        if wait {
            self.join_keepers();
        }
    }

    /// Python 3.14's `terminate_workers()`: ends every worker process with
    /// SIGTERM, now, and breaks the pool. A task running in a worker fails
    /// with [`Error::BrokenPool`], and so does every task still queued (Python
    /// cancels those: here the error says why they will not run). `submit`
    /// then gives `Err(BrokenPool)`. Returns once every worker has been
    /// collected: no child process is left.
    pub fn terminate_workers(&self) {
        self.force_shutdown(Signal::TERM, "terminate_workers");
    }

    /// Python 3.14's `kill_workers()`: [`terminate_workers`] with SIGKILL,
    /// which a worker cannot catch or delay.
    ///
    /// [`terminate_workers`]: Self::terminate_workers
    pub fn kill_workers(&self) {
        self.force_shutdown(Signal::KILL, "kill_workers");
    }

    fn force_shutdown(&self, signal: Signal, operation: &str) {
        let mut state = self.pool.lock();
        state.shutdown = true;
        let why = format!("{operation}() ended the workers");
        let (queued, why) = state.break_with(Error::BrokenPool(why));
        for conn in state.idle.drain(..) {
            conn.close();
        }
        // Under the pool's lock: a keeper takes its pid off this list (under
        // the same lock) before collecting the process, so each pid is still
        // the worker's, never a stranger that reused it.
        for &pid in &state.pids {
            let pid = Pid::from_raw(pid as i32).expect("a worker's pid is positive");
            // Gone already (ESRCH) is as good as ended.
            let _ = kill_process(pid, signal);
        }
        drop(state);
        for job in queued {
            job.fail(why.clone());
        }
        self.join_keepers();
    }

    /// Waits for every keeper to end, and so for every worker to be
    /// collected, in every caller: a second `shutdown(wait=true)` is no
    /// shortcut. A done-callback runs on a keeper, which cannot end before
    /// the callback returns: it waits for the other keepers only.
    fn join_keepers(&self) {
        let mut state = self.pool.lock();
        // No keeper can start now; wait for those starting to be on the list.
        while state.starting > 0 {
            state = self.pool.settled.wait(state).expect("never poisoned");
        }
        drop(state);
        let me = thread::current().id();
        let on_a_keeper = self.lock_keepers().iter().any(|keeper| keeper.id == me);
        let mut state = self.pool.lock();
        if on_a_keeper {
            state.waiting_in_callbacks += 1;
            self.pool.settled.notify_all();
        }
        loop {
            let excused = if on_a_keeper {
                state.waiting_in_callbacks
            } else {
                0
            };
            if state.keepers <= excused {
                break;
            }
            state = self.pool.settled.wait(state).expect("never poisoned");
        }
        if on_a_keeper {
            state.waiting_in_callbacks -= 1;
            return;
        }
        drop(state);
        let handles: Vec<_> = self
            .lock_keepers()
            .iter_mut()
            .filter_map(|keeper| keeper.handle.take())
            .collect();
        for handle in handles {
            // A keeper that panicked has lost its worker already
            // (procspawn's handle kills and collects it when dropped).
            let _ = handle.join();
        }
    }

    fn lock_keepers(&self) -> MutexGuard<'_, Vec<Keeper>> {
        self.keepers.lock().expect("never poisoned")
    }
}

/// Which job this is, while it waits in the queue: its address.
fn job_id(job: &dyn Job) -> usize {
    job as *const dyn Job as *const () as usize
}

/// Starts a keeper thread: the one place the pool asks for one, so that a
/// test can make it refuse.
fn spawn_keeper(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    #[cfg(test)]
    if tests::REFUSE_NEXT_THREAD.take() {
        return Err(io::Error::other("refused by the test"));
    }
    thread::Builder::new().name(name).spawn(body)
}

/// Python's `submit(fn, arg)` and `map(fn, items)` on processes: a plain
/// `fn` whose argument and outcome serialize, as Python's must pickle.
impl<A, R> Executor<fn(A) -> R, A> for ProcessPoolExecutor
where
    A: Picklable,
    R: Picklable + Outcome<Ok: Send + 'static, Err: Send + 'static>,
{
    type Output = R;

    fn submit(&self, f: fn(A) -> R, arg: A) -> Result<HandleOf<R>, Error> {
        let (chunk, mut handles) = Chunk::new(f, vec![arg])?;
        self.schedule(Box::new(chunk))?;
        Ok(handles.pop().expect("a chunk of one has one handle"))
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        ProcessPoolExecutor::shutdown(self, wait, cancel_futures);
    }
}

impl Drop for ProcessPoolExecutor {
    /// Waits for every submitted task, then for every worker to exit:
    /// leaving Python's `with` block.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.lock();
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.pool.config.max_workers)
            .field("workers", &state.keepers)
            .field("idle", &state.idle.len())
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .field("broken", &state.broken)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        /// Set by a test: the next keeper thread this thread asks for is
        /// refused, as the operating system refuses one past its limit.
        pub(super) static REFUSE_NEXT_THREAD: Cell<bool> = const { Cell::new(false) };
    }

    // Workers re-run this test binary; this lets them find their way.
    procspawn::enable_test_support!();

    fn square(n: u64) -> u64 {
        n * n
    }

    /// CPython process.py starts workers inside `submit`
    /// (`_adjust_process_count`), so when one cannot start, `submit` raises
    /// and the pool is not left half-started. Here: submit
    /// gives `Err(CannotStart)` and takes its task back, the pool counts no
    /// keeper, and the next submit starts one and runs.
    #[test]
    fn a_keeper_that_cannot_start_fails_only_its_submit() {
        let pool = ProcessPoolExecutor::new(1);
        REFUSE_NEXT_THREAD.set(true);
        let refused = pool.submit(square as fn(u64) -> u64, 3);
        assert!(matches!(refused, Err(Error::CannotStart(_))), "{refused:?}");
        {
            let state = pool.pool.lock();
            assert_eq!((state.keepers, state.starting), (0, 0));
            assert!(state.queue.is_empty() && state.broken.is_none());
        }
        let next = pool.submit(square as fn(u64) -> u64, 3).unwrap();
        assert_eq!(next.result(), Ok(9));
        pool.shutdown(true, false);
    }

    /// A worker process the system will not start (fork fails past the
    /// process limit) is not a broken pool: the task it was started for
    /// fails with `CannotStart`, nothing waits for ever, and the next
    /// submit starts a worker and runs. (CPython's `submit` raises from
    /// `_adjust_process_count` and its pool stays usable; ours starts the
    /// process on the keeper thread, so the error reaches the task.)
    #[test]
    fn a_worker_process_that_cannot_start_fails_its_task_not_the_pool() {
        use std::sync::atomic::Ordering;
        use std::time::Duration;
        let pool = ProcessPoolExecutor::new(1);
        pool.pool.refuse_next_process.store(true, Ordering::Relaxed);
        let refused = pool.submit(square as fn(u64) -> u64, 3).unwrap();
        let failed = refused.result_timeout(Duration::from_secs(30));
        assert!(matches!(failed, Err(Error::CannotStart(_))), "{failed:?}");
        assert!(pool.pool.lock().broken.is_none());
        let next = pool.submit(square as fn(u64) -> u64, 4).unwrap();
        assert_eq!(next.result_timeout(Duration::from_secs(30)), Ok(16));
        pool.shutdown(true, false);
    }
}
