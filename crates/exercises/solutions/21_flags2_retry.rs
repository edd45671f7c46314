//! flags2-retry · 遇到 418 重试 · Retry after a 418
//!
//! 动手 · Make. 这是 flags2 的 `download_one`（crates/sequential/src/flags2.rs）。服务器像原书的
//! ERROR 服务器一样，一半的请求回答 `418 I'm a teapot`（固定种子）。改它：遇到 HTTP 错误，最多
//! 再试两次。检查在同一个种子下比较：重试之后，下载成功的国旗要更多。
//!
//! flags2's `download_one`. The server, like the book's ERROR server, answers
//! half the requests with `418 I'm a teapot` (a fixed seed). Change it to try
//! up to twice more after an HTTP error. The check compares with the same
//! seed: with retries, more flags must get through.
//!
//! Run: `just exercise flags2-retry`

use flags_common::flags2::DownloadStatus;
use flags_common::{FlagError, Site, gif_name};

// ✏️ 遇到 HTTP 错误（418），最多再试两次。 · After an HTTP error (418), try up to twice more.
fn download_one(
    site: &Site,
    cc: &str,
    verbose: bool,
) -> Result<DownloadStatus, FlagError> {
    let mut tries = 0;
    let got = loop {
        tries += 1;
        match site.get_flag(cc) {
            Err(FlagError::Http { .. }) if tries < 3 => continue,
            other => break other,
        }
    };
    let status = match got {
        Ok(image) => {
            site.save_flag(&image, &gif_name(cc))?;
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

fn main() -> std::process::ExitCode {
    exercises::check::retries(download_one)
}
