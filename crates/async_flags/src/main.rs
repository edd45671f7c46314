//! `just run async`: the chapter's `main(download_many)`, on tokio.
//! `just run async --metadata` names files after countries, like flags3.

use std::process::ExitCode;

use clap::Parser;
use flags_common::cli::{self, FlagArgs};

#[derive(Debug, Parser)]
#[command(about = "Download flags concurrently on tokio, like flags_asyncio.py")]
struct Args {
    #[command(flatten)]
    flags: FlagArgs,
    /// Fetch each country's metadata.json first and save as Country_Name.gif
    #[arg(long)]
    metadata: bool,
}

fn main() -> ExitCode {
    let args: Args = flags_common::parse_args();
    use async_flags::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ};
    let download_many = if args.metadata {
        async_flags::download_many_by_country
    } else {
        async_flags::download_many
    };
    cli::run(
        &args.flags,
        download_many,
        DEFAULT_CONCUR_REQ,
        MAX_CONCUR_REQ,
    )
}
