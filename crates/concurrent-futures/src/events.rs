//! A task's life as a stream of typed events, for tools that watch a run
//! (a live board, a timeline) without touching the code they watch.
//!
//! Install one observer per process with [`observe`]; from then on every
//! [`Handle`](crate::Handle) made reports each change of its state as it
//! happens, from the handle's own methods (the one place its state changes):
//!
//! ```text
//! Pending ─> Running { worker } ─> Finished { raised } ─> Taken
//!    │                                 ^
//!    ├─────────────────────────────────┘  failed before it ran (a broken pool)
//!    └─────> Cancelled  (also from Running: an async task dropped unfinished)
//! ```
//!
//! `Running` comes when a worker takes the task, since only then is the
//! worker known. The thread pool marks a task running earlier, at `submit`
//! when a worker is free (see the crate's divergence table), so for a moment
//! `running()` can be true while the last event still says `Pending`.
//!
//! `Taken` is the moment `result()`, `exception()` or `join()` hands a
//! finished task's outcome to its caller (each time one does). Tasks are numbered in the
//! order their handles are made: an executor makes them in submission order,
//! so a watcher can name task `i` after the `i`-th thing submitted.
//!
//! Nothing is paid when no one observes: making a handle reads one atomic
//! flag, and a handle made unobserved never looks again. Handles made before
//! [`observe`] are not reported.
//!
//! The observer is called on whichever thread made the change, sometimes
//! with an executor's lock held (a worker being given its task), never with
//! the handle's own: it must be quick and must not use executors or handles.
//! Printing is fine. It only watches: no task runs or ends differently for it.
//!
//! A tokio task is not a `Handle`, and tokio has no stable hooks into a
//! task's life; [`future`] wraps an async task so that it reports the same
//! events (running from its first poll, with no worker number).
//!
//! With the `serde` feature, events serialize (one JSON object per line is
//! what this course's board and timeline write and read).

use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

/// One change in one task's life.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Event {
    /// Which task: 0, 1, 2 ... in the order their handles were made.
    pub task: u64,
    /// What it became.
    pub phase: Phase,
    /// When, since the observer was installed.
    pub at: Duration,
}

/// Where a task is in its life: Python's `Future` states, and the moment
/// its outcome is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Phase {
    /// Submitted; no worker has it yet.
    Pending,
    /// A worker is running it: thread `k` of a thread pool, the `k`-th
    /// worker process a process pool started, `None` when the executor does
    /// not say (an async task, an outside executor).
    Running {
        /// The executor's number for the worker.
        worker: Option<usize>,
    },
    /// It returned, or raised: `raised` is then the short name of what
    /// (`FlagError`, `panic`, `WorkerDied`), as the handle's `Debug` says.
    Finished {
        /// What the task raised; `None` if it returned.
        raised: Option<String>,
    },
    /// Cancelled before any worker took it; or an async task dropped
    /// before it finished (see [`future`]).
    Cancelled,
    /// A caller took its outcome (`result()`, `exception()`, `join()`).
    Taken,
}

/// The installed observer, and the instant its times count from.
struct Observer {
    t0: Instant,
    tell: Box<dyn Fn(&Event) + Send + Sync>,
}

static OBSERVER: OnceLock<Observer> = OnceLock::new();
static NEXT_TASK: AtomicU64 = AtomicU64::new(0);

/// Installs `observer`, told of every change of every task made from now
/// on. Once per process: returns false, and drops `observer`, if one was
/// installed already.
pub fn observe(observer: impl Fn(&Event) + Send + Sync + 'static) -> bool {
    let mut installed = false;
    OBSERVER.get_or_init(|| {
        installed = true;
        Observer {
            t0: Instant::now(),
            tell: Box::new(observer),
        }
    });
    installed
}

/// True once an observer is installed: for a tool that should step aside
/// while another draws the tasks (a progress bar, under a live board).
#[inline]
pub fn observed() -> bool {
    OBSERVER.get().is_some()
}

/// A number for a task being made, if anyone observes: the one atomic load
/// an unobserved task pays.
#[inline]
pub(crate) fn new_task() -> Option<u64> {
    OBSERVER.get()?;
    Some(NEXT_TASK.fetch_add(1, Ordering::Relaxed))
}

/// Tells the observer that `task` (a number from [`new_task`]) became
/// `phase`. The phase is built only if someone listens.
pub(crate) fn report(task: u64, phase: impl FnOnce() -> Phase) {
    if let Some(observer) = OBSERVER.get() {
        let event = Event {
            task,
            phase: phase(),
            at: observer.t0.elapsed(),
        };
        // An observer that panics must not take a worker, or the executor's
        // bookkeeping around this call, down with it.
        let tell = || (observer.tell)(&event);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(tell));
    }
}

/// [`report`] for a wrapped async task, numbered if someone observed it.
fn report_some(task: Option<u64>, phase: impl FnOnce() -> Phase) {
    if let Some(task) = task {
        report(task, phase);
    }
}

/// Wraps an async task so that it reports the events a `Handle` would:
/// `Pending` now, `Running { worker: None }` at its first poll, `Finished`
/// when it completes (`raised` for an `Err` or a panic), `Cancelled` if it
/// is dropped unfinished (aborted), and `Taken` when the caller calls
/// [`Delivered::take`] on its output. Unobserved, it only passes the output
/// through.
///
/// Why a wrapper: tokio (like any async runtime) has no stable hooks into
/// its tasks' lives, and a `download_many` should not grow a parameter for
/// a tool that watches it.
pub fn future<Fut, T, E>(task: Fut) -> Reporting<Fut>
where
    Fut: Future<Output = Result<T, E>>,
{
    let id = new_task();
    report_some(id, || Phase::Pending);
    Reporting {
        task: Box::pin(task),
        id,
        life: Life::Pending,
    }
}

/// An async task wrapped by [`future`]: it reports its life as it goes.
pub struct Reporting<Fut> {
    task: Pin<Box<Fut>>,
    id: Option<u64>,
    life: Life,
}

/// Where a wrapped async task is, for what it reports next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    /// Never polled: its first poll reports `Running`.
    Pending,
    /// Polled: dropped now, it ended unfinished.
    Running,
    /// Completed: it has reported `Finished`.
    Completed,
}

impl<Fut, T, E> Future for Reporting<Fut>
where
    Fut: Future<Output = Result<T, E>>,
{
    type Output = Delivered<Result<T, E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = self.id;
        if self.life == Life::Pending {
            self.life = Life::Running;
            report_some(id, || Phase::Running { worker: None });
        }
        let Poll::Ready(output) = self.task.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        self.life = Life::Completed;
        let raised = output.is_err().then(crate::future::short_type_name::<E>);
        report_some(id, || Phase::Finished { raised });
        Poll::Ready(Delivered { output, id })
    }
}

impl<Fut> Drop for Reporting<Fut> {
    /// Dropped before it completed: by a panic in the task (it raised), or
    /// by its runtime (aborted: cancelled).
    fn drop(&mut self) {
        if self.life != Life::Completed {
            report_some(self.id, || match thread::panicking() {
                true => Phase::Finished {
                    raised: Some("panic".into()),
                },
                false => Phase::Cancelled,
            });
        }
    }
}

impl<Fut> std::fmt::Debug for Reporting<Fut> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporting").field("task", &self.id).finish()
    }
}

/// A wrapped async task's output: [`take`](Delivered::take) it to report
/// `Taken`, as `result()` does for a handle.
#[derive(Debug)]
#[must_use = "the output is in `take()`"]
pub struct Delivered<R> {
    output: R,
    id: Option<u64>,
}

impl<R> Delivered<R> {
    /// The task's output; the caller has taken it now.
    pub fn take(self) -> R {
        report_some(self.id, || Phase::Taken);
        self.output
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    /// The format is the derive's: every phase goes out as one JSON line
    /// and comes back equal.
    #[test]
    fn every_phase_round_trips_as_a_json_line() {
        let phases = [
            Phase::Pending,
            Phase::Running { worker: Some(2) },
            Phase::Running { worker: None },
            Phase::Finished { raised: None },
            Phase::Finished {
                raised: Some("FlagError".into()),
            },
            Phase::Cancelled,
            Phase::Taken,
        ];
        for (task, phase) in phases.into_iter().enumerate() {
            let event = Event {
                task: task as u64,
                phase,
                at: Duration::from_micros(601_234),
            };
            let line = serde_json::to_string(&event).unwrap();
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), event);
        }
    }
}
