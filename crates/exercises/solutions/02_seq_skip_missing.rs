//! seq-skip-missing · 跳过不存在的国旗 · Skip the flags that do not exist
//!
//! 动手 · Make. 这是顺序下载清单的 `download_many`（crates/sequential/src/lib.rs）。
//! 给它 `CN ZZ FR`，它在 ZZ 处停下：服务器没有 ZZ（404）。改它，让不存在的国旗被跳过：
//! 保存 CN 和 FR，返回 `Ok(2)`。其他错误仍然结束运行。
//!
//! This is the sequential listing's `download_many`. Given `CN ZZ FR`, it
//! stops at ZZ, which the server does not have (404). Change it so that a
//! missing flag is skipped: save CN and FR, and return `Ok(2)`. Any other
//! error still ends the run, as in the flags2 version of the book.
//!
//! Run: `just exercise seq-skip-missing`

use flags_common::{FlagError, Site, gif_name, show};

// ✏️ 让 404 只跳过这一面旗，而不是结束运行。 · Make a 404 skip that one flag instead of ending the run.
fn download_many(site: &Site, cc_list: &[String]) -> Result<usize, FlagError> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    let mut count = 0;
    for cc in &cc_list {
        let image = match site.get_flag(cc) {
            Ok(image) => image,
            Err(err) if err.is_not_found() => continue,
            Err(err) => return Err(err),
        };
        show(cc);
        site.save_flag(&image, &gif_name(cc))?;
        count += 1;
    }
    Ok(count)
}

fn main() -> std::process::ExitCode {
    exercises::check::skip_missing(download_many)
}
