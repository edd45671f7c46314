//! What the test files share: gates a task blocks at until the test opens
//! them (so every ordering a test asserts is forced, never slept for), a
//! signal when a worker thread exits, and handles in each of the states.
//!
//! Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::cell::RefCell;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use concurrent_futures::{Handle, HandleOf, Outcome, ThreadPoolExecutor};

/// The longest a task waits at a gate, or a test for a signal. Only a test
/// that has already gone wrong gets this far; it then fails instead of hanging.
pub const LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Latch {
    open: Mutex<bool>,
    opened: Condvar,
}

/// A gate tasks wait at (through a [`Key`]) until the test opens it.
///
/// It opens itself when dropped: declared after the executor, it is dropped
/// before it, so a test that fails with tasks still blocked does not hang in
/// the executor's drop (which waits for every task).
#[derive(Debug, Default)]
pub struct Gate(Arc<Latch>);

/// What a task holds to wait at a [`Gate`].
#[derive(Debug, Clone)]
pub struct Key(Arc<Latch>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn key(&self) -> Key {
        Key(Arc::clone(&self.0))
    }

    pub fn open(&self) {
        *self.0.open.lock().unwrap() = true;
        self.0.opened.notify_all();
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.open();
    }
}

impl Key {
    /// Blocks until the gate is open (or [`LIMIT`] has passed: then false).
    pub fn wait(&self) -> bool {
        let open = self.0.open.lock().unwrap_or_else(|e| e.into_inner());
        let (open, _) = self
            .0
            .opened
            .wait_timeout_while(open, LIMIT, |open| !*open)
            .unwrap_or_else(|e| e.into_inner());
        *open
    }

    /// Opens the gate from a task or a callback.
    pub fn open(&self) {
        *self.0.open.lock().unwrap() = true;
        self.0.opened.notify_all();
    }
}

/// Submits a task whose worker thread will report its exit on `exits`, and
/// which blocks at the returned gate; once let go, `then` (told whether the
/// gate opened in time) gives its result.
pub fn blocked_reporting_exit<T>(
    pool: &ThreadPoolExecutor,
    exits: Sender<String>,
    then: impl FnOnce(bool) -> T + Send + 'static,
) -> (HandleOf<T>, Gate)
where
    T: Outcome<Ok: Send + 'static, Err: Send + 'static> + Send + 'static,
{
    let gate = Gate::new();
    let key = gate.key();
    let task = pool
        .submit(move || {
            report_exit(&exits);
            then(key.wait())
        })
        .unwrap();
    (task, gate)
}

/// Submits a task that blocks at a new gate, and returns once a worker
/// runs it: the task (it returns whether the gate opened in time) and the
/// gate that releases it.
pub fn running_until_opened(pool: &ThreadPoolExecutor) -> (Handle<bool>, Gate) {
    let gate = Gate::new();
    let key = gate.key();
    let (started, has_started) = signal();
    let task = pool
        .submit(move || {
            started.send(()).unwrap();
            key.wait()
        })
        .unwrap();
    recv(&has_started);
    (task, gate)
}

/// A one-shot signal: a task `send`s it, the test `recv`s it.
pub fn signal<T>() -> (Sender<T>, Receiver<T>) {
    mpsc::channel()
}

/// Receives from `rx`, failing the test after [`LIMIT`].
pub fn recv<T>(rx: &Receiver<T>) -> T {
    rx.recv_timeout(LIMIT).expect("the signal never came")
}

struct ExitSignal {
    tx: Sender<String>,
    name: String,
}

impl Drop for ExitSignal {
    fn drop(&mut self) {
        let _ = self.tx.send(self.name.clone());
    }
}

thread_local! {
    static EXIT: RefCell<Option<ExitSignal>> = const { RefCell::new(None) };
}

/// Called inside a task: when the worker thread running it exits, `tx` is
/// sent the thread's name (once per thread; later calls on it do nothing).
pub fn report_exit(tx: &Sender<String>) {
    EXIT.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            let name = thread::current().name().unwrap_or("?").to_string();
            *slot = Some(ExitSignal {
                tx: tx.clone(),
                name,
            });
        }
    });
}

/// The name of the thread running the caller.
pub fn thread_name() -> String {
    thread::current().name().unwrap_or("?").to_string()
}

/// One handle in each state, all on one pool of a single worker (CPython's
/// `PENDING_FUTURE`, `RUNNING_FUTURE`, ... in `util.py`). Fields drop in
/// order: the gate opens before the pool waits for its tasks.
#[derive(Debug)]
pub struct States {
    pub gate: Gate,
    pub pool: ThreadPoolExecutor,
    /// Returned 42.
    pub finished: Handle<i32>,
    /// Panicked with "boom".
    pub panicked: Handle<i32>,
    /// Holds the only worker, blocked at `gate`.
    pub running: Handle<i32>,
    /// Queued behind `running`.
    pub pending: Handle<i32>,
    /// Queued behind `running`, then cancelled.
    pub cancelled: Handle<i32>,
}

impl States {
    pub fn new() -> States {
        let pool = ThreadPoolExecutor::new(1);
        let gate = Gate::new();
        let finished = pool.submit(|| 42).unwrap();
        assert_eq!(finished.result(), Ok(42));
        let panicked = pool.submit(|| -> i32 { panic!("boom") }).unwrap();
        panicked.exception().unwrap();
        let key = gate.key();
        let (started, has_started) = signal();
        let running = pool
            .submit(move || {
                started.send(()).unwrap();
                key.wait();
                7
            })
            .unwrap();
        recv(&has_started);
        let pending = pool.submit(|| 1).unwrap();
        let cancelled = pool.submit(|| 2).unwrap();
        assert!(cancelled.cancel());
        States {
            gate,
            pool,
            finished,
            panicked,
            running,
            pending,
            cancelled,
        }
    }
}

/// True if `repr` is `<Future at 0x{hex} state={state}>`, CPython's regex
/// `<Future at 0x[0-9a-f]+ state=...>`.
pub fn repr_matches(repr: &str, state: &str) -> bool {
    let Some(rest) = repr.strip_prefix("<Future at 0x") else {
        return false;
    };
    let hex = rest.chars().take_while(|c| c.is_ascii_hexdigit()).count();
    hex > 0 && rest[hex..] == format!(" state={state}>")
}

/// Whether `handles` are the same tasks as `expected`, in any order.
pub fn same_set<T, E>(handles: &[Handle<T, E>], expected: &[&Handle<T, E>]) -> bool {
    handles.len() == expected.len()
        && expected
            .iter()
            .all(|e| handles.iter().filter(|h| h == e).count() == 1)
}
