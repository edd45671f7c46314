//! The classic mistake, measured: blocking downloads on rayon's pool.
//!
//! rayon is Rust's tool for CPU work: its global pool has one thread per
//! core, sized so that every thread always has a core to compute on. A
//! blocking download holds its thread while it waits for the network, so
//! `par_iter` over 20 codes on 2 cores downloads 2 flags at a time: 10 waves
//! of latency where a pool sized for I/O needs one. The fix here is the
//! smallest one, a pool of its own sized for waiting
//! (`rayon::ThreadPoolBuilder::num_threads(20)`); the chapter's thread pool,
//! or async, is the usual one.

use flags_common::Site;
use flags_common::flags2::Counter;
use rayon::prelude::*;
use sequential::flags2::download_one;

/// flags2's `download_many` as `par_iter` on rayon's global pool: as many
/// downloads at a time as cores, whatever `concur_req` asks for.
pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    _concur_req: usize,
) -> Counter {
    let results: Vec<_> = cc_list
        .par_iter()
        .map(|cc| (cc, download_one(site, cc, verbose)))
        .collect();
    let mut counter = Counter::default();
    for (cc, res) in results {
        counter.add(cc, res, verbose);
    }
    counter
}

/// The same `par_iter`, installed in a pool of `concur_req` threads: each
/// thread may block on its download, and `concur_req` wait at once.
pub fn download_many_sized(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(concur_req)
        .build()
        .expect("the OS starts the pool's threads");
    pool.install(|| download_many(site, cc_list, verbose, concur_req))
}

/// The threads in rayon's global pool: one per core unless
/// `RAYON_NUM_THREADS` says otherwise.
pub fn global_threads() -> usize {
    rayon::current_num_threads()
}
