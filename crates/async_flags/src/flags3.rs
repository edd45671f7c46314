//! flags3 · asyncio · the book's `flags3_asyncio.py`
//!
//! Two requests per flag, one after the other inside the same task: first the
//! country's `metadata.json`, then the GIF, saved under the country's name
//! (`China.gif`). `just run async --metadata`.

use std::sync::Arc;

use flags_common::flags2::{Counter, DownloadStatus};
use flags_common::{FlagError, Site, fetch, metadata_url};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task;

use crate::flags2::supervise;
use crate::get_flag;
use crate::tasks::re_raise;

pub use crate::flags2::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ};

/// The country's name, from `{cc}/metadata.json`.
pub async fn get_country(
    client: &Client,
    base_url: &str,
    cc: &str,
) -> Result<String, FlagError> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        country: String,
    }
    let url = metadata_url(base_url, cc);
    let json = fetch(client, cc, &url).await?;
    let metadata: Metadata =
        serde_json::from_slice(&json).map_err(|err| FlagError::Network {
            cc: cc.into(),
            url,
            reason: format!("bad metadata: {err}"),
        })?;
    Ok(metadata.country)
}

pub async fn download_one(
    client: Client,
    site: Site,
    cc: String,
    semaphore: Arc<Semaphore>,
    verbose: bool,
) -> Result<DownloadStatus, FlagError> {
    let fetched = async {
        // One permit per request, so `-m` counts requests, as the book's does.
        let country = {
            let _permit = semaphore.acquire().await.expect("never closed");
            get_country(&client, site.base_url(), &cc).await?
        };
        let _permit = semaphore.acquire().await.expect("never closed");
        let image = get_flag(&client, site.base_url(), &cc).await?;
        Ok((country, image))
    };
    let status = match fetched.await {
        Ok((country, image)) => {
            let filename = format!("{}.gif", country.replace(' ', "_"));
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
