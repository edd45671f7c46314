//! The checks: each exercise's `main` calls one of these with the code the
//! learner wrote. A check runs that code for real (the in-process flag
//! server, a fixed seed, a unit of 100 ms), prints the run, and says in both
//! languages what is right or wrong. It checks what the code does, never how
//! it is written.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use concurrent_futures::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use flags_common::flags2::{Counter, DownloadStatus};
use flags_common::{FlagError, POP20_CC, Site};

use crate::lab::{
    Lab, UNIT, codes, compare, fail, heading, pass, state_of, timed, units,
};
use crate::recorded;

/// A `download_many` of the sections: `(site, cc_list) -> flags saved`.
pub type DownloadMany = fn(&Site, &[String]) -> Result<usize, FlagError>;

/// Predict: how many units `run` takes, each request taking one unit.
pub fn total_units(
    run: fn(&Site) -> Result<usize, FlagError>,
    predicted: u64,
) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    heading(
        "实际运行（每个请求 1 个单位）",
        "The real run (each request takes 1 unit)",
    );
    let (res, elapsed) = timed(|| run(&lab.site));
    println!();
    if let Err(err) = res {
        return fail(
            &format!("运行失败：{err}"),
            &format!("The run failed: {err}"),
        );
    }
    println!(
        "{:.2}s = {:.1} units",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / UNIT.as_secs_f64()
    );
    compare(
        "总时间（单位）",
        "total time, in units",
        predicted,
        units(elapsed),
    )
}

/// Make: a 404 is skipped, not fatal; the other flags are still saved.
pub fn skip_missing(download_many: DownloadMany) -> ExitCode {
    let lab = Lab::start(0, 0.0);
    heading(
        "实际运行：CN ZZ FR（ZZ 不存在）",
        "The real run: CN ZZ FR (there is no ZZ)",
    );
    let res = download_many(&lab.site, &codes(&["CN", "ZZ", "FR"]));
    println!();
    println!("download_many -> {res:?}, saved: {:?}", lab.saved());
    match res {
        Ok(2) if lab.saved() == ["cn.gif", "fr.gif"] => pass(
            "ZZ 被跳过，CN 和 FR 都保存了。",
            "ZZ was skipped, and CN and FR were both saved.",
        ),
        Ok(n) => fail(
            &format!("返回了 Ok({n})，应该是 Ok(2)，并且保存 cn.gif 和 fr.gif。"),
            &format!(
                "It returned Ok({n}); expected Ok(2), with cn.gif and fr.gif saved."
            ),
        ),
        Err(err) => fail(
            &format!(
                "第一个 404 就结束了整个运行（{err}）：让它跳过这面旗，继续下载。"
            ),
            &format!(
                "The first 404 ended the whole run ({err}): skip that flag and go on."
            ),
        ),
    }
}

/// Make: all 20 flags, at most `cap` requests at once, and still concurrent.
pub fn cap_in_flight(download_many: DownloadMany, cap: usize) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    let cc_list = codes(&POP20_CC);
    heading(
        "实际运行：20 面国旗，每个请求 1 个单位",
        "The real run: 20 flags, 1 unit per request",
    );
    let (res, elapsed) = timed(|| download_many(&lab.site, &cc_list));
    println!();
    let in_flight = lab.stats().max_in_flight;
    let took = units(elapsed);
    // Sequential would also keep under the cap: demand the speed of `cap` at once.
    let slowest = (cc_list.len() as u64).div_ceil(cap as u64) + 2;
    println!(
        "download_many -> {res:?}; at most {in_flight} requests in flight; {took} units"
    );
    if res != Ok(20) {
        return fail(
            &format!("应该下载全部 20 面国旗，返回 Ok(20)，实际是 {res:?}。"),
            &format!(
                "All 20 flags should be downloaded, returning Ok(20); got {res:?}."
            ),
        );
    }
    if in_flight > cap {
        return fail(
            &format!("服务器同时处理了 {in_flight} 个请求，上限是 {cap}。"),
            &format!(
                "The server had {in_flight} requests in flight at once; the cap is {cap}."
            ),
        );
    }
    if took > slowest {
        return fail(
            &format!(
                "用了 {took} 个单位：限住了，但不再并发（最多 {slowest} 个单位）。"
            ),
            &format!(
                "It took {took} units: capped, but no longer concurrent (at most {slowest})."
            ),
        );
    }
    pass(
        &format!("最多 {in_flight} 个请求同时进行，{took} 个单位下载完 20 面国旗。"),
        &format!("At most {in_flight} requests at once, 20 flags in {took} units."),
    )
}

/// Make: at least `n` flags in at most `most_units`, every one saved.
pub fn concurrent(
    download_many: DownloadMany,
    n: usize,
    most_units: u64,
) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    let cc_list = codes(&POP20_CC[..n]);
    heading(
        &format!("实际运行：{n} 面国旗，每个请求 1 个单位"),
        &format!("The real run: {n} flags, 1 unit per request"),
    );
    let (res, elapsed) = timed(|| download_many(&lab.site, &cc_list));
    println!();
    let took = units(elapsed);
    println!("download_many -> {res:?} in {took} units");
    if res != Ok(n) {
        return fail(
            &format!("应该返回 Ok({n})，实际是 {res:?}。"),
            &format!("Expected Ok({n}); got {res:?}."),
        );
    }
    if took > most_units {
        return fail(
            &format!(
                "用了 {took} 个单位，一个接一个；要在 {most_units} 个单位之内。"
            ),
            &format!(
                "It took {took} units, one after another; it must take at most {most_units}."
            ),
        );
    }
    pass(
        &format!("{n} 面国旗用了 {took} 个单位：它们是一起等的。"),
        &format!("{n} flags in {took} units: they waited together."),
    )
}

/// Predict: the states the handles print when they are submitted.
pub fn submit_states(
    run: fn(&Site) -> Vec<String>,
    predicted: [&str; 5],
) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    heading("实际运行", "The real run");
    let printed = run(&lab.site);
    let states: Vec<String> = printed.iter().map(|debug| state_of(debug)).collect();
    compare(
        "提交时的状态",
        "the states at submit time",
        predicted.map(String::from).to_vec(),
        states,
    )
}

/// Predict: the states of handles after `run` (which shuts the pool down).
pub fn final_states(run: fn() -> Vec<String>, predicted: [&str; 4]) -> ExitCode {
    heading("实际运行", "The real run");
    let printed = run();
    for line in &printed {
        println!("{line}");
    }
    let states: Vec<String> = printed.iter().map(|debug| state_of(debug)).collect();
    compare(
        "关闭之后的状态",
        "the states after shutdown",
        predicted.map(String::from).to_vec(),
        states,
    )
}

/// Make: once a download fails, the tasks not yet started are cancelled.
pub fn cancel_rest(download_many: DownloadMany) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    // AA is not a country, and sorts first: it fails after one unit.
    let cc_list =
        codes(&["AA", "BD", "BR", "CN", "DE", "EG", "ET", "FR", "ID", "IN"]);
    heading(
        "实际运行：AA 加 9 面国旗，2 个工作线程",
        "The real run: AA and 9 flags, 2 workers",
    );
    let res = download_many(&lab.site, &cc_list);
    println!();
    let requests = lab.stats().requests;
    println!("download_many -> {res:?}; the server saw {requests} requests");
    if res.is_ok() {
        return fail(
            "AA 不存在，download_many 应该返回那个错误。",
            "There is no AA: download_many should return that error.",
        );
    }
    // AA and its partner run at once; when AA fails each worker may have
    // taken one more. Every later request should have been cancelled.
    if requests > 5 {
        return fail(
            &format!(
                "出错之后其余的下载仍然都发出了（{requests} 个请求）：取消还没开始的任务。"
            ),
            &format!(
                "After the error every other download still went out ({requests} \
                 requests): cancel the tasks that have not started."
            ),
        );
    }
    pass(
        &format!("出错之后就停了：服务器只收到 {requests} 个请求。"),
        &format!(
            "It stopped at the error: the server saw only {requests} requests."
        ),
    )
}

/// Make: the loiter schedule of 5 tasks on 3 workers ends in 4 units.
pub fn loiter_in_four(schedule: fn(usize, u64) -> Vec<u64>) -> ExitCode {
    recorded::configure();
    heading(
        "实际运行：3 个工作线程，5 个任务",
        "The real run: 3 workers, 5 tasks",
    );
    let (mut results, elapsed) = timed(|| schedule(3, 5));
    let took = units(elapsed);
    println!("results {results:?} in {took} units");
    results.sort();
    if results != [0, 10, 20, 30, 40] {
        return fail(
            "loiter(0) 到 loiter(4) 每个都要运行一次。",
            "Every one of loiter(0) to loiter(4) must run, once.",
        );
    }
    if took > 4 {
        return fail(
            &format!("用了 {took} 个单位，要 4 个。最长的任务什么时候开始？"),
            &format!(
                "It took {took} units, not 4. When does the longest task start?"
            ),
        );
    }
    pass(
        "4 个单位：最长的任务最先开始。",
        "4 units: the longest task starts first.",
    )
}

/// Predict: the unit at which each loiter starts.
pub fn loiter_starts(run: fn() -> Vec<u64>, predicted: [u64; 5]) -> ExitCode {
    recorded::configure();
    heading("实际运行", "The real run");
    run();
    let mut starts = [u64::MAX; 5];
    for (n, at) in recorded::starts() {
        if let Some(slot) = starts.get_mut(n as usize) {
            *slot = units(at);
        }
    }
    compare(
        "loiter(0) 到 loiter(4) 在第几个单位开始",
        "the unit at which loiter(0) .. loiter(4) start",
        predicted,
        starts,
    )
}

/// Predict: which loiters ever start.
pub fn loiter_ran(run: fn() -> Vec<u64>, predicted: &[u64]) -> ExitCode {
    recorded::configure();
    heading("实际运行", "The real run");
    let results = run();
    println!("results: {results:?}");
    let mut ran: Vec<u64> = recorded::starts().iter().map(|&(n, _)| n).collect();
    ran.sort();
    compare(
        "运行过的 loiter",
        "the loiters that ran",
        predicted.to_vec(),
        ran,
    )
}

/// Predict: which tasks of a process pool fail when one worker dies.
pub fn dead_worker(run: fn() -> Vec<Option<u64>>, predicted: &[u64]) -> ExitCode {
    // The workers are copies of this program: here one of them starts working.
    procspawn::init();
    heading("实际运行", "The real run");
    let results = run();
    for (n, result) in results.iter().enumerate() {
        println!("task({n}) -> {result:?}");
    }
    let failed: Vec<u64> = (0..results.len() as u64)
        .filter(|&n| results[n as usize].is_none())
        .collect();
    compare(
        "失败的任务",
        "the tasks that failed",
        predicted.to_vec(),
        failed,
    )
}

fn echo(n: u64) -> u64 {
    n
}

/// Times `a` and `b` in turns, five rounds, and keeps each one's fastest run
/// (and `b`'s last result). Taking turns means a busy moment on the machine
/// slows both sides, not just whichever happened to be running then.
fn fastest_in_turns<A, B>(
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> (Duration, B, Duration) {
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    let mut last_b = None;
    for _ in 0..5 {
        best_a = best_a.min(timed(&mut a).1);
        let (value, elapsed) = timed(&mut b);
        best_b = best_b.min(elapsed);
        last_b = Some(value);
    }
    (best_a, last_b.expect("five rounds ran"), best_b)
}

/// Make: the same map on the same warm pool, at least twice as fast.
pub fn halve_process_map(
    run: fn(&ProcessPoolExecutor, Vec<u64>) -> Vec<u64>,
) -> ExitCode {
    procspawn::init();
    let executor = ProcessPoolExecutor::new(2);
    let items: Vec<u64> = (0..10_000).collect();
    let one_by_one = || {
        executor
            .map(echo, items.clone())
            .expect("not shut down")
            .map(|res| res.expect("echo cannot fail"))
            .collect::<Vec<_>>()
    };
    // Both workers started before any timing: start-up is not the lesson.
    one_by_one();
    heading(
        "实际运行：10000 个很小的任务，2 个工作进程",
        "The real run: 10,000 tiny tasks, 2 worker processes",
    );
    let (baseline, results, yours) =
        fastest_in_turns(one_by_one, || run(&executor, items.clone()));
    let ratio = yours.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "one task per trip: {:.1} ms; yours: {:.1} ms ({ratio:.2}x)",
        baseline.as_secs_f64() * 1e3,
        yours.as_secs_f64() * 1e3
    );
    if results != items {
        return fail(
            "结果不对：应该按顺序得到 0..10000。",
            "Wrong results: expected 0..10000, in order.",
        );
    }
    if ratio > 0.5 {
        return fail(
            &format!(
                "用时是逐个发送的 {ratio:.2} 倍，要在 0.5 倍以下。每个任务都来回一趟。"
            ),
            &format!(
                "It takes {ratio:.2}x the time; it must be under 0.5x. Each task makes its own trip."
            ),
        );
    }
    pass(
        &format!("时间降到 {ratio:.2} 倍：来回的次数少了。"),
        &format!("Down to {ratio:.2}x the time: fewer round trips."),
    )
}

/// Predict: what each `cancel()` returns.
pub fn cancels(run: fn() -> Vec<bool>, predicted: [bool; 3]) -> ExitCode {
    heading("实际运行", "The real run");
    let cancelled = run();
    compare(
        "每个 cancel() 的返回值",
        "what each cancel() returns",
        predicted.to_vec(),
        cancelled,
    )
}

/// Make: the first result as soon as any task has one.
pub fn first_completed(first: fn(&ThreadPoolExecutor) -> u64) -> ExitCode {
    let executor = ThreadPoolExecutor::new(3);
    heading(
        "实际运行：任务分别睡 3、1、2 个单位",
        "The real run: tasks nap 3, 1 and 2 units",
    );
    let (value, elapsed) = timed(|| first(&executor));
    let took = units(elapsed);
    println!("first -> {value} after {took} units");
    if value != 1 {
        return fail(
            &format!("返回了 {value}：最先完成的是睡 1 个单位的那个。"),
            &format!("It returned {value}: the first to finish is the 1-unit nap."),
        );
    }
    if took > 1 {
        return fail(
            &format!("等了 {took} 个单位：它等了所有任务，而不是第一个。"),
            &format!("It waited {took} units: for every task, not for the first."),
        );
    }
    pass(
        "1 个单位就拿到了第一个结果。",
        "The first result, after 1 unit.",
    )
}

/// Make: `run` returns 42 instead of waiting for ever.
pub fn no_deadlock(run: fn() -> u64) -> ExitCode {
    heading(
        "实际运行（最多等 2 秒）",
        "The real run (2 seconds at most)",
    );
    let (send, recv) = mpsc::channel();
    // On its own thread, so a deadlock is seen by a timeout instead of hanging
    // the check; on a timeout the process ends with that thread still stuck.
    thread::spawn(move || send.send(run()));
    match recv.recv_timeout(UNIT * 20) {
        Ok(42) => pass(
            "得到 42：外层任务等内层任务时，有另一个工作线程去运行它。",
            "42: while the outer task waits, another worker runs the inner one.",
        ),
        Ok(other) => fail(
            &format!("返回了 {other}，应该是 42。"),
            &format!("It returned {other}, not 42."),
        ),
        Err(mpsc::RecvTimeoutError::Timeout) => fail(
            "2 秒后还在等：死锁。唯一的工作线程在等一个排在它自己后面的任务。",
            "Still waiting after 2 s: a deadlock. The only worker waits for a \
             task queued behind itself.",
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            fail("run() panic 了（见上面）。", "run() panicked (see above).")
        }
    }
}

/// Predict: the flags2 counts and the most requests in flight.
pub fn flags2_counts(
    run: fn(&Site) -> Counter,
    predicted: ([usize; 3], usize),
) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    heading("实际运行", "The real run");
    let counter = run(&lab.site);
    let actual = (
        [counter.ok, counter.not_found, counter.errors],
        lab.stats().max_in_flight,
    );
    compare(
        "([下载, 不存在, 错误], 同时进行的请求最多几个)",
        "([downloaded, not found, errors], most requests in flight)",
        predicted,
        actual,
    )
}

/// Make: with retries, more flags get through a server that fails half the time.
pub fn retries(
    download_one: fn(&Site, &str, bool) -> Result<DownloadStatus, FlagError>,
) -> ExitCode {
    let count = |download_one: fn(
        &Site,
        &str,
        bool,
    ) -> Result<DownloadStatus, FlagError>| {
        // The same seed each time: the same requests fail in both runs.
        let lab = Lab::start(0, 0.5);
        let mut counter = Counter::default();
        for cc in POP20_CC {
            counter.add(cc, download_one(&lab.site, cc, false), false);
        }
        (counter, lab.stats().requests)
    };
    heading(
        "实际运行：20 面国旗，服务器一半的请求回答 418",
        "The real run: 20 flags, the server answers half the requests with 418",
    );
    let (before, _) = count(sequential::flags2::download_one);
    let (after, requests) = count(download_one);
    println!("without retries: {before:?}");
    println!("yours:           {after:?}, {requests} requests");
    if after.ok + after.not_found + after.errors != 20 || after.not_found != 0 {
        return fail(
            "每面旗要计一次，而且都存在（没有 404）。",
            "Each flag counts once, and every one exists (no 404).",
        );
    }
    if after.ok <= before.ok {
        return fail(
            &format!(
                "下载了 {} 面，不重试也是 {}：遇到 418 就再试一次。",
                after.ok, before.ok
            ),
            &format!(
                "{} downloaded, as many as without retries ({}): try again after a 418.",
                after.ok, before.ok
            ),
        );
    }
    pass(
        &format!(
            "重试之后下载了 {} 面（不重试 {} 面），共 {requests} 个请求。",
            after.ok, before.ok
        ),
        &format!(
            "{} downloaded with retries ({} without), in {requests} requests.",
            after.ok, before.ok
        ),
    )
}
