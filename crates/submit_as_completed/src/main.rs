//! `just run futures`: `main(download_many)` with submit and as_completed;
//! flags2 options run the book's flags2_threadpool.py, which uses them too.
//! `--watch` shows the futures on a live board: this listing's own, or with a
//! flags2 option (`-m`, `-a` ...) those of the flags2 version.

use std::process::ExitCode;

use board::cli::WatchArgs;
use flags_common::cli::{self, Flags2};
use submit_as_completed::{download_many, watch};
use threadpool::flags2;

fn main() -> ExitCode {
    let args: WatchArgs = flags_common::parse_args();
    let flags2 = Flags2 {
        download_many: flags2::download_many,
        default_concur_req: flags2::DEFAULT_CONCUR_REQ,
        max_concur_req: flags2::MAX_CONCUR_REQ,
    };
    if args.watch && !args.flags.flags2() {
        return cli::run(&args.flags, watch::download_many, &flags2, false);
    }
    let flags2 = board::cli::watched::<flags2::Watch>(flags2, args.watch);
    cli::run(&args.flags, download_many, &flags2, args.watch)
}
