//! Dependency hygiene, on stable Rust with no tool to install: every version
//! is declared once, in the root `[workspace.dependencies]`; every entry
//! there is used by some member; and every member's dependency is named in
//! that member's own sources.
//!
//! The manifests are read line by line: the workspace writes each dependency
//! on one line (`name.workspace = true` or `name = { workspace = true, .. }`),
//! and a line of any other shape in a dependency table fails the test, so a
//! manifest this reader does not understand cannot pass unread.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root: this package's manifest directory.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A manifest's dependency tables: table name (`dependencies`,
/// `dev-dependencies`, `workspace.dependencies` ...) to (crate, line) pairs.
fn dependency_tables(manifest: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    let text = fs::read_to_string(manifest).expect("read a Cargo.toml");
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut table = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
        {
            table = name.to_string();
            continue;
        }
        assert!(
            !table.contains("dependencies."),
            "{}: [{table}]: one table per dependency; write it on one line",
            manifest.display()
        );
        if !table.ends_with("dependencies") {
            continue;
        }
        let key = line.split(['=', '.']).next().unwrap_or_default().trim();
        assert!(
            !key.is_empty()
                && key.chars().all(|c| c.is_alphanumeric() || "-_".contains(c)),
            "{}: [{table}]: a line this test cannot read: {line}",
            manifest.display()
        );
        tables
            .entry(table.clone())
            .or_default()
            .push((key.to_string(), line.to_string()));
    }
    tables
}

/// Every member: its directory and its manifest (the root package included).
fn members() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("crates"))
        .expect("crates/")
        .map(|entry| entry.expect("a crate directory").path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs.push(root());
    dirs
}

/// The `.rs` files of a member: for the root package, `tests/` only (its
/// whole job); for a crate, everything under its directory.
fn sources(member: &Path) -> Vec<PathBuf> {
    let start = if member == root() {
        member.join("tests")
    } else {
        member.to_path_buf()
    };
    let mut found = Vec::new();
    let mut stack = vec![start];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("a source directory").flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("target") {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// The name a crate goes by in Rust code: its `[lib] name` if the root
/// package sets one (`futures-chapter` is `support`), else the package name
/// with `-` as `_`.
fn name_in_code(package: &str) -> String {
    match package {
        "futures-chapter" => "support".to_string(),
        _ => package.replace('-', "_"),
    }
}

/// Is `name` used in `text` as the start of a path (`name::`, which covers
/// `use name::..` and `name::macro!`), not as the tail of a longer name?
fn mentions(text: &str, name: &str) -> bool {
    let path = format!("{name}::");
    text.match_indices(&path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Each version is declared once: a member asks the workspace for every
/// dependency (`workspace = true`), never a version or path of its own.
#[test]
fn members_take_every_dependency_from_the_workspace() {
    let mut own = Vec::new();
    for member in members() {
        let manifest = member.join("Cargo.toml");
        for (table, deps) in dependency_tables(&manifest) {
            if table.starts_with("workspace") {
                continue;
            }
            for (name, line) in deps {
                if !line.contains("workspace = true") {
                    own.push(format!(
                        "{}: [{table}] {name}: {line}",
                        manifest.display()
                    ));
                }
            }
        }
    }
    assert!(
        own.is_empty(),
        "declared outside the workspace:\n{}",
        own.join("\n")
    );
}

/// Every `[workspace.dependencies]` entry is some member's dependency.
#[test]
fn every_workspace_dependency_is_used_by_a_member() {
    let declared = dependency_tables(&root().join("Cargo.toml"))
        .remove("workspace.dependencies")
        .expect("a [workspace.dependencies] table");
    assert!(declared.len() > 10, "only {declared:?}");
    let mut used = Vec::new();
    for member in members() {
        for (table, deps) in dependency_tables(&member.join("Cargo.toml")) {
            if !table.starts_with("workspace") {
                used.extend(deps.into_iter().map(|(name, _)| name));
            }
        }
    }
    let unused: Vec<&str> = declared
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !used.iter().any(|u| u == name))
        .collect();
    assert!(unused.is_empty(), "declared, used by no member: {unused:?}");
}

/// Every dependency a member declares is named in that member's sources.
#[test]
fn every_member_uses_what_it_declares() {
    let mut unused = Vec::new();
    for member in members() {
        let text: String = sources(&member)
            .iter()
            .map(|file| fs::read_to_string(file).expect("read a source file"))
            .collect();
        for (table, deps) in dependency_tables(&member.join("Cargo.toml")) {
            if table.starts_with("workspace") {
                continue;
            }
            for (name, _) in deps {
                if !mentions(&text, &name_in_code(&name)) {
                    unused.push(format!("{}: [{table}] {name}", member.display()));
                }
            }
        }
    }
    assert!(
        unused.is_empty(),
        "declared, never used:\n{}",
        unused.join("\n")
    );
}

/// The reader above finds what it should: a name in a path or a `use`, not
/// a longer name that contains it.
#[test]
fn mentions_finds_paths_and_uses_only() {
    assert!(mentions("let x = rayon::current_num_threads();", "rayon"));
    assert!(mentions("use rayon::prelude::*;", "rayon"));
    assert!(mentions("procspawn::enable_test_support!();", "procspawn"));
    assert!(!mentions("// rayon is not used here", "rayon"));
    assert!(!mentions("let rayon_io = 1;", "rayon"));
    assert!(!mentions("compare::rayon_io::global_threads()", "io"));
}
