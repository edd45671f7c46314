//! `--watch` on the download sections' command line: flags-common's options
//! plus one flag, and the flags2 version run on a board.
//!
//! ```text
//! threadpool [flags-common's options] [-w | --watch]
//! ```

use std::process::ExitCode;

use clap::Parser;
use flags_common::cli::{self, DownloadMany, FlagArgs, Flags2};
use flags_common::flags2::{self, Counter};
use flags_common::{Site, program_name};

use crate::Board;

#[derive(Debug, Clone, Parser)]
#[command(about = "Download flags of countries, like the chapter's flags*.py")]
pub struct WatchArgs {
    #[command(flatten)]
    pub flags: FlagArgs,
    /// Show every download on a live board, pending to finished (a line per
    /// state change when stdout is not a terminal); runs the flags2 version
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// A section's flags2 version that draws each download on a board: the
/// section names it once, as `W::DOWNLOAD_MANY`, so a plain `fn` can call it.
pub trait Watch {
    const DOWNLOAD_MANY: WatchedMany;
}

/// A flags2 `download_many` that also draws each download on a board.
pub type WatchedMany = fn(&Site, &[String], bool, usize, &Board) -> Counter;

/// The flags2 version `cli::run` calls under `--watch`: `W`'s, on a board.
fn on_board<W: Watch>(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    Board::show(&program_name(), cc_list, |board| {
        W::DOWNLOAD_MANY(site, cc_list, verbose, concur_req, board)
    })
}

/// `flags2` as `--watch` wants it: its downloads on a board of `W`'s.
pub fn watched<W: Watch>(flags2: Flags2, watch: bool) -> Flags2 {
    match watch {
        true => Flags2 {
            download_many: on_board::<W>,
            ..flags2
        },
        false => flags2,
    }
}

/// `cli::main` with `--watch`: without it, the same run; with it, the
/// flags2 version (as any flags2 option would) with each download on a
/// board. A section that can watch its listing itself passes that as
/// `watched_listing`: `--watch` with no flags2 option then runs it instead.
pub fn main<W: Watch>(
    download_many: DownloadMany,
    watched_listing: Option<DownloadMany>,
    flags2_download_many: flags2::DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let args: WatchArgs = flags_common::parse_args();
    let flags2 = Flags2 {
        download_many: flags2_download_many,
        default_concur_req,
        max_concur_req,
    };
    if let Some(listing) =
        watched_listing.filter(|_| args.watch && !args.flags.flags2())
    {
        return cli::run(&args.flags, listing, &flags2, false);
    }
    let flags2 = watched::<W>(flags2, args.watch);
    cli::run(&args.flags, download_many, &flags2, args.watch)
}
