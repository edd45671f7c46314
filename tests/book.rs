//! The course as a book: `just book` builds the notes, with each section's
//! Python listing and Rust `lib.rs` side by side, into one mdBook. These tests
//! build it (when `mdbook` is installed; otherwise they say so in one line and
//! pass) and check that it is whole: a page per note, every include resolved,
//! every link and image inside the book pointing at something.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use regex::Regex;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built book's folder, or None when `mdbook` is missing: the test then
/// says it is skipped (each one, so that `just test` counts them all).
/// Built once for all the tests here, under Cargo's temp dir for tests.
fn book() -> Option<&'static Path> {
    static BOOK: OnceLock<Option<PathBuf>> = OnceLock::new();
    let built = BOOK.get_or_init(|| {
        let installed = Command::new("mdbook")
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success());
        if !installed {
            return None;
        }
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book");
        let _ = fs::remove_dir_all(&dest);
        let out = Command::new("mdbook")
            .arg("build")
            .arg(workspace())
            .arg("--dest-dir")
            .arg(&dest)
            .output()
            .expect("run mdbook build");
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "mdbook build failed:\n{log}");
        // A missing include is only logged: mdbook still writes the page.
        let errors: Vec<&str> =
            log.lines().filter(|l| l.contains("ERROR")).collect();
        assert!(
            errors.is_empty(),
            "mdbook build logged errors:\n{}",
            errors.join("\n")
        );
        Some(dest)
    });
    if built.is_none() {
        support::skip("no mdbook: cargo install mdbook --locked");
    }
    built.as_deref()
}

/// Every file under `dir` whose name ends with `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            // Not into book/crates and the like: links to folders walked elsewhere.
            if entry.file_type().unwrap().is_dir() {
                todo.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The notes' names under notes/: `loiter_map` for notes/loiter_map.md,
/// `deep/threadpool` for notes/deep/threadpool.md.
fn note_names() -> Vec<String> {
    let notes = workspace().join("notes");
    files(&notes, ".md")
        .iter()
        .filter(|path| !path.starts_with(notes.join("py")))
        .map(|path| {
            let name = path.strip_prefix(&notes).unwrap().with_extension("");
            name.display().to_string()
        })
        .collect()
}

/// Text as the browser reads it from an attribute or a code block.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `%E6%9C%9F` back to the UTF-8 it stands for.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/b/../c` as `a/c`; None if it climbs out of the book.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.iter().collect())
}

/// The `id`s of an HTML page: the targets of `page.html#id`.
fn ids(html: &str) -> BTreeSet<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = ID.get_or_init(|| Regex::new(r#"\bid="([^"]*)""#).unwrap());
    id.captures_iter(html).map(|c| unescape(&c[1])).collect()
}

/// Every note in notes/ has its page in the book: a wrapper in book/notes/
/// that includes it, listed in SUMMARY.md, built into notes/NAME.html.
#[test]
fn every_note_has_a_page() {
    let Some(book) = book() else { return };
    let mut missing = Vec::new();
    for name in note_names() {
        let wrapper = workspace().join("book/notes").join(format!("{name}.md"));
        let up = "../".repeat(name.matches('/').count() + 2);
        let include = format!("{{{{#include {up}notes/{name}.md}}}}");
        if !fs::read_to_string(&wrapper).is_ok_and(|text| text.contains(&include)) {
            missing.push(format!(
                "book/notes/{name}.md does not include notes/{name}.md"
            ));
        }
        if !book.join("notes").join(format!("{name}.html")).is_file() {
            missing.push(format!(
                "notes/{name}.md has no page: add it to book/SUMMARY.md"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every `{{#include}}` was replaced by its file: no page shows the marker,
/// and each listing a page includes appears in it, side by side with its twin.
#[test]
fn every_include_is_resolved() {
    let Some(book) = book() else { return };
    let mut problems = Vec::new();
    for page in files(book, ".html") {
        let html = fs::read_to_string(&page).unwrap();
        if html.contains("{{#") {
            let page = page.strip_prefix(book).unwrap().display();
            problems.push(format!("{page} shows an unresolved {{{{#include"));
        }
    }
    let include = Regex::new(r"\{\{#include ([^}\s]+)\}\}").unwrap();
    for wrapper in files(&workspace().join("book"), ".md") {
        let text = fs::read_to_string(&wrapper).unwrap();
        let relative = wrapper.strip_prefix(workspace().join("book")).unwrap();
        let page = book.join(relative.with_extension("html"));
        let Ok(html) = fs::read_to_string(&page) else {
            continue;
        };
        let html = unescape(&html);
        let listings: Vec<PathBuf> = include
            .captures_iter(&text)
            .map(|c| wrapper.parent().unwrap().join(&c[1]))
            .filter(|file| {
                file.extension()
                    .is_some_and(|ext| ext == "py" || ext == "rs")
            })
            .collect();
        if !listings.is_empty() && !html.contains(r#"class="side-by-side""#) {
            problems.push(format!(
                "book/{} has listings but no two columns",
                relative.display()
            ));
        }
        for listing in listings {
            let source = fs::read_to_string(&listing).unwrap_or_default();
            let first = source.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if first.is_empty() || !html.contains(first) {
                problems.push(format!(
                    "book/{} does not show {}",
                    relative.display(),
                    listing.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every link and image inside the book resolves to a file of the book, and
/// every `#anchor` to a heading of its page: a note's `img/...`, `py/...` and
/// `../crates/...` work in the book as they do on a forge.
#[test]
fn every_internal_link_and_image_resolves() {
    let Some(book) = book() else { return };
    let attribute = Regex::new(r#"\b(?:href|src)="([^"]*)""#).unwrap();
    let external = Regex::new(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)").unwrap();
    let mut anchors: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut broken = BTreeSet::new();
    for page in files(book, ".html") {
        // The 404 page is written for a server's root (`site-url`), not for its place.
        if page == book.join("404.html") {
            continue;
        }
        let html = fs::read_to_string(&page).unwrap();
        let here = page.strip_prefix(book).unwrap().to_path_buf();
        for link in attribute.captures_iter(&html) {
            let link = unescape(&link[1]);
            if link.is_empty() || external.is_match(&link) {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                Some(here.clone())
            } else {
                normalize(&here.parent().unwrap().join(percent_decode(path)))
            };
            let Some(target) = target.filter(|t| book.join(t).exists()) else {
                broken.insert(format!("{}: {link}", here.display()));
                continue;
            };
            let is_page = target.extension().is_some_and(|ext| ext == "html");
            if fragment.is_empty() || !is_page {
                continue;
            }
            let known = anchors.entry(target.clone()).or_insert_with(|| {
                ids(&fs::read_to_string(book.join(&target)).unwrap_or_default())
            });
            if !known.contains(&percent_decode(fragment)) {
                broken
                    .insert(format!("{}: {link} (no such anchor)", here.display()));
            }
        }
    }
    let broken: Vec<String> = broken.into_iter().collect();
    assert!(
        broken.is_empty(),
        "{} broken links in the book (a page's links come from its note in \
         notes/, or README.md for the front page; print.html repeats them):\n{}",
        broken.len(),
        broken.join("\n")
    );
}
