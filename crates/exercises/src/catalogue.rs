//! Every exercise, in the chapter's order: its file, its kind, the note whose
//! "Try it" it belongs to, and its hint.

/// What the learner does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Write what the run will do in the marked place; then the check runs it.
    Predict,
    /// Change the code until a behaviour appears.
    Make,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Predict => "预测 · predict",
            Kind::Make => "动手 · make",
        }
    }
}

#[derive(Debug)]
pub struct Exercise {
    /// What `just exercise NAME` takes: `loiter-reverse`.
    pub name: &'static str,
    /// The file in `exercises/` (and, solved, in `solutions/`).
    pub file: &'static str,
    pub kind: Kind,
    /// The note whose "Try it" this exercise belongs to.
    pub note: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub hint_zh: &'static str,
    pub hint_en: &'static str,
}

impl Exercise {
    /// A Python exercise: checked with python3, not compiled.
    pub fn is_python(&self) -> bool {
        self.file.ends_with(".py")
    }
}

/// Finds an exercise by name.
pub fn find(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|exercise| exercise.name == name)
}

pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "seq-total",
        file: "01_seq_total.rs",
        kind: Kind::Predict,
        note: "notes/sequential.md",
        title_zh: "顺序下载要多久",
        title_en: "How long does a sequential download take?",
        hint_zh: "每个请求 1 个单位，下一个请求要等上一个结束才开始。",
        hint_en: "Each request takes 1 unit, and the next starts only when the one before has ended.",
    },
    Exercise {
        name: "seq-skip-missing",
        file: "02_seq_skip_missing.rs",
        kind: Kind::Make,
        note: "notes/sequential.md",
        title_zh: "跳过不存在的国旗",
        title_en: "Skip the flags that do not exist",
        hint_zh: "`?` 把第一个错误直接返回。用 `match site.get_flag(cc)`，遇到 `Err(err) if err.is_not_found()` 就 `continue`，只数保存了的。",
        hint_en: "`?` returns the first error at once. `match site.get_flag(cc)`, `continue` on `Err(err) if err.is_not_found()`, and count only the flags saved.",
    },
    Exercise {
        name: "pool-waves",
        file: "03_pool_waves.rs",
        kind: Kind::Predict,
        note: "notes/threadpool.md",
        title_zh: "5 个线程下载 20 面国旗",
        title_en: "20 flags on 5 threads",
        hint_zh: "5 个线程同时各下载一面，每一波 1 个单位。20 面要几波？",
        hint_en: "The 5 threads download one flag each at the same time, 1 unit per wave. How many waves for 20 flags?",
    },
    Exercise {
        name: "pool-cap",
        file: "04_pool_cap.rs",
        kind: Kind::Make,
        note: "notes/threadpool.md",
        title_zh: "最多同时 4 个请求",
        title_en: "At most 4 requests at once",
        hint_zh: "线程池有几个线程，就最多有几个请求同时进行：改 `ThreadPoolExecutor::new` 的参数。",
        hint_en: "A pool runs at most as many requests at once as it has threads: change what `ThreadPoolExecutor::new` gets.",
    },
    Exercise {
        name: "futures-states",
        file: "05_futures_states.rs",
        kind: Kind::Predict,
        note: "notes/submit_as_completed.md",
        title_zh: "提交时打印的状态",
        title_en: "The states printed at submit",
        hint_zh: "有空闲线程时，`submit` 返回前任务已经是 running；其余的排队，是 pending。",
        hint_en: "With a worker free, a task is running before `submit` returns; the others queue up as pending.",
    },
    Exercise {
        name: "futures-cancel-rest",
        file: "06_futures_cancel_rest.rs",
        kind: Kind::Make,
        note: "notes/submit_as_completed.md",
        title_zh: "一个失败就取消其余的",
        title_en: "Cancel the rest once one download fails",
        hint_zh: "`as_completed(to_do.clone())` 留下句柄；出错时对每个调用 `future.cancel()`，再返回错误。丢弃执行器时它只等正在运行的任务。",
        hint_en: "`as_completed(to_do.clone())` keeps the handles; on an error call `future.cancel()` on each, then return the error. Dropping the executor then waits only for the running tasks.",
    },
    Exercise {
        name: "loiter-reverse",
        file: "07_loiter_reverse.rs",
        kind: Kind::Make,
        note: "notes/loiter_map.md",
        title_zh: "让 loiter 的调度 4 个单位结束",
        title_en: "Make the loiter schedule end in 4 units",
        hint_zh: "loiter(4) 最后开始，所以要 1 + 4 = 5 个单位。让它最先开始：`(0..count).rev()`。",
        hint_en: "loiter(4) starts last, so the run takes 1 + 4 = 5 units. Start it first: `(0..count).rev()`.",
    },
    Exercise {
        name: "loiter-two-workers",
        file: "08_loiter_two_workers.rs",
        kind: Kind::Predict,
        note: "notes/loiter_map.md",
        title_zh: "2 个工作线程时，每个 loiter 何时开始",
        title_en: "With 2 workers, when does each loiter start?",
        hint_zh: "一个线程空出来，就接队列里最老的任务。loiter(0) 立即结束。",
        hint_en: "A worker that becomes free takes the oldest queued task. loiter(0) ends at once.",
    },
    Exercise {
        name: "loiter-take-two",
        file: "09_loiter_take_two.rs",
        kind: Kind::Predict,
        note: "notes/loiter_map.md",
        title_zh: "只读两个结果：哪些 loiter 会运行",
        title_en: "Read two results: which loiters run?",
        hint_zh: "丢弃 `map` 的迭代器会取消还没开始的任务，但正在运行的取消不了。读到第二个结果时，唯一的线程已经在做什么？",
        hint_en: "Dropping `map`'s iterator cancels the tasks not yet started, never a running one. When the second result is read, what is the only worker doing already?",
    },
    Exercise {
        name: "py-loiter-reversed",
        file: "10_py_loiter_reversed.py",
        kind: Kind::Predict,
        note: "notes/loiter_map.md",
        title_zh: "Python：反过来的 loiter 要多久",
        title_en: "Python: how long does the reversed loiter take?",
        hint_zh: "3 个线程先接 4、3、2。谁先结束，谁的线程就接下一个。最长的那个什么时候结束？",
        hint_en: "The 3 workers take 4, 3 and 2 first; whoever ends first takes the next. When does the longest one end?",
    },
    Exercise {
        name: "procs-dead-worker",
        file: "11_procs_dead_worker.rs",
        kind: Kind::Predict,
        note: "notes/processes.md",
        title_zh: "一个工作进程死了，哪些任务失败",
        title_en: "A worker process dies: which tasks fail?",
        hint_zh: "在 Python 里整个池都坏了。这里，工作进程死掉只让它正在运行的那个任务失败，新的工作进程接着处理队列。",
        hint_en: "In Python the whole pool breaks. Here a dead worker fails only the task it was running, and a new worker takes over the queue.",
    },
    Exercise {
        name: "procs-chunksize",
        file: "12_procs_chunksize.rs",
        kind: Kind::Make,
        note: "notes/processes.md",
        title_zh: "用 chunksize 让进程池快一倍",
        title_en: "Halve a process-pool run with chunksize",
        hint_zh: "每个任务都要去工作进程来回一趟。`executor.map_chunksize(nothing, items, 100)` 一趟送 100 个。",
        hint_en: "Every task makes a round trip to a worker. `executor.map_chunksize(nothing, items, 100)` sends 100 per trip.",
    },
    Exercise {
        name: "async-spawn",
        file: "13_async_spawn.rs",
        kind: Kind::Make,
        note: "notes/async_flags.md",
        title_zh: "让 .await 的循环并发起来",
        title_en: "Make the .await loop concurrent",
        hint_zh: "循环里的 `.await` 等完一个再开始下一个。像 lib.rs 的 `supervisor` 那样：`JoinSet::spawn` 每个下载，再 `join_next().await`。",
        hint_en: "An `.await` in the loop finishes one download before the next starts. Do as lib.rs's `supervisor` does: `JoinSet::spawn` each download, then `join_next().await`.",
    },
    Exercise {
        name: "async-semaphore",
        file: "14_async_semaphore.rs",
        kind: Kind::Make,
        note: "notes/async_flags.md",
        title_zh: "用信号量限制并发",
        title_en: "Cap concurrency with a semaphore",
        hint_zh: "`let semaphore = Arc::new(Semaphore::new(3));`，每个任务先 `semaphore.clone().acquire_owned().await`，许可在任务结束时释放。",
        hint_en: "`let semaphore = Arc::new(Semaphore::new(3));`; each task first does `semaphore.clone().acquire_owned().await`, and the permit is released when the task ends.",
    },
    Exercise {
        name: "cf-cancel",
        file: "15_cf_cancel.rs",
        kind: Kind::Predict,
        note: "notes/concurrent_futures.md",
        title_zh: "cancel() 返回什么",
        title_en: "What does cancel() return?",
        hint_zh: "只有还在排队（pending）的任务能取消；工作线程已经在运行的，cancel() 返回 false。",
        hint_en: "Only a task still queued (pending) can be cancelled; for one a worker is running, cancel() returns false.",
    },
    Exercise {
        name: "cf-first-completed",
        file: "16_cf_first_completed.rs",
        kind: Kind::Make,
        note: "notes/concurrent_futures.md",
        title_zh: "wait(FIRST_COMPLETED)：第一个结果",
        title_en: "wait(FIRST_COMPLETED): the first result",
        hint_zh: "`let done = wait(to_do, ReturnWhen::FirstCompleted).done;`，再取 `done[0].result()`。",
        hint_en: "`let done = wait(to_do, ReturnWhen::FirstCompleted).done;`, then take `done[0].result()`.",
    },
    Exercise {
        name: "cf-shutdown",
        file: "17_cf_shutdown.rs",
        kind: Kind::Predict,
        note: "notes/concurrent_futures.md",
        title_zh: "shutdown(cancel_futures) 之后的状态",
        title_en: "The states after shutdown(cancel_futures)",
        hint_zh: "`cancel_futures` 取消所有还在排队的任务；`wait` 等正在运行的那个结束。",
        hint_en: "`cancel_futures` cancels every task still queued; `wait` waits for the running one to end.",
    },
    Exercise {
        name: "cf-deadlock",
        file: "18_cf_deadlock.rs",
        kind: Kind::Make,
        note: "notes/concurrent_futures.md",
        title_zh: "在任务里调用 result() 的死锁",
        title_en: "The deadlock of result() inside a task",
        hint_zh: "外层任务占着唯一的工作线程，等一个排在它后面的任务。给池多一个线程，内层任务就有地方运行。",
        hint_en: "The outer task holds the only worker while it waits for a task queued behind it. One more worker gives the inner task somewhere to run.",
    },
    Exercise {
        name: "py-deadlock",
        file: "19_py_deadlock.py",
        kind: Kind::Make,
        note: "notes/concurrent_futures.md",
        title_zh: "Python：同一个死锁",
        title_en: "Python: the same deadlock",
        hint_zh: "这是 Python 文档里的例子：`max_workers=1` 时外层任务等内层任务，永远等不到。改成 `max_workers=2`。",
        hint_en: "The example from Python's documentation: with `max_workers=1` the outer task waits for the inner one for ever. Use `max_workers=2`.",
    },
    Exercise {
        name: "flags2-counts",
        file: "20_flags2_counts.rs",
        kind: Kind::Predict,
        note: "notes/flags2.md",
        title_zh: "flags2 的计数和并发请求数",
        title_en: "flags2's counts, and the requests in flight",
        hint_zh: "404 计为“不存在”，不是错误。`concur_req` 是线程数，也就是最多同时几个请求。",
        hint_en: "A 404 counts as \"not found\", not as an error. `concur_req` is the thread count: the most requests at once.",
    },
    Exercise {
        name: "flags2-retry",
        file: "21_flags2_retry.rs",
        kind: Kind::Make,
        note: "notes/flags2.md",
        title_zh: "遇到 418 重试",
        title_en: "Retry after a 418",
        hint_zh: "把 `site.get_flag(cc)` 放进最多 3 次的循环：`Err(FlagError::Http { .. })` 就再试，其他结果直接用。",
        hint_en: "Put `site.get_flag(cc)` in a loop of up to 3 tries: try again on `Err(FlagError::Http { .. })`, use any other outcome as it is.",
    },
];
