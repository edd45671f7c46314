//! `just run futures`: `main(download_many)` with submit and as_completed;
//! flags2 options run the book's flags2_threadpool.py, which uses them too;
//! `--watch` shows its futures on a live board.

use submit_as_completed::download_many;
use threadpool::flags2;

fn main() -> std::process::ExitCode {
    board::cli::main::<flags2::Watch>(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
