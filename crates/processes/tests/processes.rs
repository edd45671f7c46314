//! The processes section: downloads and primes on worker processes.

use std::time::Duration;

use flags_common::{FlagError, POP20_CC};
use processes::primes::{self, PRIME_FIXTURE, Strategy};
use support::{TempDir, assert_flags_match_server, codes, server_with_delay, site};

procspawn::enable_test_support!();

/// The chapter's listing on processes saves the 20 flags, byte for byte.
#[test]
fn downloads_the_twenty_flags_through_processes() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("procs-pop20");
    let count = processes::download_many(&site(&server, &dest), &codes(&POP20_CC));
    assert_eq!(count, Ok(20));
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// A 404 in a worker crosses back as the same error, and ends the chapter's
/// listing as an uncaught exception would.
#[test]
fn not_found_crosses_back_from_the_worker() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("procs-404");
    let res = processes::download_many(&site(&server, &dest), &codes(&["CN", "ZZ"]));
    assert_eq!(res, Err(FlagError::NotFound { cc: "ZZ".into() }));
}

/// The flags2 version counts what the workers report, 404s included.
#[test]
fn flags2_counts_the_workers_outcomes() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("procs-flags2");
    let site = site(&server, &dest);
    let counter = processes::flags2::download_many(
        &site,
        &codes(&["CN", "FR", "ZZ"]),
        false,
        2,
    );
    assert_eq!((counter.ok, counter.not_found, counter.errors), (2, 1, 0));
}

/// Sequential, threads, processes and rayon (stealing or not) reach the
/// book's verdicts on its numbers.
#[test]
fn every_strategy_agrees_with_the_book_s_fixture() {
    // The smallest six: enough to exercise every strategy, quick in debug builds.
    let mut fixture = PRIME_FIXTURE[..6].to_vec();
    fixture.sort();
    let numbers: Vec<u64> = fixture.iter().map(|(n, _)| *n).collect();
    for strategy in Strategy::ALL {
        let mut results = primes::run(strategy, 2, &numbers, |_| {}).unwrap();
        results.sort_by_key(|r| r.n);
        let verdicts: Vec<(u64, bool)> =
            results.iter().map(|r| (r.n, r.prime)).collect();
        assert_eq!(verdicts, fixture, "{strategy:?}");
    }
}
