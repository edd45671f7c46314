//! `just run futures`: the chapter's `main(download_many)`, with submit and as_completed.

fn main() -> std::process::ExitCode {
    use submit_as_completed::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, download_many};
    flags_common::cli::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
