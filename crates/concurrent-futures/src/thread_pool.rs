//! [`ThreadPoolExecutor`]: `max_workers` OS threads taking tasks from one
//! FIFO queue, as Python's does.
//!
//! # Lock order
//!
//! Two locks may be held at once, always in this order: the pool's lock
//! (`Inner::state`), then one handle's lock. Under the pool's lock, `submit`
//! marks a new task running, `release` marks the oldest pending one running,
//! `finish` stores an ended task's outcome when nothing listens to it, an
//! idle worker asks the task at the front whether it was cancelled, and
//! `shutdown(cancel_futures)` cancels the pending ones (their callbacks wait
//! for the lock's release); each of these locks that task's handle. The list
//! of threads (`threads`) is locked alone, never with another lock held.
//!
//! No lock is held while a thread starts, while a task or a done-callback
//! runs, or while a task's closure is dropped: a cancelled closure may hold
//! the last `Arc` of this very pool, and its drop would `shutdown`, which
//! takes the pool's lock again.
//!
//! # Where the time goes
//!
//! Submitting a no-op task and reading its result (`just bench-peers`: one
//! thread submits 100,000 tasks, 4 workers on 2 cores run them) costs 0.1 to
//! 0.3 µs, mostly on the submitting thread, since the workers keep up.
//! Callgrind counts 800 to 860 instructions a task on that thread and 450 on
//! the workers together (rusty_pool: 810 to 1010, and 350 to 390: the
//! allocator's share varies from run to run). Half of the submitter's are the
//! allocator's: `malloc` of the task, `free` when its last handle goes. The
//! allocator also gives the 14 MB of a run's finished tasks back to the kernel
//! and takes them again, page by page, in the next run (3,700 page faults a
//! run; rusty_pool's smaller blocks stay on the allocator's fast lists: 700).
//! The rest is `submit` itself and the pool's lock, whose cache line the
//! workers pull away to take each task. That lock is likely why the pool falls
//! behind rusty_pool's lock-free channel when the host is busy (1.1–1.8x): a
//! thread descheduled while holding it makes the others wait.
//!
//! What paid: one allocation per task, not two (the closure lives in the
//! handle's own [`Shared`] state, which the queue holds as a `dyn WorkItem`:
//! 950 instructions to 800 on the submitter, 660 to 560 on the workers); a
//! handle's callbacks and waiters in one list, with nothing to iterate when
//! there are none (560 to 450 on the workers); a worker whose finished task has
//! no callback storing its outcome and taking its next task in one trip through
//! the pool's lock, not two (with the two above, in quiet `just bench-peers`
//! runs: from 1.06–1.15x rusty_pool's time to 0.92–1.02x, 0.98x at the median);
//! and ringing a sleeping worker once (see [`Doorbell`]). Tried and dropped:
//! counting the places in an atomic (so that a worker frees its place without
//! the lock) and spinning on a hint instead of the lock, no better in 40 paired
//! runs (they spare the workers; the submitter is the one that waits); and a
//! lock-free cell for the closure, 8 bytes and a lock a task fewer, but
//! `unsafe` in a pool that has none.

mod builder;

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};

use crate::sync::thread::{self, JoinHandle, ThreadId};
use crate::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::future::{Deferred, Shared};
use crate::{Error, Executor, Handle, HandleOf, Outcome};
pub use builder::ThreadPoolBuilder;
use builder::{Config, Initializer};

/// A pool of at most `max_workers` threads that run submitted tasks in the
/// order they were submitted.
///
/// Dropping it is `shutdown(true, false)`: it waits for every task, like
/// leaving a `with ThreadPoolExecutor(...) as executor:` block.
pub struct ThreadPoolExecutor {
    inner: Arc<Inner>,
    threads: Mutex<Vec<Thread>>,
}

/// A worker thread on the list: its id stays, so that `shutdown` knows a
/// worker when one calls it; its handle goes to the first caller to join it.
struct Thread {
    id: ThreadId,
    handle: Option<JoinHandle<()>>,
}

struct Inner {
    state: Mutex<PoolState>,
    /// Where idle workers wait for work.
    doorbell: Doorbell,
    /// Notified when `starting` reaches 0, when a worker ends, and when a
    /// task starts waiting in `shutdown`: what `shutdown(wait)` waits for.
    settled: Condvar,
    /// Run by each worker before its first task.
    initializer: Option<Initializer>,
}

struct PoolState {
    queue: VecDeque<Queued>,
    /// Tasks marked running, queued for a free worker or being run: never
    /// more than `max_workers`.
    busy: usize,
    max_workers: usize,
    threads: usize,
    /// Workers asleep at the doorbell and not yet rung for: with none,
    /// there is no one to wake.
    sleeping: usize,
    /// Rings not yet answered by a waking worker.
    rung: usize,
    /// Threads being started, not yet on the list `shutdown` joins.
    starting: usize,
    /// Workers whose loop has returned (after `shutdown`), or whose
    /// initializer failed.
    ended: usize,
    /// Workers blocked in `shutdown(wait=true)`, called by their own task:
    /// they cannot end before it returns, so the others do not wait for them.
    waiting_in_tasks: usize,
    shutdown: bool,
    /// Set when an initializer failed: Python's `_broken`, always an
    /// [`Error::BrokenPool`]; the first reason stays.
    broken: Option<Error>,
    name: String,
}

/// A queued task, and whether it is marked running for a free worker (at
/// `submit`, or since by `release`): kept here, beside the pointer, so that
/// a worker looking for work reads it without the task's own lock.
struct Queued {
    task: Arc<dyn WorkItem>,
    reserved: bool,
}

impl Queued {
    /// Marks a pending task running for a worker that is free; false if it
    /// was cancelled.
    fn reserve(&mut self) -> bool {
        // Not yet known which worker runs it: `run` reports that one.
        self.reserved = self.task.reserve();
        self.reserved
    }
}

/// A queued task, whatever its type: Python's `_WorkItem`. It is the task's
/// [`Shared`] state itself, the handle's own allocation, which also keeps the
/// closure: whoever takes it out of the queue (under the pool's lock, so
/// only one) runs the closure or drops it.
trait WorkItem: Send + Sync {
    /// Marks the pending handle running; false if it was cancelled.
    fn reserve(&self) -> bool;
    fn cancelled(&self) -> bool;
    /// Cancels a pending task now, under the pool's lock; the callbacks are
    /// left to run once it is released.
    fn cancel(self: Arc<Self>) -> Deferred;
    /// Runs the task on worker `worker` (the number the events report),
    /// then [`Inner::finish`]es it; gives back the next task, if this worker
    /// took it on the way.
    fn run(
        self: Arc<Self>,
        worker: usize,
        inner: &Inner,
        cancelled: &mut Vec<Queued>,
    ) -> Option<Queued>;
    /// The task's handle, as [`Handle::id`] names it.
    fn id(&self) -> usize;
    /// Finishes a task no worker will run with `why` (the pool is broken),
    /// then drops its closure. Called with no lock held: the callbacks run.
    fn fail(self: Arc<Self>, why: &Error);
    /// Drops the closure of a task that will never run. Called with no lock
    /// held: its captures run their own `drop`, which may panic or use this
    /// pool. (Handles may keep the rest alive long after.)
    fn discard(&self);
}

/// The closure of a queued task, taken out once: to run it or to drop it.
type Call<F> = Mutex<Option<F>>;

impl<R, F> WorkItem for Shared<R::Ok, R::Err, Call<F>>
where
    R: Outcome<Ok: Send + 'static, Err: Send + 'static>,
    F: FnOnce() -> R + Send + 'static,
{
    fn reserve(&self) -> bool {
        Shared::reserve(self)
    }
    fn cancelled(&self) -> bool {
        Shared::cancelled(self)
    }
    fn cancel(self: Arc<Self>) -> Deferred {
        Handle::on(self).cancel_deferring_callbacks()
    }
    fn id(&self) -> usize {
        Shared::id(self)
    }
    fn fail(self: Arc<Self>, why: &Error) {
        Handle::on(Arc::clone(&self)).finish(Err(why.clone().widen()));
        self.discard();
    }
    fn run(
        self: Arc<Self>,
        worker: usize,
        inner: &Inner,
        cancelled: &mut Vec<Queued>,
    ) -> Option<Queued> {
        let task = take(&self.call).expect("a queued task is taken out once");
        let handle = Handle::on(self);
        // The handle catches a panic: the task has returned or unwound.
        let outcome = handle.run_on(worker, task);
        inner.finish(&handle, outcome, cancelled)
    }
    fn discard(&self) {
        discard_closure(take(&self.call));
    }
}

/// Takes a queued task's closure out, leaving `None`.
fn take<F>(call: &Call<F>) -> Option<F> {
    // Nothing runs or drops under this lock, so it is never poisoned.
    call.lock().expect("never poisoned").take()
}

impl ThreadPoolExecutor {
    /// A pool of up to `max_workers` threads, started as tasks need them:
    /// `builder().max_workers(max_workers).build()`.
    ///
    /// Panics if `max_workers` is 0, as Python raises `ValueError`.
    pub fn new(max_workers: usize) -> ThreadPoolExecutor {
        Self::builder()
            .max_workers(max_workers)
            .build()
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Python's constructor with its arguments by name: `max_workers`
    /// (default `min(32, cores + 4)`), `thread_name_prefix`, `initializer`.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use concurrent_futures::ThreadPoolExecutor;
    ///
    /// thread_local!(static GREETING: Cell<&'static str> = const { Cell::new("") });
    ///
    /// let executor = ThreadPoolExecutor::builder()
    ///     .max_workers(2)
    ///     .thread_name_prefix("greeter")
    ///     .initializer(|| GREETING.set("hello"))
    ///     .build()?;
    /// let task = executor.submit(|| {
    ///     let name = std::thread::current().name().unwrap().to_string();
    ///     format!("{} from {name}", GREETING.get())
    /// })?;
    /// assert_eq!(task.result()?, "hello from greeter_0");
    /// # Ok::<(), concurrent_futures::Error>(())
    /// ```
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder::default()
    }

    fn with_config(config: Config) -> ThreadPoolExecutor {
        let Config {
            max_workers,
            name,
            initializer,
        } = config;
        let state = PoolState {
            queue: VecDeque::new(),
            busy: 0,
            max_workers,
            threads: 0,
            sleeping: 0,
            rung: 0,
            starting: 0,
            ended: 0,
            waiting_in_tasks: 0,
            shutdown: false,
            broken: None,
            name,
        };
        ThreadPoolExecutor {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                doorbell: Doorbell {
                    work: Condvar::new(),
                },
                settled: Condvar::new(),
                initializer,
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
    /// [`Executor::submit`] takes a function and its argument, as Python's
    /// `submit(fn, arg)`; this method hides it from `pool.submit(..)`, so
    /// call it by its path: `Executor::submit(&pool, f, arg)`.
    ///
    /// A task that returns `Err(e)` has raised `e` (see [`Outcome`]).
    /// If a worker is free, the task is `running` before `submit` returns;
    /// otherwise it is `pending` until a worker takes it, oldest first.
    /// After [`shutdown`](Self::shutdown): `Err(Error::Shutdown)`; once an
    /// initializer has failed: `Err(Error::BrokenPool)`. If the
    /// task needs a new thread and none can start: `Err(Error::CannotStart)`,
    /// the task is not scheduled, and the pool goes on as before.
    pub fn submit<R, F>(&self, task: F) -> Result<HandleOf<R>, Error>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Outcome<Ok: Send + 'static, Err: Send + 'static> + 'static,
    {
        // One allocation holds the handle's state and the closure, shared by
        // the handle and the queue; made before taking the lock, so the
        // workers wait less for it.
        let shared = Shared::with_call(Mutex::new(Some(task)));
        let handle = Handle::pending(Arc::clone(&shared));
        let mut job = Queued {
            task: shared,
            reserved: false,
        };
        let id = handle.id();
        let mut state = self.inner.lock();
        // Python looks at `_broken` first, then `_shutdown`.
        let refused = match (&state.broken, state.shutdown) {
            (Some(broken), _) => Some(broken.clone()),
            (None, true) => Some(Error::Shutdown),
            (None, false) => None,
        };
        if let Some(refused) = refused {
            // The closure is dropped after the lock, never under it.
            drop(state);
            return Err(refused);
        }
        // Deciding here, under the lock, is what makes "the first
        // max_workers tasks are running" certain rather than a race.
        let reserved = state.busy < state.max_workers && job.reserve();
        if reserved {
            state.busy += 1;
        }
        state.queue.push_back(job);
        // Only a task marked running is for a waiting worker; a pending one
        // waits for a task to end, whose `release` marks it running.
        let ring = reserved && Doorbell::ring_for(&mut state);
        // One thread per task marked running, started only when needed:
        // submitting one task at a time to a big pool keeps one thread. It
        // starts with no lock held; `starting` makes `shutdown` wait for it
        // to reach the list of threads.
        let start = if state.threads < state.busy {
            state.threads += 1;
            state.starting += 1;
            let worker = state.threads - 1;
            Some((format!("{}_{worker}", state.name), worker))
        } else {
            None
        };
        drop(state);
        if let Some((name, worker)) = start
            && let Err(err) = self.start_thread(name, worker)
        {
            // Python's submit raises RuntimeError and the pool goes on. Our
            // task takes back its place, unless a worker freed meanwhile
            // has taken it: then it runs, and its handle is the answer.
            let mut state = self.inner.lock();
            let ours = state.queue.iter().position(|item| item.task.id() == id);
            let unscheduled = ours.and_then(|index| state.queue.remove(index));
            if unscheduled.is_some() {
                state.busy -= 1;
            }
            drop(state);
            if let Some(item) = unscheduled {
                discard(vec![item]);
                return Err(Error::CannotStart(err.to_string()));
            }
        }
        if ring {
            self.inner.doorbell.ring();
        }
        Ok(handle)
    }

    /// Starts a worker thread, with no lock held, and puts it on the list.
    /// If it cannot start, the pool counts one thread fewer. `worker` is
    /// its number, which the events report (the name carries it for people).
    fn start_thread(&self, name: String, worker: usize) -> io::Result<()> {
        let inner = Arc::clone(&self.inner);
        let spawned = spawn(name, move || work(&inner, worker)).map(|handle| {
            let id = handle.thread().id();
            let handle = Some(handle);
            self.lock_threads().push(Thread { id, handle });
        });
        let mut state = self.inner.lock();
        state.starting -= 1;
        if spawned.is_err() {
            state.threads -= 1;
        }
        if state.starting == 0 {
            self.inner.settled.notify_all();
        }
        spawned
    }

    /// Stops taking new tasks. With `cancel_futures`, cancels the tasks still
    /// pending; with `wait`, returns once every worker thread has ended.
    /// Calling it again is harmless.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let mut state = self.inner.lock();
        state.shutdown = true;
        let mut cancelled = Vec::new();
        let mut callbacks = Vec::new();
        if cancel_futures {
            // Tasks already marked running stay queued: a worker is theirs.
            let (keep, pending): (VecDeque<_>, VecDeque<_>) =
                state.queue.drain(..).partition(|item| item.reserved);
            state.queue = keep;
            // Cancelled here, under the lock, as Python's shutdown cancels
            // under its own: another caller never sees a task that is
            // neither queued nor cancelled. Only the callbacks wait.
            callbacks
                .extend(pending.iter().map(|item| Arc::clone(&item.task).cancel()));
            cancelled.extend(pending);
        }
        // No new thread can start now; wait for those being started to be
        // on the list, so that none is missed below.
        while wait && state.starting > 0 {
            state = self.inner.settled.wait(state).expect("never poisoned");
        }
        drop(state);
        self.inner.doorbell.ring_all();
        // Outside the pool's lock: the callbacks, and the closures' drops.
        for deferred in callbacks {
            deferred.run();
        }
        discard(cancelled);
        if wait {
            self.wait_for_workers();
        }
    }

    /// Returns once every worker has ended, in every caller, as Python joins
    /// every thread in each: a second `shutdown(wait=true)` is no shortcut.
    /// A task that shuts down its own pool waits for every other worker but
    /// itself and those in the same call: it cannot end before it returns.
    fn wait_for_workers(&self) {
        let me = thread::current().id();
        let in_a_task = self.lock_threads().iter().any(|thread| thread.id == me);
        let mut state = self.inner.lock();
        if in_a_task {
            state.waiting_in_tasks += 1;
            self.inner.settled.notify_all();
        }
        loop {
            let excused = if in_a_task { state.waiting_in_tasks } else { 0 };
            if state.ended + excused >= state.threads {
                break;
            }
            state = self.inner.settled.wait(state).expect("never poisoned");
        }
        if in_a_task {
            state.waiting_in_tasks -= 1;
            return;
        }
        drop(state);
        // Every loop has returned: joining waits only for the threads' exit.
        let handles: Vec<_> = self
            .lock_threads()
            .iter_mut()
            .filter_map(|thread| thread.handle.take())
            .collect();
        for handle in handles {
            handle.join().expect("workers catch the tasks' panics");
        }
    }

    fn lock_threads(&self) -> MutexGuard<'_, Vec<Thread>> {
        // Poisoned only if a thread could not start: the list is whole still.
        self.threads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where idle workers wait, and how work reaches them with as few wake-up
/// calls as possible. The first three, together, took submit + result from
/// 3.4 to 0.37 µs a task (`just bench-python`, 4 workers on 2 cores); the
/// fourth about a tenth more off `just bench-peers` on a loaded machine:
///
/// - ringing only when a worker sleeps: a notify is a system call even when
///   no thread waits;
/// - an idle worker yields its core [`SPINS`] times before it sleeps, giving
///   the submitter a chance to queue more, since waking a sleeping thread
///   costs more than a short task;
/// - the hand-over in [`Inner::finish`]: a worker whose task ends marks the
///   next pending task running and, its callbacks done, usually takes it
///   itself, with no wake-up at all (a sleeper is rung only if there is one);
///   with no callback, in the same trip through the pool's lock;
/// - a sleeper is rung once ([`PoolState::rung`]): a woken worker may wait
///   long for a core on a busy machine, and each task submitted meanwhile
///   rang it again, a system call that woke no one (`perf`: up to a quarter
///   of all submits).
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
    /// Whether work that has just come needs a ring: a worker is asleep
    /// that no ring has woken yet. If so, it counts as awake from now on.
    fn ring_for(state: &mut PoolState) -> bool {
        let ring = state.sleeping > 0;
        if ring {
            state.sleeping -= 1;
            state.rung += 1;
        }
        ring
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
            // Woken by a ring, whose ringer counted it awake already; or by
            // `ring_all`, or spuriously: then it counts itself.
            if state.rung > 0 {
                state.rung -= 1;
            } else {
                state.sleeping -= 1;
            }
            state
        }
    }
}

/// Starts a thread: the one place the pool asks the operating system for
/// one, so that a test can make it refuse.
fn spawn(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    #[cfg(test)]
    if tests::REFUSE_NEXT_THREAD.take() {
        return Err(io::Error::other("refused by the test"));
    }
    thread::Builder::new().name(name).spawn(body)
}

/// Drops the closures of tasks no worker will run, with no lock held.
fn discard(items: Vec<Queued>) {
    for item in items {
        item.task.discard();
    }
}

/// Drops a task's closure that will never run, with no lock held: its
/// captures run their own `drop`, which may panic or use this pool.
fn discard_closure<F>(task: F) {
    // Like a panicking callback, a panicking drop must not end a worker.
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(task)));
}

/// A worker's life: run the initializer, if any; then take the oldest task
/// marked running, run it, repeat; end when the queue is empty and the pool
/// is shut down. A worker whose initializer fails breaks the pool and ends.
fn work(inner: &Inner, worker: usize) {
    if let Some(initializer) = &inner.initializer
        && let Err(why) = initializer()
    {
        // Python logs it (`LOGGER.critical`), then `_initializer_failed`.
        eprintln!("concurrent_futures: {why}");
        inner.initializer_failed(why);
        return;
    }
    // Cancelled tasks met on the way, dropped once the lock is released.
    let mut cancelled = Vec::new();
    // The next task, when `finish` took it for this worker.
    let mut next = None;
    loop {
        if let Some(queued) = next.take() {
            next = run(queued, worker, inner, &mut cancelled);
            continue;
        }
        let mut state = inner.lock();
        let mut spins = 0;
        let queued = loop {
            // A task is marked running at `submit` only while none is
            // pending, and `release` marks the oldest pending one, so the
            // front is marked running, cancelled, or no task of ours.
            match state.queue.front() {
                Some(item) if item.reserved => {
                    break state.queue.pop_front().expect("there is a front");
                }
                Some(item) if item.task.cancelled() => {
                    cancelled.extend(state.queue.pop_front());
                    drop(state);
                    discard(std::mem::take(&mut cancelled));
                    state = inner.lock();
                }
                None if state.shutdown => {
                    state.ended += 1;
                    inner.settled.notify_all();
                    return;
                }
                _ => state = inner.doorbell.idle(inner, state, &mut spins),
            }
        };
        drop(state);
        next = run(queued, worker, inner, &mut cancelled);
    }
}

/// Runs a task taken from the queue, then drops, with no lock held, the
/// cancelled tasks met on the way. Gives back the next task, if any.
fn run(
    queued: Queued,
    worker: usize,
    inner: &Inner,
    cancelled: &mut Vec<Queued>,
) -> Option<Queued> {
    let next = queued.task.run(worker, inner, cancelled);
    if !cancelled.is_empty() {
        discard(std::mem::take(cancelled));
    }
    next
}

impl Inner {
    /// Python's `_initializer_failed`: the pool is broken, every task still
    /// queued (pending, or marked running for a worker that has not taken
    /// it) fails with [`Error::BrokenPool`], and this worker ends. Tasks
    /// that workers already took finish as usual.
    fn initializer_failed(&self, why: String) {
        let mut state = self.lock();
        let why = state.broken.get_or_insert(Error::BrokenPool(why)).clone();
        let queued: Vec<_> = state.queue.drain(..).collect();
        // Their places were counted busy: no worker will run them now.
        state.busy -= queued.iter().filter(|item| item.reserved).count();
        state.ended += 1;
        self.settled.notify_all();
        drop(state);
        // Outside the lock: the callbacks, and the closures' drops.
        for item in queued {
            item.task.fail(&why);
        }
    }

    /// A worker's task has ended with `outcome`: its place passes on
    /// ([`release`](Self::release)), then its handle is finished. Gives back
    /// the next task for this worker, if it took one on the way.
    ///
    /// The place passes on before the handle is finished, so a caller woken
    /// by `result()` finds it free (and a next `submit` reuses this worker
    /// instead of starting a thread). And this worker takes no task until
    /// the ended one's done-callbacks have run, as in Python, whose worker
    /// runs them inside `set_result`: a callback that waits for the task
    /// marked running here is not waiting for itself, since another worker,
    /// once free, runs it. Most handles have no callback and no waiter:
    /// then the handle is finished under the pool's lock, and this worker
    /// takes the next task in the same trip through it.
    fn finish<T, E>(
        &self,
        handle: &Handle<T, E>,
        outcome: Result<T, Error<E>>,
        cancelled: &mut Vec<Queued>,
    ) -> Option<Queued> {
        let mut state = self.lock();
        let reserved = Self::release(&mut state, cancelled);
        match handle.store_unheard(outcome) {
            Ok(stored) => {
                let next = match state.queue.front() {
                    Some(item) if item.reserved => state.queue.pop_front(),
                    _ => None,
                };
                // A task marked running for a free worker: this one, if it
                // took a task, or else a sleeper.
                let ring =
                    reserved && next.is_none() && Doorbell::ring_for(&mut state);
                drop(state);
                stored.wake();
                if ring {
                    self.doorbell.ring();
                }
                next
            }
            Err(outcome) => {
                let ring = reserved && Doorbell::ring_for(&mut state);
                drop(state);
                if ring {
                    self.doorbell.ring();
                }
                handle.store(outcome);
                None
            }
        }
    }

    /// The place of a worker whose task ended passes to the oldest pending
    /// task, marked running here and left in the queue for the first worker
    /// free to take it; with none pending, the place is free. True if it
    /// marked a task running. Cancelled tasks met on the way go to
    /// `cancelled`, for the worker to drop with no lock held.
    fn release(state: &mut PoolState, cancelled: &mut Vec<Queued>) -> bool {
        let mut index = 0;
        loop {
            // Tasks marked running at the front are for free workers: skip them.
            match state
                .queue
                .iter()
                .skip(index)
                .position(|item| !item.reserved)
            {
                None => {
                    state.busy -= 1;
                    return false;
                }
                Some(offset) => {
                    index += offset;
                    let item = &mut state.queue[index];
                    if item.reserve() {
                        return true;
                    }
                    cancelled.extend(state.queue.remove(index));
                }
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
            .field("broken", &state.broken)
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    thread_local! {
        /// Set by a test: the next thread this thread asks for is refused,
        /// as the operating system refuses one past its limit.
        pub(crate) static REFUSE_NEXT_THREAD: Cell<bool> = const { Cell::new(false) };
    }

    /// CPython thread.py starts a worker inside `submit`
    /// (`_adjust_thread_count`), so when `Thread.start` raises, `submit`
    /// raises `RuntimeError` and the pool goes on. Here: submit gives
    /// `Err(CannotStart)`, the refused task never runs, the tasks before it
    /// finish, the next submit starts the thread, and shutdown returns.
    #[test]
    fn a_thread_that_cannot_start_fails_only_its_submit() {
        let pool = ThreadPoolExecutor::new(2);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = pool.submit(move || rx.recv().is_ok()).unwrap();
        REFUSE_NEXT_THREAD.set(true);
        let ran = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&ran);
        let refused = pool.submit(move || counter.fetch_add(1, Ordering::SeqCst));
        assert!(matches!(refused, Err(Error::CannotStart(_))), "{refused:?}");
        let second = pool.submit(|| 2).unwrap();
        assert_eq!(second.result(), Ok(2));
        tx.send(()).unwrap();
        assert_eq!(first.result(), Ok(true));
        pool.shutdown(true, false);
        assert_eq!(ran.load(Ordering::SeqCst), 0, "the refused task ran");
        assert_eq!(Arc::strong_count(&ran), 1, "the refused task was kept");
        let state = pool.inner.lock();
        assert_eq!((state.threads, state.ended, state.busy), (2, 2, 0));
    }
}
