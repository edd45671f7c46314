//! The executor behaves like concurrent.futures.ThreadPoolExecutor.
//!
//! No test here sleeps to wait for another thread: tasks block on gates (channels)
//! that the test opens, so every ordering asserted is forced, not hoped for.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use flags_common::executor::{TaskError, ThreadPoolExecutor, as_completed};

/// A gate a task waits behind until the test opens it.
fn gate() -> (mpsc::Sender<()>, Arc<Mutex<mpsc::Receiver<()>>>) {
    let (open, wait) = mpsc::channel();
    (open, Arc::new(Mutex::new(wait)))
}

fn wait(gate: &Mutex<mpsc::Receiver<()>>) {
    gate.lock().unwrap().recv().unwrap();
}

/// map yields results in input order even though task 0 finishes last.
#[test]
fn map_yields_in_input_order_even_when_later_tasks_finish_first() {
    let executor = ThreadPoolExecutor::new(3);
    let finished = Arc::new(Mutex::new(Vec::new()));
    let (open, gate0) = gate();
    let log = Arc::clone(&finished);
    let results = executor.map(
        move |n: u32| {
            if n == 0 {
                wait(&gate0); // held until 1 and 2 are done
            }
            log.lock().unwrap().push(n);
            n * 10
        },
        0..3,
    );
    // Opens gate 0 once tasks 1 and 2 have finished.
    let watcher = {
        let finished = Arc::clone(&finished);
        thread::spawn(move || {
            while finished.lock().unwrap().len() < 2 {
                thread::yield_now();
            }
            open.send(()).unwrap();
        })
    };
    assert_eq!(results.collect::<Vec<_>>(), [0, 10, 20]);
    watcher.join().unwrap();
    assert_eq!(
        finished.lock().unwrap().last(),
        Some(&0),
        "task 0 finished last"
    );
}

/// A panic inside a task comes back from map's iterator, like Python's re-raise.
#[test]
fn map_resumes_a_task_panic_in_the_caller() {
    let executor = ThreadPoolExecutor::new(2);
    let mut results = executor.map(
        |n: u32| {
            assert!(n != 1, "no loitering for 1");
            n
        },
        0..3,
    );
    assert_eq!(results.next(), Some(0));
    let panic =
        panic::catch_unwind(AssertUnwindSafe(|| results.next())).unwrap_err();
    assert_eq!(
        panic.downcast_ref::<String>().unwrap(),
        "no loitering for 1"
    );
    assert_eq!(results.next(), Some(2));
}

/// result() of a panicking task is an Err, and the pool keeps working.
#[test]
fn a_panicking_task_gives_err_and_the_pool_keeps_working() {
    let executor = ThreadPoolExecutor::new(1);
    let future = executor.submit(|| -> u32 { panic!("boom") });
    assert_eq!(future.result(), Err(TaskError::Panicked("boom".into())));
    assert!(format!("{future:?}").ends_with("state=finished raised panic>"));
    // The single worker survived the panic and runs the next task.
    assert_eq!(executor.submit(|| 42).result(), Ok(42));
}

/// A task is running once a worker has it, pending while it waits, finished after.
#[test]
fn handles_show_pending_running_and_finished_like_python_reprs() {
    let executor = ThreadPoolExecutor::new(1);
    let (open, gate_a) = gate();
    let a = executor.submit(move || wait(&gate_a));
    let b = executor.submit(|| "B".to_string());
    assert!(format!("{a:?}").ends_with("state=running>"), "{a:?}");
    assert!(format!("{b:?}").ends_with("state=pending>"), "{b:?}");
    assert!(!a.done() && !b.done());
    assert!(format!("{a:?}").starts_with("<Future at 0x"));

    open.send(()).unwrap();
    assert_eq!(b.result(), Ok("B".to_string()));
    assert!(a.done() && b.done());
    assert!(
        format!("{b:?}").ends_with("state=finished returned String>"),
        "{b:?}"
    );
    assert!(
        format!("{a:?}").ends_with("state=finished returned ()>"),
        "{a:?}"
    );
}

/// add_done_callback runs exactly once: when the task ends, or at once if it has.
#[test]
fn done_callbacks_run_exactly_once() {
    let executor = ThreadPoolExecutor::new(1);
    let calls = Arc::new(AtomicUsize::new(0));
    let (open, gate_a) = gate();
    let future = executor.submit(move || {
        wait(&gate_a);
        7
    });
    let counter = Arc::clone(&calls);
    future.add_done_callback(move |f| {
        assert!(f.done());
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(calls.load(Ordering::SeqCst), 0, "not before the task ends");
    open.send(()).unwrap();
    drop(executor); // waits for the task, and so for its callbacks
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Added after the end: called at once, on this thread.
    let here = thread::current().id();
    let counter = Arc::clone(&calls);
    future.add_done_callback(move |_| {
        assert_eq!(thread::current().id(), here);
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(future.result(), Ok(7));
}

/// as_completed yields handles in the order their tasks finish, not submission order.
#[test]
fn as_completed_yields_in_completion_order() {
    let executor = ThreadPoolExecutor::new(3);
    let mut gates = Vec::new();
    let to_do: Vec<_> = ["A", "B", "C"]
        .into_iter()
        .map(|name| {
            let (open, gate) = gate();
            gates.push(open);
            executor.submit(move || {
                wait(&gate);
                name
            })
        })
        .collect();
    let mut done = as_completed(to_do);
    for (open_first, expected) in [(2, "C"), (0, "A"), (1, "B")] {
        gates[open_first].send(()).unwrap();
        assert_eq!(done.next().unwrap().result(), Ok(expected));
    }
    assert!(done.next().is_none());
}

/// Workers take tasks in submission order (FIFO), at most max_workers at a time.
#[test]
fn tasks_start_in_fifo_order_and_never_exceed_max_workers() {
    let executor = ThreadPoolExecutor::new(3);
    let started = Arc::new(Mutex::new(Vec::new()));
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let to_do: Vec<_> = (0..30_usize)
        .map(|n| {
            let (started, running, most) = (
                Arc::clone(&started),
                Arc::clone(&running),
                Arc::clone(&most),
            );
            executor.submit(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                started.lock().unwrap().push(n);
                thread::sleep(Duration::from_millis(2)); // work, so tasks overlap
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    drop(executor); // leaving the `with` block waits for all 30
    assert!(to_do.iter().all(|f| f.done()));
    assert!(
        most.load(Ordering::SeqCst) <= 3,
        "more than 3 tasks ran at once"
    );
    // With several workers, start order may differ by a hair among tasks started
    // together; it can never run more than max_workers - 1 places ahead.
    let started = started.lock().unwrap();
    for (position, &n) in started.iter().enumerate() {
        assert!(
            n.abs_diff(position) < 3,
            "task {n} started at position {position}"
        );
    }
}

/// With one worker, FIFO order is exact.
#[test]
fn one_worker_runs_tasks_exactly_in_submission_order() {
    let executor = ThreadPoolExecutor::new(1);
    let order = Arc::new(Mutex::new(Vec::new()));
    for n in 0..50 {
        let order = Arc::clone(&order);
        executor.submit(move || order.lock().unwrap().push(n));
    }
    drop(executor);
    assert_eq!(*order.lock().unwrap(), (0..50).collect::<Vec<_>>());
}
