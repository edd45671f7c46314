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
use std::sync::OnceLock;

use clap::Parser;
use flags_common::cli::{self, DownloadMany, FlagArgs, Flags2};
use flags_common::flags2::{self, Counter};
use flags_common::{FlagError, Site, program_name};

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
    /// This section's listing, `download_many` (futures: its 10 workers).
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

/// The section's two versions, for the watched ones below to call: plain
/// `fn`s, as `cli::run` takes, capture nothing. Set once, before the run.
static SECTION: OnceLock<(DownloadMany, flags2::DownloadMany)> = OnceLock::new();

/// `flags_common::cli::run`, and with `watch`, the download on a board.
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
    let once = SECTION.set((download_many, flags2.download_many));
    assert!(
        once.is_ok(),
        "board::cli::run with --watch runs once per process"
    );
    let flags2 = Flags2 {
        download_many: flags2_on_board,
        ..*flags2
    };
    let force_flags2 = force_flags2 || watched == Watched::Flags2;
    cli::run(args, listing_on_board, &flags2, force_flags2)
}

fn listing_on_board(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    on_board(cc_list, || {
        (SECTION.get().expect("set by run").0)(site, cc_list)
    })
}

fn flags2_on_board(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    let flags2 = SECTION.get().expect("set by run").1;
    on_board(cc_list, || flags2(site, cc_list, verbose, concur_req))
}

/// Runs `download` with a board of `cc_list` (sorted: the order the
/// listings submit in), which leaves its last frame before the report.
fn on_board<R>(cc_list: &[String], download: impl FnOnce() -> R) -> R {
    let mut codes = cc_list.to_vec();
    codes.sort();
    let board = Board::watch(
        &format!("{}: {} tasks", program_name(), codes.len()),
        &codes,
    );
    let res = download();
    board.finish();
    res
}
