//! Criterion benchmarks (`just bench`): the flag server's requests per second
//! at 64 connections, and a zero-delay download of all 194 flags (files
//! saved) by every strategy's flags2 version. The executors' own benchmarks
//! live in `crates/concurrent-futures/benches`.

use std::time::Duration;

use criterion::{Criterion, Throughput};
use flags_common::Site;
use flags_server::{Config, FlagServer};

fn server(c: &mut Criterion) {
    let server = FlagServer::start(Config::default()).unwrap();
    let url = format!("{}/cn/cn.gif", server.base_url());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("flag server");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(10_000));
    group.bench_function("10k requests, 64 connections", |b| {
        b.iter(|| runtime.block_on(compare::load(&url, 10_000, 64)));
    });
    group.finish();
}

fn downloads(c: &mut Criterion) {
    let server = FlagServer::start(Config::default()).unwrap();
    let dest =
        std::env::temp_dir().join(format!("bench-downloads-{}", std::process::id()));
    std::fs::create_dir_all(&dest).unwrap();
    let codes = flags_server::all_cc();
    let mut group = c.benchmark_group("194 flags, zero delay");
    group.sample_size(10).throughput(Throughput::Elements(194));
    for (name, download_many, _) in compare::strategies() {
        let site =
            Site::new(&server.base_url(), &dest, Duration::from_secs(30)).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| assert_eq!(download_many(&site, &codes, false, 20).ok, 194));
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dest);
}

fn main() {
    // The process pool re-runs this benchmark binary as its workers.
    procspawn::init();
    let mut c = Criterion::default().configure_from_args();
    server(&mut c);
    downloads(&mut c);
    c.final_summary();
}
