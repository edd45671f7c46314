//! The event stream, as a watcher sees it: one observer for this test
//! binary (it is process-wide), installed before any handle is made.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};

use concurrent_futures::events::{self, Event, Phase};
use concurrent_futures::{Executor, ThreadPoolExecutor, as_completed};

static SEEN: Mutex<Vec<Event>> = Mutex::new(Vec::new());
/// The tests share the observer: one at a time, each reading its own tasks.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn observing() -> MutexGuard<'static, ()> {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    events::observe(|event| SEEN.lock().unwrap().push(event.clone()));
    assert!(events::observed());
    SEEN.lock().unwrap().clear();
    turn
}

/// Each task's phases in the order they were reported, tasks in the order
/// they were made.
fn lives() -> Vec<Vec<Phase>> {
    let seen = SEEN.lock().unwrap();
    let first = seen.iter().map(|e| e.task).min().unwrap_or(0);
    let mut lives: Vec<Vec<Phase>> = Vec::new();
    for event in seen.iter() {
        let i = (event.task - first) as usize;
        if lives.len() <= i {
            lives.resize(i + 1, Vec::new());
        }
        lives[i].push(event.phase.clone());
    }
    for pair in seen.windows(2).filter(|w| w[0].task == w[1].task) {
        assert!(pair[0].at <= pair[1].at, "{pair:?}");
    }
    lives
}

#[test]
fn map_reports_each_life_in_submission_order_with_the_pool_s_workers() {
    let _turn = observing();
    let executor = ThreadPoolExecutor::new(2);
    let results: Vec<u64> = executor
        .map(|n: u64| n * 10, 0..4)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(results, [0, 10, 20, 30]);
    let lives = lives();
    assert_eq!(lives.len(), 4, "{lives:?}");
    for life in &lives {
        assert_eq!(life.len(), 4, "{life:?}");
        assert_eq!(life[0], Phase::Pending);
        let Phase::Running { worker: Some(k) } = life[1] else {
            panic!("{life:?}");
        };
        assert!(k < 2, "a pool of two numbers its threads 0 and 1: {life:?}");
        assert_eq!(life[2], Phase::Finished { raised: None });
        assert_eq!(life[3], Phase::Taken);
    }
}

#[test]
fn raised_and_cancelled_tasks_are_reported_as_such() {
    let _turn = observing();
    let executor = ThreadPoolExecutor::new(1);
    let (open, gate) = mpsc::channel::<()>();
    let blocker = executor
        .submit(move || {
            gate.recv()
                .map(|_| ())
                .map_err(|_| "x".parse::<u64>().unwrap_err())
        })
        .unwrap();
    let raises = executor.submit(|| "x".parse::<u64>().map(|_| ())).unwrap();
    let never = executor.submit(|| 0u64).unwrap();
    assert!(never.cancel());
    open.send(()).unwrap();
    for future in as_completed([blocker.clone(), raises.clone()]) {
        assert!(future.done());
    }
    assert!(raises.exception().unwrap().is_some());
    let lives = lives();
    assert_eq!(lives.len(), 3, "{lives:?}");
    assert_eq!(lives[0][2], Phase::Finished { raised: None });
    // Nobody took the blocker's result: no `Taken`.
    assert_eq!(lives[0].len(), 3, "{lives:?}");
    let raised = Phase::Finished {
        raised: Some("ParseIntError".into()),
    };
    assert_eq!(lives[1][2..], [raised, Phase::Taken]);
    assert_eq!(lives[2], [Phase::Pending, Phase::Cancelled]);
}

#[test]
fn a_watched_async_task_reports_as_a_handle_does() {
    let _turn = observing();
    let task = events::future(async { Err::<u8, _>(std::fmt::Error) });
    let dropped = events::future(async { Ok::<u8, ()>(1) });
    drop(dropped);
    let delivered = block_on(task);
    assert!(delivered.take().is_err());
    let raised = Phase::Finished {
        raised: Some("Error".into()),
    };
    let running = Phase::Running { worker: None };
    let lives = lives();
    assert_eq!(
        lives,
        [
            vec![Phase::Pending, running, raised, Phase::Taken],
            vec![Phase::Pending, Phase::Cancelled],
        ]
    );
}

/// Polls a future that never waits to its end, with no runtime.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("this future never waits"),
    }
}

/// An executor outside the crate drives a handle with the public methods:
/// the same events, its worker unnamed; `join` hands the value over once.
#[test]
fn an_outside_executor_s_handle_reports_too_and_join_is_taken_once() {
    let _turn = observing();
    let handle: concurrent_futures::Handle<String> =
        concurrent_futures::Handle::new();
    assert!(handle.set_running_or_notify_cancel());
    handle.set_result("flag".into()).unwrap();
    assert!(handle.set_result("again".into()).is_err());
    let copy = handle.clone();
    assert_eq!(handle.join().unwrap(), "flag");
    assert!(copy.result().is_err(), "join moved the value out");
    let lives = lives();
    let finished = Phase::Finished { raised: None };
    let running = Phase::Running { worker: None };
    assert_eq!(
        lives,
        [vec![Phase::Pending, running, finished, Phase::Taken]]
    );
}
