//! `just run seq`: the chapter's `main(download_many)`, sequential.

fn main() -> std::process::ExitCode {
    flags_common::cli::main(sequential::download_many)
}
