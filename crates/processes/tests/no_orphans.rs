//! After a run, every worker process has been waited for: no zombies, no orphans.
//! (Its own test binary, so no other test's children are counted.)

use std::fs;

use flags_common::executor::TaskError;
use processes::pool::ProcessPoolExecutor;

procspawn::enable_test_support!();

fn square(n: u64) -> u64 {
    n * n
}

fn aborts(_: ()) -> u64 {
    std::process::abort()
}

/// Processes whose parent is this process, from /proc (Linux).
fn children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(1) == Some(&me.as_str()) {
            found.push(format!(
                "{} state {}",
                entry.file_name().to_string_lossy(),
                fields[0]
            ));
        }
    }
    found
}

/// Normal tasks and a crashed one all leave no process behind.
#[test]
fn no_worker_process_outlives_the_executor() {
    {
        let executor = ProcessPoolExecutor::new(Some(2));
        let results: Vec<u64> = executor.map(square, 0..10).collect();
        assert_eq!(results[9], 81);
        assert!(matches!(
            executor.submit(aborts, ()).result(),
            Err(TaskError::WorkerDied(_))
        ));
    }
    assert_eq!(children(), Vec::<String>::new());
}
