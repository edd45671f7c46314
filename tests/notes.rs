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
    let mut samples: Vec<Sample> = Vec::new();
    let mut in_text = false;
    // Lines belong to a `$` line of the same block, never to an earlier block.
    let mut current: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            in_text = line == "```text";
            current = None;
            continue;
        }
        if !in_text {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            current = Some(samples.len());
            samples.push(Sample {
                note: note.into(),
                command: command.into(),
                shown: Vec::new(),
            });
        } else if let Some(i) = current.filter(|_| !line.trim().is_empty()) {
            samples[i].shown.push(line.to_string());
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
    // One directory per run: tests run in parallel and delete theirs.
    static NEXT: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = std::env::temp_dir()
        .join(format!("notes-check-{}-{bin}-{n}", std::process::id()));
    fs::create_dir_all(&scratch).unwrap();
    let out = Command::new(bin_dir().join(bin))
        .args(args)
        .current_dir(&scratch)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {bin}: {err}"));
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

/// The sample run in each section's `//!` header: the command named in
/// "Sample run (`just run X ...`" and the `text` block after it.
fn listing_samples() -> Vec<Sample> {
    let mut found = Vec::new();
    let command = Regex::new(r"\(`(just run [^`]+)`").unwrap();
    for entry in fs::read_dir(workspace().join("crates")).unwrap() {
        let lib = entry.unwrap().path().join("src/lib.rs");
        let Ok(text) = fs::read_to_string(&lib) else {
            continue;
        };
        let doc: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let Some(start) = doc.iter().position(|l| l.starts_with("Sample run"))
        else {
            continue;
        };
        let header = doc[start..]
            .iter()
            .take_while(|l| !l.starts_with("```"))
            .copied();
        let header = header.collect::<Vec<_>>().join(" ");
        let cmd = command.captures(&header).unwrap_or_else(|| {
            panic!("{}: no (`just run ...` in {header:?}", lib.display())
        })[1]
            .to_string();
        let shown = doc[start..]
            .iter()
            .skip_while(|l| **l != "```text")
            .skip(1)
            .take_while(|l| !l.starts_with("```"))
            .map(|l| l.to_string())
            .collect();
        let name = lib.strip_prefix(workspace()).unwrap().display().to_string();
        found.push(Sample {
            note: name,
            command: cmd,
            shown,
        });
    }
    found
}

/// Every section's `//!` sample run matches what its binary prints today.
#[test]
fn listing_samples_match_the_binaries() {
    let all = justfile_sections();
    let samples = listing_samples();
    assert!(
        samples.len() >= 6,
        "only {} listings show a sample run",
        samples.len()
    );
    let failures: Vec<String> = samples
        .iter()
        .filter_map(|s| check(s, &all).err())
        .collect();
    assert!(
        failures.is_empty(),
        "stale listings:\n{}",
        failures.join("\n")
    );
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
    if let Err(diff) = check(&sample, &all) {
        panic!("the note itself is stale:\n{diff}");
    }
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

/// A note's headings (any level, outside fenced blocks), each with the
/// prose under it up to the next heading: fenced blocks dropped, `code`
/// spans and link targets blanked, so that only words a reader reads remain.
fn sections_of(text: &str) -> Vec<(String, String)> {
    static CODE: OnceLock<Regex> = OnceLock::new();
    let code = CODE.get_or_init(|| {
        Regex::new(r"`[^`]*`|\]\([^)]*\)|<https?://[^>]*>").unwrap()
    });
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = code.replace_all(line, " ");
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            sections.push((heading.to_string(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(&line);
            body.push('\n');
        }
    }
    sections
}

/// Common English words: a run of words with a few of these in it is an
/// English sentence, not a list of codes or identifiers.
const ENGLISH: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "be", "it", "its", "of", "to", "in", "on",
    "at", "by", "for", "with", "from", "as", "and", "or", "but", "not", "no",
    "this", "that", "these", "each", "every", "one", "two", "all", "when", "then",
    "than", "so", "if", "only", "here", "there", "what", "how", "why", "which",
    "who", "do", "does", "can", "has", "have", "you", "your", "we", "our", "they",
    "their", "them", "into", "out", "up", "same", "more", "most", "like", "see",
    "run", "runs", "about", "after", "before", "until", "while", "instead",
];

/// True if `text` holds a real English sentence: a run of at least four
/// words (with nothing but spaces, line breaks and commas between them) of
/// which at least two are common English words.
fn has_english(text: &str) -> bool {
    let mut run: Vec<String> = Vec::new();
    let english = |run: &mut Vec<String>| {
        let common = run.iter().filter(|w| ENGLISH.contains(&w.as_str())).count();
        let found = run.len() >= 4 && common >= 2;
        run.clear();
        found
    };
    let mut word = String::new();
    // A full stop after the text ends the last run.
    for c in text.chars().chain(['.']) {
        if c.is_ascii_alphabetic() || c == '\'' || (c == '-' && !word.is_empty()) {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !word.is_empty() {
            run.push(std::mem::take(&mut word));
        }
        if !matches!(c, ' ' | ',' | '\n') && english(&mut run) {
            return true;
        }
    }
    false
}

/// True if a heading has an English word: two letters or more, with a lower
/// case one (acronyms like `GIL` alone do not count), outside `code`.
fn heading_has_english(heading: &str) -> bool {
    heading
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|word| word.len() >= 2 && word.chars().any(|c| c.is_ascii_lowercase()))
}

/// Every heading of every note, at any level, is itself in both languages
/// (`## 要点 · Key idea`), and the prose under each heading below the title
/// has a Chinese sentence and an English one; code, fenced blocks and link
/// targets do not count as English.
#[test]
fn every_heading_has_chinese_and_english() {
    let chinese = Regex::new(r"\p{Han}").unwrap();
    let mut problems = Vec::new();
    for (name, text) in notes() {
        let sections = sections_of(&text);
        assert!(!sections.is_empty(), "{name} has no heading");
        for (i, (heading, body)) in sections.iter().enumerate() {
            if !chinese.is_match(heading) {
                problems.push(format!("{name}: heading '{heading}' has no Chinese"));
            }
            if !heading_has_english(heading) {
                problems.push(format!("{name}: heading '{heading}' has no English"));
            }
            // Under the title come the crate and Python links, not prose;
            // a heading followed at once by a subheading has no prose either.
            let title = i == 0 && text.starts_with("# ");
            if title || body.trim().is_empty() {
                continue;
            }
            if !chinese.is_match(body) {
                problems
                    .push(format!("{name}: under '{heading}' there is no Chinese"));
            }
            if !has_english(body) {
                problems.push(format!(
                    "{name}: under '{heading}' there is no English sentence"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The English check needs sentences: code, codes and identifiers are not
/// English, whatever their length.
#[test]
fn code_and_lists_of_codes_are_not_english() {
    let prose = |text: &str| {
        let note = format!("## 要点 · Key idea\n{text}\n");
        has_english(&sections_of(&note)[0].1)
    };
    assert!(prose("The waits no longer add up: 20 flags take one wait."));
    assert!(!prose(
        "`executor.map(download_one, cc_list)` `is the one` `to see`"
    ));
    assert!(!prose(
        "BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN"
    ));
    assert!(!prose("```text\nthe output is in the block\n```"));
    assert!(!prose("<https://docs.rs/the/crate/is/here/for/you>"));
    assert!(!prose("[docs](https://docs.rs/the/crate/is/here/for/you)"));
    assert!(!prose("等待不再相加：20 面国旗只需要大约一次最长的等待。"));
    assert_eq!(
        sections_of("# 标题 · Title\n```sh\n# not a heading\n```\n## 二 · Two\n"),
        [
            ("标题 · Title".to_string(), String::new()),
            ("二 · Two".to_string(), String::new())
        ]
    );
}
