//! `just run futures`: the chapter's `main(download_many)`, with submit and as_completed.

fn main() -> std::process::ExitCode {
    flags_common::cli::main(submit_as_completed::download_many)
}
