//! tokio tasks download like the thread pool; the flags2 version caps them
//! with a semaphore, and flags3 fetches metadata first.

use std::fs;
use std::time::{Duration, Instant};

use async_flags::{flags2, flags3};
use flags_common::flags2::Counter;
use flags_common::{FlagError, POP20_CC, Site};
use flags_server::{Config, Delay, FlagServer, flag_gif};
use support::{
    TempDir, assert_flags_match_server, codes, room_for_connections,
    server_with_delay, server_with_errors, site,
};

fn counter(ok: usize, not_found: usize, errors: usize) -> Counter {
    Counter {
        ok,
        not_found,
        errors,
    }
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

/// A request that outlives the client's timeout ends the listing with a
/// "timed out" error.
#[test]
fn a_timeout_ends_the_listing_with_that_error() {
    let server = server_with_delay(Duration::from_millis(400));
    let dest = TempDir::new("async-timeout-listing");
    let site =
        Site::new(&server.base_url(), dest.path(), Duration::from_millis(100))
            .unwrap();
    let err = async_flags::download_many(&site, &codes(&["CN"])).unwrap_err();
    assert!(
        matches!(&err, FlagError::Network { cc, reason, .. } if cc == "CN" && reason == "timed out"),
        "{err:?}"
    );
    assert!(dest.files().is_empty(), "{:?}", dest.files());
}

/// flags3: metadata first, then the GIF, saved under the country's name; a
/// code with no metadata is "not found" after one request.
#[test]
fn flags3_names_files_after_countries() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("async-metadata");
    let counted = flags3::download_many(
        &site(&server, &dest),
        &codes(&["CN", "US", "CD", "ZZ"]),
        false,
        4,
    );
    assert_eq!(counted, counter(3, 1, 0));
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

/// flags2 with `concur_req` 5: never more than 5 requests in flight, and 5
/// are reached.
#[test]
fn the_semaphore_caps_requests_in_flight() {
    let server = server_with_delay(Duration::from_millis(50));
    let dest = TempDir::new("async-cap");
    let counted =
        flags2::download_many(&site(&server, &dest), &codes(&POP20_CC), false, 5);
    assert_eq!(counted, counter(20, 0, 0));
    assert_eq!(server.stats().max_in_flight, 5);
}

/// flags2 over AA..ZZ with 1000 permits: 194 flags, 482 not found, most of
/// the 676 requests in flight at once, so a few delays in all (slack for
/// opening 676 connections on a busy machine), not the 135 waves that 5 at a
/// time would take.
#[test]
fn every_code_aa_to_zz_with_a_thousand_permits() {
    if !room_for_connections(676) {
        return;
    }
    let delay = Duration::from_millis(500);
    let server = server_with_delay(delay);
    let dest = TempDir::new("async-every");
    let every: Vec<String> = ('A'..='Z')
        .flat_map(|a| ('A'..='Z').map(move |b| format!("{a}{b}")))
        .collect();
    let t0 = Instant::now();
    let counted = flags2::download_many(&site(&server, &dest), &every, false, 1000);
    let delays = t0.elapsed().as_secs_f64() / delay.as_secs_f64();
    assert_eq!(counted, counter(194, 482, 0));
    assert_eq!(dest.files().len(), 194);
    let most = server.stats().max_in_flight;
    assert!(most > 676 / 2, "only {most} requests at once");
    assert!(delays < 10.0, "676 requests took {delays:.1} delays");
}

/// flags2: a 418 is an error for that flag only; the others still finish,
/// and the counts agree with the server's.
#[test]
fn teapots_are_counted_as_errors_and_the_rest_finish() {
    let server = server_with_errors(0.25, 7);
    let dest = TempDir::new("async-teapot");
    let all = flags_server::all_cc();
    let counted = flags2::download_many(&site(&server, &dest), &all, false, 50);
    assert_eq!(counted.ok + counted.errors, 194, "{counted:?}");
    assert_eq!(counted.not_found, 0);
    assert_eq!(counted.errors as u64, server.stats().teapots);
    assert!(
        counted.errors > 20 && counted.ok > 100,
        "{counted:?} at a 25% error rate"
    );
    assert_eq!(assert_flags_match_server(&dest).len(), counted.ok);
}

/// flags2: a request that outlives the timeout is an error for that flag
/// only; the faster ones are saved.
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
    let counted = flags2::download_many(&site, &codes(&POP20_CC), false, 20);
    assert_eq!(counted.ok + counted.errors, 20, "{counted:?}");
    assert_eq!(counted.not_found, 0);
    assert!(counted.ok >= 1 && counted.errors >= 1, "{counted:?}");
    assert_eq!(dest.files().len(), counted.ok);
}
