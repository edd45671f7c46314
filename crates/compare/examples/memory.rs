//! How much memory do 1000 concurrent downloads cost: as 1000 threads, as
//! 1000 tokio tasks, or on worker processes? Run each in its own process
//! (`just memory`):
//!
//! ```text
//! cargo run --release -p compare --example memory -- threads
//! cargo run --release -p compare --example memory -- tasks
//! cargo run --release -p compare --example memory -- processes
//! ```
//!
//! Each downloads 1000 flags from an in-process server that holds every
//! answer for 1 s, so all the requests a strategy allows are waiting at once.
//! The figure is the peak resident memory of the whole process tree (this
//! process and its worker processes, sampled every 20 ms) over the run, less
//! what it was before. Kernel memory (thread structures, socket buffers) is
//! not resident memory of a process and is not counted. The tasks run caps
//! tokio's blocking pool (where the saves go) at 16 threads, so it does not
//! quietly start hundreds of threads of its own when the saves all arrive
//! together. Processes are capped at 64 workers, as the section caps `-m`.

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use flags_common::Site;
use flags_server::{Config, Delay, FlagServer};

const N: usize = 1000;

/// A field of /proc/self/status in KiB: VmHWM is the peak resident memory,
/// VmPeak the peak address space (reserved, not necessarily touched). Linux only.
fn status_kib(field: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with(field)).expect(field);
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resident memory (VmRSS, KiB) of this process and its children, from /proc.
fn tree_rss_kib() -> u64 {
    let me = std::process::id().to_string();
    let rss = |status: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with("VmRSS:"));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    let mut total = 0;
    for entry in fs::read_dir("/proc").expect("Linux /proc").flatten() {
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let ppid = status.lines().find_map(|l| l.strip_prefix("PPid:"));
        if entry.file_name() == me.as_str()
            || ppid.map(str::trim) == Some(me.as_str())
        {
            total += rss(&status);
        }
    }
    total
}

/// Samples [`tree_rss_kib`] until `stop`, keeping the peak.
fn sample_peak(
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            peak.fetch_max(tree_rss_kib(), Ordering::Relaxed);
            thread::sleep(Duration::from_millis(20)); // a sampling period, not a wait
        }
    })
}

fn main() {
    procspawn::init();
    let mode = std::env::args().nth(1).unwrap_or_default();
    flags_common::cli::make_room_for_connections(N)
        .expect("raise the open-files limit");
    let delay = Delay::fixed(Duration::from_secs(1));
    let server = FlagServer::start(Config {
        delay,
        ..Config::default()
    })
    .unwrap();
    let dest =
        std::env::temp_dir().join(format!("memory-{mode}-{}", std::process::id()));
    fs::create_dir_all(&dest).unwrap();
    let site =
        Site::new(&server.base_url(), &dest, Duration::from_secs(30)).unwrap();
    // The same 194 codes over and over: 1000 requests, all in flight together.
    let codes: Vec<String> = (0..N)
        .map(|i| flags_server::COUNTRIES[i % 194].iso_cc.to_string())
        .collect();

    let (before, reserved) = (tree_rss_kib(), status_kib("VmPeak:"));
    let (stop, peak) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let sampler = sample_peak(Arc::clone(&stop), Arc::clone(&peak));
    let counter = match mode.as_str() {
        // The thread pool's flags2 version: one thread per download.
        "threads" => threadpool::flags2::download_many(&site, &codes, false, N),
        "tasks" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .max_blocking_threads(16)
                .build()
                .unwrap();
            runtime
                .block_on(async_flags::flags2::supervisor(&site, &codes, false, N))
        }
        "processes" => processes::flags2::download_many(&site, &codes, false, 64),
        _ => {
            eprintln!("usage: memory threads|tasks|processes");
            std::process::exit(2);
        }
    };
    stop.store(true, Ordering::Relaxed);
    sampler.join().expect("the sampler does not panic");
    let ok = counter.ok;
    let resident = peak.load(Ordering::Relaxed).saturating_sub(before);
    let reserved = status_kib("VmPeak:").saturating_sub(reserved);
    let in_flight = server.stats().max_in_flight;
    println!();
    println!(
        "{mode}: {ok} of {N} downloads ({in_flight} in flight at once); peak resident \
         memory +{:.1} MiB ({:.1} KiB per download in flight), this process's \
         address space +{:.0} MiB",
        resident as f64 / 1024.0,
        resident as f64 / in_flight.max(1) as f64,
        reserved as f64 / 1024.0,
    );
    let _ = fs::remove_dir_all(&dest);
}
