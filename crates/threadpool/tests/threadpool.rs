//! Executor.map downloads the flags at the same time, on MAX_WORKERS threads.

use std::time::{Duration, Instant};

use flags_common::POP20_CC;
use flags_common::flags2::Counter;
use support::{TempDir, assert_flags_match_server, codes, server_with_delay, site};

/// 20 flags on 20 workers take about one delay, not twenty: elapsed < 3·L.
#[test]
fn twenty_workers_download_twenty_flags_in_about_one_delay() {
    let delay = Duration::from_millis(200);
    let server = server_with_delay(delay);
    let dest = TempDir::new("pool-timing");
    let t0 = Instant::now();
    let count =
        threadpool::download_many(&site(&server, &dest), &codes(&POP20_CC)).unwrap();
    let elapsed = t0.elapsed();
    assert_eq!(count, 20);
    assert!(
        elapsed < delay * 3,
        "{elapsed:?} for 20 flags at {delay:?} each"
    );
    assert_eq!(server.stats().max_in_flight, 20, "all 20 requests overlap");
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

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

/// flags2_threadpool.py counts each outcome as `as_completed` yields it:
/// CN and US ok, QQ not found.
#[test]
fn the_flags2_version_counts_a_404_and_goes_on() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("pool-flags2");
    let counter = threadpool::flags2::download_many(
        &site(&server, &dest),
        &codes(&["US", "QQ", "CN"]),
        false,
        4,
    );
    let expected = Counter {
        ok: 2,
        not_found: 1,
        errors: 0,
    };
    assert_eq!(counter, expected);
    assert_eq!(dest.files(), ["cn.gif", "us.gif"]);
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
