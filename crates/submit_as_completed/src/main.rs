//! `just run futures`: `main(download_many)` with submit and as_completed;
//! flags2 options run the book's flags2_threadpool.py, which uses them too;
//! `--watch` shows its futures on a live board.

use flags_common::cli::{self, Flags2};
use submit_as_completed::download_many;
use threadpool::flags2;

fn main() -> std::process::ExitCode {
    let flags2 = Flags2 {
        download_many: flags2::download_many,
        watched: Some(flags2::download_many_watched),
        default_concur_req: flags2::DEFAULT_CONCUR_REQ,
        max_concur_req: flags2::MAX_CONCUR_REQ,
    };
    cli::main_watched(download_many, flags2)
}
