//! tokio tasks download like the thread pool, capped by a semaphore.

use std::fs;
use std::time::{Duration, Instant};

use async_flags::{Naming, gather, supervisor};
use flags_common::{FlagError, POP20_CC, Site};
use flags_server::{Config, Delay, FlagServer, flag_gif};
use support::{TempDir, assert_flags_match_server, codes, server_with_delay, site};

/// Runs the supervisor on its own runtime, as `download_many` does.
fn run(
    site: &Site,
    cc_list: &[String],
    max_req: usize,
    naming: Naming,
) -> Vec<Result<String, FlagError>> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(async { gather(supervisor(site, cc_list, max_req, naming)).await })
}

/// (ok, not found, errors)
fn tally(results: &[Result<String, FlagError>]) -> (usize, usize, usize) {
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let not_found = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(FlagError::is_not_found))
        .count();
    (ok, not_found, results.len() - ok - not_found)
}

/// Every flag is saved, byte-identical to what the server sent.
#[test]
fn saves_every_flag_byte_for_byte() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("async-bytes");
    let count = async_flags::download_many(&site(&server, &dest), &codes(&POP20_CC))
        .unwrap();
    assert_eq!(count, 20);
    assert_eq!(assert_flags_match_server(&dest).len(), 20);
}

/// flags3: metadata first, then the GIF, saved under the country's name.
#[test]
fn metadata_mode_names_files_after_countries() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("async-metadata");
    let results = run(
        &site(&server, &dest),
        &codes(&["CN", "US", "CD", "ZZ"]),
        4,
        Naming::ByCountry,
    );
    assert_eq!(tally(&results), (3, 1, 0));
    assert_eq!(
        dest.files(),
        [
            "China.gif",
            "Congo_(Kinshasa).gif",
            "United_States_of_America.gif"
        ]
    );
    let china = fs::read(dest.path().join("China.gif")).unwrap();
    assert!(china == flag_gif("CN").unwrap());
    let us = fs::read(dest.path().join("United_States_of_America.gif")).unwrap();
    assert!(us == flag_gif("US").unwrap());
    // Two requests per flag found, one for ZZ (its metadata is already 404).
    assert_eq!(server.stats().requests, 3 * 2 + 1);
}

/// `-m 5`: never more than 5 requests in flight, and 5 are reached.
#[test]
fn the_semaphore_caps_requests_in_flight() {
    let server = server_with_delay(Duration::from_millis(50));
    let dest = TempDir::new("async-cap");
    let results = run(&site(&server, &dest), &codes(&POP20_CC), 5, Naming::ByCode);
    assert_eq!(tally(&results), (20, 0, 0));
    assert_eq!(server.stats().max_in_flight, 5);
}

/// With no cap, all 20 requests are in flight together.
#[test]
fn without_a_cap_all_twenty_are_in_flight() {
    let server = server_with_delay(Duration::from_millis(200));
    let dest = TempDir::new("async-nocap");
    let count = async_flags::download_many(&site(&server, &dest), &codes(&POP20_CC))
        .unwrap();
    assert_eq!(count, 20);
    assert_eq!(server.stats().max_in_flight, 20);
}

/// AA..ZZ at 1000 requests at a time: 194 flags, 482 not found, in under 3 delays.
#[test]
fn every_code_aa_to_zz_with_a_thousand_requests_at_once() {
    flags_common::cli::raise_open_files_limit(1000).unwrap();
    let delay = Duration::from_millis(300);
    let server = server_with_delay(delay);
    let dest = TempDir::new("async-every");
    let every: Vec<String> = ('A'..='Z')
        .flat_map(|a| ('A'..='Z').map(move |b| format!("{a}{b}")))
        .collect();
    let t0 = Instant::now();
    let results = run(&site(&server, &dest), &every, 1000, Naming::ByCode);
    let elapsed = t0.elapsed();
    assert_eq!(tally(&results), (194, 482, 0));
    assert_eq!(dest.files().len(), 194);
    assert!(
        elapsed < delay * 3,
        "{elapsed:?} for 676 requests at {delay:?}"
    );
}

/// A 418 is an error for that flag only; the others still finish.
#[test]
fn teapots_are_counted_as_errors_and_the_rest_finish() {
    let config = Config {
        error_rate: 0.25,
        seed: 7,
        ..Config::default()
    };
    let server = FlagServer::start(config).unwrap();
    let dest = TempDir::new("async-teapot");
    let all = flags_server::all_cc();
    let results = run(&site(&server, &dest), &all, 50, Naming::ByCode);
    let (ok, not_found, errors) = tally(&results);
    assert_eq!(ok + errors, 194);
    assert_eq!(not_found, 0);
    assert_eq!(errors as u64, server.stats().teapots);
    assert!(
        errors > 20 && ok > 100,
        "{ok} ok, {errors} errors at a 25% error rate"
    );
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.to_string().contains("HTTP 418"))
    );
    assert_eq!(assert_flags_match_server(&dest).len(), ok);
}

/// A request that outlives the timeout is an error for that flag only.
#[test]
fn timeouts_are_counted_as_errors_and_the_rest_finish() {
    let slow = Delay::uniform(Duration::ZERO, Duration::from_millis(1000));
    let server = FlagServer::start(Config {
        delay: slow,
        seed: 3,
        ..Config::default()
    })
    .unwrap();
    let dest = TempDir::new("async-timeout");
    let site =
        Site::new(&server.base_url(), dest.path(), Duration::from_millis(500))
            .unwrap();
    let results = run(&site, &codes(&POP20_CC), 20, Naming::ByCode);
    let (ok, not_found, errors) = tally(&results);
    assert_eq!((ok + errors, not_found), (20, 0));
    assert!(ok >= 1 && errors >= 1, "{ok} ok, {errors} timed out");
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(err.to_string().contains("timed out"), "{err}");
    }
    assert_eq!(dest.files().len(), ok);
}
