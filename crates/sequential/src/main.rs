//! `just run seq`: the chapter's `main(download_many)`, sequential.

fn main() -> std::process::ExitCode {
    use sequential::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, download_many};
    flags_common::cli::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
