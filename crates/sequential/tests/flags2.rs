//! The flags2 command line and report (the checks live in tests/support/flags2.rs).

support::flags2_tests!(env!("CARGO_BIN_EXE_sequential"), every: 0 ms, interrupt: []);
