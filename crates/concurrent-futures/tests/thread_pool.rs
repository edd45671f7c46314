//! CPython's `executor.py` (`ExecutorTest`) and `test_thread_pool.py`
//! (`ThreadPoolExecutorTest`): submit, map, threads and their names.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use common::{Gate, recv, signal, thread_name};
use concurrent_futures::{Error, Executor, ThreadPoolExecutor};

/// CPython executor.py ExecutorTest.test_submit: the task's value comes back.
#[test]
fn submit() {
    let pool = ThreadPoolExecutor::new(5);
    let future = pool.submit(|| 2_u32.pow(8)).unwrap();
    assert_eq!(future.result(), Ok(256));
}

/// CPython executor.py ExecutorTest.test_map: results come back in input
/// order even though the tasks are made to finish in reverse order.
#[test]
fn map_yields_in_input_order() {
    let pool = ThreadPoolExecutor::new(5);
    // Task i waits for task i + 1 to finish; task 4 waits for nothing.
    let gates: Vec<Gate> = (0..5).map(|_| Gate::new()).collect();
    let keys: Vec<_> = gates.iter().map(Gate::key).collect();
    let finished = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&finished);
    let results: Vec<_> = pool
        .map(
            move |i: usize| {
                if i < 4 {
                    keys[i].wait();
                }
                log.lock().unwrap().push(i);
                if i > 0 {
                    keys[i - 1].open();
                }
                i.pow(i as u32)
            },
            0..5,
        )
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(results, [1, 1, 4, 27, 256]);
    assert_eq!(*finished.lock().unwrap(), [4, 3, 2, 1, 0]);
}

/// CPython executor.py ExecutorTest.test_map_exception: the task that panics
/// (a division by zero) is that item's Err, and the items after it still
/// come.
#[test]
fn map_exception() {
    let pool = ThreadPoolExecutor::new(5);
    let divmod = |d: i32| (1 / d, 1 % d);
    let mut results = pool.map(divmod, [2, 3, 0, 5]).unwrap();
    assert_eq!(results.next(), Some(Ok((0, 1))));
    assert_eq!(results.next(), Some(Ok((0, 1))));
    assert!(
        matches!(results.next(), Some(Err(Error::Panicked(m))) if m.contains("divide by zero"))
    );
    assert_eq!(results.next(), Some(Ok((0, 1))));
    assert_eq!(results.next(), None);
}

/// CPython executor.py ExecutorTest.test_map_timeout: the items ready in time
/// come, then one Err(Timeout), then the iterator stops; the task that was
/// too slow was running, so it still finishes.
#[test]
fn map_timeout() {
    let pool = ThreadPoolExecutor::new(3);
    let gate = Gate::new();
    let key = gate.key();
    let finished = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&finished);
    let timeout = Duration::from_millis(50);
    let start = Instant::now();
    let mut results = pool
        .map_timeout(
            move |slow: bool| {
                if slow {
                    key.wait();
                }
                count.fetch_add(1, Ordering::SeqCst);
            },
            [false, false, true],
            timeout,
        )
        .unwrap();
    assert_eq!(results.next(), Some(Ok(())));
    assert_eq!(results.next(), Some(Ok(())));
    assert_eq!(results.next(), Some(Err(Error::Timeout)));
    assert!(start.elapsed() >= timeout);
    assert_eq!(results.next(), None);
    gate.open();
    drop(pool);
    assert_eq!(finished.load(Ordering::SeqCst), 3);
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_executor_map_current_future_cancel:
/// on a saturated pool, map_timeout(0) times out on its first item; that item
/// and the one behind it are cancelled and never start.
#[test]
fn map_timeout_cancels_the_waiting_items() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let log_n_wait = {
        let log = Arc::clone(&log);
        move |ident: &'static str, gate: common::Key| {
            log.lock().unwrap().push(format!("{ident} started"));
            gate.wait();
            log.lock().unwrap().push(format!("{ident} stopped"));
        }
    };
    {
        let pool = ThreadPoolExecutor::new(1);
        let stop = Gate::new();
        let (first_task, key) = (log_n_wait.clone(), stop.key());
        let first = pool.submit(move || first_task("first", key)).unwrap();
        let key = stop.key();
        let mut results = pool
            .map_timeout(
                move |ident| log_n_wait(ident, key.clone()),
                ["second", "third"],
                Duration::ZERO,
            )
            .unwrap();
        assert_eq!(results.next(), Some(Err(Error::Timeout)));
        drop(results);
        stop.open();
        first.result().unwrap();
    }
    assert_eq!(*log.lock().unwrap(), ["first started", "first stopped"]);
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_executor_map_current_future_cancel
/// (closing the iterator): dropping a map iterator early cancels the tasks
/// no worker has started; they never run, while the started ones finish.
#[test]
fn dropping_map_cancels_unstarted_tasks() {
    let started = Arc::new(Mutex::new(BTreeSet::new()));
    {
        let pool = ThreadPoolExecutor::new(2);
        let gates = [Gate::new(), Gate::new()];
        let keys = [gates[0].key(), gates[1].key()];
        let log = Arc::clone(&started);
        let mut results = pool
            .map(
                move |i: usize| {
                    log.lock().unwrap().insert(i);
                    keys[i.min(1)].wait();
                    i
                },
                0..6,
            )
            .unwrap();
        gates[0].open();
        assert_eq!(results.next(), Some(Ok(0)));
        drop(results);
        gates[1].open();
    }
    let started = started.lock().unwrap();
    assert!(started.contains(&0) && started.contains(&1), "{started:?}");
    // Item 0's worker may have taken item 2; nothing after it can have started.
    assert!(started.iter().all(|&i| i <= 2), "{started:?}");
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_map_submits_without_iteration:
/// map submits every task at once; they all run with the iterator untouched.
#[test]
fn map_submits_without_iteration() {
    let finished = Arc::new(Mutex::new(Vec::new()));
    let pool = ThreadPoolExecutor::new(5);
    let log = Arc::clone(&finished);
    let results = pool
        .map(move |n: usize| log.lock().unwrap().push(n), 0..10)
        .unwrap();
    pool.shutdown(true, false);
    let mut finished = finished.lock().unwrap().clone();
    finished.sort();
    assert_eq!(finished, (0..10).collect::<Vec<_>>());
    drop(results);
}

/// CPython executor.py ExecutorTest.test_no_stale_references: once a task has
/// run, the executor keeps nothing it captured, though its handle is dropped
/// unread and the executor lives on.
#[test]
fn no_stale_references() {
    let pool = ThreadPoolExecutor::new(1);
    let my_object = Arc::new("my object");
    let weak = Arc::downgrade(&my_object);
    drop(pool.submit(move || my_object.len()).unwrap());
    // One worker, first in first out: this runs after the first is dropped.
    pool.submit(|| ()).unwrap().result().unwrap();
    assert!(weak.upgrade().is_none(), "the executor kept the task");
}

/// CPython executor.py ExecutorTest.test_max_workers_negative: zero workers is
/// refused, as Python's ValueError.
#[test]
#[should_panic(expected = "max_workers must be greater than 0")]
fn max_workers_zero_panics() {
    let _ = ThreadPoolExecutor::new(0);
}

/// CPython executor.py ExecutorTest.test_free_reference: the map iterator
/// keeps no result it has yielded.
#[test]
fn map_frees_yielded_results() {
    let pool = ThreadPoolExecutor::new(1);
    let results = pool.map(|i: u32| Arc::new(i), 0..10).unwrap();
    // One worker, first in first out: every map task is over and dropped.
    pool.submit(|| ()).unwrap().result().unwrap();
    for obj in results {
        let weak: Weak<u32> = Arc::downgrade(&obj.unwrap());
        assert!(weak.upgrade().is_none(), "the iterator still holds it");
    }
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_saturation: 60
/// blocked tasks on a pool of 4 start exactly 4 threads.
#[test]
fn saturation() {
    let pool = ThreadPoolExecutor::new(4);
    let gate = Gate::new();
    let (started, has_started) = signal();
    let handles: Vec<_> = (0..15 * 4)
        .map(|_| {
            let (key, started) = (gate.key(), started.clone());
            pool.submit(move || {
                started.send(()).unwrap();
                key.wait();
                thread_name()
            })
            .unwrap()
        })
        .collect();
    // Four tasks blocked at once: four threads, and no fifth starts.
    (0..4).for_each(|_| recv(&has_started));
    assert!(has_started.try_recv().is_err());
    gate.open();
    let names: BTreeSet<_> = handles.iter().map(|h| h.result().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_idle_thread_reuse:
/// submitting one task at a time to a pool of 10, waiting for each, keeps
/// using the one thread already started.
#[test]
fn idle_thread_reuse() {
    let pool = ThreadPoolExecutor::new(10);
    let names: BTreeSet<_> = (0..30)
        .map(|_| pool.submit(thread_name).unwrap().result().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

/// The names of the threads of a pool of five, read by ten tasks of which
/// the first five block at once, so that each worker runs one of them.
fn worker_names(pool: &ThreadPoolExecutor) -> BTreeSet<String> {
    let gate = Gate::new();
    let key = gate.key();
    let (started, has_started) = signal();
    let results = pool
        .map(
            move |_: i32| {
                started.send(()).unwrap();
                key.wait();
                thread_name()
            },
            -5..5,
        )
        .unwrap();
    (0..5).for_each(|_| recv(&has_started));
    gate.open();
    results.map(Result::unwrap).collect()
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_thread_names_default:
/// the workers are named `ThreadPoolExecutor-N_M`, M from 0 to max_workers - 1.
#[test]
fn thread_names_default() {
    let names = worker_names(&ThreadPoolExecutor::new(5));
    assert_eq!(names.len(), 5, "{names:?}");
    for name in &names {
        let (pool_no, worker) = name
            .strip_prefix("ThreadPoolExecutor-")
            .and_then(|rest| rest.split_once('_'))
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            !pool_no.is_empty() && pool_no.chars().all(|c| c.is_ascii_digit()),
            "{name}"
        );
        assert!(["0", "1", "2", "3", "4"].contains(&worker), "{name}");
    }
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_thread_names_assigned:
/// with `thread_name_prefix='SpecialPool'` and 5 workers, each is named
/// `SpecialPool_k`, k from 0 to 4.
#[test]
fn thread_names_assigned() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(5)
        .thread_name_prefix("SpecialPool")
        .build()
        .unwrap();
    let names = worker_names(&pool);
    let expected: BTreeSet<_> = (0..5).map(|k| format!("SpecialPool_{k}")).collect();
    assert_eq!(names, expected);
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_default_workers:
/// without `max_workers`, `min(32, cpu_count + 4)`.
#[test]
fn default_workers() {
    let pool = ThreadPoolExecutor::builder().build().unwrap();
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(pool.max_workers(), (cores + 4).min(32));
}

/// CPython executor.py ExecutorTest.test_max_workers_negative, through the
/// builder: `ValueError` is an `Err`, and nothing starts.
#[test]
fn builder_refuses_zero_workers() {
    let refused = ThreadPoolExecutor::builder().max_workers(0).build();
    assert_eq!(
        refused.err(),
        Some(Error::InvalidArgument(
            "max_workers must be greater than 0".into()
        ))
    );
}

/// The schedule of the chapter's `demo_executor_map.py`: when a task ends,
/// its worker takes the oldest pending task at once, even if another worker
/// has not yet picked up the task marked running for it. (A regression
/// test: the ending worker once took that task instead, and the pending one
/// then waited for a second task to end.)
#[test]
fn a_freed_worker_takes_the_oldest_pending_task() {
    for _ in 0..20 {
        let pool = ThreadPoolExecutor::new(2);
        let gate = Gate::new();
        let (key, opener) = (gate.key(), gate.key());
        pool.submit(|| ()).unwrap();
        // Can end only once the third task has started.
        let second = pool.submit(move || key.wait()).unwrap();
        pool.submit(move || opener.open()).unwrap();
        assert_eq!(second.result(), Ok(true), "the third task never started");
    }
}

/// CPython test_thread_pool.py ThreadPoolExecutorTest.test_saturation (the
/// states): right after submit, the first max_workers tasks are running and
/// the rest pending, every time (this crate decides at submit).
#[test]
fn first_max_workers_tasks_run_the_rest_wait() {
    let pool = ThreadPoolExecutor::new(3);
    let gate = Gate::new();
    let handles: Vec<_> = (0..5)
        .map(|i| {
            let key = gate.key();
            pool.submit(move || key.wait().then_some(i)).unwrap()
        })
        .collect();
    let running: Vec<_> = handles.iter().map(|h| h.running()).collect();
    assert_eq!(running, [true, true, true, false, false]);
    assert!(handles.iter().all(|h| !h.done()));
    assert!(!handles[0].cancel() && handles[4].cancel());
    gate.open();
    let results: Vec<_> = handles.iter().map(|h| h.result()).collect();
    assert_eq!(
        results,
        [
            Ok(Some(0)),
            Ok(Some(1)),
            Ok(Some(2)),
            Ok(Some(3)),
            Err(Error::Cancelled)
        ]
    );
}

// Python 3.14's `map(..., buffersize=n)`: CPython executor.py's
// test_map_buffersize_* tests.

fn to_text(n: u64) -> String {
    n.to_string()
}

/// CPython executor.py ExecutorTest.test_map_buffersize_value_validation.
#[test]
#[should_panic(expected = "buffersize must be None or > 0")]
fn map_buffersize_0_is_refused() {
    let pool = ThreadPoolExecutor::new(1);
    let _ = pool.map_buffersize(to_text, 0..4, 0);
}

/// CPython executor.py ExecutorTest.test_map_buffersize: every buffer size,
/// smaller or larger than the input, gives every result in order.
#[test]
fn map_buffersize() {
    let pool = ThreadPoolExecutor::new(2);
    for buffersize in [1, 2, 4, 8] {
        let res = pool.map_buffersize(to_text, 0..4, buffersize).unwrap();
        let res: Vec<_> = res.map(Result::unwrap).collect();
        assert_eq!(res, ["0", "1", "2", "3"], "buffersize {buffersize}");
    }
}

/// CPython executor.py ExecutorTest.test_map_buffersize_on_infinite_iterable:
/// a buffered map over an endless iterator yields as it is read.
#[test]
fn map_buffersize_on_infinite_iterable() {
    let pool = ThreadPoolExecutor::new(2);
    let res = pool.map_buffersize(to_text, 0.., 2).unwrap();
    let first: Vec<_> = res.take(5).map(Result::unwrap).collect();
    assert_eq!(first, ["0", "1", "2", "3", "4"]);
}

/// CPython executor.py ExecutorTest.test_map_buffersize_on_empty_iterable.
#[test]
fn map_buffersize_on_empty_iterable() {
    let pool = ThreadPoolExecutor::new(2);
    let mut res = pool.map_buffersize(to_text, 0..0, 2).unwrap();
    assert_eq!(res.next(), None);
}

/// CPython executor.py ExecutorTest.test_map_buffersize_when_buffer_is_full:
/// a map never read takes only `buffersize` items from its iterator.
#[test]
fn map_buffersize_when_buffer_is_full() {
    let pool = ThreadPoolExecutor::new(2);
    let mut ints = 0..4;
    drop(pool.map_buffersize(to_text, &mut ints, 2).unwrap());
    pool.shutdown(true, false);
    assert_eq!(ints.next(), Some(2), "should have taken only 2 items");
}

/// Python 3.14's promise for `buffersize`: however far the reading gets, at
/// most `buffersize` tasks are submitted and not yet yielded (one more just
/// while `next` submits before it waits, as CPython's generator does).
#[test]
fn map_buffersize_keeps_the_buffer_bounded() {
    let pool = ThreadPoolExecutor::new(4);
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&taken);
    let items = (0..).inspect(move |_| _ = counter.fetch_add(1, Ordering::SeqCst));
    let mut res = pool.map_buffersize(to_text, items, 3).unwrap();
    assert_eq!(taken.load(Ordering::SeqCst), 3);
    for yielded in 1..=20 {
        assert_eq!(res.next(), Some(Ok((yielded - 1).to_string())));
        assert_eq!(taken.load(Ordering::SeqCst), 3 + yielded as usize);
    }
}

/// A map is `Send`, eager or buffered: it can be handed to another thread to
/// read (this crate's own: a Python generator has no such bound). The call
/// to `send` is the check, made by the compiler.
#[test]
fn a_map_is_send_and_read_on_another_thread() {
    fn send<T: Send>(value: T) -> T {
        value
    }
    let pool = ThreadPoolExecutor::new(2);
    let eager = send(pool.map(to_text, 0..3).unwrap());
    let lazy = send(pool.map_buffersize(to_text, 0.., 2).unwrap());
    std::thread::scope(|scope| {
        let eager =
            scope.spawn(move || eager.map(Result::unwrap).collect::<Vec<_>>());
        let lazy = scope
            .spawn(move || lazy.take(3).map(Result::unwrap).collect::<Vec<_>>());
        assert_eq!(eager.join().unwrap(), ["0", "1", "2"]);
        assert_eq!(lazy.join().unwrap(), ["0", "1", "2"]);
    });
}

/// `map` over any executor: the same code runs on both pools, as Python code
/// takes an `executor_class` (here the thread pool, with a plain `fn`).
#[test]
fn code_written_for_any_executor() {
    fn squares(
        executor: &impl Executor<fn(u64) -> u64, u64, Output = u64>,
    ) -> Vec<u64> {
        fn square(n: u64) -> u64 {
            n * n
        }
        let res = executor.map(square, 0..5).unwrap();
        res.map(Result::unwrap).collect()
    }
    assert_eq!(squares(&ThreadPoolExecutor::new(2)), [0, 1, 4, 9, 16]);
}

/// CPython runs a future's done-callbacks inside `set_result`, before its
/// worker takes the next work item (thread.py `_WorkItem.run`, `_worker`).
/// So a callback may wait for a pending task: another worker, once free,
/// runs it. Two workers: X blocked, A running, B pending; A's callback waits
/// for B; then X ends, and its worker must run B.
#[test]
fn a_done_callback_runs_before_its_worker_takes_the_next_task() {
    let pool = ThreadPoolExecutor::new(2);
    let (gate_x, gate_a) = (Gate::new(), Gate::new());
    let (key_x, key_a) = (gate_x.key(), gate_a.key());
    let (started, has_started) = signal();
    let started_a = started.clone();
    let x = pool
        .submit(move || {
            started.send(()).unwrap();
            key_x.wait()
        })
        .unwrap();
    let a = pool
        .submit(move || {
            started_a.send(()).unwrap();
            key_a.wait()
        })
        .unwrap();
    (0..2).for_each(|_| recv(&has_started));
    let b = pool.submit(|| 2).unwrap();
    assert!(!b.running(), "B waits for a worker");
    let (in_callback, has_called_back) = signal();
    let (waited, has_waited) = signal();
    let b_seen = b.clone();
    a.add_done_callback(move |_| {
        in_callback.send(()).unwrap();
        waited.send(b_seen.result_timeout(common::LIMIT)).unwrap();
    });
    gate_a.open();
    recv(&has_called_back);
    gate_x.open();
    assert_eq!(recv(&has_waited), Ok(2), "B waited behind A's callback");
    assert_eq!((x.result(), a.result()), (Ok(true), Ok(true)));
}

/// CPython 3.14 executor.py test_map_buffersize_with_timeout (the two
/// together): results in time come, a result not ready `timeout` after the
/// call is one Err(Timeout), and the iterator is over.
#[test]
fn map_buffersize_with_timeout() {
    let pool = ThreadPoolExecutor::new(1);
    let squares: Vec<_> = pool
        .map_buffersize_timeout(|n: u64| n * n, 1..=5, 2, common::LIMIT)
        .unwrap()
        .collect();
    assert_eq!(squares, [Ok(1), Ok(4), Ok(9), Ok(16), Ok(25)]);
    let gate = Gate::new();
    let key = gate.key();
    let mut blocked = pool
        .map_buffersize_timeout(move |_: u64| key.wait(), 0..10, 2, Duration::ZERO)
        .unwrap();
    assert_eq!(blocked.next(), Some(Err(Error::Timeout)));
    assert_eq!(blocked.next(), None);
}

/// CPython's `map` submits in a list comprehension: when a submit raises
/// (the pool was shut down meanwhile), the tasks already submitted are left
/// to run. Here, the third item shuts the pool down; `map` gives
/// `Err(Shutdown)`, and both tasks before it run, the second though it was
/// still pending when the submit was refused.
#[test]
fn a_refused_submit_in_map_leaves_the_submitted_tasks_running() {
    let pool = ThreadPoolExecutor::new(1);
    let gate = Gate::new();
    let key = gate.key();
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    let items = (0..3).inspect(|&n| {
        if n == 2 {
            pool.shutdown(false, false);
        }
    });
    let mapped = pool.map(
        move |n: u64| {
            if n == 0 {
                key.wait();
            }
            counter.fetch_add(1, Ordering::SeqCst);
        },
        items,
    );
    assert_eq!(mapped.err(), Some(Error::Shutdown));
    gate.open();
    pool.shutdown(true, false);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        2,
        "a submitted task was cancelled"
    );
}
