//! `just run pool`: `main(download_many)` with a thread pool; flags2
//! options run the book's flags2_threadpool.py, and so does `--watch`, on a
//! live board.

use board::cli::Watched;
use threadpool::{download_many, flags2};

fn main() -> std::process::ExitCode {
    board::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
        Watched::Flags2,
    )
}
