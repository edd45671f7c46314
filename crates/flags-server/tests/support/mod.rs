//! Helpers shared by this crate's tests that time or probe a running server.
//! Each test binary uses a part of them.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long a test waits for any sign of life before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Below this, 20 requests are too quick to divide by: timer noise dominates.
const FLOOR: Duration = Duration::from_millis(20);

/// One GET over a fresh connection, written by hand so the path reaches the
/// server exactly as written (no client-side clean-up of `..` or `%2F`);
/// returns the status code and the body.
pub fn get(addr: SocketAddr, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let code = answer.get(9..12).expect("a status line");
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = std::str::from_utf8(code).unwrap().parse().unwrap();
    (status, answer[head_end + 4..].to_vec())
}

/// One GET over a fresh connection; returns the status code.
pub fn get_status(addr: SocketAddr, path: &str) -> u16 {
    get(addr, path).0
}

/// Times 20 GETs of different flags, one after another.
fn time_20_flags(addr: SocketAddr, skip: usize) -> Duration {
    let t0 = Instant::now();
    for country in flags_server::COUNTRIES.iter().skip(skip).take(20) {
        let cc = country.iso_cc.to_lowercase();
        assert_eq!(get_status(addr, &format!("/flags/{cc}/{cc}.gif")), 200);
    }
    t0.elapsed()
}

/// The first 20 requests to a fresh server are no slower than 5 times the
/// next 20: nothing (painting the flags) was left for the first request to do.
pub fn assert_full_speed_from_the_start(addr: SocketAddr) {
    let first = time_20_flags(addr, 0);
    let next = time_20_flags(addr, 20);
    assert!(
        first <= 5 * next.max(FLOOR),
        "first 20 requests took {first:?}, the next 20 {next:?}"
    );
}
