//! `just run procs`: `main(download_many)` with worker processes; flags2
//! options run the thread pool's flags2 tool on processes.

use processes::{download_many, flags2};

fn main() -> std::process::ExitCode {
    // Worker processes are copies of this program: in one of them, this call
    // runs the worker loop and never returns (Python's `__main__` guard).
    procspawn::init();
    flags_common::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
