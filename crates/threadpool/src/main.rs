//! `just run pool`: the chapter's `main(download_many)`, with a thread pool.

fn main() -> std::process::ExitCode {
    use threadpool::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, download_many};
    flags_common::cli::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
