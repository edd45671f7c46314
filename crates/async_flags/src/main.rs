//! `just run async`: `main(download_many)` on tokio; flags2 options run the
//! book's flags2_asyncio.py (`--watch`: on a live board), and `--metadata`
//! its flags3_asyncio.py.

use std::process::ExitCode;

use async_flags::{download_many, flags2, flags3};
use clap::Parser;
use flags_common::cli::{self, FlagArgs, Flags2};

#[derive(Debug, Parser)]
#[command(about = "Download flags concurrently on tokio, like flags_asyncio.py")]
struct Args {
    #[command(flatten)]
    flags: FlagArgs,
    /// Fetch each country's metadata.json first and save as Country_Name.gif (flags3)
    #[arg(long)]
    metadata: bool,
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
        // The board follows flags2's tasks; flags3 has two requests per task.
        watched: (!args.metadata).then_some(flags2::download_many_watched as _),
        default_concur_req: flags2::DEFAULT_CONCUR_REQ,
        max_concur_req: flags2::MAX_CONCUR_REQ,
    };
    cli::run(&args.flags, download_many, &flags2, args.metadata)
}
