//! [`Handle`]: Python's `concurrent.futures.Future`, the handle of a task that
//! has been scheduled.
//!
//! A handle moves through Python's four states, once each way:
//!
//! ```text
//! pending ──(a worker takes it)──> running ──(it returns, fails or panics)──> finished
//!    └──────────(cancel)──────────> cancelled
//! ```
//!
//! A finished task either returned a value or raised: returned `Err(e)`,
//! panicked, or lost its worker process. `Debug`, [`Handle::exception`],
//! [`Handle::result`] and `wait(FirstException)` all read that one outcome,
//! so they always agree, as Python's do.
//!
//! Waiting is a mutex and a condition variable; `wait` and `as_completed`
//! register a channel on each handle instead, and hear from whichever
//! finishes first.

use crate::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::any::type_name;
use std::convert::Infallible;
use std::fmt;
use std::panic::{self, AssertUnwindSafe, RefUnwindSafe, UnwindSafe};
use std::time::{Duration, Instant};

use crate::events::{self, Phase as Reported};
use crate::{Error, Outcome};

/// A task that has been scheduled: Python's `concurrent.futures.Future`.
///
/// `T` is what the task returns, `E` what it raises: a task that returns
/// `Result<String, FlagError>` has a `Handle<String, FlagError>`, and one
/// that returns a plain `u64` a `Handle<u64>` (it never raises).
///
/// Executors make handles, as they make Python's futures; an executor
/// written outside this crate makes them too, with the methods Python's
/// `Future` offers executors: [`Handle::new`], then
/// [`set_running_or_notify_cancel`](Handle::set_running_or_notify_cancel)
/// and [`set_result`](Handle::set_result) or
/// [`set_exception`](Handle::set_exception).
/// Cloning one is cheap and gives another handle on the same task.
///
/// Its `Debug` looks like Python's repr:
/// `<Future at 0x7f3a2c000b70 state=finished returned String>`, or
/// `state=finished raised FlagError` for a task that returned `Err`.
pub struct Handle<T, E = Infallible> {
    shared: Arc<Shared<T, E>>,
}

/// What every handle on one task shares, in one allocation. `C` is what the
/// executor keeps with it: the thread pool, the task's closure, so that its
/// queue holds this same `Arc` and a task costs one allocation, not two;
/// `()` for other executors. A handle sees it only as `dyn Attached`.
pub(crate) struct Shared<T, E, C: ?Sized = dyn Attached> {
    state: Mutex<State<T, E>>,
    /// Notified when the handle becomes done (finished or cancelled).
    done: Condvar,
    /// The task's number in the event stream, if an observer was installed
    /// when the handle was made (see [`events`]); [`UNOBSERVED`] reports
    /// nothing. A plain `u64`, not an `Option`: it fits where the handle had
    /// room, so an unobserved handle is no bigger than it was.
    task: u64,
    pub(crate) call: C,
}

/// What an executor may keep in a task's [`Shared`] state: whatever it is,
/// a handle stays `Send`, `Sync` and unwind-safe, as it was without it.
pub(crate) trait Attached: Send + Sync + UnwindSafe + RefUnwindSafe {}

impl<C: Send + Sync + UnwindSafe + RefUnwindSafe> Attached for C {}

/// `Shared::task` of a handle made while no one observed.
const UNOBSERVED: u64 = u64::MAX;

struct State<T, E> {
    phase: Phase,
    /// `Some` once finished: the value, or what the task raised.
    outcome: Option<Kept<T, E>>,
    /// Who hears when the task is done, in the order they came: one list,
    /// so that a handle nobody listens to carries one empty `Vec`, not two.
    listeners: Vec<Listener<T, E>>,
    /// Threads blocked in `result()` and friends: with none, finishing needs
    /// no wake-up call (a system call per task, saved).
    /// (`u32`, so that the handle stays the size it was before `task`.)
    sleepers: u32,
}

type Callback<T, E> = Box<dyn FnOnce(&Handle<T, E>) + Send>;

/// A done-callback, or a `wait` or `as_completed` call listening.
enum Listener<T, E> {
    Callback(Callback<T, E>),
    Waiter(Waiter),
}

/// What a finished handle holds.
enum Kept<T, E> {
    /// The value, or what the task raised.
    Outcome(Result<T, Error<E>>),
    /// [`Handle::join`] moved the outcome out. What remains is whether the
    /// task raised, and what, so that `Debug`, `wait(FirstException)` and a
    /// waiter added later say what they said before.
    Taken {
        /// The name of what the task raised (see `Error::raised_name`), if it did.
        raised: Option<String>,
    },
}

impl<T, E> Kept<T, E> {
    fn raised(&self) -> bool {
        match self {
            Kept::Outcome(outcome) => outcome.is_err(),
            Kept::Taken { raised } => raised.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Cancelled,
    Finished,
}

impl Phase {
    /// Finished or cancelled: Python's `done()`, and the end of waiting.
    fn is_done(self) -> bool {
        matches!(self, Phase::Finished | Phase::Cancelled)
    }
}

/// A `wait` or `as_completed` call listening to this handle: it is sent
/// `index` once, when the handle becomes done, with whether the task raised
/// (so `wait(FirstException)` never has to ask every handle again).
#[derive(Debug)]
pub(crate) struct Waiter {
    pub(crate) id: u64,
    pub(crate) index: usize,
    pub(crate) tx: mpsc::Sender<Done>,
}

/// What a handle tells its waiters when it becomes done.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    /// The waiter's index of the handle.
    pub(crate) index: usize,
    /// The task raised: returned `Err`, panicked, lost its worker.
    pub(crate) raised: bool,
}

impl<T, E> Clone for Handle<T, E> {
    fn clone(&self) -> Self {
        Handle {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Two handles are equal when they are handles on the same task, and hash
/// by that identity: Python's futures can be dict keys (`to_do_map[future] = cc`),
/// and so can these.
impl<T, E> PartialEq for Handle<T, E> {
    fn eq(&self, other: &Handle<T, E>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T, E> Eq for Handle<T, E> {}

impl<T, E> std::hash::Hash for Handle<T, E> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl<T, E> Default for Handle<T, E> {
    fn default() -> Self {
        Handle::new()
    }
}

impl<T, E> Handle<T, E> {
    /// A pending handle, for an executor to run later: Python's `Future()`.
    ///
    /// As in Python, this is for executors (and tests): a user gets handles
    /// from `submit`. An executor of its own marks the handle running when a
    /// worker takes the task, and finishes it with what the task gave:
    ///
    /// ```
    /// use std::panic::{self, AssertUnwindSafe};
    /// use std::thread;
    /// use concurrent_futures::{Error, Handle};
    ///
    /// /// Runs every task on a thread of its own.
    /// fn spawn<T: Send + 'static>(task: impl FnOnce() -> T + Send + 'static) -> Handle<T> {
    ///     let handle = Handle::new();
    ///     let worker = handle.clone();
    ///     thread::spawn(move || {
    ///         if worker.set_running_or_notify_cancel() {
    ///             // A panic is caught, as Python's worker catches an
    ///             // exception: else `result()` would wait for ever.
    ///             let finished = match panic::catch_unwind(AssertUnwindSafe(task)) {
    ///                 Ok(value) => worker.set_result(value),
    ///                 Err(_) => worker.set_exception(Error::Panicked("a task panicked".into())),
    ///             };
    ///             finished.expect("only this thread finishes it");
    ///         }
    ///     });
    ///     handle
    /// }
    ///
    /// assert_eq!(spawn(|| 6 * 7).result(), Ok(42));
    /// assert!(matches!(spawn(|| -> u8 { panic!("boom") }).result(), Err(Error::Panicked(_))));
    /// let handle: Handle<u8, String> = Handle::new();
    /// assert!(handle.cancel());
    /// assert!(!handle.set_running_or_notify_cancel(), "cancelled: do not run it");
    /// assert!(matches!(handle.set_result(1), Err(Error::InvalidState(_))));
    /// ```
    pub fn new() -> Handle<T, E> {
        Handle::pending(Shared::with_call(()))
    }

    /// The first handle on a task just made: reported `Pending`.
    pub(crate) fn pending<C>(shared: Arc<Shared<T, E, C>>) -> Handle<T, E>
    where
        C: Attached + 'static,
    {
        let handle = Handle::on(shared);
        handle.report(|| Reported::Pending);
        handle
    }

    /// Another handle on a task: the executor's `Arc` of it, seen as a handle.
    pub(crate) fn on<C>(shared: Arc<Shared<T, E, C>>) -> Handle<T, E>
    where
        C: Attached + 'static,
    {
        Handle { shared }
    }

    /// Tells the event observer, if any, that this task became `phase`.
    /// Called with no lock of the handle held: the observer may print, and
    /// a `println!` of this handle's `Debug` holds stdout while it waits
    /// for the handle's lock.
    /// Inlined, it is one comparison; the reporting itself is out of line
    /// (`cold`), so an unobserved run's hot paths stay as small as they were.
    #[inline]
    fn report(&self, phase: impl FnOnce() -> Reported) {
        if self.shared.task != UNOBSERVED {
            self.report_observed(phase);
        }
    }

    #[cold]
    #[inline(never)]
    fn report_observed(&self, phase: impl FnOnce() -> Reported) {
        events::report(self.shared.task, phase);
    }

    /// Hands a caller what `read` reads (or moves out) under `state`: a
    /// finished task's outcome, if it is still there, is `Taken` (a cancel,
    /// a timeout or a value `join` moved out hands over none). Unobserved,
    /// it is `read(&mut state)` and one comparison.
    #[inline]
    fn hand_over<R>(
        &self,
        mut state: MutexGuard<'_, State<T, E>>,
        read: impl FnOnce(&mut State<T, E>) -> R,
    ) -> R {
        if self.shared.task == UNOBSERVED {
            return read(&mut state);
        }
        // Only a finished handle keeps an outcome.
        let taken = matches!(state.outcome, Some(Kept::Outcome(_)));
        let handed = read(&mut state);
        drop(state);
        if taken {
            self.report_observed(|| Reported::Taken);
        }
        handed
    }

    /// Which task this is a handle on: equal for two handles exactly when
    /// they are handles on the same task.
    pub(crate) fn id(&self) -> usize {
        self.shared.id()
    }

    fn lock(&self) -> MutexGuard<'_, State<T, E>> {
        self.shared.lock()
    }

    /// True if the task finished or was cancelled. Never blocks.
    pub fn done(&self) -> bool {
        self.lock().phase.is_done()
    }

    /// True while a worker has the task (it can no longer be cancelled).
    pub fn running(&self) -> bool {
        self.lock().phase == Phase::Running
    }

    /// True if [`cancel`](Self::cancel) stopped the task before it started.
    pub fn cancelled(&self) -> bool {
        self.shared.cancelled()
    }

    /// Cancels the task if no worker has started it, and says whether it is
    /// cancelled now. A running or finished task cannot be stopped: Rust, like
    /// Python, has no safe way to interrupt a thread.
    pub fn cancel(&self) -> bool {
        let mut state = self.lock();
        match state.phase {
            Phase::Cancelled => return true,
            Phase::Running | Phase::Finished => return false,
            Phase::Pending => state.phase = Phase::Cancelled,
        }
        let callbacks = self.wake(state);
        self.report(|| Reported::Cancelled);
        run_callbacks(self, callbacks);
        true
    }

    /// Waits for the task and returns a copy of its value: Python's
    /// `future.result()`, with what it would raise as `Err`: the task's own
    /// error as [`Error::Raised`], or a panic, a cancel ...
    ///
    /// It needs `T: Clone` and `E: Clone`, because every reader gets the
    /// value, as every reader of a Python future does. For a value that is
    /// not `Clone`, [`join`](Self::join) moves it out; after that, this
    /// gives [`Error::Taken`].
    pub fn result(&self) -> Result<T, Error<E>>
    where
        T: Clone,
        E: Clone,
    {
        self.hand_over(self.wait_done(None), |state| outcome_of(state))
    }

    /// [`result`](Self::result), giving up with [`Error::Timeout`] after
    /// `timeout`. The task itself goes on running.
    pub fn result_timeout(&self, timeout: Duration) -> Result<T, Error<E>>
    where
        T: Clone,
        E: Clone,
    {
        let deadline = Some(Instant::now() + timeout);
        self.hand_over(self.wait_done(deadline), |state| outcome_of(state))
    }

    /// Waits for the task and moves its value out: [`result`](Self::result)
    /// for any `T` and `E`, `Clone` or not (an `io::Error`, a
    /// `Box<dyn Error + Send + Sync>`, a file), as `std`'s
    /// `JoinHandle::join` does. Python has no such method: there, every
    /// reader shares one object.
    ///
    /// The value moves out once. Other handles on the same task (clones,
    /// those `wait` and `as_completed` gave back) still see a finished task:
    /// `done()` is true, `Debug` says what it returned or raised, and
    /// `wait(FirstException)` knows whether it raised; but reading the value
    /// again (`result`, `exception`, `join` on a clone) gives
    /// [`Error::Taken`]. `join` does not wait for the other handles to be
    /// dropped: `as_completed`, `wait` and a map of handles keep clones, and
    /// waiting for them would hang.
    ///
    /// ```
    /// use std::io;
    /// use concurrent_futures::{Error, ThreadPoolExecutor};
    ///
    /// let executor = ThreadPoolExecutor::new(1);
    /// let handle = executor
    ///     .submit(|| std::fs::read("/no/such/file"))
    ///     .unwrap();
    /// let copy = handle.clone();
    /// let Err(Error::Raised(err)) = handle.join() else { panic!() };
    /// assert_eq!(err.kind(), io::ErrorKind::NotFound);
    /// assert!(copy.done());
    /// assert!(matches!(copy.join(), Err(Error::Taken)));
    /// ```
    pub fn join(self) -> Result<T, Error<E>> {
        self.hand_over(self.wait_done(None), take_outcome)
    }

    /// [`join`](Self::join), giving up with [`Error::Timeout`] after
    /// `timeout`. It borrows the handle, so that after a timeout the value
    /// can still be taken later.
    pub fn join_timeout(&self, timeout: Duration) -> Result<T, Error<E>> {
        let deadline = Some(Instant::now() + timeout);
        self.hand_over(self.wait_done(deadline), take_outcome)
    }

    /// Waits for the task and returns what it raised, if anything: Python's
    /// `future.exception()`. `Ok(Some(Error::Raised(e)))` is the task's own
    /// `Err(e)`, typed, to match on; a panic or a dead worker are raised too.
    /// `Ok(None)` means the task returned a value. `Err` is what Python's
    /// would raise itself (cancelled, timed out), or [`Error::Taken`] once
    /// [`join`](Self::join) has moved the outcome out.
    pub fn exception(&self) -> Result<Option<Error<E>>, Error>
    where
        E: Clone,
    {
        self.hand_over(self.wait_done(None), |state| exception_of(state))
    }

    /// [`exception`](Self::exception), giving up after `timeout`.
    pub fn exception_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Error<E>>, Error>
    where
        E: Clone,
    {
        let deadline = Some(Instant::now() + timeout);
        self.hand_over(self.wait_done(deadline), |state| exception_of(state))
    }

    /// Calls `callback` exactly once, when the task is done (finished or
    /// cancelled): on the thread that finished it, or here and now if it is
    /// done already. A callback that panics is reported and the others still run.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Handle<T, E>) + Send + 'static,
    ) {
        let mut state = self.lock();
        if state.phase.is_done() {
            drop(state);
            run_callback(self, Box::new(callback));
        } else {
            state.listeners.push(Listener::Callback(Box::new(callback)));
        }
    }

    /// Blocks until done or until `deadline`. Spurious wake-ups loop back.
    fn wait_done(&self, deadline: Option<Instant>) -> MutexGuard<'_, State<T, E>> {
        let mut state = self.lock();
        while !state.phase.is_done() {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                break;
            }
            let done = &self.shared.done;
            state.sleepers += 1;
            state = match left {
                None => done.wait(state).expect("never poisoned"),
                Some(left) => {
                    done.wait_timeout(state, left).expect("never poisoned").0
                }
            };
            state.sleepers -= 1;
        }
        state
    }

    // -- What executors do to a handle (Python's Future methods "meant for
    // use in Executor implementations") --

    /// Marks a pending handle running, because a worker is taking it now.
    /// Returns false if it was cancelled: the worker must skip it.
    /// Python's `set_running_or_notify_cancel`; for executors, as
    /// [`Handle::new`] shows. The events report the task running on a
    /// worker the executor does not name.
    ///
    /// Once it returns true, the task can no longer be cancelled; call it
    /// once per task, before running it. Panics if the handle is running or
    /// finished already, where Python raises `RuntimeError` (an executor's bug).
    pub fn set_running_or_notify_cancel(&self) -> bool {
        assert!(
            !self.running(),
            "set_running_or_notify_cancel called twice on {self:?} (an executor's bug; \
             Python raises RuntimeError)"
        );
        self.start_on(None)
    }

    /// [`set_running_or_notify_cancel`](Self::set_running_or_notify_cancel)
    /// by an executor that knows which of its workers takes the task: the
    /// process pool's worker process `k`. (The thread pool marks a task
    /// running before it knows which thread will take it: it uses
    /// [`Shared::reserve`] and [`run_on`](Self::run_on).)
    pub(crate) fn start_on(&self, worker: Option<usize>) -> bool {
        let (running, now) = self.shared.mark_running();
        if now {
            self.report(|| Reported::Running { worker });
        }
        running
    }

    /// Runs `task` here, on the thread pool's worker `worker`, catching a
    /// panic as Python catches an exception, and gives back the outcome for
    /// the pool to store once the worker's place has passed on: an `Err`
    /// the task returns is raised, like a panic. The events hear `Finished`
    /// now, so no task is seen running in this worker's place before this
    /// one is seen finished.
    pub(crate) fn run_on<R>(
        &self,
        worker: usize,
        task: impl FnOnce() -> R,
    ) -> Result<T, Error<E>>
    where
        R: Outcome<Ok = T, Err = E>,
    {
        self.report(|| Reported::Running {
            worker: Some(worker),
        });
        let outcome = match panic::catch_unwind(AssertUnwindSafe(task)) {
            Ok(returned) => returned.into_result().map_err(Error::Raised),
            Err(payload) => Err(Error::Panicked(Error::panic_message(payload))),
        };
        self.report_finished(&outcome);
        outcome
    }

    /// Stores a running task's outcome, reported already, if no callback
    /// or waiter listens: then nothing runs, and the thread pool may call
    /// this under its own lock. Gives the outcome back if some listen (or
    /// an executor's `set_result` came first), for [`store`](Self::store)
    /// with no lock held. Once stored, the threads
    /// blocked in `result()`, if any, wait for [`Stored::wake`].
    pub(crate) fn store_unheard(
        &self,
        outcome: Result<T, Error<E>>,
    ) -> Result<Stored<'_, T, E>, Result<T, Error<E>>> {
        let mut state = self.lock();
        let done = state.phase.is_done();
        if done || !state.listeners.is_empty() {
            return Err(outcome);
        }
        state.phase = Phase::Finished;
        state.outcome = Some(Kept::Outcome(outcome));
        let sleepers = state.sleepers > 0;
        Ok(Stored {
            handle: self,
            sleepers,
        })
    }

    /// Finishes the task with the value it returned, wakes every waiter and
    /// runs the done-callbacks: Python's `set_result`, for executors (see
    /// [`Handle::new`]).
    ///
    /// A handle is finished once: if it is done already (finished, or
    /// cancelled before a worker took it), nothing changes and this gives
    /// [`Error::InvalidState`], as Python raises `InvalidStateError`.
    pub fn set_result(&self, value: T) -> Result<(), Error> {
        self.finish_once(Ok(value))
    }

    /// Finishes the task with what it raised: Python's `set_exception`, for
    /// executors. The task's own `Err(e)` is [`Error::Raised(e)`](Error::Raised);
    /// an executor gives its own reasons too ([`Error::Panicked`],
    /// [`Error::WorkerDied`] ...). A handle done already gives
    /// [`Error::InvalidState`], as in [`set_result`](Self::set_result).
    pub fn set_exception(&self, error: Error<E>) -> Result<(), Error> {
        self.finish_once(Err(error))
    }

    fn finish_once(&self, outcome: Result<T, Error<E>>) -> Result<(), Error> {
        if self.finish(outcome) {
            Ok(())
        } else {
            Err(Error::InvalidState(format!("{self:?}")))
        }
    }

    /// Stores the outcome, wakes every waiter and runs the callbacks; false
    /// (and nothing changes) if the handle is done already.
    pub(crate) fn finish(&self, outcome: Result<T, Error<E>>) -> bool {
        if self.shared.task != UNOBSERVED && !self.claim() {
            return false;
        }
        self.report_finished(&outcome);
        self.store(outcome)
    }

    /// An observed handle is about to be finished: `Finished` is reported
    /// with no lock held, before the outcome is stored. A pending handle
    /// (a queue failed by a broken pool) is marked running first, so that a
    /// `cancel` racing this finish fails, as it would a moment later, instead
    /// of ending a task already reported finished. False if it is done.
    /// (Two finishers at once, an outside executor's bug, can both report.)
    fn claim(&self) -> bool {
        let mut state = self.lock();
        match state.phase {
            Phase::Cancelled | Phase::Finished => false,
            Phase::Pending | Phase::Running => {
                state.phase = Phase::Running;
                true
            }
        }
    }

    /// Reports `Finished`: before the outcome is stored, so that a caller
    /// taking it reports `Taken` after this.
    fn report_finished(&self, outcome: &Result<T, Error<E>>) {
        self.report(|| Reported::Finished {
            raised: outcome.as_ref().err().map(Error::raised_name),
        });
    }

    /// [`finish`](Self::finish), reported already.
    pub(crate) fn store(&self, outcome: Result<T, Error<E>>) -> bool {
        let mut state = self.lock();
        if state.phase.is_done() {
            return false;
        }
        state.phase = Phase::Finished;
        state.outcome = Some(Kept::Outcome(outcome));
        self.became_done(state);
        true
    }

    /// Adds a waiter; if the handle is done already, it hears so at once.
    pub(crate) fn add_waiter(&self, waiter: Waiter) {
        let mut state = self.lock();
        if state.phase.is_done() {
            let _ = waiter.tx.send(done_for(&state, &waiter));
        } else {
            state.listeners.push(Listener::Waiter(waiter));
        }
    }

    /// Removes the waiter registered under `id` (the call stopped listening).
    pub(crate) fn remove_waiter(&self, id: u64) {
        self.lock().listeners.retain(
            |listener| !matches!(listener, Listener::Waiter(waiter) if waiter.id == id),
        );
    }

    /// [`cancel`](Self::cancel) for an executor that holds its own lock:
    /// the handle is cancelled now and its waiters woken, and the callbacks
    /// are returned, for the caller to run once it holds no lock. Used by
    /// `shutdown(cancel_futures=true)`, so that no other caller of `shutdown`
    /// can see a task that is neither queued nor cancelled.
    pub(crate) fn cancel_deferring_callbacks(&self) -> Deferred
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut state = self.lock();
        if state.phase != Phase::Pending {
            return Deferred(None);
        }
        state.phase = Phase::Cancelled;
        let callbacks = self.wake(state);
        self.report(|| Reported::Cancelled);
        let handle = self.clone();
        Deferred(Some(Box::new(move || run_callbacks(&handle, callbacks))))
    }

    /// The handle has just become done: wake `result()` callers and waiters,
    /// then run the callbacks outside the lock, so they may use this handle.
    fn became_done(&self, state: MutexGuard<'_, State<T, E>>) {
        run_callbacks(self, self.wake(state));
    }

    /// Wakes `result()` callers and waiters, releases the lock, and returns
    /// the callbacks to run (the waiters, told already, are left out).
    fn wake(&self, mut state: MutexGuard<'_, State<T, E>>) -> Vec<Listener<T, E>> {
        let mut callbacks = std::mem::take(&mut state.listeners);
        // Mostly none: a task read by `result()` alone has no listeners.
        if !callbacks.is_empty() {
            callbacks.retain(|listener| match listener {
                Listener::Waiter(waiter) => {
                    let _ = waiter.tx.send(done_for(&state, waiter));
                    false
                }
                Listener::Callback(_) => true,
            });
        }
        let sleepers = state.sleepers;
        drop(state);
        if sleepers > 0 {
            self.shared.done.notify_all();
        }
        callbacks
    }
}

impl<T, E, C> Shared<T, E, C> {
    /// A new pending task whose shared state also keeps `call`.
    pub(crate) fn with_call(call: C) -> Arc<Shared<T, E, C>> {
        let state = State {
            phase: Phase::Pending,
            outcome: None,
            listeners: Vec::new(),
            sleepers: 0,
        };
        Arc::new(Shared {
            state: Mutex::new(state),
            done: Condvar::new(),
            task: events::new_task().unwrap_or(UNOBSERVED),
            call,
        })
    }
}

/// What an executor asks of a task it has queued, before it has a [`Handle`]
/// on it: the thread pool's queue holds the `Arc<Shared>` itself.
impl<T, E, C: ?Sized> Shared<T, E, C> {
    /// [`Handle::id`]: the address of this allocation.
    pub(crate) fn id(&self) -> usize {
        self as *const Self as *const () as usize
    }

    fn lock(&self) -> MutexGuard<'_, State<T, E>> {
        // Tasks and callbacks run outside this lock, so it is never poisoned.
        self.state
            .lock()
            .expect("a handle's lock is never poisoned")
    }

    /// [`Handle::cancelled`].
    pub(crate) fn cancelled(&self) -> bool {
        self.lock().phase == Phase::Cancelled
    }

    /// Marks a pending task running for whichever worker is free first,
    /// and reports nothing yet: [`Handle::run_on`] reports the worker that
    /// takes it. The thread pool's `set_running_or_notify_cancel`.
    pub(crate) fn reserve(&self) -> bool {
        self.mark_running().0
    }

    /// Whether the task is running now, and whether it was pending before.
    fn mark_running(&self) -> (bool, bool) {
        let mut state = self.lock();
        match state.phase {
            Phase::Cancelled => (false, false),
            Phase::Running => (true, false),
            Phase::Pending => {
                state.phase = Phase::Running;
                (true, true)
            }
            Phase::Finished => {
                panic!("a finished task started again (an executor's bug)")
            }
        }
    }
}

/// A handle finished by [`Handle::store_unheard`], whose `result()` callers
/// are woken once the executor's lock is released: [`Stored::wake`].
#[must_use = "the threads in `result()` wake only through `wake`"]
pub(crate) struct Stored<'a, T, E> {
    handle: &'a Handle<T, E>,
    sleepers: bool,
}

impl<T, E> Stored<'_, T, E> {
    /// Wakes the threads blocked in `result()`: a system call, made only if
    /// there are some.
    pub(crate) fn wake(self) {
        if self.sleepers {
            self.handle.shared.done.notify_all();
        }
    }
}

/// The done-callbacks of a handle cancelled under an executor's lock, to be
/// run once that lock is released: [`Deferred::run`].
#[must_use = "the callbacks run only through `run`"]
pub(crate) struct Deferred(Option<Box<dyn FnOnce() + Send>>);

impl Deferred {
    /// Runs the callbacks, on this thread; call it with no lock held.
    pub(crate) fn run(self) {
        if let Some(callbacks) = self.0 {
            callbacks();
        }
    }
}

/// Runs the callbacks among `listeners`, in the order they were added.
#[inline]
fn run_callbacks<T, E>(handle: &Handle<T, E>, listeners: Vec<Listener<T, E>>) {
    // Most tasks have none: no iterator to set up and drop.
    if listeners.is_empty() {
        return;
    }
    for listener in listeners {
        if let Listener::Callback(callback) = listener {
            run_callback(handle, callback);
        }
    }
}

fn run_callback<T, E>(handle: &Handle<T, E>, callback: Callback<T, E>) {
    // Python logs an exception raised by a callback and goes on; the panic
    // hook has printed the panic, so say which callback it was and go on.
    if panic::catch_unwind(AssertUnwindSafe(|| callback(handle))).is_err() {
        eprintln!(
            "concurrent_futures: exception calling callback for <Future at {:p}>",
            Arc::as_ptr(&handle.shared).cast::<()>()
        );
    }
}

/// What `waiter` hears from a handle in `state`, which is done.
fn done_for<T, E>(state: &State<T, E>, waiter: &Waiter) -> Done {
    Done {
        index: waiter.index,
        raised: state.outcome.as_ref().is_some_and(Kept::raised),
    }
}

fn outcome_of<T: Clone, E: Clone>(state: &State<T, E>) -> Result<T, Error<E>> {
    match (state.phase, &state.outcome) {
        (Phase::Cancelled, _) => Err(Error::Cancelled),
        (Phase::Finished, Some(Kept::Outcome(outcome))) => outcome.clone(),
        (Phase::Finished, Some(Kept::Taken { .. })) => Err(Error::Taken),
        _ => Err(Error::Timeout),
    }
}

/// Moves the outcome out of `state`, leaving what `Debug` and waiters need.
fn take_outcome<T, E>(state: &mut State<T, E>) -> Result<T, Error<E>> {
    match (state.phase, &state.outcome) {
        (Phase::Cancelled, _) => Err(Error::Cancelled),
        (Phase::Finished, Some(Kept::Taken { .. })) => Err(Error::Taken),
        (Phase::Finished, Some(Kept::Outcome(_))) => {
            let Some(Kept::Outcome(outcome)) = state.outcome.take() else {
                unreachable!("matched as an outcome just above")
            };
            let raised = outcome.as_ref().err().map(Error::raised_name);
            state.outcome = Some(Kept::Taken { raised });
            outcome
        }
        _ => Err(Error::Timeout),
    }
}

fn exception_of<T, E: Clone>(
    state: &State<T, E>,
) -> Result<Option<Error<E>>, Error> {
    match (state.phase, &state.outcome) {
        (Phase::Cancelled, _) => Err(Error::Cancelled),
        (Phase::Finished, Some(Kept::Outcome(Err(err)))) => Ok(Some(err.clone())),
        (Phase::Finished, Some(Kept::Outcome(Ok(_)))) => Ok(None),
        (Phase::Finished, Some(Kept::Taken { .. })) => Err(Error::Taken),
        _ => Err(Error::Timeout),
    }
}

impl<T, E> fmt::Debug for Handle<T, E> {
    /// `<Future at 0x.. state=finished returned String>`, as Python's repr.
    /// The names are the types' own: nothing here reads the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let address = Arc::as_ptr(&self.shared).cast::<()>();
        write!(f, "<Future at {address:p} state=")?;
        match (state.phase, &state.outcome) {
            (Phase::Pending, _) => write!(f, "pending>"),
            (Phase::Running, _) => write!(f, "running>"),
            (Phase::Cancelled, _) => write!(f, "cancelled>"),
            (
                Phase::Finished,
                Some(Kept::Outcome(Ok(_))) | Some(Kept::Taken { raised: None }),
            ) => {
                write!(f, "finished returned {}>", short_type_name::<T>())
            }
            (Phase::Finished, Some(Kept::Outcome(Err(err)))) => {
                write!(f, "finished raised {}>", err.raised_name())
            }
            (Phase::Finished, Some(Kept::Taken { raised: Some(name) })) => {
                write!(f, "finished raised {name}>")
            }
            (Phase::Finished, None) => {
                unreachable!("a finished handle has its outcome")
            }
        }
    }
}

/// `alloc::string::String` -> `String`, `core::result::Result<u64, my::Error>`
/// -> `Result<u64, Error>`: the short names Python's repr would show.
pub(crate) fn short_type_name<T: ?Sized>() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the thread pool keeps in a handle (the task's closure, which
    /// need not be `Sync` or unwind-safe) changes none of this.
    #[test]
    fn handles_are_send_sync_and_unwind_safe() {
        fn check<H: Send + Sync + UnwindSafe + RefUnwindSafe>() {}
        check::<Handle<String, std::io::Error>>();
        check::<Handle<u64>>();
    }

    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(short_type_name::<String>(), "String");
        assert_eq!(
            short_type_name::<Result<String, std::io::Error>>(),
            "Result<String, Error>"
        );
        assert_eq!(short_type_name::<Vec<(i32, &str)>>(), "Vec<(i32, &str)>");
    }
}
