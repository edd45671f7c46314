//! `just run procs`: the chapter's `main(download_many)`, with worker processes.

fn main() -> std::process::ExitCode {
    // Worker processes are copies of this program: in one of them, this call
    // runs the worker loop and never returns (Python's `__main__` guard).
    procspawn::init();
    flags_common::cli::main(processes::download_many)
}
