//! The notes stay true: each sample output is what the binary prints today,
//! each `just` command they name exists, and every heading has both languages.
//!
//! `just notes-check` runs this file alone. A sample is compared by shape:
//! timestamps, addresses, ports, times and delays are masked, codes on one
//! line are sorted, and every line the note shows (bar `...`) must appear in
//! the program's output, in any order.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use regex::Regex;
use side_by_side::{Section, find, sections};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(workspace().join(path)).unwrap()
}

/// Every note, as (file name, text).
fn notes() -> Vec<(String, String)> {
    let mut notes: Vec<(String, String)> = fs::read_dir(workspace().join("notes"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    notes.sort();
    notes
}

/// A `$ command` line in a text block, and the lines the note shows after it.
#[derive(Debug, Clone)]
struct Sample {
    note: String,
    command: String,
    shown: Vec<String>,
}

fn samples(note: &str, text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut in_text = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_text = line == "```text";
            continue;
        }
        if !in_text {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            samples.push(Sample {
                note: note.into(),
                command: command.into(),
                shown: Vec::new(),
            });
        } else if let Some(sample) =
            samples.last_mut().filter(|_| !line.trim().is_empty())
        {
            sample.shown.push(line.to_string());
        }
    }
    samples
}

/// The same line, with what changes from run to run masked.
fn normalize(line: &str) -> String {
    static MASKS: OnceLock<Vec<(Regex, &str)>> = OnceLock::new();
    let masks = MASKS.get_or_init(|| {
        [
            (r"\[\d\d:\d\d:\d\d(\.\d+)?\]", "[T]"),
            (r"0x[0-9a-f]+", "0xADDR"),
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"\(delay [^)]*\)", "(delay D)"),
            (r"\d+\.\d+s", "Ns"),
            (r"\d+(\.\d+)? (µs|ms)", "N $2"),
            // Workers `show` codes while the main thread prints: keep the main's part.
            (r"^([A-Z]{2} )+<Future", "<Future"),
        ]
        .into_iter()
        .map(|(pattern, mask)| (Regex::new(pattern).unwrap(), mask))
        .collect()
    });
    let mut line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    for (pattern, mask) in masks {
        line = pattern.replace_all(&line, *mask).into_owned();
    }
    // A line of codes prints in completion order: compare the set.
    let words: Vec<&str> = line.split(' ').collect();
    if words.len() > 1
        && words
            .iter()
            .all(|w| w.len() == 2 && w.chars().all(|c| c.is_ascii_uppercase()))
    {
        let mut codes = words.clone();
        codes.sort();
        return codes.join(" ");
    }
    line
}

/// The lines a note shows that the program did not print (after masking).
fn missing(shown: &[String], printed: &[String]) -> Vec<String> {
    let mut left: HashMap<String, usize> = HashMap::new();
    for line in printed {
        *left.entry(normalize(line)).or_default() += 1;
    }
    shown
        .iter()
        .map(|line| normalize(line))
        .filter(|line| line != "..." && !line.is_empty())
        .filter(|line| match left.get_mut(line) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// How to re-run a sample quickly, or why it is not re-run.
fn rerun(sample: &Sample, all: &[Section]) -> Result<(String, Vec<String>), String> {
    let words: Vec<&str> = sample.command.split_whitespace().collect();
    let ["just", "run", name, args @ ..] = words.as_slice() else {
        return Err("a measurement, not a section run".into());
    };
    let section = find(all, name).ok_or_else(|| format!("no section {name}"))?;
    if args.contains(&"-s") {
        return Err("needs the book's servers (just serve-book)".into());
    }
    if section.bin == "primes" {
        return Err("minutes of trial division in a debug build".into());
    }
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    // Same output, less waiting: a shorter unit, a smaller delay.
    if section.bin == "loiter_map" {
        args.extend(["--unit".into(), "0.05".into()]);
    } else if !args.iter().any(|a| a == "--server" || a == "--delay") {
        args.extend(["--delay".into(), "0.01".into()]);
    }
    Ok((section.bin, args))
}

/// Builds every binary once (a no-op after `cargo test --workspace`) and
/// returns the directory they are in.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| support::built_bins(&["--workspace", "--bins"]))
}

/// Runs a sample's program in a scratch directory; stdout then stderr lines.
fn printed(bin: &str, args: &[String]) -> Vec<String> {
    let scratch = std::env::temp_dir()
        .join(format!("notes-check-{}-{bin}", std::process::id()));
    fs::create_dir_all(&scratch).unwrap();
    let out = Command::new(bin_dir().join(bin))
        .args(args)
        .current_dir(&scratch)
        .output()
        .unwrap();
    let _ = fs::remove_dir_all(&scratch);
    let text = String::from_utf8_lossy(&out.stdout).into_owned()
        + &String::from_utf8_lossy(&out.stderr);
    text.lines().map(str::to_string).collect()
}

/// Checks one sample; `Err` holds a readable diff.
fn check(sample: &Sample, all: &[Section]) -> Result<(), String> {
    let Ok((bin, args)) = rerun(sample, all) else {
        return Ok(());
    };
    let printed = printed(&bin, &args);
    let missing = missing(&sample.shown, &printed);
    if missing.is_empty() {
        return Ok(());
    }
    let mut diff = format!(
        "{}: `$ {}` no longer prints:\n",
        sample.note, sample.command
    );
    for line in &missing {
        diff += &format!("  - {line}\n");
    }
    diff += "it prints now:\n";
    for line in &printed {
        diff += &format!("  + {}\n", normalize(line));
    }
    Err(diff)
}

fn justfile_sections() -> Vec<Section> {
    sections(&read("justfile"))
}

/// Every `$ just run ...` sample in the notes matches what the binary prints.
#[test]
fn sample_outputs_match_the_binaries() {
    let all = justfile_sections();
    let samples: Vec<Sample> = notes()
        .iter()
        .flat_map(|(name, text)| samples(name, text))
        .collect();
    let checked = samples.iter().filter(|s| rerun(s, &all).is_ok()).count();
    assert!(checked >= 8, "only {checked} samples are checked");
    let failures: Vec<String> = samples
        .iter()
        .filter_map(|s| check(s, &all).err())
        .collect();
    assert!(failures.is_empty(), "stale notes:\n{}", failures.join("\n"));
}

/// A note edited to show output the binary does not print is caught.
#[test]
fn a_stale_sample_is_caught() {
    let all = justfile_sections();
    let note = read("notes/submit_as_completed.md");
    let mut sample = samples("submit_as_completed.md", &note)
        .into_iter()
        .find(|s| s.command == "just run futures")
        .expect("the futures note shows `just run futures`");
    assert!(check(&sample, &all).is_ok(), "the note itself is stale");
    let line = sample
        .shown
        .iter_mut()
        .find(|l| l.starts_with("Scheduled for BD"))
        .unwrap();
    *line = line.replace("Scheduled for", "Planned for");
    let diff = check(&sample, &all).unwrap_err();
    assert!(
        diff.contains("- Planned for BD: <Future at 0xADDR state=running>"),
        "{diff}"
    );
}

/// Every `just NAME` a note or the README names is a recipe of the justfile.
#[test]
fn every_just_command_named_exists() {
    let justfile = read("justfile");
    let recipes: Vec<&str> = justfile
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split([' ', ':']).next())
        .collect();
    // A command: in backticks, or after a `$` prompt.
    let named = Regex::new(r"(?:`|\$ )just ([a-z][a-z-]*)").unwrap();
    let mut texts = notes();
    texts.push(("README.md".into(), read("README.md")));
    for (name, text) in texts {
        for found in named.captures_iter(&text) {
            let recipe = &found[1];
            assert!(
                recipes.contains(&recipe),
                "{name} names `just {recipe}`, which does not exist"
            );
        }
    }
}

/// Under every heading of every note there is Chinese and there is English.
#[test]
fn every_heading_has_chinese_and_english() {
    let chinese = Regex::new(r"[\p{Han}]").unwrap();
    let english = Regex::new(r"[A-Za-z]{2,}(,? [A-Za-z']{2,}){3,}").unwrap();
    for (name, text) in notes() {
        // The part before the first heading is the title and links.
        for part in text.split("\n## ").skip(1) {
            let heading = part.lines().next().unwrap_or_default();
            assert!(chinese.is_match(part), "{name}: '{heading}' has no Chinese");
            assert!(english.is_match(part), "{name}: '{heading}' has no English");
        }
    }
}
