//! flags2 · 顺序下载 · the book's `flags2_sequential.py`
//!
//! The same loop, grown for the flags2 tool: a 404 is counted, not fatal;
//! other errors are counted too, `-v` prints a line per flag, and a progress
//! bar advances otherwise. It returns the counts instead of printing them.

use flags_common::flags2::{Counter, DownloadStatus, progress};
use flags_common::{FlagError, Site, gif_name, interrupted};

/// One request at a time, whatever `-m` says.
pub const DEFAULT_CONCUR_REQ: usize = 1;
pub const MAX_CONCUR_REQ: usize = 1;

/// Downloads one flag; "not found" is a status, any other failure an `Err`.
/// The thread pool's flags2 version calls this too, as the book's does.
pub fn download_one(
    site: &Site,
    cc: &str,
    verbose: bool,
) -> Result<DownloadStatus, FlagError> {
    let status = match site.get_flag(cc) {
        Ok(image) => {
            site.save_flag(&image, &gif_name(cc))?;
            DownloadStatus::Ok
        }
        Err(FlagError::NotFound { .. }) => DownloadStatus::NotFound,
        Err(err) => return Err(err),
    };
    if verbose {
        println!("{cc} {status}");
    }
    Ok(status)
}

pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    _concur_req: usize,
) -> Counter {
    let mut counter = Counter::default();
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let total = cc_list.len();
    for cc in progress(cc_list.into_iter(), total, !verbose) {
        // Python's `except KeyboardInterrupt: break`.
        if interrupted() {
            break;
        }
        counter.add(&cc, download_one(site, &cc, verbose), verbose);
    }
    counter
}
