//! The checks: each exercise's `main` calls one of these with the code the
//! learner wrote. They come in two shapes. [`predict`] asks first and runs
//! the real code only once a prediction is written, then shows both; [`make`]
//! runs the code and holds it to a few [`Rule`]s, the first broken one saying
//! what is wrong. Runs are real (the in-process flag server, a fixed seed, a
//! unit of 100 ms), and a check tests what the code does, never its text.

use std::fmt::Debug;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use concurrent_futures::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};
use flags_common::flags2::{Counter, DownloadStatus};
use flags_common::{FlagError, POP20_CC, Site};

use crate::bi;
use crate::lab::{
    Bi, Lab, UNIT, codes, fail, heading, pass, state_of, timed, units,
};
use crate::recorded;

/// A `download_many` of the sections: `(site, cc_list) -> flags saved`.
pub type DownloadMany = fn(&Site, &[String]) -> Result<usize, FlagError>;

/// Predict: `question`, answered by the learner (`predicted`) and by `run`.
/// While the prediction is `None` nothing runs: the check says what it asks
/// and where to answer, so the real run is never seen before a guess.
pub fn predict<T: PartialEq + Debug>(
    question: Bi,
    predicted: Option<T>,
    run: impl FnOnce() -> T,
) -> ExitCode {
    let Some(predicted) = predicted else {
        println!("❓ {}\n   {}", question.zh, question.en);
        return fail(bi!(
            "还没有预测：先在标着 ✏️ 的那一行把 None 换成你的预测，再运行，才会看到实际运行。",
            "No prediction yet: replace None on the line marked ✏️ with yours, \
             then run again to see the real run."
        ));
    };
    heading(bi!("实际运行", "The real run"));
    let actual = run();
    println!();
    println!("   {} · {}", question.zh, question.en);
    println!("   你的预测 · your prediction: {predicted:?}");
    println!("   实际运行 · the real run:    {actual:?}");
    if predicted == actual {
        pass(bi!("预测正确。", "Your prediction is right."))
    } else {
        fail(bi!(
            "预测与实际运行不符：对照上面的输出想一想为什么，再改预测。",
            "The prediction and the real run differ: read the run above, \
             work out why, then change your prediction."
        ))
    }
}

/// One demand of a make check: it `holds`, or `otherwise` says what is wrong.
#[derive(Debug)]
pub struct Rule {
    pub holds: bool,
    pub otherwise: Bi,
}

/// `must!(took <= 4, "用了 {took} 个单位…", "It took {took} units…")`: a
/// [`Rule`] whose message is made as `bi!` makes one.
#[macro_export]
macro_rules! must {
    ($holds:expr, $zh:literal, $en:literal $(,)?) => {
        $crate::check::Rule {
            holds: $holds,
            otherwise: $crate::bi!($zh, $en),
        }
    };
}

/// Make: fails with the first rule that does not hold, else passes with `done`.
pub fn make(rules: impl IntoIterator<Item = Rule>, done: Bi) -> ExitCode {
    match rules.into_iter().find(|rule| !rule.holds) {
        Some(rule) => fail(rule.otherwise),
        None => pass(done),
    }
}

/// Predict: how many units `run` takes, each request taking one unit.
pub fn total_units(
    run: fn(&Site) -> Result<usize, FlagError>,
    predicted: Option<u64>,
) -> ExitCode {
    let question = bi!(
        "每个请求 1 个单位，run 要几个单位？",
        "Each request takes 1 unit: how many units does `run` take?"
    );
    predict(question, predicted, || {
        let lab = Lab::start(1, 0.0);
        let (res, elapsed) = timed(|| run(&lab.site));
        let took = elapsed.as_secs_f64();
        println!(
            "\nrun -> {res:?} in {took:.2}s = {:.1} units",
            took / UNIT.as_secs_f64()
        );
        units(elapsed)
    })
}

/// Make: a 404 is skipped, not fatal; the other flags are still saved.
pub fn skip_missing(download_many: DownloadMany) -> ExitCode {
    let lab = Lab::start(0, 0.0);
    heading(bi!(
        "实际运行：CN ZZ FR（ZZ 不存在）",
        "The real run: CN ZZ FR (there is no ZZ)"
    ));
    let res = download_many(&lab.site, &codes(&["CN", "ZZ", "FR"]));
    let saved = lab.saved();
    println!("\ndownload_many -> {res:?}, saved: {saved:?}");
    make(
        [
            must!(
                res.is_ok(),
                "第一个 404 就结束了整个运行（{res:?}）：让它跳过这面旗，继续下载。",
                "The first 404 ended the whole run ({res:?}): skip that flag and go on."
            ),
            must!(
                res == Ok(2) && saved == ["cn.gif", "fr.gif"],
                "返回了 {res:?}，应该是 Ok(2)，并且保存 cn.gif 和 fr.gif。",
                "It returned {res:?}; expected Ok(2), with cn.gif and fr.gif saved."
            ),
        ],
        bi!(
            "ZZ 被跳过，CN 和 FR 都保存了。",
            "ZZ was skipped, and CN and FR were both saved."
        ),
    )
}

/// Make: all 20 flags, at most `cap` requests at once, and still concurrent.
pub fn cap_in_flight(download_many: DownloadMany, cap: usize) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    let cc_list = codes(&POP20_CC);
    heading(bi!(
        "实际运行：20 面国旗，每个请求 1 个单位",
        "The real run: 20 flags, 1 unit per request"
    ));
    let (res, elapsed) = timed(|| download_many(&lab.site, &cc_list));
    let in_flight = lab.stats().max_in_flight;
    let took = units(elapsed);
    // Sequential would also keep under the cap: demand the speed of `cap` at once.
    let slowest = (cc_list.len() as u64).div_ceil(cap as u64) + 2;
    println!(
        "\ndownload_many -> {res:?}; at most {in_flight} requests in flight; {took} units"
    );
    make(
        [
            must!(
                res == Ok(20),
                "应该下载全部 20 面国旗，返回 Ok(20)，实际是 {res:?}。",
                "All 20 flags should be downloaded, returning Ok(20); got {res:?}."
            ),
            must!(
                in_flight <= cap,
                "服务器同时处理了 {in_flight} 个请求，上限是 {cap}。",
                "The server had {in_flight} requests in flight at once; the cap is {cap}."
            ),
            must!(
                took <= slowest,
                "用了 {took} 个单位：限住了，但不再并发（最多 {slowest} 个单位）。",
                "It took {took} units: capped, but no longer concurrent (at most {slowest})."
            ),
        ],
        bi!(
            "最多 {in_flight} 个请求同时进行，{took} 个单位下载完 20 面国旗。",
            "At most {in_flight} requests at once, 20 flags in {took} units."
        ),
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
    heading(bi!(
        "实际运行：{n} 面国旗，每个请求 1 个单位",
        "The real run: {n} flags, 1 unit per request"
    ));
    let (res, elapsed) = timed(|| download_many(&lab.site, &cc_list));
    let took = units(elapsed);
    println!("\ndownload_many -> {res:?} in {took} units");
    make(
        [
            must!(
                res == Ok(n),
                "应该返回 Ok({n})，实际是 {res:?}。",
                "Expected Ok({n}); got {res:?}."
            ),
            must!(
                took <= most_units,
                "用了 {took} 个单位，一个接一个；要在 {most_units} 个单位之内。",
                "It took {took} units, one after another; it must take at most {most_units}."
            ),
        ],
        bi!(
            "{n} 面国旗用了 {took} 个单位：它们是一起等的。",
            "{n} flags in {took} units: they waited together."
        ),
    )
}

/// Predict: the states the handles print when they are submitted.
pub fn submit_states(
    run: fn(&Site) -> Vec<String>,
    predicted: Option<[&str; 5]>,
) -> ExitCode {
    let question = bi!(
        "五行 `Scheduled for` 各打印什么状态？",
        "Which state does each `Scheduled for` line print?"
    );
    predict(
        question,
        predicted.map(|p| p.map(String::from).to_vec()),
        || {
            let lab = Lab::start(1, 0.0);
            run(&lab.site).iter().map(|debug| state_of(debug)).collect()
        },
    )
}

/// Predict: the states of handles after `run` (which shuts the pool down).
pub fn final_states(
    run: fn() -> Vec<String>,
    predicted: Option<[&str; 4]>,
) -> ExitCode {
    let question = bi!(
        "`shutdown(true, true)` 之后，四个期物各是什么状态？",
        "After `shutdown(true, true)`, which state is each of the four futures in?"
    );
    predict(
        question,
        predicted.map(|p| p.map(String::from).to_vec()),
        || {
            let printed = run();
            printed.iter().for_each(|line| println!("{line}"));
            printed.iter().map(|debug| state_of(debug)).collect()
        },
    )
}

/// Make: once a download fails, the tasks not yet started are cancelled.
pub fn cancel_rest(download_many: DownloadMany) -> ExitCode {
    let lab = Lab::start(1, 0.0);
    // AA is not a country, and sorts first: it fails after one unit.
    let cc_list =
        codes(&["AA", "BD", "BR", "CN", "DE", "EG", "ET", "FR", "ID", "IN"]);
    heading(bi!(
        "实际运行：AA 加 9 面国旗，2 个工作线程",
        "The real run: AA and 9 flags, 2 workers"
    ));
    let res = download_many(&lab.site, &cc_list);
    let requests = lab.stats().requests;
    println!("\ndownload_many -> {res:?}; the server saw {requests} requests");
    make(
        [
            must!(
                res.is_err(),
                "AA 不存在，download_many 应该返回那个错误。",
                "There is no AA: download_many should return that error."
            ),
            // AA and its partner run at once; when AA fails each worker may
            // have taken one more. Every later request should be cancelled.
            must!(
                requests <= 5,
                "出错之后其余的下载仍然都发出了（{requests} 个请求）：取消还没开始的任务。",
                "After the error every other download still went out ({requests} \
                     requests): cancel the tasks that have not started."
            ),
        ],
        bi!(
            "出错之后就停了：服务器只收到 {requests} 个请求。",
            "It stopped at the error: the server saw only {requests} requests."
        ),
    )
}

/// Make: the loiter schedule of 5 tasks on 3 workers ends in 4 units.
pub fn loiter_in_four(schedule: fn(usize, u64) -> Vec<u64>) -> ExitCode {
    recorded::configure();
    heading(bi!(
        "实际运行：3 个工作线程，5 个任务",
        "The real run: 3 workers, 5 tasks"
    ));
    let (results, elapsed) = timed(|| schedule(3, 5));
    let took = units(elapsed);
    println!("results {results:?} in {took} units");
    let mut sorted = results.clone();
    sorted.sort();
    make(
        [
            must!(
                sorted == [0, 10, 20, 30, 40],
                "loiter(0) 到 loiter(4) 每个都要运行一次。",
                "Every one of loiter(0) to loiter(4) must run, once."
            ),
            must!(
                took <= 4,
                "用了 {took} 个单位，要 4 个。最长的任务什么时候开始？",
                "It took {took} units, not 4. When does the longest task start?"
            ),
        ],
        bi!(
            "4 个单位：最长的任务最先开始。",
            "4 units: the longest task starts first."
        ),
    )
}

/// Predict: the unit at which each loiter starts.
pub fn loiter_starts(
    run: fn() -> Vec<u64>,
    predicted: Option<[u64; 5]>,
) -> ExitCode {
    let question = bi!(
        "loiter(0) 到 loiter(4) 各在第几个单位开始？",
        "At which unit does each of loiter(0) .. loiter(4) start?"
    );
    predict(question, predicted, || {
        recorded::configure();
        run();
        let mut starts = [u64::MAX; 5];
        for (n, at) in recorded::starts() {
            if let Some(slot) = starts.get_mut(n as usize) {
                *slot = units(at);
            }
        }
        starts
    })
}

/// Predict: which loiters ever start (in any order).
pub fn loiter_ran(run: fn() -> Vec<u64>, predicted: Option<&[u64]>) -> ExitCode {
    let question = bi!("哪些 loiter 会开始运行？", "Which loiters ever start?");
    predict(question, predicted.map(sorted), || {
        recorded::configure();
        println!("results: {:?}", run());
        sorted(
            &recorded::starts()
                .iter()
                .map(|&(n, _)| n)
                .collect::<Vec<_>>(),
        )
    })
}

fn sorted(list: &[u64]) -> Vec<u64> {
    let mut list = list.to_vec();
    list.sort();
    list
}

/// Predict: which tasks of a process pool fail when one worker dies.
pub fn dead_worker(
    run: fn() -> Vec<Option<u64>>,
    predicted: Option<&[u64]>,
) -> ExitCode {
    // The workers are copies of this program: here one of them starts working.
    procspawn::init();
    let question = bi!("哪些任务失败？", "Which tasks fail?");
    predict(question, predicted.map(sorted), || {
        let results = run();
        for (n, result) in results.iter().enumerate() {
            println!("task({n}) -> {result:?}");
        }
        (0..results.len() as u64)
            .filter(|&n| results[n as usize].is_none())
            .collect()
    })
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
    heading(bi!(
        "实际运行：10000 个很小的任务，2 个工作进程",
        "The real run: 10,000 tiny tasks, 2 worker processes"
    ));
    let (baseline, results, yours) =
        fastest_in_turns(one_by_one, || run(&executor, items.clone()));
    let ratio = yours.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "one task per trip: {:.1} ms; yours: {:.1} ms ({ratio:.2}x)",
        baseline.as_secs_f64() * 1e3,
        yours.as_secs_f64() * 1e3
    );
    make(
        [
            must!(
                results == items,
                "结果不对：应该按顺序得到 0..10000。",
                "Wrong results: expected 0..10000, in order."
            ),
            must!(
                ratio <= 0.5,
                "用时是逐个发送的 {ratio:.2} 倍，要在 0.5 倍以下。每个任务都来回一趟。",
                "It takes {ratio:.2}x the time; it must be under 0.5x. \
                     Each task makes its own trip."
            ),
        ],
        bi!(
            "时间降到 {ratio:.2} 倍：来回的次数少了。",
            "Down to {ratio:.2}x the time: fewer round trips."
        ),
    )
}

/// Predict: what each `cancel()` returns.
pub fn cancels(run: fn() -> Vec<bool>, predicted: Option<[bool; 3]>) -> ExitCode {
    let question = bi!(
        "三次 cancel() 各返回什么？",
        "What does each of the three cancel() calls return?"
    );
    predict(question, predicted.map(|p| p.to_vec()), run)
}

/// Make: the first result as soon as any task has one.
pub fn first_completed(first: fn(&ThreadPoolExecutor) -> u64) -> ExitCode {
    let executor = ThreadPoolExecutor::new(3);
    heading(bi!(
        "实际运行：任务分别睡 3、1、2 个单位",
        "The real run: tasks nap 3, 1 and 2 units"
    ));
    let (value, elapsed) = timed(|| first(&executor));
    let took = units(elapsed);
    println!("first -> {value} after {took} units");
    make(
        [
            must!(
                value == 1,
                "返回了 {value}：最先完成的是睡 1 个单位的那个。",
                "It returned {value}: the first to finish is the 1-unit nap."
            ),
            must!(
                took <= 1,
                "等了 {took} 个单位：它等了所有任务，而不是第一个。",
                "It waited {took} units: for every task, not for the first."
            ),
        ],
        bi!(
            "1 个单位就拿到了第一个结果。",
            "The first result, after 1 unit."
        ),
    )
}

/// Make: `run` returns 42 instead of waiting for ever.
pub fn no_deadlock(run: fn() -> u64) -> ExitCode {
    heading(bi!(
        "实际运行（最多等 2 秒）",
        "The real run (2 seconds at most)"
    ));
    let (send, recv) = mpsc::channel();
    // On its own thread, so a deadlock is seen by a timeout instead of hanging
    // the check; on a timeout the process ends with that thread still stuck.
    thread::spawn(move || send.send(run()));
    let got = recv.recv_timeout(UNIT * 20);
    make(
        [
            must!(
                got != Err(mpsc::RecvTimeoutError::Timeout),
                "2 秒后还在等：死锁。唯一的工作线程在等一个排在它自己后面的任务。",
                "Still waiting after 2 s: a deadlock. The only worker waits for a \
                     task queued behind itself."
            ),
            must!(
                got != Err(mpsc::RecvTimeoutError::Disconnected),
                "run() 出错退出了（见上面）。",
                "run() panicked (see above)."
            ),
            must!(
                got == Ok(42),
                "返回了 {got:?}，应该是 Ok(42)。",
                "It returned {got:?}, not Ok(42)."
            ),
        ],
        bi!(
            "得到 42：外层任务等内层任务时，有另一个工作线程去运行它。",
            "42: while the outer task waits, another worker runs the inner one."
        ),
    )
}

/// Predict: the flags2 counts and the most requests in flight.
pub fn flags2_counts(
    run: fn(&Site) -> Counter,
    predicted: Option<([usize; 3], usize)>,
) -> ExitCode {
    let question = bi!(
        "([下载, 不存在, 错误], 同时进行的请求最多几个)？",
        "([downloaded, not found, errors], most requests in flight)?"
    );
    predict(question, predicted, || {
        let lab = Lab::start(1, 0.0);
        let counter = run(&lab.site);
        let counts = [counter.ok, counter.not_found, counter.errors];
        (counts, lab.stats().max_in_flight)
    })
}

/// A flags2 `download_one`: `(site, cc, verbose) -> its status`.
pub type DownloadOne = fn(&Site, &str, bool) -> Result<DownloadStatus, FlagError>;

/// Make: with retries, more flags get through a server that fails half the time.
pub fn retries(download_one: DownloadOne) -> ExitCode {
    let count = |download_one: DownloadOne| {
        // The same seed each time: the same requests fail in both runs.
        let lab = Lab::start(0, 0.5);
        let mut counter = Counter::default();
        for cc in POP20_CC {
            counter.add(cc, download_one(&lab.site, cc, false), false);
        }
        (counter, lab.stats().requests)
    };
    heading(bi!(
        "实际运行：20 面国旗，服务器一半的请求回答 418",
        "The real run: 20 flags, the server answers half the requests with 418"
    ));
    let (before, _) = count(sequential::flags2::download_one);
    let (after, requests) = count(download_one);
    println!("without retries: {before:?}");
    println!("yours:           {after:?}, {requests} requests");
    let (ok, ok_before) = (after.ok, before.ok);
    make(
        [
            must!(
                after.ok + after.not_found + after.errors == 20
                    && after.not_found == 0,
                "每面旗要计一次，而且都存在（没有 404）。",
                "Each flag counts once, and every one exists (no 404)."
            ),
            must!(
                ok > ok_before,
                "下载了 {ok} 面，不重试也是 {ok_before}：遇到 418 就再试一次。",
                "{ok} downloaded, as many as without retries ({ok_before}): \
                     try again after a 418."
            ),
        ],
        bi!(
            "重试之后下载了 {ok} 面（不重试 {ok_before} 面），共 {requests} 个请求。",
            "{ok} downloaded with retries ({ok_before} without), in {requests} requests."
        ),
    )
}
