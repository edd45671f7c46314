//! `just run pool`: `main(download_many)` with a thread pool; flags2
//! options run the book's flags2_threadpool.py, `--watch` on a live board.

use threadpool::{download_many, flags2};

fn main() -> std::process::ExitCode {
    board::cli::main::<flags2::Watch>(
        download_many,
        None,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
