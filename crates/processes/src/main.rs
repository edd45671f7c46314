//! `just run procs`: the chapter's `main(download_many)`, with worker processes.

fn main() -> std::process::ExitCode {
    // Worker processes are copies of this program: in one of them, this call
    // runs the worker loop and never returns (Python's `__main__` guard).
    procspawn::init();
    use processes::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, download_many};
    flags_common::cli::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
