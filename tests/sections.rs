//! Every download section saves the same flags, byte for byte, from the same server.

use std::time::Duration;

use flags_common::{FlagError, Site};
use support::{TempDir, assert_flags_match_server, codes, server_with_delay, site};

type DownloadMany = fn(&Site, &[String]) -> Result<usize, FlagError>;

const SECTIONS: [(&str, DownloadMany); 4] = [
    ("sequential", sequential::download_many),
    ("threadpool", threadpool::download_many),
    ("submit_as_completed", submit_as_completed::download_many),
    ("async_flags", async_flags::download_many),
];

/// All 194 flags, from every section, are identical to what the server serves.
#[test]
fn every_section_saves_all_194_flags_identically() {
    let server = server_with_delay(Duration::ZERO);
    let all = flags_server::all_cc();
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let count = download_many(&site(&server, &dest), &all).unwrap();
        assert_eq!(count, 194, "{name}");
        assert_eq!(assert_flags_match_server(&dest), all, "{name}");
    }
}

/// Codes with no flag are skipped, not counted, in every section.
#[test]
fn every_section_skips_codes_with_no_flag() {
    let server = server_with_delay(Duration::ZERO);
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let count =
            download_many(&site(&server, &dest), &codes(&["QQ", "JP", "ZZ"]))
                .unwrap();
        assert_eq!(count, 1, "{name}");
        assert_eq!(dest.files(), ["jp.gif"], "{name}");
    }
}

/// A server error (418) ends the run with that error, in every section.
#[test]
fn every_section_stops_at_a_server_error() {
    let config = support::Config {
        error_rate: 1.0,
        ..support::Config::default()
    };
    let server = support::FlagServer::start(config).unwrap();
    for (name, download_many) in SECTIONS {
        let dest = TempDir::new(name);
        let err =
            download_many(&site(&server, &dest), &codes(&["CN", "IN"])).unwrap_err();
        assert!(err.to_string().contains("HTTP 418"), "{name}: {err}");
        assert!(dest.files().is_empty(), "{name}");
    }
}
