//! `just run pool`: `main(download_many)` with a thread pool; flags2
//! options run the book's flags2_threadpool.py.

use threadpool::{download_many, flags2};

fn main() -> std::process::ExitCode {
    flags_common::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
