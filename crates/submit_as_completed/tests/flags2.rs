//! The flags2 command line and report (the checks live in tests/support/flags2.rs).

support::flags2_tests!(env!("CARGO_BIN_EXE_submit_as_completed"), every: 1000 ms < 4.0 delays, interrupt: ["-m", "4"]);
