//! flags2 · asyncio · the book's `flags2_asyncio.py`
//!
//! A semaphore caps the requests in flight (`-m`), a 404 is counted rather
//! than fatal, and the supervisor counts each outcome as its task finishes.
//! Each task is wrapped by `concurrent_futures::events::future`, which
//! reports its life as a `Handle` would (`--watch` draws it; unwatched, the
//! wrapper only passes the outcome through): tokio has no stable hooks
//! into its tasks' lives for a watcher to use instead.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::events::{self, Delivered};
use flags_common::flags2::{Counter, DownloadStatus, progress_bar};
use flags_common::{FlagError, Site, gif_name, interrupted};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task::{self, JoinSet};

use crate::get_flag;
use crate::tasks::{re_raise, task_failed};

/// 5 requests at a time unless `-m` says otherwise, 1000 at most.
pub const DEFAULT_CONCUR_REQ: usize = 5;
pub const MAX_CONCUR_REQ: usize = 1000;

pub async fn download_one(
    client: Client,
    site: Site,
    cc: String,
    semaphore: Arc<Semaphore>,
    verbose: bool,
) -> Result<DownloadStatus, FlagError> {
    let image = {
        // A permit per request: waiting for one is where `-m` throttles.
        let _permit = semaphore.acquire().await.expect("never closed");
        get_flag(&client, site.base_url(), &cc).await
    }; // the permit is released here, before the file is written
    let status = match image {
        Ok(image) => {
            let filename = gif_name(&cc);
            let saved =
                task::spawn_blocking(move || site.save_flag(&image, &filename));
            re_raise(saved.await)?;
            DownloadStatus::Ok
        }
        Err(FlagError::NotFound { .. }) => DownloadStatus::NotFound,
        Err(err) => return Err(err),
    };
    if verbose {
        println!("{cc} {status}");
    }
    Ok(status)
}

pub async fn supervisor(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    supervise(site, cc_list, verbose, concur_req, download_one).await
}

/// The supervisor of flags2 and flags3, which differ only in `download_one`:
/// a task per code, all sharing one client and one semaphore.
pub async fn supervise<F, Fut>(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
    download_one: F,
) -> Counter
where
    F: Fn(Client, Site, String, Arc<Semaphore>, bool) -> Fut,
    Fut: Future<Output = Result<DownloadStatus, FlagError>> + Send + 'static,
{
    let semaphore = Arc::new(Semaphore::new(concur_req));
    let client = client(site);
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut to_do = JoinSet::new();
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let semaphore = Arc::clone(&semaphore);
        let task = download_one(
            client.clone(),
            site.clone(),
            cc.clone(),
            semaphore,
            verbose,
        );
        // A tokio task is "running" from its first poll: all of them at
        // once. The semaphore throttles the requests, not the tasks.
        to_do_map.insert(to_do.spawn(events::future(task)).id(), cc);
    }
    count_as_completed(to_do, &to_do_map, verbose).await
}

/// One async HTTP client for the whole run, with the site's timeout.
pub fn client(site: &Site) -> Client {
    Client::builder()
        .timeout(site.timeout())
        .build()
        .expect("the HTTP client builds with these settings")
}

/// `asyncio.as_completed` with a progress bar: counts each outcome as its
/// task finishes. `to_do_map` names the code of each task, as the book's
/// `flags2_threadpool.py` does for its futures (its `flags2_asyncio.py` gets
/// the code back from the failed request's URL instead).
pub async fn count_as_completed(
    mut to_do: JoinSet<Delivered<Result<DownloadStatus, FlagError>>>,
    to_do_map: &HashMap<task::Id, String>,
    verbose: bool,
) -> Counter {
    let mut counter = Counter::default();
    let bar = progress_bar(to_do_map.len(), !verbose);
    while let Some(joined) = to_do.join_next_with_id().await {
        // Python's `except KeyboardInterrupt: break`; dropping `to_do` then
        // cancels every task still running.
        if interrupted() {
            break;
        }
        // A task that panicked counts as that flag's error.
        let (id, res) = match joined {
            // `take`: the moment the outcome is taken, for the events.
            Ok((id, res)) => (id, res.take()),
            Err(err) => (err.id(), Err(task_failed(err))),
        };
        let cc = &to_do_map[&id];
        counter.add(cc, res, verbose);
        bar.inc(1);
    }
    counter
}

/// `asyncio.run(supervisor(...))`: one runtime, entered once.
pub fn download_many(
    site: &Site,
    cc_list: &[String],
    verbose: bool,
    concur_req: usize,
) -> Counter {
    let runtime =
        tokio::runtime::Runtime::new().expect("cannot start the tokio runtime");
    runtime.block_on(supervisor(site, cc_list, verbose, concur_req))
}
