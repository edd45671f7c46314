//! `just run async`: `main(download_many)` on tokio; flags2 options run the
//! book's flags2_asyncio.py (`--watch`: on a live board), and `--metadata`
//! its flags3_asyncio.py.

use std::process::ExitCode;

use async_flags::{download_many, flags2, flags3};
use board::cli::Watched;
use clap::Parser;
use flags_common::cli::{FlagArgs, Flags2};

#[derive(Debug, Parser)]
#[command(about = "Download flags concurrently on tokio, like flags_asyncio.py")]
struct Args {
    #[command(flatten)]
    flags: FlagArgs,
    /// Fetch each country's metadata.json first and save as Country_Name.gif (flags3)
    #[arg(long)]
    metadata: bool,
    /// Show every task on a live board, pending to finished (a line per state
    /// change when stdout is not a terminal); runs the flags2 version (flags3
    /// with --metadata)
    #[arg(short = 'w', long)]
    watch: bool,
}

fn main() -> ExitCode {
    let args: Args = flags_common::parse_args();
    let version = if args.metadata {
        flags3::download_many
    } else {
        flags2::download_many
    };
    let flags2 = Flags2 {
        download_many: version,
        default_concur_req: flags2::DEFAULT_CONCUR_REQ,
        max_concur_req: flags2::MAX_CONCUR_REQ,
    };
    let watch = args.watch.then_some(Watched::Flags2);
    board::cli::run(&args.flags, download_many, &flags2, watch, args.metadata)
}
