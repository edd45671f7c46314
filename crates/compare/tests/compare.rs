//! compare: a row per strategy, nothing beats the ideal, one bar per request.

use std::time::Duration;

use compare::timeline::Kind;
use compare::{Setup, compare, write_svg};
use flags_server::{Config, Delay, FlagServer};

procspawn::enable_test_support!();

/// N=8, 20 ms, once: every strategy gets 8 flags, no run beats the ideal, and
/// the timeline has a bar for every request of every strategy.
#[test]
fn every_strategy_gets_a_row_and_a_panel() {
    let setup = Setup {
        codes: ["BR", "CN", "DE", "FR", "IN", "JP", "NG", "US"]
            .map(String::from)
            .to_vec(),
        delay: Delay::fixed(Duration::from_millis(20)),
        error_rate: 0.0,
        seed: 1,
        workers: None,
        repeat: 1,
        only: Vec::new(),
        server: None,
    };
    let rows = compare(&setup);
    let names: Vec<&str> = rows.iter().map(|r| r.strategy).collect();
    assert_eq!(
        names,
        [
            "sequential",
            "threadpool",
            "submit_as_completed",
            "processes",
            "async_flags",
            "rayon",
            "rayon_sized"
        ]
    );
    for row in &rows {
        assert_eq!((row.ok, row.not_found, row.errors), (8, 0, 0), "{row:?}");
        assert!(row.ratio > 0.9, "{} beat the ideal: {row:?}", row.strategy);
        assert_eq!(row.requests.len(), 8, "{}", row.strategy);
    }
    assert_eq!(rows[0].workers, 1);
    // The pitfall row runs on rayon's global pool, whatever the job asks for.
    assert_eq!(rows[5].workers, compare::rayon_io::global_threads());

    let path =
        std::env::temp_dir().join(format!("compare-{}.svg", std::process::id()));
    write_svg(&path, &rows).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let fill = Kind::Ok.svg_fill();
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill))
        .count();
    assert_eq!(bars, 8 * rows.len());
    // Every bar is labelled with the flag it fetched.
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text()?.split(' ').next())
        .collect();
    assert_eq!(labels.len(), 8 * rows.len());
    for cc in &setup.codes {
        let n = labels.iter().filter(|&label| label == cc).count();
        assert_eq!(n, rows.len(), "{cc}: {labels:?}");
    }
}

/// `--only` runs just the strategies named, and `--workers` never starts
/// more worker processes than the section's `-m` cap.
#[test]
fn only_the_named_strategies_and_processes_capped() {
    let setup = Setup {
        codes: ["BR", "CN"].map(String::from).to_vec(),
        delay: Delay::fixed(Duration::ZERO),
        error_rate: 0.0,
        seed: 1,
        workers: Some(1000),
        repeat: 1,
        only: vec!["processes".to_string()],
        server: None,
    };
    let rows = compare(&setup);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].strategy, "processes");
    assert_eq!(rows[0].workers, processes::flags2::MAX_CONCUR_REQ);
    assert_eq!(rows[0].ok, 2);
}

/// `--server URL`: the downloads go to a server that is already running (here
/// one this test starts), none is started for the runs, and so there is no
/// request log to draw.
#[test]
fn a_running_server_gets_every_request() {
    let server = FlagServer::start(Config::default()).unwrap();
    let setup = Setup {
        codes: ["BR", "CN", "ZZ"].map(String::from).to_vec(),
        delay: Delay::fixed(Duration::ZERO),
        error_rate: 0.0,
        seed: 1,
        workers: None,
        repeat: 2,
        only: vec!["threadpool".to_string(), "rayon".to_string()],
        server: Some(server.base_url()),
    };
    let rows = compare(&setup);
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!((row.ok, row.not_found, row.errors), (2, 1, 0), "{row:?}");
        assert!(row.requests.is_empty(), "{row:?}");
    }
    // 2 strategies, 2 runs each, 3 codes.
    assert_eq!(server.stats().requests, 12);
}
