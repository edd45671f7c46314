//! The shared command line: codes, limits and usage errors, as
//! `flags2_common.py`'s `process_args` computes them.

use clap::Parser;
use flags_common::POP20_CC;
use flags_common::cli::FlagArgs;

fn parse(args: &[&str]) -> Result<FlagArgs, clap::Error> {
    FlagArgs::try_parse_from(std::iter::once("flags").chain(args.iter().copied()))
}

fn codes(args: &[&str]) -> Vec<String> {
    parse(args).unwrap().cc_list()
}

/// No codes: the chapter's 20 most populous countries, sorted, as the
/// book's `process_args` falls back to `sorted(POP20_CC)` (every listing
/// sorts its `cc_list` anyway).
#[test]
fn no_codes_means_the_chapter_s_pop20() {
    let mut pop20 = POP20_CC.to_vec();
    pop20.sort_unstable();
    assert_eq!(codes(&[]), pop20);
}

/// `-l N` with no codes is the book's `sorted(POP20_CC)[:N]`, the first N
/// codes in alphabetical order, not the N most populous countries.
#[test]
fn a_limit_without_codes_takes_the_first_n_of_sorted_pop20() {
    // flags2_common.py's fallback, spelled out: sorted(POP20_CC).
    let sorted = [
        "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP",
        "MX", "NG", "PH", "PK", "RU", "TR", "US", "VN",
    ];
    for n in 1..=20 {
        let limit = n.to_string();
        assert_eq!(codes(&["-l", &limit]), sorted[..n], "-l {n}");
    }
    assert_eq!(codes(&["-l", "5"]), ["BD", "BR", "CD", "CN", "DE"]);
}

/// Codes are upper-cased, one letter expands to 26, `-e` is 676, `-a` 194.
#[test]
fn codes_are_upper_cased_expanded_sorted_and_limited() {
    assert_eq!(codes(&["us", "CN", "cn"]), ["CN", "US"]);
    let a = codes(&["A"]);
    assert_eq!(a.len(), 26);
    assert_eq!((a[0].as_str(), a[25].as_str()), ("AA", "AZ"));
    assert_eq!(codes(&["-e"]).len(), 676);
    assert_eq!(codes(&["--all"]).len(), 194);
    assert_eq!(codes(&["-a", "-l", "10"]).len(), 10);
}

/// A malformed code or clashing options: a usage error with a reason.
#[test]
fn malformed_codes_and_conflicting_options_are_usage_errors() {
    for bad in [
        &["C1"][..],
        &["CHN"],
        &["-a", "CN"],
        &["-s", "http://x", "--delay", "1"],
        &["-m", "0"],
    ] {
        let err = parse(bad).unwrap_err();
        assert_ne!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{bad:?}");
    }
    let err = parse(&["C1"]).unwrap_err().to_string();
    assert!(err.contains("invalid country code 'C1'"), "{err}");
    let err = parse(&["-m", "0"]).unwrap_err().to_string();
    assert!(err.contains("'0' is not a whole number >= 1"), "{err}");
}
