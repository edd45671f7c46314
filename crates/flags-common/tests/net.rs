//! The HTTP client's guard rails, against a hand-written server that misbehaves.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use flags_common::{FlagError, MAX_FLAG_BYTES, Site};

/// Serves one connection with `head` then `body_len` bytes, on a free port.
fn one_answer(head: String, body_len: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0; 1024];
        let _ = stream.read(&mut request);
        let _ = stream.write_all(head.as_bytes());
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = body_len;
        while left > 0 {
            let n = left.min(chunk.len() as u64);
            if stream.write_all(&chunk[..n as usize]).is_err() {
                break; // the client gave up, as it should
            }
            left -= n;
        }
    });
    format!("http://{addr}/flags")
}

fn get(base_url: &str) -> Result<Vec<u8>, FlagError> {
    let dest = std::env::temp_dir();
    Site::new(base_url, dest, Duration::from_secs(10))
        .unwrap()
        .get_flag("CN")
}

/// A body announced as larger than the cap is refused before it is read.
#[test]
fn an_announced_oversize_body_is_refused() {
    let len = MAX_FLAG_BYTES + 1;
    let url = one_answer(
        format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n"),
        len,
    );
    assert!(matches!(get(&url), Err(FlagError::TooLarge { .. })));
}

/// A body with no length that runs past the cap is cut off and refused.
#[test]
fn an_endless_body_is_cut_off_at_the_cap() {
    let url = one_answer(
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".into(),
        2 * MAX_FLAG_BYTES,
    );
    assert!(matches!(get(&url), Err(FlagError::TooLarge { .. })));
}

/// A body within the cap is read whole.
#[test]
fn a_body_within_the_cap_is_read_whole() {
    let url = one_answer(
        "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".into(),
        5000,
    );
    assert_eq!(get(&url).unwrap().len(), 5000);
}
