//! `just run futures`: `main(download_many)` with submit and as_completed;
//! flags2 options run the book's flags2_threadpool.py, which uses them too.

use submit_as_completed::download_many;
use threadpool::flags2;

fn main() -> std::process::ExitCode {
    flags_common::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
