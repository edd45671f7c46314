//! Every download section saves the same flags, byte for byte, from the same
//! server; every chapter listing stops at its first error, and every flags2
//! version counts the same outcomes.

use std::time::{Duration, Instant};

use flags_common::flags2::{self, Counter};
use flags_common::{FlagError, POP20_CC, Site};
use support::{
    TempDir, assert_flags_match_server, codes, leftovers, room_for_connections,
    server_with_delay, server_with_errors, site,
};

type DownloadMany = fn(&Site, &[String]) -> Result<usize, FlagError>;

/// The chapter's listings: `download_many(cc_list)`.
const SECTIONS: [(&str, DownloadMany); 4] = [
    ("sequential", sequential::download_many),
    ("threadpool", threadpool::download_many),
    ("submit_as_completed", submit_as_completed::download_many),
    ("async_flags", async_flags::download_many),
];

/// The book's flags2 versions: `download_many(cc_list, verbose, concur_req)`.
/// (submit_as_completed runs threadpool's, as the book's does.)
const FLAGS2: [(&str, flags2::DownloadMany); 3] = [
    ("sequential", sequential::flags2::download_many),
    ("threadpool", threadpool::flags2::download_many),
    ("async_flags", async_flags::flags2::download_many),
];

/// How each chapter listing schedules 20 flags: (section, delay per request,
/// waves of requests, requests in flight at once). The loop makes 20 waves
/// of one; `Executor.map` on 20 threads and tokio with no cap, one wave of
/// 20; the futures listing's 10 threads, two waves of 10.
const SCHEDULES: [(&str, u64, u32, usize); 4] = [
    ("sequential", 20, 20, 1),
    ("threadpool", 200, 1, 20),
    ("submit_as_completed", 200, 2, 10),
    ("async_flags", 200, 1, 20),
];

/// Each listing takes its waves of delays: never less than waves × delay,
/// and a concurrent one no more than two delays beyond; and it has exactly
/// as many requests in flight as it has workers (or tasks).
#[test]
fn every_section_takes_its_waves_of_delays() {
    for ((name, download_many), (listing, millis, waves, in_flight)) in
        SECTIONS.into_iter().zip(SCHEDULES)
    {
        assert_eq!(name, listing, "SCHEDULES follows SECTIONS");
        let delay = Duration::from_millis(millis);
        let server = server_with_delay(delay);
        let dest = TempDir::new(name);
        let t0 = Instant::now();
        let count = download_many(&site(&server, &dest), &codes(&POP20_CC));
        let elapsed = t0.elapsed();
        assert_eq!(count, Ok(20), "{name}");
        assert!(
            elapsed >= delay * waves,
            "{name}: {elapsed:?} < {waves} x {delay:?}"
        );
        if waves < 20 {
            let most = delay * (waves + 2);
            assert!(
                elapsed < most,
                "{name}: {elapsed:?} for {waves} waves of {delay:?}"
            );
        }
        assert_eq!(server.stats().max_in_flight, in_flight, "{name}");
    }
}

/// All 194 flags, from every section, are identical to what the server serves.
#[test]
fn every_section_saves_all_194_flags_identically() {
    // The async listing has no cap: 194 connections at once, both ends here.
    if !room_for_connections(194) {
        return;
    }
    let server = server_with_delay(Duration::ZERO);
    let all = flags_server::all_cc();
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let count = download_many(&site(&server, &dest), &all).unwrap();
        assert_eq!(count, 194, "{name}");
        assert_eq!(assert_flags_match_server(&dest), all, "{name}");
    }
}

/// A code with no flag is an uncaught error in the chapter's listings: every
/// section returns that 404, and leaves only whole flags behind.
#[test]
fn every_section_stops_at_a_code_with_no_flag() {
    let server = server_with_delay(Duration::ZERO);
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let err = download_many(&site(&server, &dest), &codes(&["QQ", "JP", "US"]))
            .unwrap_err();
        assert_eq!(err, FlagError::NotFound { cc: "QQ".into() }, "{name}");
        let saved = assert_flags_match_server(&dest);
        assert!(saved.iter().all(|cc| cc == "JP" || cc == "US"), "{name}");
        assert!(
            leftovers(&dest).is_empty(),
            "{name}: {:?}",
            leftovers(&dest)
        );
    }
}

/// The sections whose results come back in input order: the loop, and
/// `Executor.map` (`len(list(res))` re-raises the first failure in order).
const IN_INPUT_ORDER: [&str; 2] = ["sequential", "threadpool"];

/// A server error (418) ends the run with that error, in every section,
/// and nothing is written. Where results come in input order, the error is
/// the first code's in sorted order, even though every download fails.
#[test]
fn every_section_stops_at_a_server_error() {
    let server = server_with_errors(1.0, 0);
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let err =
            download_many(&site(&server, &dest), &codes(&POP20_CC)).unwrap_err();
        assert!(
            matches!(&err, FlagError::Http { status, .. } if status == "418 I'm a teapot"),
            "{name}: {err:?}"
        );
        if IN_INPUT_ORDER.contains(&name) {
            assert_eq!(err.cc(), Some("BD"), "{name}: {err:?}");
        }
        assert!(dest.files().is_empty(), "{name}: {:?}", dest.files());
    }
}

/// The same seeded server (a fresh one each) gives every flags2 version the
/// same Counter: faults depend on the seed and the path, not on the order or
/// the concurrency of the requests.
#[test]
fn every_flags2_version_counts_the_same() {
    let mut cc_list = flags_server::all_cc();
    cc_list.extend(codes(&["QQ", "ZZ"]));
    let mut counts: Vec<(&str, Counter)> = Vec::new();
    for (name, download_many) in FLAGS2 {
        let server = server_with_errors(0.25, 7);
        let dest = TempDir::new(name);
        let counter = download_many(&site(&server, &dest), &cc_list, false, 20);
        let stats = server.stats();
        assert_eq!(
            counter.ok + counter.not_found + counter.errors,
            196,
            "{name}"
        );
        assert_eq!(counter.not_found as u64, stats.not_found, "{name}");
        assert_eq!(counter.errors as u64, stats.teapots, "{name}");
        assert_eq!(assert_flags_match_server(&dest).len(), counter.ok, "{name}");
        counts.push((name, counter));
    }
    let (first_name, first) = counts[0];
    assert!(first.errors > 20 && first.not_found > 0, "{first:?}");
    for (name, counter) in &counts {
        assert_eq!(*counter, first, "{name} vs {first_name}");
    }
}
