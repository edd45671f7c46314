//! [`ThreadPoolExecutor`]: `max_workers` OS threads taking tasks from one
//! FIFO queue, as Python's does.
//!
//! # Lock order
//!
//! Two locks may be held at once, always in this order: the pool's lock
//! (`Inner::state`), then one handle's lock (`submit` and `release` mark a
//! task running under the pool's lock). The list of threads (`threads`) is
//! locked alone, never with another lock held, and no lock is held while a
//! thread starts. Tasks and callbacks run with no lock held.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::sync::thread::{self, JoinHandle};
use crate::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::{Error, Executor, Handle, HandleOf, Outcome};

/// A pool of at most `max_workers` threads that run submitted tasks in the
/// order they were submitted.
///
/// Dropping it is `shutdown(true, false)`: it waits for every task, like
/// leaving a `with ThreadPoolExecutor(...) as executor:` block.
pub struct ThreadPoolExecutor {
    inner: Arc<Inner>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

struct Inner {
    state: Mutex<PoolState>,
    /// Where idle workers wait for work.
    doorbell: Doorbell,
    /// Notified when the last thread being started is on the list of threads.
    started: Condvar,
}

struct PoolState {
    queue: VecDeque<Box<dyn WorkItem>>,
    /// Tasks marked running (queued for a worker, or being run), and those a
    /// worker has taken to run next: never more than `max_workers`.
    busy: usize,
    max_workers: usize,
    threads: usize,
    /// Workers asleep at the doorbell: with none, there is no one to wake.
    sleeping: usize,
    /// Threads being started, not yet on the list `shutdown` joins.
    starting: usize,
    shutdown: bool,
    name: String,
}

/// A queued task, whatever its type: Python's `_WorkItem`.
trait WorkItem: Send {
    /// Marked running, at `submit` or since, because a worker is free for it.
    fn reserved(&self) -> bool;
    /// Marks a pending task running for a worker that is free; false if it
    /// was cancelled.
    fn reserve(&mut self) -> bool;
    fn cancelled(&self) -> bool;
    fn cancel(&self) -> bool;
    /// Runs the task, then calls `release` (which frees the worker or gives
    /// it the next task), then finishes the handle: whoever `result()` wakes
    /// up may submit the next task to this worker.
    fn run(self: Box<Self>, release: &mut dyn FnMut());
}

struct Job<R: Outcome, F> {
    handle: HandleOf<R>,
    task: F,
    reserved: bool,
}

impl<R, F> WorkItem for Job<R, F>
where
    R: Outcome<Ok: Send, Err: Send>,
    F: FnOnce() -> R + Send,
{
    fn reserved(&self) -> bool {
        self.reserved
    }
    fn reserve(&mut self) -> bool {
        self.reserved = self.handle.set_running_or_notify_cancel();
        self.reserved
    }
    fn cancelled(&self) -> bool {
        self.handle.cancelled()
    }
    fn cancel(&self) -> bool {
        self.handle.cancel()
    }
    fn run(self: Box<Self>, release: &mut dyn FnMut()) {
        let Job { handle, task, .. } = *self;
        handle.run(move || {
            // Dropped when the task returns or unwinds: before the handle
            // is finished either way.
            let _release = Release(release);
            task()
        });
    }
}

/// Calls its function when dropped.
struct Release<'a>(&'a mut dyn FnMut());

impl Drop for Release<'_> {
    fn drop(&mut self) {
        (self.0)();
    }
}

impl ThreadPoolExecutor {
    /// A pool of up to `max_workers` threads, started as tasks need them.
    ///
    /// Panics if `max_workers` is 0, as Python raises `ValueError`.
    pub fn new(max_workers: usize) -> ThreadPoolExecutor {
        assert!(max_workers > 0, "max_workers must be greater than 0");
        static POOLS: AtomicUsize = AtomicUsize::new(0);
        let pool = POOLS.fetch_add(1, Ordering::Relaxed);
        let state = PoolState {
            queue: VecDeque::new(),
            busy: 0,
            max_workers,
            threads: 0,
            sleeping: 0,
            starting: 0,
            shutdown: false,
            name: format!("ThreadPoolExecutor-{pool}"),
        };
        ThreadPoolExecutor {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                doorbell: Doorbell {
                    work: Condvar::new(),
                },
                started: Condvar::new(),
            }),
            threads: Mutex::new(Vec::new()),
        }
    }

    /// The most threads this pool runs at once.
    pub fn max_workers(&self) -> usize {
        self.inner.lock().max_workers
    }

    /// Schedules `task` and returns at once with its [`Handle`]: Python's
    /// `executor.submit(lambda: ...)`, a closure carrying its arguments.
    /// ([`Executor::submit`] takes a function and its argument, as Python's
    /// `submit(fn, arg)`.)
    ///
    /// A task that returns `Err(e)` has raised `e` (see [`Outcome`]).
    /// If a worker is free, the task is `running` before `submit` returns;
    /// otherwise it is `pending` until a worker takes it, oldest first.
    /// After [`shutdown`](Self::shutdown): `Err(Error::Shutdown)`.
    pub fn submit<R, F>(&self, task: F) -> Result<HandleOf<R>, Error>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Outcome<Ok: Send + 'static, Err: Send + 'static> + 'static,
    {
        let handle = Handle::new();
        // Allocated before taking the lock, so the workers wait less for it.
        let mut job = Box::new(Job {
            handle: handle.clone(),
            task,
            reserved: false,
        });
        let mut state = self.inner.lock();
        if state.shutdown {
            return Err(Error::Shutdown);
        }
        // Deciding here, under the lock, is what makes "the first
        // max_workers tasks are running" certain rather than a race.
        let reserved = state.busy < state.max_workers && job.reserve();
        if reserved {
            state.busy += 1;
        }
        state.queue.push_back(job);
        // Only a task marked running is for a waiting worker; a pending one
        // waits for a worker to finish, and that worker takes it itself.
        let ring = reserved && Doorbell::anyone_asleep(&state);
        // One thread per task marked running, started only when needed:
        // submitting one task at a time to a big pool keeps one thread. It
        // starts with no lock held; `starting` makes `shutdown` wait for it
        // to reach the list of threads.
        let start = if state.threads < state.busy {
            state.threads += 1;
            state.starting += 1;
            Some(format!("{}_{}", state.name, state.threads - 1))
        } else {
            None
        };
        drop(state);
        if let Some(name) = start {
            self.start_thread(name);
        }
        if ring {
            self.inner.doorbell.ring();
        }
        Ok(handle)
    }

    /// Starts a worker thread, with no lock held, and puts it on the list.
    fn start_thread(&self, name: String) {
        let inner = Arc::clone(&self.inner);
        let thread = thread::Builder::new()
            .name(name)
            .spawn(move || work(&inner))
            .expect("the operating system refused to start a thread");
        self.lock_threads().push(thread);
        let mut state = self.inner.lock();
        state.starting -= 1;
        if state.starting == 0 {
            self.inner.started.notify_all();
        }
    }

    /// Stops taking new tasks. With `cancel_futures`, cancels the tasks still
    /// pending; with `wait`, returns once every worker thread has ended.
    /// Calling it again is harmless.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let mut state = self.inner.lock();
        state.shutdown = true;
        let mut cancelled = Vec::new();
        if cancel_futures {
            // Tasks already marked running stay queued: a worker is theirs.
            let (keep, pending): (VecDeque<_>, VecDeque<_>) =
                state.queue.drain(..).partition(|item| item.reserved());
            state.queue = keep;
            cancelled.extend(pending);
        }
        // No new thread can start now; wait for those being started to be
        // on the list, so that none is missed below.
        while wait && state.starting > 0 {
            state = self.inner.started.wait(state).expect("never poisoned");
        }
        drop(state);
        self.inner.doorbell.ring_all();
        // Outside the pool's lock: cancelling runs the tasks' callbacks.
        for item in cancelled {
            item.cancel();
        }
        if wait {
            let threads = std::mem::take(&mut *self.lock_threads());
            for thread in threads {
                // A task that shuts down its own pool must not wait for itself.
                if thread.thread().id() != thread::current().id() {
                    thread.join().expect("workers catch the tasks' panics");
                }
            }
        }
    }

    fn lock_threads(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        // Poisoned only if a thread could not start: the list is whole still.
        self.threads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where idle workers wait, and how work reaches them with as few wake-up
/// calls as possible. Three things, together, took submit + result from 3.4
/// to 0.37 µs a task (`just bench-python`, 4 workers on 2 cores):
///
/// - ringing only when a worker sleeps: a notify is a system call even when
///   no thread waits;
/// - an idle worker yields its core [`SPINS`] times before it sleeps, giving
///   the submitter a chance to queue more, since waking a sleeping thread
///   costs more than a short task;
/// - the hand-over in [`Inner::release`]: a worker whose task ends takes the
///   next pending task itself, with no wake-up at all.
///
/// The counter of sleepers lives in the pool's state, under its lock, so a
/// worker that is about to sleep is never missed by a submitter that rings.
struct Doorbell {
    work: Condvar,
}

/// How many times an idle worker yields its core before it sleeps. Under
/// loom one yield is enough: each is a point where every interleaving is tried.
const SPINS: u32 = if cfg!(loom) { 1 } else { 16 };

impl Doorbell {
    /// Whether a worker is asleep, so that work for it needs a ring.
    fn anyone_asleep(state: &PoolState) -> bool {
        state.sleeping > 0
    }

    /// Wakes one sleeping worker. Called after the pool's lock is released.
    fn ring(&self) {
        self.work.notify_one();
    }

    /// Wakes every worker: the pool is shutting down.
    fn ring_all(&self) {
        self.work.notify_all();
    }

    /// An idle worker waits, the pool locked: first yields its core up to
    /// [`SPINS`] times (unlocking meanwhile), then sleeps until a ring.
    /// Returns with the pool locked again; the caller looks at the queue.
    fn idle<'a>(
        &self,
        inner: &'a Inner,
        mut state: MutexGuard<'a, PoolState>,
        spins: &mut u32,
    ) -> MutexGuard<'a, PoolState> {
        if *spins < SPINS {
            *spins += 1;
            drop(state);
            thread::yield_now();
            inner.lock()
        } else {
            state.sleeping += 1;
            state = self.work.wait(state).expect("never poisoned");
            state.sleeping -= 1;
            state
        }
    }
}

/// A worker's life: take the oldest task marked running, run it, repeat;
/// end when the queue is empty and the pool is shut down.
fn work(inner: &Inner) {
    // The task `release` handed over: no second trip to the lock for it.
    let mut next = None;
    loop {
        let item = match next.take() {
            Some(item) => item,
            None => {
                let mut state = inner.lock();
                let mut spins = 0;
                loop {
                    // `submit` marks a task running only while none is
                    // pending, so the front is reserved, cancelled, or no
                    // task of ours.
                    match state.queue.front() {
                        Some(item) if item.reserved() => {
                            break state
                                .queue
                                .pop_front()
                                .expect("there is a front");
                        }
                        Some(item) if item.cancelled() => {
                            drop(state.queue.pop_front())
                        }
                        None if state.shutdown => return,
                        _ => state = inner.doorbell.idle(inner, state, &mut spins),
                    }
                }
            }
        };
        item.run(&mut || next = inner.release());
    }
}

impl Inner {
    /// A worker's task has ended. Its place passes to the oldest pending
    /// task, which this worker runs next; with none, the worker is free.
    /// This happens before the ended task's handle is finished, so a caller
    /// woken by `result()` finds the worker free (and a next `submit` reuses
    /// it instead of starting a thread).
    fn release(&self) -> Option<Box<dyn WorkItem>> {
        loop {
            let mut state = self.lock();
            // Tasks marked running at the front are for idle workers: skip them.
            let pending = state.queue.iter().position(|item| !item.reserved());
            let Some(mut item) = pending.and_then(|index| state.queue.remove(index))
            else {
                state.busy -= 1;
                return None;
            };
            // Marked running outside the lock, which the submitter needs; if
            // it was cancelled meanwhile, the place goes to the next.
            drop(state);
            if item.reserve() {
                return Some(item);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // Tasks run outside this lock, so it is never poisoned.
        self.state
            .lock()
            .expect("the executor's lock is never poisoned")
    }
}

/// Python's `submit(fn, arg)` and `map(fn, items)` on threads: any function
/// (a closure too) whose argument and outcome may move to a worker thread.
impl<F, A, R> Executor<F, A> for ThreadPoolExecutor
where
    F: FnOnce(A) -> R + Send + 'static,
    A: Send + 'static,
    R: Outcome<Ok: Send + 'static, Err: Send + 'static> + 'static,
{
    type Output = R;

    fn submit(&self, f: F, arg: A) -> Result<HandleOf<R>, Error> {
        ThreadPoolExecutor::submit(self, move || f(arg))
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        ThreadPoolExecutor::shutdown(self, wait, cancel_futures);
    }
}

impl Drop for ThreadPoolExecutor {
    /// Waits for every submitted task: leaving Python's `with` block.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &state.max_workers)
            .field("threads", &state.threads)
            .field("busy", &state.busy)
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .finish()
    }
}
