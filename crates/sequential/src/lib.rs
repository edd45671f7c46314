//! 顺序下载 · Sequential download
//!
//! Mirrors the chapter's `flags.py`: download each flag, one after another.
//! Each request waits for the one before it to finish, so the total time is
//! the sum of every request's latency: the baseline the concurrent sections beat.
//!
//! `flags.py` also defines `get_flag`, `save_flag`, `show` and `main`; every
//! section shares them, so they live in `flags-common`: [`Site::get_flag`],
//! [`Site::save_flag`], [`show`] and [`flags_common::cli::main`]. The book's
//! flags2 version of this file is [`flags2`].
//!
//! Sample run (`just run seq`, in-process server with 0.1..0.5 s of latency):
//!
//! ```text
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 flags downloaded in 5.93s
//! ```

pub mod flags2;

use flags_common::{FlagError, Site, gif_name, show};

/// Downloads the flags of `cc_list` in alphabetical order, one at a time,
/// and returns how many were saved. The first error ends the run.
pub fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    for cc in &cc_list {
        let image = site.get_flag(cc)?;
        show(cc);
        site.save_flag(&image, &gif_name(cc))?;
    }
    Ok(cc_list.len())
}
