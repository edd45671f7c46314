//! Model checking: loom runs each scenario below under every interleaving of
//! the pool's and the handles' locks, condition variables and channels (up to
//! a bound on preemptions), where the other tests see only the schedules a
//! 2-core machine happens to produce.
//!
//! Each scenario checks the four promises of an executor: a task runs at most
//! once, a cancelled task never runs, every done-callback runs exactly once,
//! and no one waits for ever (loom fails a run in which every thread is
//! blocked). Run with `just loom` (all) or `just loom-ci` (the CI subset):
//! `RUSTFLAGS="--cfg loom" cargo test -p concurrent-futures --no-default-features
//! --release --test loom`.
#![cfg(loom)]

use concurrent_futures::{
    Error, Handle, ReturnWhen, ThreadPoolExecutor, as_completed, wait,
};
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, mpsc};
use loom::thread;

/// What happened to one task: how often it ran, how often its callbacks ran.
#[derive(Clone, Default)]
struct Tally {
    runs: Arc<AtomicUsize>,
    callbacks: Arc<AtomicUsize>,
}

impl Tally {
    /// Submits a task that counts its runs, with a callback that counts itself.
    fn submit(&self, pool: &ThreadPoolExecutor) -> Result<Handle<usize>, Error> {
        let runs = Arc::clone(&self.runs);
        let handle = pool.submit(move || runs.fetch_add(1, Ordering::SeqCst))?;
        self.watch(&handle);
        Ok(handle)
    }

    fn watch(&self, handle: &Handle<usize>) {
        let callbacks = Arc::clone(&self.callbacks);
        handle.add_done_callback(move |_| {
            callbacks.fetch_add(1, Ordering::SeqCst);
        });
    }

    /// Once the pool is gone: the four promises, for this task.
    fn check(&self, handle: &Handle<usize>) {
        let runs = self.runs.load(Ordering::SeqCst);
        assert!(runs <= 1, "a task ran {runs} times");
        if handle.cancelled() {
            assert_eq!(runs, 0, "a cancelled task ran");
        } else {
            assert_eq!(runs, 1, "a task the pool kept never ran");
        }
        assert_eq!(self.callbacks.load(Ordering::SeqCst), 1, "callbacks");
    }
}

fn model(scenario: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    // Most bugs of this kind need two or three preemptions; LOOM_MAX_PREEMPTIONS
    // overrides this bound (`just loom` runs with 3).
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(scenario);
}

/// A cancel races a submit: one worker runs task 1 while task 2 waits; task 2
/// is cancelled from another thread while task 3 is submitted.
#[test]
fn submit_against_cancel() {
    model(|| {
        let pool = ThreadPoolExecutor::new(1);
        let (one, two, three) =
            (Tally::default(), Tally::default(), Tally::default());
        let first = one.submit(&pool).unwrap();
        let second = two.submit(&pool).unwrap();
        let canceller = {
            let second = second.clone();
            thread::spawn(move || second.cancel())
        };
        let third = three.submit(&pool).unwrap();
        let cancelled = canceller.join().unwrap();
        // Waited for before the pool's drop, which would wake every worker.
        assert_eq!(third.result(), Ok(0));
        drop(pool);
        assert_eq!(cancelled, second.cancelled());
        one.check(&first);
        two.check(&second);
        three.check(&third);
    });
}

/// A cancel races the worker taking the task: task 1 ends and its worker
/// reaches for task 2 as another thread cancels task 2.
#[test]
fn cancel_against_a_worker_taking_the_task() {
    model(|| {
        let pool = ThreadPoolExecutor::new(1);
        let (one, two) = (Tally::default(), Tally::default());
        let first = one.submit(&pool).unwrap();
        let second = two.submit(&pool).unwrap();
        let cancelled = second.cancel();
        assert_eq!(first.result(), Ok(0));
        drop(pool);
        assert_eq!(cancelled, second.cancelled());
        one.check(&first);
        two.check(&second);
    });
}

/// shutdown(cancel_futures) races a submit from another thread: the submit
/// is refused, or its task is cancelled, or it runs; never half of these.
#[test]
fn shutdown_cancel_futures_against_a_submit() {
    model(|| {
        let pool = Arc::new(ThreadPoolExecutor::new(1));
        let (one, two) = (Tally::default(), Tally::default());
        let first = one.submit(&pool).unwrap();
        let submitter = {
            let (pool, two) = (Arc::clone(&pool), two.clone());
            thread::spawn(move || two.submit(&pool))
        };
        pool.shutdown(false, true);
        let second = submitter.join().unwrap();
        pool.shutdown(true, false);
        one.check(&first);
        match second {
            Ok(second) => two.check(&second),
            Err(err) => {
                assert_eq!(err, Error::Shutdown);
                assert_eq!(two.runs.load(Ordering::SeqCst), 0);
            }
        }
    });
}

/// A done-callback is added while the task completes: it runs once, either
/// on the worker or at once in `add_done_callback`.
#[test]
fn a_callback_added_while_the_task_completes() {
    model(|| {
        let pool = ThreadPoolExecutor::new(1);
        let tally = Tally::default();
        let runs = Arc::clone(&tally.runs);
        let handle = pool
            .submit(move || runs.fetch_add(1, Ordering::SeqCst))
            .unwrap();
        tally.watch(&handle);
        drop(pool);
        tally.check(&handle);
    });
}

/// Two workers end their tasks at once with one task pending: exactly one
/// of them takes it, and it runs once.
#[test]
fn two_workers_finish_at_once_with_one_pending() {
    model(|| {
        let pool = ThreadPoolExecutor::new(2);
        let tallies = [Tally::default(), Tally::default(), Tally::default()];
        let handles: Vec<_> =
            tallies.iter().map(|t| t.submit(&pool).unwrap()).collect();
        drop(pool);
        for (tally, handle) in tallies.iter().zip(&handles) {
            tally.check(handle);
        }
    });
}

/// `wait` and `as_completed` register on a handle while its task completes:
/// neither sleeps for ever, and `as_completed` yields it exactly once.
#[test]
fn wait_and_as_completed_register_while_a_task_completes() {
    model(|| {
        let pool = ThreadPoolExecutor::new(1);
        let tally = Tally::default();
        let handle = tally.submit(&pool).unwrap();
        let split = wait([handle.clone()], ReturnWhen::AllCompleted);
        assert_eq!(split.done.len(), 1);
        let yielded: Vec<_> = as_completed([handle.clone()]).collect();
        assert_eq!(yielded, [handle.clone()]);
        drop(pool);
        tally.check(&handle);
    });
}

/// A worker that went to sleep with nothing to do is woken for new work:
/// the result is waited for while the pool lives, since dropping it wakes
/// every worker and would hide a lost wake-up.
#[test]
fn a_sleeping_worker_is_woken_for_new_work() {
    model(|| {
        let pool = ThreadPoolExecutor::new(1);
        let (one, two) = (Tally::default(), Tally::default());
        let first = one.submit(&pool).unwrap();
        assert_eq!(first.result(), Ok(0));
        let second = two.submit(&pool).unwrap();
        assert_eq!(second.result(), Ok(0));
        drop(pool);
        one.check(&first);
        two.check(&second);
    });
}

/// `shutdown(wait=true)` races a `submit` that starts the pool's first
/// thread: the submit is refused, or `shutdown` returns only after its task
/// has run. (The thread starts with no lock held; `starting` is what makes
/// `shutdown` wait for it to be on the list. Without the notify that ends
/// that wait, this scenario deadlocks.)
#[test]
fn shutdown_wait_against_a_submit_that_starts_a_thread() {
    model(|| {
        let pool = Arc::new(ThreadPoolExecutor::new(1));
        let one = Tally::default();
        let submitter = {
            let (pool, one) = (Arc::clone(&pool), one.clone());
            thread::spawn(move || one.submit(&pool))
        };
        pool.shutdown(true, false);
        let runs_at_return = one.runs.load(Ordering::SeqCst);
        match submitter.join().unwrap() {
            Ok(first) => {
                assert_eq!(
                    runs_at_return, 1,
                    "shutdown returned before the task ran"
                );
                one.check(&first);
            }
            Err(err) => {
                assert_eq!(err, Error::Shutdown);
                assert_eq!(one.runs.load(Ordering::SeqCst), 0);
            }
        }
    });
}

/// Two threads call `shutdown(wait=true)` while a task runs: each returns
/// only once the task has run and its worker has ended, as each of
/// CPython's joins every thread.
#[test]
fn two_shutdowns_both_wait_for_the_workers() {
    model(|| {
        let pool = Arc::new(ThreadPoolExecutor::new(1));
        let one = Tally::default();
        let first = one.submit(&pool).unwrap();
        let other = {
            let (pool, runs) = (Arc::clone(&pool), Arc::clone(&one.runs));
            thread::spawn(move || {
                pool.shutdown(true, false);
                runs.load(Ordering::SeqCst)
            })
        };
        pool.shutdown(true, false);
        assert_eq!(
            one.runs.load(Ordering::SeqCst),
            1,
            "the first returned early"
        );
        assert_eq!(other.join().unwrap(), 1, "the second returned early");
        one.check(&first);
    });
}

/// A done-callback waits for a pending task (CPython runs callbacks before
/// the worker takes its next item): two workers, X and A running, B pending;
/// A's callback waits for B. The worker freed by X runs B, whichever of X
/// and A ends first.
#[test]
fn a_callback_waits_for_a_pending_task() {
    model(|| {
        let pool = ThreadPoolExecutor::new(2);
        let (open_x, x_gate) = mpsc::channel::<()>();
        let (open_a, a_gate) = mpsc::channel::<()>();
        let x = pool.submit(move || x_gate.recv().is_ok()).unwrap();
        let a = pool.submit(move || a_gate.recv().is_ok()).unwrap();
        let b = pool.submit(|| 2usize).unwrap();
        let (waited, has_waited) = mpsc::channel();
        let b_seen = b.clone();
        a.add_done_callback(move |_| waited.send(b_seen.result()).unwrap());
        open_a.send(()).unwrap();
        open_x.send(()).unwrap();
        assert_eq!(has_waited.recv().unwrap(), Ok(2));
        assert_eq!((x.result(), a.result()), (Ok(true), Ok(true)));
        drop(pool);
    });
}

/// A task shuts down its own pool with `wait=true` while the pool's owner
/// does the same: the task cannot wait for its own worker, the owner waits
/// for it, and neither waits for the other for ever.
#[test]
fn a_task_and_its_owner_both_shut_the_pool_down() {
    model(|| {
        let pool = Arc::new(ThreadPoolExecutor::new(1));
        let inner = Arc::clone(&pool);
        let first = pool
            .submit(move || {
                inner.shutdown(true, false);
                1usize
            })
            .unwrap();
        pool.shutdown(true, false);
        assert_eq!(first.result_timeout(std::time::Duration::ZERO), Ok(1));
    });
}

/// A worker's initializer fails while another thread submits: CPython's
/// `_initializer_failed` against a `submit`. Each task is refused with the
/// broken pool, or queued and then failed with it; none runs, each
/// callback runs once, and the pool's drop returns.
#[test]
fn a_failing_initializer_against_a_submit() {
    model(|| {
        let pool = Arc::new(
            ThreadPoolExecutor::builder()
                .max_workers(2)
                .initializer(|| Err::<(), _>("no"))
                .build()
                .unwrap(),
        );
        let broken = Error::BrokenPool("the initializer raised: no".into());
        let (one, two) = (Tally::default(), Tally::default());
        let first = one.submit(&pool).unwrap();
        let submitter = {
            let (pool, two) = (Arc::clone(&pool), two.clone());
            thread::spawn(move || two.submit(&pool))
        };
        let second = submitter.join().unwrap();
        assert_eq!(first.result(), Err(broken.clone()));
        match &second {
            Ok(handle) => assert_eq!(handle.result(), Err(broken.clone())),
            Err(refused) => assert_eq!(refused, &broken),
        }
        drop(pool);
        for (tally, outcome) in [(&one, Ok(&first)), (&two, second.as_ref())] {
            assert_eq!(tally.runs.load(Ordering::SeqCst), 0, "a task ran");
            let expected = usize::from(outcome.is_ok());
            assert_eq!(tally.callbacks.load(Ordering::SeqCst), expected);
        }
    });
}
