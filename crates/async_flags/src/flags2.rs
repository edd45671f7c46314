//! flags2 · asyncio · the book's `flags2_asyncio.py`
//!
//! A semaphore caps the requests in flight (`-m`), a 404 is counted rather
//! than fatal, and the supervisor counts each outcome as its task finishes.

use std::sync::Arc;

use flags_common::flags2::{Counter, DownloadStatus, progress_bar};
use flags_common::{FlagError, Site, gif_name, interrupted};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task::{self, JoinSet};

use crate::get_flag;

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
            task::spawn_blocking(move || site.save_flag(&image, &filename))
                .await
                .map_err(crate::task_failed)??;
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
    let mut counter = Counter::default();
    let semaphore = Arc::new(Semaphore::new(concur_req));
    let client = Client::builder()
        .timeout(site.timeout())
        .build()
        .expect("the HTTP client builds with these settings");
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let bar = progress_bar(cc_list.len(), !verbose);
    let mut to_do = JoinSet::new();
    for cc in cc_list {
        let task = download_one(
            client.clone(),
            site.clone(),
            cc,
            Arc::clone(&semaphore),
            verbose,
        );
        to_do.spawn(task);
    }
    // `asyncio.as_completed`: each outcome as its task finishes.
    while let Some(joined) = to_do.join_next().await {
        // Python's `except KeyboardInterrupt: break`; dropping `to_do` then
        // cancels every task still running.
        if interrupted() {
            break;
        }
        let status = match joined.map_err(crate::task_failed).and_then(|res| res) {
            Ok(status) => status,
            Err(err) => {
                if verbose {
                    println!("{} error: {}", err.cc().unwrap_or("??"), err.reason());
                }
                DownloadStatus::Error
            }
        };
        counter[status] += 1;
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
