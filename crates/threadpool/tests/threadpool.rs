//! Executor.map downloads the flags at the same time, on MAX_WORKERS threads.

use std::time::Duration;

use flags_common::POP20_CC;
use support::{TempDir, codes, server_with_delay, site};

/// download_one is the loop body: it saves one flag and returns its code; a
/// 404 is its error, and nothing is saved.
#[test]
fn download_one_saves_one_flag_and_returns_its_code() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("pool-one");
    assert_eq!(
        threadpool::download_one(&site(&server, &dest), "BR").unwrap(),
        "BR"
    );
    assert_eq!(dest.files(), ["br.gif"]);
    let err = threadpool::download_one(&site(&server, &dest), "ZZ").unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(dest.files(), ["br.gif"]);
}

/// The pool never runs more than MAX_WORKERS downloads at a time.
#[test]
fn never_more_than_max_workers_requests_at_once() {
    let server = server_with_delay(Duration::from_millis(20));
    let dest = TempDir::new("pool-cap");
    let all = flags_server::all_cc();
    let count = threadpool::download_many(&site(&server, &dest), &all).unwrap();
    assert_eq!(count, 194);
    let most = server.stats().max_in_flight;
    assert!(most <= threadpool::MAX_WORKERS, "{most} requests at once");
    assert!(
        most > threadpool::MAX_WORKERS / 2,
        "only {most} requests at once"
    );
}

/// flags2_threadpool.py with `concur_req` 5: never more than 5 requests at
/// once, and 5 are reached.
#[test]
fn the_flags2_version_runs_concur_req_at_a_time() {
    let server = server_with_delay(Duration::from_millis(30));
    let dest = TempDir::new("pool-flags2-cap");
    let counter = threadpool::flags2::download_many(
        &site(&server, &dest),
        &codes(&POP20_CC),
        false,
        5,
    );
    assert_eq!(counter.ok, 20, "{counter:?}");
    assert_eq!(server.stats().max_in_flight, 5);
}
