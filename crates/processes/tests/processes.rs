//! The process pool: same interface as the thread pool, tasks in other processes.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use flags_common::POP20_CC;
use flags_common::executor::{TaskError, as_completed};
use processes::pool::ProcessPoolExecutor;
use processes::primes::{self, Strategy, is_prime};
use support::{TempDir, assert_flags_match_server, codes, server_with_delay, site};

// Worker processes re-run this test binary; this lets them find their way.
procspawn::enable_test_support!();

/// Runs `body` on a thread and fails the test if it takes longer than `limit`:
/// a hung pool must fail, not stall the suite.
fn within<T: Send + 'static>(
    limit: Duration,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || done_tx.send(body()).unwrap());
    done_rx.recv_timeout(limit).expect("the process pool hung")
}

fn pid(_: ()) -> u32 {
    std::process::id()
}

fn slow_pid(ms: u64) -> u32 {
    thread::sleep(Duration::from_millis(ms));
    std::process::id()
}

fn panics(n: u32) -> u32 {
    assert!(n != 13, "unlucky {n}");
    n
}

fn aborts(_: ()) -> u32 {
    std::process::abort()
}

/// Tasks run in other processes, and two workers are two processes.
#[test]
fn tasks_run_in_worker_processes() {
    within(Duration::from_secs(60), || {
        let executor = ProcessPoolExecutor::new(Some(2));
        assert_ne!(
            executor.submit(pid, ()).result().unwrap(),
            std::process::id()
        );
        // Two slow tasks at once keep both workers busy together.
        let to_do = [
            executor.submit(slow_pid, 300),
            executor.submit(slow_pid, 300),
        ];
        let pids: Vec<u32> = to_do.iter().map(|f| f.result().unwrap()).collect();
        assert_ne!(pids[0], pids[1], "two workers, two processes");
    });
}

/// Process-pool answers equal the sequential ones, in input order from map.
#[test]
fn process_pool_agrees_with_sequential_checks() {
    // Smaller than the demo's numbers, so a debug build stays quick.
    let numbers = [
        2,
        91,
        7919,
        1_000_000_007,
        999_999_999_989,
        999_999_999_991,
        1_000_003 * 1_000_003,
    ];
    let expected: Vec<bool> = numbers.iter().map(|&n| is_prime(n)).collect();
    assert_eq!(expected, [true, false, true, true, true, false, false]);
    let got = within(Duration::from_secs(60), move || {
        let executor = ProcessPoolExecutor::new(Some(2));
        executor.map(is_prime, numbers).collect::<Vec<bool>>()
    });
    assert_eq!(got, expected);
}

/// The three strategies of `just run primes` agree on every number.
#[test]
fn every_strategy_finds_the_same_primes() {
    let numbers = [
        999_999_999_989_u64,
        999_999_999_990,
        1_000_003 * 1_000_003,
        3,
    ];
    let verdicts = move |strategy| {
        let mut results = primes::run(strategy, 2, &numbers, |_| {}).unwrap();
        results.sort_by_key(|r| r.n);
        results
            .into_iter()
            .map(|r| (r.n, r.prime))
            .collect::<Vec<_>>()
    };
    let seq = verdicts(Strategy::Seq);
    assert_eq!(seq.iter().filter(|(_, prime)| *prime).count(), 2);
    assert_eq!(
        within(Duration::from_secs(60), move || verdicts(Strategy::Threads)),
        seq
    );
    assert_eq!(
        within(Duration::from_secs(60), move || verdicts(
            Strategy::Processes
        )),
        seq
    );
}

/// A panic in a worker is an Err with its message; the next tasks complete.
#[test]
fn a_panicking_task_is_an_err_and_the_pool_goes_on() {
    within(Duration::from_secs(60), || {
        let executor = ProcessPoolExecutor::new(Some(1));
        let bad = executor.submit(panics, 13);
        let good = executor.submit(panics, 7);
        assert_eq!(bad.result(), Err(TaskError::Panicked("unlucky 13".into())));
        assert_eq!(good.result(), Ok(7));
    });
}

/// A worker that dies is an Err for its task; the pool starts a new worker.
#[test]
fn a_dead_worker_is_an_err_and_the_pool_recovers() {
    within(Duration::from_secs(60), || {
        let executor = ProcessPoolExecutor::new(Some(1));
        let dead = executor.submit(aborts, ());
        let after = executor.submit(pid, ());
        assert!(
            matches!(dead.result(), Err(TaskError::WorkerDied(_))),
            "{dead:?}"
        );
        assert!(after.result().is_ok());
        let done: Vec<_> =
            as_completed([executor.submit(panics, 1), executor.submit(panics, 2)])
                .map(|f| f.result().unwrap())
                .collect();
        assert_eq!(done.len(), 2);
    });
}

/// 20 flags on 20 worker processes: under 4 delays, files byte-identical.
#[test]
fn downloads_flags_through_processes() {
    let delay = Duration::from_millis(500);
    let server = server_with_delay(delay);
    let dest = TempDir::new("procs");
    let site = site(&server, &dest).with_max_req(20);
    let t0 = Instant::now();
    let count = processes::download_many(&site, &codes(&POP20_CC)).unwrap();
    let elapsed = t0.elapsed();
    assert_eq!(count, 20);
    assert!(elapsed < delay * 4, "{elapsed:?}");
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// A code with no flag comes back from the worker as "not found".
#[test]
fn not_found_crosses_back_from_the_worker() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("procs-zz");
    let site = site(&server, &dest).with_max_req(2);
    let count = processes::download_many(&site, &codes(&["ZZ", "FR"])).unwrap();
    assert_eq!(count, 1);
    assert_eq!(dest.files(), ["fr.gif"]);
}
