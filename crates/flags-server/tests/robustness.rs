//! Broken, hostile and idle clients get a 4xx or a closed connection, and the
//! server goes on serving flags to everyone else.
//!
//! Requests are raw bytes over a TcpStream, so they reach the server exactly
//! as broken as written; every connect, read and write has a timeout, so a
//! server that neither answers nor hangs up fails the test instead of hanging it.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use flags_server::{Config, FlagServer};

/// Short, so the idle cases finish quickly; every wait below is a multiple.
const HEADER_TIMEOUT: Duration = Duration::from_millis(300);
/// How long a client waits for any sign of life: far beyond the header timeout.
const PATIENCE: Duration = Duration::from_secs(10);

/// What a client saw: a status line, or the server hanging up without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Status(u16),
    Closed,
}

fn start() -> FlagServer {
    FlagServer::start(Config {
        header_timeout: HEADER_TIMEOUT,
        ..Config::default()
    })
    .unwrap()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads until the status line is complete or the server hangs up. A reset
/// counts as hanging up: a server that refuses a huge request closes before
/// reading all of it, and the unread bytes turn its close into a reset.
fn outcome(stream: &mut TcpStream) -> Outcome {
    let mut answer = Vec::new();
    let mut buf = [0; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(err)
                if matches!(
                    err.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                panic!("the server neither answered nor closed within {PATIENCE:?}")
            }
            Err(_) => break,
        }
    }
    match answer
        .get(9..12)
        .and_then(|code| std::str::from_utf8(code).ok())
    {
        Some(code) if answer.starts_with(b"HTTP/1.") => {
            Outcome::Status(code.parse().unwrap())
        }
        _ => Outcome::Closed,
    }
}

/// Sends `request` as is (a write the server cut short is fine) and reads.
fn send_raw(addr: SocketAddr, request: &[u8]) -> Outcome {
    let mut stream = connect(addr);
    let _ = stream.write_all(request);
    outcome(&mut stream)
}

/// A 4xx or a hang-up; anything else (200, 5xx) means the server took it.
fn assert_refused(outcome: Outcome, case: &str) {
    match outcome {
        Outcome::Closed => {}
        Outcome::Status(code) => {
            assert!((400..500).contains(&code), "{case}: {code}")
        }
    }
}

/// The server is still there and still serving flags.
fn assert_serves_a_flag(addr: SocketAddr, after: &str) {
    let ok = send_raw(
        addr,
        b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(ok, Outcome::Status(200), "after {after}");
}

/// Malformed request lines get 400 (or a hang-up), and the server goes on.
#[test]
fn malformed_request_lines_are_refused() {
    let server = start();
    let long_target =
        format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(100_000));
    let cases: [(&str, &[u8]); 9] = [
        ("garbage", b"GARBAGE\r\n\r\n"),
        ("a method alone", b"GET\r\n\r\n"),
        ("no version", b"GET /flags/cn/cn.gif\r\n\r\n"),
        (
            "version 9.9",
            b"GET /flags/cn/cn.gif HTTP/9.9\r\nHost: t\r\n\r\n",
        ),
        (
            "double spaces",
            b"GET  /flags/cn/cn.gif  HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
        ("control bytes", b"\x00\x01\x02 \x03 \x04\r\n\r\n"),
        (
            "a broken absolute URL",
            b"GET http://[::1 HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
        (
            "a header without colon",
            b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost t\r\n\r\n",
        ),
        ("a 100 KB target", long_target.as_bytes()),
    ];
    for (case, request) in cases {
        assert_refused(send_raw(server.addr(), request), case);
        assert_serves_a_flag(server.addr(), case);
    }
}

/// Methods other than GET get 405 (unknown tokens 400); none reach a flag.
#[test]
fn unknown_methods_are_refused() {
    let server = start();
    for method in [
        "BREW",
        "DELETE",
        "PROPFIND",
        "G@T",
        "get",
        &"X".repeat(10_000),
    ] {
        let request =
            format!("{method} /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_refused(send_raw(server.addr(), request.as_bytes()), method);
        assert_serves_a_flag(server.addr(), method);
    }
    assert_eq!(
        server.stats().flags_served,
        6,
        "only the six checks got a flag"
    );
}

/// Headers beyond the server's limit (one 100 KB header, or thousands of
/// small ones) get 431 or a hang-up, not 200 and not a crash.
#[test]
fn huge_headers_are_refused() {
    let server = start();
    let one_big = format!(
        "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let many: String = (0..5000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\n{many}\r\n");
    for (case, request) in [("one 100 KB header", one_big), ("5000 headers", many)] {
        assert_refused(send_raw(server.addr(), request.as_bytes()), case);
        assert_serves_a_flag(server.addr(), case);
    }
}

/// Bytes that are not UTF-8 in the path get 400 or 404, never a flag.
#[test]
fn non_utf8_paths_are_refused() {
    let server = start();
    let cases: [&[u8]; 4] = [
        b"GET /flags/\xff\xfe/\xff.gif HTTP/1.1\r\nHost: t\r\n\r\n",
        b"GET /flags/cn/cn.gif\xc0 HTTP/1.1\r\nHost: t\r\n\r\n",
        b"GET /flags/%ff%fe/%ff.gif HTTP/1.1\r\nHost: t\r\n\r\n",
        b"GET /flags/c\xcc\x88n/cn.gif HTTP/1.1\r\nHost: t\r\n\r\n",
    ];
    for request in cases {
        let case = String::from_utf8_lossy(request);
        assert_refused(send_raw(server.addr(), request), &case);
        assert_serves_a_flag(server.addr(), &case);
    }
}

/// A client that sends half a request and shuts its sending side is hung
/// up on (or told 400): the server does not wait for the rest forever.
#[test]
fn half_closed_connections_are_closed() {
    let server = start();
    let partial: [&[u8]; 4] = [
        b"",
        b"GET /flags/cn/cn.gif",
        b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\n",
        b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\nAccept: ima",
    ];
    for request in partial {
        let case = String::from_utf8_lossy(request);
        let mut stream = connect(server.addr());
        stream.write_all(request).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        assert_refused(outcome(&mut stream), &case);
        assert_serves_a_flag(server.addr(), &case);
    }
}

/// Idle and stalled connections are closed after the header timeout (they
/// used to stay open forever), and while they wait everyone else is served.
#[test]
fn idle_connections_are_closed_after_the_header_timeout() {
    let server = start();
    let addr = server.addr();
    let t0 = Instant::now();
    // Silent from the start, stalled mid-headers, and idle after one answer.
    let mut idle: Vec<TcpStream> = (0..20).map(|_| connect(addr)).collect();
    for _ in 0..20 {
        let mut stream = connect(addr);
        stream
            .write_all(b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost:")
            .unwrap();
        idle.push(stream);
    }
    let mut kept_alive = connect(addr);
    kept_alive
        .write_all(b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(outcome(&mut kept_alive), Outcome::Status(200));
    assert_serves_a_flag(addr, "40 idle connections");
    assert!(
        t0.elapsed() < HEADER_TIMEOUT,
        "too slow to check before the timeout"
    );

    for mut stream in idle {
        assert_refused(outcome(&mut stream), "an idle connection");
    }
    // Drain the rest of the first answer; then the server must hang up.
    let mut rest = Vec::new();
    let drained = kept_alive.read_to_end(&mut rest);
    assert!(drained.is_ok(), "kept-alive connection: {drained:?}");
    // Closed by the header timeout, not by our patience running out.
    assert!(t0.elapsed() < PATIENCE / 2, "{:?}", t0.elapsed());
    assert_serves_a_flag(addr, "the idle connections were closed");
}
