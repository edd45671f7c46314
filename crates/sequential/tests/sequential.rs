//! The sequential section downloads every flag, one request at a time.

use std::time::{Duration, Instant};

use flags_common::POP20_CC;
use support::{
    TempDir, assert_flags_match_server, codes, run_bin, server_with_delay, site,
    text,
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
    let mut saved = assert_flags_match_server(&dest);
    saved.sort();
    let mut expected = codes(&POP20_CC);
    expected.sort();
    assert_eq!(saved, expected);
}

/// It really is sequential: 20 requests with delay L take at least 20·L.
#[test]
fn takes_at_least_the_sum_of_the_delays() {
    let delay = Duration::from_millis(20);
    let server = server_with_delay(delay);
    let dest = TempDir::new("seq-timing");
    let t0 = Instant::now();
    sequential::download_many(&site(&server, &dest), &codes(&POP20_CC)).unwrap();
    assert!(
        t0.elapsed() >= delay * 20,
        "{:?} < 20 x {delay:?}",
        t0.elapsed()
    );
    assert_eq!(
        server.stats().max_in_flight,
        1,
        "never two requests at once"
    );
}

/// A code with no flag (ZZ) is skipped, not saved, not a crash; with codes
/// on the command line, the flags2 report counts it as not found.
#[test]
fn a_code_with_no_flag_is_reported_not_saved() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("seq-zz");
    let count = sequential::download_many(
        &site(&server, &dest),
        &codes(&["CN", "ZZ", "FR"]),
    );
    assert_eq!(count.unwrap(), 2);
    assert_eq!(dest.files(), ["cn.gif", "fr.gif"]);

    let dest = TempDir::new("seq-zz-bin");
    let url = server.base_url();
    let args = [
        "-s",
        &url,
        "--dest",
        dest.path().to_str().unwrap(),
        "CN",
        "ZZ",
        "FR",
    ];
    let out = run_bin(BIN, &args, Duration::from_secs(60));
    let (stdout, _) = text(&out);
    assert!(out.status.success(), "{out:?}");
    let report = support::flags2::parse_report(&stdout);
    assert_eq!(
        (report.ok, report.not_found, report.errors),
        (2, 1, 0),
        "{stdout}"
    );
    assert_eq!(dest.files(), ["cn.gif", "fr.gif"]);
}

/// The output has the chapter's shape: sorted codes, then the count and time.
#[test]
fn prints_the_chapter_s_output() {
    let server = server_with_delay(Duration::ZERO);
    let dest = TempDir::new("seq-output");
    let url = server.base_url();
    let out = run_bin(
        BIN,
        &["-s", &url, "--dest", dest.path().to_str().unwrap()],
        Duration::from_secs(60),
    );
    let (stdout, _) = text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0].trim_end(),
        "BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN"
    );
    let last = lines[1];
    let seconds = last
        .strip_prefix("20 flags downloaded in ")
        .and_then(|s| s.strip_suffix('s'));
    let seconds: f64 = seconds.expect(last).parse().expect(last);
    assert!(seconds >= 0.0 && last.ends_with(&format!("{seconds:.2}s")));
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

/// Bad usage (unknown option, malformed code) exits 2 with a one-line reason.
#[test]
fn bad_usage_exits_2_with_one_line() {
    for (args, reason) in [
        (&["--bogus"][..], "unexpected argument '--bogus'"),
        (&["C1"], "invalid country code 'C1'"),
        (&["CHN"], "invalid country code 'CHN'"),
        (&["--timeout", "0"], "not a positive number of seconds"),
        (
            &["-s", "ftp://example.com"],
            "unknown server label 'ftp://example.com'",
        ),
    ] {
        support::assert_usage_error(BIN, args, reason);
    }
}
