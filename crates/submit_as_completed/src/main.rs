//! `just run futures`: `main(download_many)` with submit and as_completed;
//! flags2 options run the book's flags2_threadpool.py, which uses them too.
//! `--watch` shows the futures on a live board: this listing's own, or with a
//! flags2 option (`-m`, `-a` ...) those of the flags2 version.

use board::cli::Watched;
use submit_as_completed::download_many;
use threadpool::flags2;

fn main() -> std::process::ExitCode {
    board::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
        Watched::Listing,
    )
}
