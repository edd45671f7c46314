//! How much memory do 1000 concurrent downloads cost: as 1000 threads, or as
//! 1000 tokio tasks? Run each in its own process:
//!
//! ```text
//! cargo run --release -p async_flags --example memory -- threads
//! cargo run --release -p async_flags --example memory -- tasks
//! ```
//!
//! Both download 1000 flags from an in-process server that holds every answer
//! for 1 s, so all 1000 are waiting at once; the figure is the growth of the
//! process's peak resident memory (VmHWM) over the run. Kernel memory (thread
//! structures, socket buffers) is not in VmHWM. The tasks run caps tokio's
//! blocking pool (where the saves go) at 16 threads, so it does not quietly
//! start hundreds of threads of its own when the saves all arrive together.

use std::fs;
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

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    flags_common::cli::raise_open_files_limit(N)
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

    let (resident, reserved) = (status_kib("VmHWM:"), status_kib("VmPeak:"));
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
        _ => {
            eprintln!("usage: memory threads|tasks");
            std::process::exit(2);
        }
    };
    let ok = counter.ok;
    let resident = status_kib("VmHWM:").saturating_sub(resident);
    let reserved = status_kib("VmPeak:").saturating_sub(reserved);
    println!();
    println!(
        "{mode}: {ok} of {N} downloads ({} in flight at once); peak resident memory \
         +{:.1} MiB ({:.1} KiB per download), address space +{:.0} MiB",
        server.stats().max_in_flight,
        resident as f64 / 1024.0,
        resident as f64 / N as f64,
        reserved as f64 / 1024.0,
    );
    let _ = fs::remove_dir_all(&dest);
}
