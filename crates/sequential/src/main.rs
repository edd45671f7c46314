//! `just run seq`: `main(download_many)`, sequential; flags2 options run the
//! book's flags2_sequential.py.

use sequential::{download_many, flags2};

fn main() -> std::process::ExitCode {
    flags_common::cli::main(
        download_many,
        flags2::download_many,
        flags2::DEFAULT_CONCUR_REQ,
        flags2::MAX_CONCUR_REQ,
    )
}
