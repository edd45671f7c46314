//! `FlagServer::start` returns only when the server answers at full speed.
//!
//! Alone in its own test binary on purpose: the flags are painted once per
//! process, so any other test starting a server first would hide a lazy paint.

mod support;

use flags_server::{Config, FlagServer};

/// The first 20 requests after `start` are as quick as the next 20: the flags
/// are painted before `start` returns, not during the first request (issue #16).
#[test]
fn start_returns_with_the_flags_already_painted() {
    let server = FlagServer::start(Config::default()).unwrap();
    support::assert_full_speed_from_the_start(server.addr());
}
