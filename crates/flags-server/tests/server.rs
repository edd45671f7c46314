//! The flag server answers like the book's sites, with seeded latency and faults.
//!
//! Requests are written by hand over a TcpStream (`support::get`), so paths
//! reach the server exactly as written.

mod support;

use std::thread;
use std::time::{Duration, Instant};

use flags_server::{Config, Delay, FlagServer, flag_gif};
use support::get;

fn start(config: Config) -> FlagServer {
    FlagServer::start(config).unwrap()
}

/// Flags and metadata live at the book's paths, lower case.
#[test]
fn serves_gifs_and_metadata_at_the_book_s_paths() {
    let server = start(Config::default());
    let (status, body) = get(server.addr(), "/flags/cn/cn.gif");
    assert_eq!(status, 200);
    assert_eq!(body, flag_gif("CN").unwrap());
    let (status, body) = get(server.addr(), "/flags/us/metadata.json");
    assert_eq!(status, 200);
    let json = String::from_utf8(body).unwrap();
    assert!(
        json.contains(r#""country":"United States of America""#),
        "{json}"
    );
    assert!(json.contains(r#""iso_cc":"US""#) && json.contains(r#""gec_cc":"US""#));
    assert!(server.base_url().ends_with("/flags"));
}

/// Unknown codes, upper case, other files, `..` and encoded slashes are all 404.
#[test]
fn bad_paths_and_traversal_are_404() {
    let server = start(Config::default());
    for path in [
        "/flags/zz/zz.gif",
        "/flags/CN/cn.gif",
        "/flags/cn/CN.gif",
        "/flags/cn/in.gif",
        "/flags/cn/",
        "/flags/cn/../in/in.gif",
        "/flags/..%2F..%2Fetc/passwd",
        "/flags/cn/..%2Fmetadata.json",
        "/flags/%2e%2e/cn.gif",
        "/",
        "/etc/passwd",
    ] {
        assert_eq!(get(server.addr(), path).0, 404, "{path}");
    }
    let stats = server.stats();
    assert_eq!((stats.not_found, stats.flags_served), (11, 0));
}

/// `--error-rate 1` answers every flag with 418 I'm a teapot.
#[test]
fn error_rate_one_makes_every_answer_a_teapot() {
    let server = start(Config {
        error_rate: 1.0,
        ..Config::default()
    });
    for cc in ["cn", "in", "us"] {
        assert_eq!(get(server.addr(), &format!("/flags/{cc}/{cc}.gif")).0, 418);
    }
    assert_eq!(server.stats().teapots, 3);
}

/// A fixed delay holds every answer back at least that long.
#[test]
fn a_fixed_delay_delays_every_request() {
    let delay = Duration::from_millis(150);
    let server = start(Config {
        delay: Delay::fixed(delay),
        ..Config::default()
    });
    let t0 = Instant::now();
    assert_eq!(get(server.addr(), "/flags/fr/fr.gif").0, 200);
    assert!(t0.elapsed() >= delay);
}

/// 1000 clients at once are all served, and all are in flight together.
#[test]
fn holds_a_thousand_concurrent_connections() {
    // Both ends of 1000 sockets live in this process: more than the 256 or
    // 1024 descriptors a laptop allows by default.
    rlimit::increase_nofile_limit(4096).expect("raise the open-files limit");
    let delay = Duration::from_millis(500);
    let server = start(Config {
        delay: Delay::fixed(delay),
        ..Config::default()
    });
    let addr = server.addr();
    let t0 = Instant::now();
    let clients: Vec<_> = (0..1000)
        .map(|i| {
            let cc = flags_server::COUNTRIES[i % 194].iso_cc.to_lowercase();
            thread::spawn(move || get(addr, &format!("/flags/{cc}/{cc}.gif")).0)
        })
        .collect();
    let statuses: Vec<u16> =
        clients.into_iter().map(|c| c.join().unwrap()).collect();
    let elapsed = t0.elapsed();
    assert!(statuses.iter().all(|&status| status == 200));
    let stats = server.stats();
    assert_eq!(stats.flags_served, 1000);
    assert!(
        stats.max_in_flight > 900,
        "only {} in flight at once",
        stats.max_in_flight
    );
    // Served together, not one after another: far less than 1000 delays.
    assert!(elapsed < delay * 20, "{elapsed:?}");
}
