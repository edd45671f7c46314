//! 进程与线程 · Processes vs threads, in numbers: `just run costs`.
//!
//! Measures, on this machine, what the chapter's opening talks about: starting
//! a thread, starting a process, switching between two threads, and starting a
//! tokio task. Each figure is the average over many repetitions.
//!
//! ```text
//! $ just run costs
//! thread spawn + join                     50.5 µs
//! process spawn + wait (this binary)     879.3 µs
//! thread switch (channel ping-pong)       25.8 µs
//! tokio task spawn + await                 0.5 µs
//! tokio task switch (ping-pong)            0.2 µs
//! ```

use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Average time of `f` over `n` runs.
fn per_run(n: u32, mut f: impl FnMut()) -> Duration {
    let t0 = Instant::now();
    for _ in 0..n {
        f();
    }
    t0.elapsed() / n
}

fn row(what: &str, each: Duration) {
    println!("{what:<34}{:>10.1} µs", each.as_secs_f64() * 1e6);
}

fn main() -> ExitCode {
    // Started as a child by the process measurement: do nothing, at once.
    if std::env::args().nth(1).as_deref() == Some("--child") {
        return ExitCode::SUCCESS;
    }
    let exe = std::env::current_exe().expect("the running program has a path");

    row(
        "thread spawn + join",
        per_run(5_000, || thread::spawn(|| ()).join().unwrap()),
    );

    row(
        "process spawn + wait (this binary)",
        per_run(200, || {
            let status = Command::new(&exe)
                .arg("--child")
                .stdout(Stdio::null())
                .status();
            assert!(status.expect("start a child").success());
        }),
    );

    // Two threads pass a token back and forth: each hop wakes the other thread,
    // which the scheduler must switch to (or run on the other core).
    let (to_pong, pong_rx) = mpsc::channel::<u32>();
    let (to_ping, ping_rx) = mpsc::channel::<u32>();
    let pong = thread::spawn(move || {
        while let Ok(n) = pong_rx.recv() {
            if to_ping.send(n).is_err() {
                break;
            }
        }
    });
    let round_trip = per_run(50_000, || {
        to_pong.send(1).unwrap();
        ping_rx.recv().unwrap();
    });
    drop(to_pong);
    pong.join().unwrap();
    row("thread switch (channel ping-pong)", round_trip / 2);

    // Measured from inside a task, as async code would spawn: the main thread
    // of `block_on` is not one of the runtime's workers.
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (spawn_await, switch) = runtime.block_on(async {
        tokio::spawn(async {
            let t0 = Instant::now();
            for _ in 0..100_000 {
                tokio::spawn(async {}).await.unwrap();
            }
            let spawn_await = t0.elapsed() / 100_000;

            let (to_pong, mut pong_rx) = tokio::sync::mpsc::channel::<u32>(1);
            let (to_ping, mut ping_rx) = tokio::sync::mpsc::channel::<u32>(1);
            tokio::spawn(async move {
                while let Some(n) = pong_rx.recv().await {
                    if to_ping.send(n).await.is_err() {
                        break;
                    }
                }
            });
            let t0 = Instant::now();
            for _ in 0..50_000 {
                to_pong.send(1).await.unwrap();
                ping_rx.recv().await.unwrap();
            }
            (spawn_await, t0.elapsed() / 100_000)
        })
        .await
        .unwrap()
    });
    row("tokio task spawn + await", spawn_await);
    row("tokio task switch (ping-pong)", switch);
    ExitCode::SUCCESS
}
