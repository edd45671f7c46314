//! The process pool's events name the worker process that ran each task:
//! its own test binary, as the events' observer is process-wide.

use std::sync::Mutex;

use concurrent_futures::events::{self, Event, Phase};
use concurrent_futures::{Executor, ProcessPoolExecutor};

procspawn::enable_test_support!();

fn square(n: u64) -> u64 {
    n * n
}

static SEEN: Mutex<Vec<Event>> = Mutex::new(Vec::new());

#[test]
fn each_task_runs_on_a_numbered_worker_process_and_is_taken() {
    events::observe(|event| SEEN.lock().unwrap().push(event.clone()));
    let executor = ProcessPoolExecutor::new(2);
    let squares: Vec<u64> = executor
        .map(square, 0..6)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(squares, [0, 1, 4, 9, 16, 25]);
    let seen = SEEN.lock().unwrap();
    for task in 0..6 {
        let life: Vec<&Phase> = seen
            .iter()
            .filter(|e| e.task == task)
            .map(|e| &e.phase)
            .collect();
        assert_eq!(life.len(), 4, "task {task}: {life:?}");
        assert_eq!(life[0], &Phase::Pending);
        // Two worker processes, started as tasks need them: 0 and 1.
        assert!(
            matches!(
                life[1],
                Phase::Running {
                    worker: Some(0 | 1)
                }
            ),
            "task {task}: {life:?}"
        );
        assert_eq!(life[2], &Phase::Finished { raised: None });
        assert_eq!(life[3], &Phase::Taken);
    }
}
