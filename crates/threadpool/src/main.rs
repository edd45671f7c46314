//! `just run pool`: the chapter's `main(download_many)`, with a thread pool.

fn main() -> std::process::ExitCode {
    flags_common::cli::main(threadpool::download_many)
}
