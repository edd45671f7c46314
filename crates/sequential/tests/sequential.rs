//! The sequential section downloads every flag, one request at a time.

use std::time::{Duration, Instant};

use flags_common::{FlagError, POP20_CC};
use support::{
    TempDir, assert_flags_match_server, codes, run_against_teapots, run_bin,
    server_with_delay, server_with_errors, site, text,
};

const BIN: &str = env!("CARGO_BIN_EXE_sequential");

/// All 20 POP20 flags are saved, each byte-identical to what the server sent.
#[test]
fn saves_every_pop20_flag_byte_for_byte() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("seq-pop20");
    let count =
        sequential::download_many(&site(&server, &dest), &codes(&POP20_CC)).unwrap();
    assert_eq!(count, 20);
    let saved = assert_flags_match_server(&dest);
    let mut expected = codes(&POP20_CC);
    expected.sort();
    assert_eq!(saved, expected);
}

/// The chapter's listing has no `except`: the first 404 ends the run with
/// that error. Codes go in sorted order, so CN is saved, QQ fails, and US is
/// never asked for.
#[test]
fn the_listing_stops_at_the_first_code_with_no_flag() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("seq-404");
    let err = sequential::download_many(
        &site(&server, &dest),
        &codes(&["US", "QQ", "CN"]),
    )
    .unwrap_err();
    assert_eq!(err, FlagError::NotFound { cc: "QQ".into() });
    assert_eq!(dest.files(), ["cn.gif"]);
    assert_eq!(server.stats().requests, 2, "nothing after the error");
}

/// A 418 ends the run as well, before anything is written.
#[test]
fn the_listing_stops_at_the_first_server_error() {
    let server = server_with_errors(1.0, 0);
    let dest = TempDir::new("seq-418");
    let err = sequential::download_many(&site(&server, &dest), &codes(&POP20_CC))
        .unwrap_err();
    let expected = FlagError::Http {
        cc: "BD".into(),
        status: "418 I'm a teapot".into(),
    };
    assert_eq!(err, expected);
    assert!(dest.files().is_empty(), "{:?}", dest.files());
    assert_eq!(server.stats().requests, 1);
}

/// flags2_sequential.py with 25% of 418s: every code counted once, errors
/// as many as the server's teapots, and one request at a time.
#[test]
fn the_flags2_version_counts_every_error() {
    let server = server_with_errors(0.25, 7);
    let dest = TempDir::new("seq-flags2-errors");
    let all = support::all_cc();
    let counter =
        sequential::flags2::download_many(&site(&server, &dest), &all, false, 1);
    assert_eq!(counter.ok + counter.errors, 194, "{counter:?}");
    assert_eq!(counter.not_found, 0);
    assert_eq!(counter.errors as u64, server.stats().teapots);
    assert_eq!(assert_flags_match_server(&dest).len(), counter.ok);
    assert_eq!(server.stats().max_in_flight, 1);
}

/// The output has the chapter's shape: sorted codes, then `20 flags
/// downloaded in X.XXs`, where X is the time the downloads took: at least the
/// 20 delays, at most the whole run of the program, and most of it.
#[test]
fn prints_the_chapter_s_output() {
    let delay = Duration::from_millis(30);
    let server = server_with_delay(delay);
    let dest = TempDir::new("seq-output");
    let url = server.base_url();
    let t0 = Instant::now();
    let out = run_bin(
        BIN,
        &["-s", &url, "--dest", dest.path().to_str().unwrap()],
        Duration::from_secs(60),
    );
    let measured = t0.elapsed().as_secs_f64();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(
        lines[0].trim_end(),
        "BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN"
    );
    let (count, seconds) = lines[1]
        .strip_suffix('s')
        .and_then(|l| l.split_once(" flags downloaded in "))
        .unwrap_or_else(|| panic!("not the chapter's last line: {}", lines[1]));
    assert_eq!(count, "20");
    assert_eq!(
        seconds.split_once('.').map(|(_, d)| d.len()),
        Some(2),
        "{seconds}"
    );
    let printed: f64 = seconds.parse().unwrap();
    let delays = 20.0 * delay.as_secs_f64();
    assert!(
        printed >= delays - 0.005,
        "{printed}s < 20 delays ({delays}s)"
    );
    // Rounded to 0.01 s; the program also starts and exits around the timing.
    assert!(
        printed <= measured + 0.005,
        "{printed}s > the run's {measured:.3}s"
    );
    assert!(
        printed >= 0.5 * measured,
        "{printed}s is under half the run's {measured:.3}s"
    );
    assert!(stderr.is_empty(), "{stderr}");
}

/// Unreachable server: one error line, a non-zero exit, and no file written.
#[test]
fn an_unreachable_server_is_one_error_line_and_no_files() {
    let dest = TempDir::new("seq-unreachable");
    let args = [
        "--server",
        "http://127.0.0.1:1/flags",
        "--dest",
        dest.path().to_str().unwrap(),
    ];
    let out = run_bin(BIN, &args, Duration::from_secs(60));
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot get http://127.0.0.1:1/flags/bd/bd.gif"),
        "{stderr}"
    );
    assert!(dest.files().is_empty(), "{:?}", dest.files());
}

/// The binary's chapter run ends at the first 418 with one error line on
/// stderr, exit 1, and nothing written.
#[test]
fn the_binary_reports_the_error_that_stopped_it() {
    let (out, stdout, stderr, dest) = run_against_teapots(BIN, "seq-bin-418");
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "sequential: error: BD: HTTP 418 I'm a teapot"
    );
    assert!(dest.files().is_empty(), "{:?}", dest.files());
}

/// Bad usage (unknown option, malformed code, out-of-range number) exits 2
/// with a one-line reason.
#[test]
fn bad_usage_exits_2_with_one_line() {
    for (args, reason) in [
        (&["--bogus"][..], "unexpected argument '--bogus'"),
        (&["C1"], "invalid country code 'C1'"),
        (&["CHN"], "invalid country code 'CHN'"),
        (
            &["--timeout", "0"],
            "'0' is not a number of seconds from 0.001 to 3600",
        ),
        (&["-l", "0"], "'0' is not a whole number >= 1"),
        (
            &["-s", "ftp://example.com"],
            "unknown server label 'ftp://example.com'",
        ),
    ] {
        support::assert_usage_error(BIN, args, reason);
    }
}
