//! 顺序下载 · Sequential download
//!
//! Mirrors the chapter's `flags.py`: download each flag, one after another.
//! Each request waits for the one before it to finish, so the total time is the
//! sum of every request's latency: the baseline the concurrent sections beat.
//!
//! Sample run (`just run seq`, in-process server with 0.1..0.5 s of latency):
//!
//! ```text
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 flags downloaded in 5.93s
//! ```

use flags_common::{FlagError, Site, count_flags, show};

/// One request at a time, whatever `-m` says.
pub const DEFAULT_CONCUR_REQ: usize = 1;
pub const MAX_CONCUR_REQ: usize = 1;

/// Downloads the flags of `cc_list` in alphabetical order, one at a time,
/// and returns how many were saved.
///
/// (The chapter's version returns nothing, so Python prints `None flags
/// downloaded`; here the signature makes a count the only thing it can return.)
pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    // The loop body, as a lazy iterator: nothing is fetched until `count_flags`
    // asks for the next result, so each request waits for the one before it.
    let res = cc_list.into_iter().map(|cc| {
        let image = site.get_flag(&cc)?;
        show(&cc);
        site.save_flag(&image, &format!("{}.gif", cc.to_lowercase()))?;
        Ok(cc)
    });
    count_flags(res)
}
