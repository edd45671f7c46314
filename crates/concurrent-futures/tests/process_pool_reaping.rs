//! No worker process outlives its executor, and none is left a zombie,
//! however it ended. A test binary of its own, so that no other test's
//! workers are counted among this process's children.

use std::fs;
use std::sync::Mutex;

use concurrent_futures::{Error, Executor, ProcessPoolExecutor};
use rustix::process::{Signal, getpid, kill_process};

procspawn::enable_test_support!();

/// Each test counts this process's children: one test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn square(n: u64) -> u64 {
    n * n
}

fn unlucky(n: u64) -> u64 {
    assert!(n != 13, "unlucky {n}");
    n
}

fn aborts(_: u64) -> u64 {
    std::process::abort()
}

/// A task that outlasts any test: only terminate_workers or kill_workers
/// ends it.
fn forever(_: u64) -> u64 {
    loop {
        std::thread::park();
    }
}

fn killed(_: u64) -> u64 {
    kill_process(getpid(), Signal::KILL).unwrap();
    unreachable!("SIGKILL cannot be caught")
}

/// This process's children, as "pid state" (state Z is a zombie), from /proc.
fn children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
        let Some((pid, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(1) == Some(&me.as_str()) {
            let pid = pid.split(' ').next().unwrap_or(pid);
            found.push(format!("{pid} state {}", fields[0]));
        }
    }
    found
}

fn zombies() -> Vec<String> {
    children()
        .into_iter()
        .filter(|child| child.ends_with(" Z"))
        .collect()
}

/// Workers that retired (max_tasks_per_child), panicked, aborted, or were
/// killed: each dead one is collected before its task's error is delivered,
/// and after the executor is dropped no child process remains.
#[test]
fn no_worker_outlives_the_executor() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    {
        let executor = ProcessPoolExecutor::builder()
            .max_workers(2)
            .max_tasks_per_child(1)
            .build();
        let map = executor.map(square, 0..10).unwrap();
        assert_eq!(map.map(Result::unwrap).sum::<u64>(), 285);
    }
    assert_eq!(children(), Vec::<String>::new());
    {
        let executor = ProcessPoolExecutor::new(2);
        let failed = executor.submit(unlucky, 13).unwrap().result();
        assert!(matches!(failed, Err(Error::Panicked(_))), "{failed:?}");
        for f in [aborts, killed] {
            let died = executor.submit(f, 0).unwrap().result();
            assert!(matches!(died, Err(Error::WorkerDied(_))), "{died:?}");
            assert_eq!(zombies(), Vec::<String>::new());
        }
        assert_eq!(executor.submit(square, 3).unwrap().result(), Ok(9));
        assert!(!children().is_empty(), "an idle worker waits for work");
    }
    assert_eq!(children(), Vec::<String>::new());
}

/// CPython 3.14 test_process_pool.py test_force_shutdown_workers (and
/// test_force_shutdown_workers_stops_pool): terminate_workers() and
/// kill_workers() end every worker, the running task and the queued ones
/// fail saying why, submit is refused, and no child process is left.
#[test]
fn terminate_and_kill_workers_break_the_pool() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (name, signal) in [
        ("terminate_workers", "SIGTERM"),
        ("kill_workers", "SIGKILL"),
    ] {
        let executor = ProcessPoolExecutor::new(2);
        assert_eq!(executor.submit(square, 3).unwrap().result(), Ok(9));
        let running: Vec<_> = (0..2)
            .map(|n| executor.submit(forever, n).unwrap())
            .collect();
        let queued = executor.submit(square, 4).unwrap();
        // Both workers are busy for ever: the queued task can only wait.
        while !running.iter().all(|f| f.running()) {
            std::thread::yield_now();
        }
        match name {
            "terminate_workers" => executor.terminate_workers(),
            _ => executor.kill_workers(),
        }
        assert_eq!(children(), Vec::<String>::new(), "{name} left a child");
        for future in &running {
            match future.result() {
                Err(Error::BrokenPool(why)) => {
                    assert!(why.contains(name) && why.contains(signal), "{why}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        match queued.result() {
            Err(Error::BrokenPool(why)) => assert!(why.contains(name), "{why}"),
            other => panic!("{name}: the queued task gave {other:?}"),
        }
        assert!(
            matches!(executor.submit(square, 5), Err(Error::BrokenPool(_))),
            "{name}: submit after it"
        );
        drop(executor);
        assert_eq!(children(), Vec::<String>::new());
    }
}
