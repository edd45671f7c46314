//! `--watch` on the download sections' command line: flags-common's options
//! plus one flag, which shows the downloads on a board.
//!
//! ```text
//! threadpool [flags-common's options] [-w | --watch]
//! ```
//!
//! The board subscribes to the task events, so the section's own
//! `download_many` runs as it is: nothing is passed to it, nothing wraps it.

use std::process::ExitCode;

use clap::Parser;
use flags_common::cli::{self, DownloadMany, FlagArgs, Flags2};
use flags_common::{flags2, program_name};

use crate::Board;

#[derive(Debug, Clone, Parser)]
#[command(about = "Download flags of countries, like the chapter's flags*.py")]
pub struct WatchArgs {
    #[command(flatten)]
    pub flags: FlagArgs,
    /// Show every download on a live board, pending to finished (a line per
    /// state change when stdout is not a terminal)
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// What `--watch` runs when no flags2 option says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    /// The chapter's listing, `download_many` (futures: its 10 workers).
    Listing,
    /// The flags2 version, as any flags2 option would (pool, async).
    Flags2,
}

/// `flags_common::cli::main` with `--watch`: without it, the same run; with
/// it, what `watched` says, each download on a board.
pub fn main(
    download_many: DownloadMany,
    flags2_download_many: flags2::DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
    watched: Watched,
) -> ExitCode {
    let args: WatchArgs = flags_common::parse_args();
    let flags2 = Flags2 {
        download_many: flags2_download_many,
        default_concur_req,
        max_concur_req,
    };
    let watch = args.watch.then_some(watched);
    run(&args.flags, download_many, &flags2, watch, false)
}

/// `flags_common::cli::run`, and with `watch`, the download on a board:
/// it appears as the download starts (after the server and the initial
/// report) and leaves its last frame before the final report.
pub fn run(
    args: &FlagArgs,
    download_many: DownloadMany,
    flags2: &Flags2,
    watch: Option<Watched>,
    force_flags2: bool,
) -> ExitCode {
    let Some(watched) = watch else {
        return cli::run(args, download_many, flags2, force_flags2);
    };
    let force_flags2 = force_flags2 || watched == Watched::Flags2;
    cli::run_around(
        args,
        download_many,
        flags2,
        force_flags2,
        &|codes, download| {
            let title = format!("{}: {} tasks", program_name(), codes.len());
            let board = Board::watch(&title, codes);
            download();
            board.finish();
        },
    )
}
