//! The notes stay true: each sample output is what the binary prints today,
//! each `just` command they name exists, every heading has both languages,
//! and every page follows the language convention the book's switch reads
//! (notes/CONVENTIONS.md), with the rules issue 25's and issue 32's defects
//! called for (kept terms, a bare 书, line numbers, line lengths, clock times).
//!
//! `just notes-check` runs this file alone. A sample is compared by shape:
//! timestamps, addresses, ports, times and delays are masked, codes on one
//! line are sorted, and every line the note shows (bar `...`) must appear in
//! the program's output, in any order. The codes in a listing's `//!` sample
//! are also checked in the order a real seeded run prints them.

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

/// Every note, deep dives included, as (path under notes/, text).
fn notes() -> Vec<(String, String)> {
    all_notes()
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
    // A block may be indented inside a list item (an exercise's answer).
    for line in text.lines().map(str::trim_start) {
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

/// The line of country codes in some output, as printed (not sorted).
fn codes_line(lines: &[String]) -> Option<Vec<String>> {
    lines.iter().find_map(|line| {
        let words: Vec<String> =
            line.split_whitespace().map(str::to_string).collect();
        let codes = words.len() >= 5
            && words
                .iter()
                .all(|w| w.len() == 2 && w.chars().all(|c| c.is_ascii_uppercase()));
        codes.then_some(words)
    })
}

/// `shown` is `printed` in the same order, give or take downloads whose
/// seeded delays are nearly equal (a few milliseconds apart, so a busy
/// machine may finish them in either order): no code more than 3 places
/// away, and half a place on average. A sample from another run or another
/// seed is far out on both counts.
fn same_order(shown: &[String], printed: &[String]) -> Result<(), String> {
    let mut sorted_shown = shown.to_vec();
    let mut sorted_printed = printed.to_vec();
    sorted_shown.sort();
    sorted_printed.sort();
    if sorted_shown != sorted_printed {
        return Err(format!("other codes: {shown:?} vs {printed:?}"));
    }
    let moves: Vec<usize> = shown
        .iter()
        .enumerate()
        .map(|(i, code)| i.abs_diff(printed.iter().position(|c| c == code).unwrap()))
        .collect();
    let most = moves.iter().max().copied().unwrap_or(0);
    let total: usize = moves.iter().sum();
    if most > 3 || total * 2 > shown.len() {
        return Err(format!(
            "another order (a code moved {most} places, {total} in all):\n  shown   {}\n  printed {}",
            shown.join(" "),
            printed.join(" ")
        ));
    }
    Ok(())
}

/// The codes in a listing's `//!` sample are a real run's, in the order the
/// seeded server makes them finish: re-run at the default delay (not the
/// quick one) and compared in order, not as a set ("CD FR BR ..." in a
/// header whose run prints "IR JP VN ..." is caught), against up to three
/// runs.
#[test]
fn listing_sample_codes_are_in_a_real_runs_order() {
    let all = justfile_sections();
    let mut failures = Vec::new();
    for sample in listing_samples() {
        let Some(shown) = codes_line(&sample.shown) else {
            continue;
        };
        let Ok((bin, mut args)) = rerun(&sample, &all) else {
            continue;
        };
        // The seeded 0.1..0.5 s delays decide the order: drop the quick delay.
        if let Some(at) = args.iter().position(|a| a == "--delay") {
            args.drain(at..at + 2);
        }
        // On a busy machine threads start late and near-ties swap: the
        // sample passes if one of three runs reproduces it, and a made-up
        // order fails all three.
        let mut verdict = Err("not run".to_string());
        for _ in 0..3 {
            verdict = match codes_line(&printed(&bin, &args)) {
                Some(printed) => same_order(&shown, &printed),
                None => Err("the run printed no line of codes".into()),
            };
            if verdict.is_ok() {
                break;
            }
        }
        if let Err(why) = verdict {
            failures.push(format!("{}: {why}", sample.note));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The order check allows a few near-ties to swap, not a different order.
#[test]
fn a_sample_in_another_order_is_caught() {
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let run = words("IR JP VN PH DE CD BR MX ET EG");
    assert!(same_order(&words("IR JP VN PH DE CD BR MX ET EG"), &run).is_ok());
    assert!(same_order(&words("JP IR VN PH DE CD BR MX ET EG"), &run).is_ok());
    assert!(same_order(&words("VN PH IR JP DE CD BR MX ET EG"), &run).is_err());
    let twenty =
        words("IR JP VN PH DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK");
    let busy = words("VN PH IR JP DE CD BR MX ET EG CN TR US ID IN FR BD RU NG PK");
    assert!(same_order(&busy, &twenty).is_ok());
    assert!(same_order(&words("CD FR BR DE BD IR CN IN EG ID"), &run).is_err());
    assert!(same_order(&words("EG JP VN PH DE CD BR MX ET IR"), &run).is_err());
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

// ── The language convention (notes/CONVENTIONS.md) ─────────────────────────
//
// The book's language switch (book/lang-switch.js) shows 中文, English or
// both by reading the notes' marking convention; these rules are its other
// half. They read every note, including pages they were not written for
// (notes/deep/ and pages added later): a page passes as long as it follows
// the convention.

/// What a reader reads as one unit, and how the switch treats it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Heading,
    Paragraph,
    Item,
    Cell,
    Summary,
}

#[derive(Debug, Clone)]
struct Unit {
    kind: Kind,
    line: usize,
    text: String,
}

/// Every note under notes/ (deep dives included), as (path under notes/, text).
fn all_notes() -> Vec<(String, String)> {
    let root = workspace().join("notes");
    let mut found = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                let name = path.strip_prefix(&root).unwrap().display().to_string();
                found.push((name, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// The units of a Markdown page: headings, paragraphs (blockquotes included),
/// list items, table cells and `<summary>`s; fenced blocks and HTML lines out.
fn units(text: &str) -> Vec<Unit> {
    let summary = Regex::new(r"<summary>(.*?)</summary>").unwrap();
    let item = Regex::new(r"^\s*(?:[-*]|\d+\.)\s+(.*)$").unwrap();
    let mut units: Vec<Unit> = Vec::new();
    let mut open: Option<Unit> = None;
    let mut fenced = false;
    let close = |open: &mut Option<Unit>, units: &mut Vec<Unit>| {
        if let Some(unit) = open.take() {
            units.push(unit);
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.starts_with("```") {
            close(&mut open, &mut units);
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // A blockquote's lines are read like any other.
        let line = match line.strip_prefix('>') {
            Some(quoted) => quoted.trim_start(),
            None => line,
        };
        let at = |kind, text: &str| Unit {
            kind,
            line: i + 1,
            text: text.trim().to_string(),
        };
        if line.is_empty() {
            close(&mut open, &mut units);
        } else if line.starts_with('<') {
            close(&mut open, &mut units);
            if let Some(found) = summary.captures(line) {
                units.push(at(Kind::Summary, &found[1]));
            }
        } else if let Some(heading) = line.strip_prefix('#') {
            close(&mut open, &mut units);
            units.push(at(Kind::Heading, heading.trim_start_matches('#')));
        } else if line.starts_with('|') {
            close(&mut open, &mut units);
            if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            for cell in table_cells(line) {
                units.push(at(Kind::Cell, &cell));
            }
        } else if let Some(found) = item.captures(raw) {
            close(&mut open, &mut units);
            open = Some(at(Kind::Item, &found[1]));
        } else if let Some(unit) = open.as_mut() {
            unit.text.push(' ');
            unit.text.push_str(line.trim());
        } else {
            open = Some(at(Kind::Paragraph, line));
        }
    }
    close(&mut open, &mut units);
    units
}

/// The cells of a table row; `\|` inside a cell is not a border.
fn table_cells(row: &str) -> Vec<String> {
    let row = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap().push(chars.next().unwrap());
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn han() -> &'static Regex {
    static HAN: OnceLock<Regex> = OnceLock::new();
    HAN.get_or_init(|| Regex::new(r"\p{Han}").unwrap())
}

/// The words a reader reads: code spans, link targets and file names out.
fn prose(text: &str) -> String {
    static NOT_WORDS: OnceLock<Regex> = OnceLock::new();
    let not_words = NOT_WORDS.get_or_init(|| {
        Regex::new(
            r"`[^`]*`|\]\([^)]*\)|<https?://[^>]*>|https?://\S+|\S*[./]\S*\.(?:md|rs|py|svg|html|toml|json|gif)\b\S*|\S+/\S*|\b\w+(?:\.\w+)+\b",
        )
        .unwrap()
    });
    // Code spans first, so a file name next to one cannot swallow its backtick.
    static CODE: OnceLock<Regex> = OnceLock::new();
    let code = CODE.get_or_init(|| Regex::new(r"`[^`]*`").unwrap());
    let text = code.replace_all(text, " ");
    not_words.replace_all(&text, " ").into_owned()
}

/// English words: two letters or more, starting lower case (not `CN`, `GIL`).
fn english_words(text: &str) -> usize {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| Regex::new(r"\b[a-z][a-z'-]*[a-z]\b").unwrap());
    word.find_iter(&prose(text)).count()
}

#[derive(Debug, PartialEq)]
enum Lang {
    /// "中文 · English" in one unit: the Chinese part, the English part.
    Both(String, String),
    Chinese,
    English,
    /// Code, commands, numbers, file names: shown in every language.
    Neutral,
}

/// How the book's switch reads a unit: split at the last " · " with Chinese
/// before it and none after it (and a word after it); else by its script.
fn lang(text: &str) -> Lang {
    static CODE: OnceLock<Regex> = OnceLock::new();
    static IMAGE: OnceLock<Regex> = OnceLock::new();
    let code = CODE.get_or_init(|| Regex::new(r"`[^`]*`").unwrap());
    // An image's alt text is an attribute, which the switch never touches.
    let image = IMAGE.get_or_init(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").unwrap());
    let text = &*image.replace_all(text, " ");
    // Separators inside code spans do not count.
    let blanked =
        code.replace_all(text, |c: &regex::Captures| "x".repeat(c[0].len()));
    let seps: Vec<usize> = blanked.match_indices(" · ").map(|(at, _)| at).collect();
    for &at in seps.iter().rev() {
        let (before, after) = (&text[..at], &text[at + " · ".len()..]);
        let word = code
            .replace_all(after, " ")
            .as_bytes()
            .windows(2)
            .any(|w| w.iter().all(u8::is_ascii_alphabetic));
        if han().is_match(before) && !han().is_match(after) && word {
            return Lang::Both(before.to_string(), after.to_string());
        }
    }
    let words = prose(text);
    if han().is_match(&words) {
        Lang::Chinese
    } else if english_words(text) >= 2 {
        Lang::English
    } else {
        Lang::Neutral
    }
}

/// The link targets in a piece of Markdown, sorted.
fn link_targets(text: &str) -> Vec<String> {
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK
        .get_or_init(|| Regex::new(r"\]\(([^)]*)\)|<(https?://[^>]*)>").unwrap());
    let mut targets: Vec<String> = link
        .captures_iter(text)
        .map(|c| c.get(1).or(c.get(2)).unwrap().as_str().to_string())
        .collect();
    targets.sort();
    targets
}

/// The shared lead of a split unit, shown in every language: the code spans
/// and file links it opens with (`download_one` 返回… · returns…).
fn without_lead(text: &str) -> &str {
    static LEAD: OnceLock<Regex> = OnceLock::new();
    let lead = LEAD.get_or_init(|| {
        Regex::new(r"^(?:\s|[:：,，、]|`[^`]*`|\[`[^`\]]*`\]\([^)]*\)|\[[\w./-]+\.(?:md|rs|py|svg|toml)\]\([^)]*\))*")
            .unwrap()
    });
    &text[lead.find(text).map_or(0, |m| m.end())..]
}

/// The problems of one page against the language convention.
fn convention_problems(name: &str, text: &str) -> Vec<String> {
    let units = units(text);
    let mut problems = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let at = format!("{name}:{}", unit.line);
        let found = lang(&unit.text);
        match (&found, unit.kind) {
            (Lang::Both(zh, en), _) => {
                let zh = without_lead(zh);
                if link_targets(zh) != link_targets(en) {
                    problems.push(format!(
                        "{at}: a link shows in one language only (give both halves the \
                         same links): {}",
                        unit.text
                    ));
                }
            }
            (Lang::Neutral, _) => {}
            (_, Kind::Heading) => problems.push(format!(
                "{at}: a heading is \"中文 · English\": {}",
                unit.text
            )),
            (Lang::Chinese, Kind::Paragraph) => {
                let next = units.get(i + 1);
                if !next.is_some_and(|n| {
                    n.kind == Kind::Paragraph && lang(&n.text) == Lang::English
                }) {
                    problems.push(format!(
                        "{at}: a Chinese paragraph is followed by its English one: {}",
                        short(&unit.text)
                    ));
                }
            }
            (Lang::English, Kind::Paragraph) => {
                let previous = i.checked_sub(1).map(|p| &units[p]);
                if !previous.is_some_and(|p| {
                    p.kind == Kind::Paragraph && lang(&p.text) == Lang::Chinese
                }) {
                    problems.push(format!(
                        "{at}: an English paragraph follows its Chinese one: {}",
                        short(&unit.text)
                    ));
                }
            }
            (Lang::Chinese, _) => problems.push(format!(
                "{at}: Chinese only; write \"中文 · English\": {}",
                short(&unit.text)
            )),
            (Lang::English, _) => problems.push(format!(
                "{at}: English only; write \"中文 · English\": {}",
                short(&unit.text)
            )),
        }
    }
    problems
}

fn short(text: &str) -> String {
    let mut short: String = text.chars().take(70).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Every note follows the language convention that the book's switch reads.
#[test]
fn every_note_follows_the_language_convention() {
    let mut texts = all_notes();
    texts.push(("../README.md".into(), read("README.md")));
    let problems: Vec<(String, String)> = texts
        .iter()
        .flat_map(|(name, text)| {
            convention_problems(name, text)
                .into_iter()
                .map(|problem| (name.clone(), problem))
        })
        .collect();
    report("the language convention (notes/CONVENTIONS.md)", problems);
}

/// The convention's rules catch what they are for, and pass what they should.
#[test]
fn the_convention_rules_catch_their_cases() {
    assert_eq!(
        lang("期物 · future"),
        Lang::Both("期物".into(), "future".into())
    );
    assert_eq!(
        lang("flags2 · 从示例到工具 · From listing to tool"),
        Lang::Both(
            "flags2 · 从示例到工具".into(),
            "From listing to tool".into()
        )
    );
    assert_eq!(lang("`executor.submit(fn, arg)`"), Lang::Neutral);
    assert_eq!(lang("[sequential.md](sequential.md)"), Lang::Neutral);
    assert_eq!(lang("a closure carries the argument"), Lang::English);
    assert_eq!(lang("必须给出线程数"), Lang::Chinese);
    let bad = "# 题 · Title\n\n只有中文的段落。\n\n| A | B |\n|---|---|\n| `x` | the same names |\n\n\
               - 上一节 · Previous: [a.md](a.md)\n";
    let problems = convention_problems("bad.md", bad);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].contains("bad.md:3: a Chinese paragraph"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("bad.md:7: English only"),
        "{problems:#?}"
    );
    assert!(
        problems[2].contains("bad.md:9: a link shows"),
        "{problems:#?}"
    );
    let good = "# 题 · Title\n\n中文。\n\nEnglish text here.\n\n| A | B |\n|---|---|\n\
                | `x` | 同名 · the same names |\n\n- `f` 返回 `x`。 · returns `x`.\n\
                - 上一节：[a.md](a.md) · Previous: [a.md](a.md)\n";
    assert_eq!(convention_problems("good.md", good), Vec::<String>::new());
}

// ── What the issue's defects taught (issue 25) ──────────────────────────────

/// Notes owned elsewhere and converted when the branches merge: their
/// problems are printed, not failed, and the run says so.
const CONVERTED_AT_MERGE: &[&str] = &[];

/// Fails with the problems of ordinary notes; prints (and counts) those of
/// the notes in `CONVERTED_AT_MERGE`.
fn report(rule: &str, problems: Vec<(String, String)>) {
    let (pending, failing): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|(note, _)| CONVERTED_AT_MERGE.contains(&note.as_str()));
    if !pending.is_empty() {
        eprintln!(
            "{rule}: skipped {} problems in notes converted at merge ({}):",
            pending.len(),
            CONVERTED_AT_MERGE.join(", ")
        );
        for (_, problem) in &pending {
            eprintln!("  {problem}");
        }
    }
    let failing: Vec<String> = failing.into_iter().map(|(_, p)| p).collect();
    assert!(failing.is_empty(), "{rule}:\n{}", failing.join("\n"));
}

/// The glossary's terms: (中文, English), from its first column.
fn glossary_terms() -> Vec<(String, String)> {
    units(&read("notes/glossary.md"))
        .into_iter()
        .filter(|u| u.kind == Kind::Cell)
        .filter_map(|u| match lang(&u.text) {
            Lang::Both(zh, en) if !zh.contains('`') => Some((zh, en)),
            _ => None,
        })
        .filter(|(zh, _)| zh != "术语")
        .collect()
}

/// The glossary has at least 40 terms, each "中文 · English".
#[test]
fn the_glossary_has_forty_terms() {
    let terms = glossary_terms();
    assert!(terms.len() >= 40, "only {} terms: {terms:?}", terms.len());
}

/// The English words a Chinese sentence must not leave untranslated: each
/// glossary term's English (and the first word of a two-word term, such as
/// "worker" of "worker thread"), unless its Chinese itself keeps it (GIL).
fn watched_words() -> Vec<(String, String)> {
    let mut words = Vec::new();
    for (zh, en) in glossary_terms() {
        let en = en.split(['(', ',']).next().unwrap().trim().to_lowercase();
        let mut candidates = vec![en.clone()];
        if let Some((first, _)) = en.split_once(' ') {
            candidates.push(first.to_string());
        }
        for word in candidates {
            let kept = zh.to_lowercase().contains(&word);
            if !kept && word.len() > 2 && !words.iter().any(|(w, _)| *w == word) {
                words.push((word, zh.clone()));
            }
        }
    }
    words
}

/// The Chinese text of a note: Chinese paragraphs and the Chinese halves of
/// "中文 · English" units, with code, links and file names taken out, and
/// glosses too: 许可（permit） translates the term and names it.
fn chinese_text(text: &str) -> Vec<(usize, String)> {
    units(text)
        .into_iter()
        .filter_map(|u| match lang(&u.text) {
            Lang::Both(zh, _) => Some((u.line, prose(without_lead(&zh)))),
            Lang::Chinese => Some((u.line, prose(&u.text))),
            _ => None,
        })
        .map(|(line, text)| (line, without_glosses(&text)))
        .collect()
}

/// Text with its glosses taken out. A parenthesised English word is a gloss
/// only when it names the Chinese just before it: the glossary's English of
/// the glossary term the text before it ends with (许可（permit）), or a word
/// the glossary keeps (全局解释器锁（GIL）). Anything else, such as
/// 第一种（lambda）, stays, for the kept-term rules to catch.
fn without_glosses(text: &str) -> String {
    /// The glossary's (Chinese, English) terms, and the words it keeps.
    type Known = (Vec<(String, String)>, Vec<String>);
    static GLOSS: OnceLock<Regex> = OnceLock::new();
    static KNOWN: OnceLock<Known> = OnceLock::new();
    let gloss =
        GLOSS.get_or_init(|| Regex::new(r"（([A-Za-z][A-Za-z -]*)）").unwrap());
    let (terms, kept) = KNOWN.get_or_init(|| (glossary_terms(), kept_terms()));
    gloss
        .replace_all(text, |c: &regex::Captures| {
            let word = c[1].to_lowercase();
            let before = text[..c.get(0).unwrap().start()].trim_end();
            let names_it = kept.contains(&word)
                || terms.iter().any(|(zh, en)| {
                    en.to_lowercase() == word && before.ends_with(zh.as_str())
                });
            if names_it {
                " ".to_string()
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
}

/// A gloss names the Chinese before it; a parenthesised word that names
/// nothing is left for the kept-term rules.
#[test]
fn a_gloss_names_the_chinese_before_it() {
    assert_eq!(
        without_glosses("先拿许可（permit）再下载").trim_end(),
        "先拿许可 再下载"
    );
    assert!(!without_glosses("全局解释器锁（GIL）").contains("GIL"));
    assert!(without_glosses("Python 连第一种（lambda）也").contains("lambda"));
    assert!(without_glosses("取消（permit）").contains("permit"));
    let kept = kept_terms();
    let text = "Python 连第一种（lambda）也要到运行时才报错。\n\nEven the first.\n";
    assert_eq!(unkept_words(text, &kept), vec![(1, "lambda".to_string())]);
}

/// No Chinese sentence leaves a glossary term in English ("被 worker 拿走"):
/// the term is written in Chinese, or as `code`.
#[test]
fn no_chinese_sentence_leaves_a_term_in_english() {
    let watched: Vec<(Regex, String, String)> = watched_words()
        .into_iter()
        .map(|(word, zh)| {
            // "delay" and "Delay", not the server label "DELAY".
            let (first, rest) = word.split_at(1);
            let pattern = format!(
                r"\b(?i:{}){}s?\b",
                regex::escape(first),
                regex::escape(rest)
            );
            (Regex::new(&pattern).unwrap(), word, zh)
        })
        .collect();
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        for (line, chinese) in chinese_text(&text) {
            for (pattern, word, zh) in &watched {
                if pattern.is_match(&chinese) {
                    problems.push((
                        name.clone(),
                        format!("{name}:{line}: \"{word}\" in a Chinese sentence: write {zh} (or `{word}`)"),
                    ));
                }
            }
        }
    }
    report("glossary terms left in English", problems);
}

/// The rule above catches "worker" in a Chinese sentence, and passes code.
#[test]
fn an_english_term_in_chinese_is_caught() {
    let words = watched_words();
    assert!(
        words
            .iter()
            .any(|(w, zh)| w == "worker" && zh == "工作线程"),
        "{words:?}"
    );
    assert!(
        words.iter().all(|(w, _)| w != "gil"),
        "GIL is kept in its Chinese: {words:?}"
    );
    let text =
        "只在任务还没被 worker 拿走时成功。\n\nOnly before a worker takes it.\n";
    assert_eq!(chinese_text(text).len(), 1);
    assert!(chinese_text(text)[0].1.contains("worker"));
    let coded =
        "只在任务还没被 `worker` 拿走时成功。\n\nOnly before a worker takes it.\n";
    assert!(!chinese_text(coded)[0].1.contains("worker"));
}

/// A section note's core path is at most 250 lines (the listings the book
/// includes next to it do not count); depth goes to notes/deep/.
#[test]
fn every_main_road_is_at_most_250_lines() {
    // pitfalls.md is a catalogue that other changes append to, not a section.
    let long: Vec<(String, String)> = all_notes()
        .into_iter()
        .filter(|(name, _)| !name.contains('/') && name != "pitfalls.md")
        .filter(|(_, text)| text.lines().count() > 250)
        .map(|(name, text)| {
            let problem = format!(
                "{name} has {} lines: move depth to notes/deep/",
                text.lines().count()
            );
            (name, problem)
        })
        .collect();
    report("core paths over 250 lines", long);
}

/// A measurement's output (a `$` command notes-check cannot re-run, such as
/// `just bench-python`) is shown in one note only; others link to it, so
/// two copies cannot drift apart.
#[test]
fn a_measurement_is_shown_in_one_place() {
    let all = justfile_sections();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        for sample in samples(&name, &text) {
            if sample.shown.is_empty() || rerun(&sample, &all).is_ok() {
                continue;
            }
            match seen.get(&sample.command) {
                Some(first) if *first != name => problems.push((
                    name.clone(),
                    format!(
                        "{name} shows `$ {}`, already shown in {first}: link to it",
                        sample.command
                    ),
                )),
                _ => {
                    seen.insert(sample.command.clone(), name.clone());
                }
            }
        }
    }
    report("measurements shown twice", problems);
}

/// A note that quotes a time from this machine ("本机", "here") links the
/// primer that says how to scale it to another machine.
#[test]
fn a_note_with_local_timings_links_the_scaling_formula() {
    let problems: Vec<(String, String)> = all_notes()
        .into_iter()
        .filter(|(name, _)| name != "timings.md")
        .filter(|(_, text)| text.contains("本机"))
        .filter(|(_, text)| !text.contains("timings.md"))
        .map(|(name, _)| {
            let problem =
                format!("{name} quotes this machine's times: link timings.md");
            (name, problem)
        })
        .collect();
    report("local timings without the formula", problems);
}

/// "Running at submit" is this crate's choice, not Python's: a sentence that
/// says a task's state is settled at `submit` also names Python (or CPython),
/// so the difference is stated where the claim is.
#[test]
fn running_at_submit_is_never_taught_as_python() {
    let claim = Regex::new(
        r"(?i)(running|pending|state)[^.。]*\bat\s+`?submit`?|在\s*`?submit`?\s*时",
    )
    .unwrap();
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        for unit in units(&text) {
            if claim.is_match(&prose_keep_code(&unit.text))
                && !unit.text.contains("Python")
            {
                problems.push((
                    name.clone(),
                    format!(
                        "{name}:{}: says a state is set at `submit` without naming \
                         Python's behaviour: {}",
                        unit.line,
                        short(&unit.text)
                    ),
                ));
            }
        }
    }
    report("running at submit taught as a rule", problems);
}

/// Text with code spans kept as their content (`submit` reads as submit).
fn prose_keep_code(text: &str) -> String {
    text.replace('`', "")
}

/// A Python signature quoted in a side-by-side table whose header links a
/// listing in notes/py/ is that listing's: `async def get_flag(client, cc)`
/// next to a twin that says `get_flag(cc)` is caught.
#[test]
fn python_signatures_in_tables_match_their_listing() {
    let listing = Regex::new(r"\(py/([\w.]+\.py)\)").unwrap();
    let def = Regex::new(r"`((?:async )?def \w+\([^`]*\))`").unwrap();
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        let mut current: Option<String> = None;
        for line in text.lines() {
            if !line.starts_with('|') {
                current = None;
                continue;
            }
            if current.is_none() {
                // The table's header row names the listing, if any.
                current = Some(
                    listing
                        .captures(line)
                        .map(|c| read(format!("notes/py/{}", &c[1])))
                        .unwrap_or_default(),
                );
                continue;
            }
            let source = current.as_deref().unwrap_or("");
            for found in def.captures_iter(line) {
                if !source.is_empty() && !source.contains(&found[1]) {
                    problems.push((
                        name.clone(),
                        format!(
                            "{name}: `{}` is not in the listing its table names",
                            &found[1]
                        ),
                    ));
                }
            }
        }
    }
    report("Python signatures that are not their listing's", problems);
}

/// The previous and next links at the end of each note follow the book's
/// order (book/SUMMARY.md), so the course reads as one path.
#[test]
fn previous_and_next_follow_the_book() {
    let summary = read("book/SUMMARY.md");
    let entry = Regex::new(r"\]\(notes/([\w]+\.md)\)").unwrap();
    let order: Vec<String> = summary
        .lines()
        .filter_map(|l| entry.captures(l).map(|c| c[1].to_string()))
        .collect();
    let nav = Regex::new(r"^- (上一节|下一节)：\[[^\]]*\]\(([\w./]+)\)").unwrap();
    let mut problems = Vec::new();
    for (i, name) in order.iter().enumerate() {
        let text = read(format!("notes/{name}"));
        let mut found: HashMap<&str, String> = HashMap::new();
        for line in text.lines() {
            if let Some(c) = nav.captures(line) {
                let which = if &c[1] == "上一节" {
                    "previous"
                } else {
                    "next"
                };
                found.insert(which, c[2].to_string());
            }
        }
        let expected = [
            ("previous", i.checked_sub(1).map(|p| order[p].clone())),
            ("next", order.get(i + 1).cloned()),
        ];
        for (which, want) in expected {
            let got = found.get(which);
            let ok = match (&want, got) {
                (Some(want), Some(got)) => want == got,
                (None, None) => true,
                // The index and the glossary may leave a link out at the ends.
                (Some(_), None) => i == 0 || i + 1 == order.len(),
                (None, Some(_)) => false,
            };
            if !ok {
                problems.push((
                    name.clone(),
                    format!(
                        "{name}: its {which} link should be {want:?}, not {got:?}"
                    ),
                ));
            }
        }
    }
    report("previous and next links", problems);
}

/// The sample outputs (fenced blocks) of a note, as one text.
fn outputs(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines().map(str::trim_start) {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The measured times of a note (two decimals, like 28.67 s) that do not
/// name their run. A time is covered by a sample output of the same note; a
/// sentence that points at another note ("full output in flags2.md: 28.67 s")
/// must quote that note's figure; otherwise its section must say whose run
/// it is ("本机", "one run here", "the book"). A figure worked out (after `≈`
/// or `=`) is not a run. `linked` reads a note a sentence links.
fn times_without_run(
    name: &str,
    text: &str,
    linked: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let time = Regex::new(r"(\d+\.\d\d) ?(?:s\b|秒)").unwrap();
    let code = Regex::new(r"`[^`]*`").unwrap();
    let link = Regex::new(r"\]\(([\w./]+\.md)(?:#[^)]*)?\)").unwrap();
    const RUN: &[&str] = &[
        "本机",
        "一次运行",
        "书中",
        "书里",
        "here",
        "one run",
        "this machine",
        "the book",
        "chapter",
    ];
    let here = outputs(text);
    // Units grouped by section: a section's run marker covers its tables.
    let mut sections: Vec<Vec<Unit>> = vec![Vec::new()];
    for unit in units(text) {
        if unit.kind == Kind::Heading {
            sections.push(Vec::new());
        }
        sections.last_mut().unwrap().push(unit);
    }
    let mut problems = Vec::new();
    for section in sections {
        let says_run = section
            .iter()
            .any(|u| RUN.iter().any(|w| u.text.contains(w)));
        for unit in &section {
            let prose = code.replace_all(&unit.text, " ");
            // The primer on scaling is linked for its formula, not as a run.
            let links: Vec<String> = link
                .captures_iter(&unit.text)
                .filter(|l| !l[1].ends_with("timings.md"))
                .filter_map(|l| linked(&l[1]))
                .collect();
            for found in time.captures_iter(&prose) {
                let figure = found.get(1).unwrap();
                // Worked out (≈, =) or the far end of a range: not a run.
                let before = prose[..figure.start()].trim_end();
                let derived = before.ends_with(['≈', '=', '–', '-', '.'])
                    || before.ends_with(|c: char| c.is_ascii_digit());
                if derived {
                    continue;
                }
                let figure = figure.as_str();
                let ok = if here.contains(figure) {
                    true
                } else if !links.is_empty() {
                    links.iter().any(|t| t.contains(figure))
                } else {
                    says_run
                };
                if !ok {
                    problems.push(format!(
                        "{name}:{}: {figure} s: name the run (a sample here, the figure \
                         of the note it links, or \"one run here\")",
                        unit.line
                    ));
                }
            }
        }
    }
    problems
}

/// Every measured time in the notes names the run it came from.
#[test]
fn a_quoted_time_names_its_run() {
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        let dir = Path::new("notes")
            .join(&name)
            .parent()
            .unwrap()
            .to_path_buf();
        let linked = |target: &str| {
            fs::read_to_string(workspace().join(&dir).join(target)).ok()
        };
        for problem in times_without_run(&name, &text, &linked) {
            problems.push((name.clone(), problem));
        }
    }
    report("times without their run", problems);
}

/// "22 s in one run here, see flags2.md" next to flags2.md's 28.67 s is caught.
#[test]
fn a_time_from_another_run_is_caught() {
    let flags2 = "```text\nElapsed time: 28.67s\n```\n".to_string();
    let linked = |_: &str| Some(flags2.clone());
    let note = |text: &str| times_without_run("n.md", text, &linked);
    assert!(
        note("## 运行 · Run\n\n见 [flags2.md](flags2.md)：用了 28.67 秒。\n")
            .is_empty()
    );
    assert_eq!(
        note("## 运行 · Run\n\n见 [flags2.md](flags2.md)：本机用了 22.10 秒。\n")
            .len(),
        1
    );
    assert_eq!(note("## 运行 · Run\n\n用了 3.19 秒。\n").len(), 1);
    assert!(note("## 运行 · Run\n\n本机一次运行用了 3.19 秒。\n").is_empty());
    assert!(note("## 运行 · Run\n\n约 6 / 8 ≈ 0.75 秒。\n").is_empty());
}

/// The notes where Python 3.14 changes the lesson carry the box "Python 3.14
/// 与自由线程 · Python 3.14 and free threading", and between them the boxes
/// name what 3.14 brought: a third executor, `map`'s `buffersize`, the pool's
/// `terminate_workers()` and `kill_workers()`, and free-threaded builds.
#[test]
fn python_3_14_is_where_it_matters() {
    const BOX: &str = "Python 3.14 与自由线程 · Python 3.14 and free threading";
    const WHERE: &[&str] =
        &["loiter_map.md", "processes.md", "concurrent_futures.md"];
    const FACTS: &[&str] = &[
        "InterpreterPoolExecutor",
        "buffersize",
        "terminate_workers()",
        "kill_workers()",
        "自由线程版",
        "free-threaded",
    ];
    let mut problems = Vec::new();
    let mut boxes = String::new();
    for name in WHERE {
        let text = read(format!("notes/{name}"));
        match text.find(BOX) {
            // The box is a blockquote: its lines up to the first that is not.
            Some(at) => text[at..]
                .lines()
                .take_while(|l| l.starts_with('>') || l.contains(BOX))
                .for_each(|l| boxes.push_str(l)),
            None => problems
                .push((name.to_string(), format!("{name} has no box \"{BOX}\""))),
        }
    }
    for fact in FACTS {
        if !boxes.contains(fact) {
            problems.push(("boxes".into(), format!("no 3.14 box names {fact}")));
        }
    }
    report("Python 3.14", problems);
}

/// The section crates: their sources are the listings a learner reads, and
/// never edits (the exercises are the copies made to be broken).
const LISTING_CRATES: [&str; 6] = [
    "sequential",
    "threadpool",
    "submit_as_completed",
    "loiter_map",
    "processes",
    "async_flags",
];

/// True if `text` asks the reader to change code: "改成", "删掉", or an
/// English verb where a sentence, clause or half starts ("Set ...",
/// ": add ..."), so that "how does the total change?" asks nothing.
fn asks_for_an_edit(text: &str) -> bool {
    static EDIT: OnceLock<Regex> = OnceLock::new();
    static CODE: OnceLock<Regex> = OnceLock::new();
    let edit = EDIT.get_or_init(|| {
        Regex::new(
            r"改成|改为|改回|换成|换为|删掉|删去|删除|去掉|加上|加一行|添加|插入|(?i:(?:^|[.:;!?·]\s+|\bthen\s+|,\s+)(?:change|replace|remove|delete|add|set|edit|insert|swap|undo)\b)",
        )
        .unwrap()
    });
    let code = CODE.get_or_init(|| Regex::new(r"`[^`]*`|\]\([^)]*\)").unwrap());
    edit.is_match(&code.replace_all(text, " "))
}

/// True if `text` names a listing's source: a path into a section crate's
/// `src/`, a bare `lib.rs` (or `main.rs`, `primes.rs`, `flags2.rs` ...), or
/// a build of a section crate (`cargo build -p threadpool`).
fn names_a_listing(text: &str) -> bool {
    static LISTING: OnceLock<Regex> = OnceLock::new();
    let listing = LISTING.get_or_init(|| {
        let crates = LISTING_CRATES.join("|");
        Regex::new(&format!(
            r"\b(?:{crates})/src/|(?:^|[^\w/.-])(?:lib|main|primes|flags2|flags3|watch)\.rs\b|\bcargo (?:build|run|check)\b[^`]*\s-p\s+(?:{crates})\b"
        ))
        .unwrap()
    });
    listing.is_match(text)
}

/// True if `text` names an exercise: `just exercise NAME` or its file.
fn names_an_exercise(text: &str) -> bool {
    static EXERCISE: OnceLock<Regex> = OnceLock::new();
    let exercise = EXERCISE.get_or_init(|| {
        Regex::new(r"just exercise [a-z]|crates/exercises/exercises/|\b\d\d_\w+\.(?:rs|py)\b")
            .unwrap()
    });
    exercise.is_match(text)
}

/// The Try it items of a note that send the reader to edit a listing. An
/// item is a numbered entry with everything up to the next (its answer
/// included). A unit (the entry, a paragraph of its answer) that asks for a
/// change and names a listing's source is one; so is an item that asks for
/// a change and names no exercise, since the change can only be made then
/// to a listing.
fn listing_edits(name: &str, text: &str) -> Vec<String> {
    static NUMBERED: OnceLock<Regex> = OnceLock::new();
    let numbered = NUMBERED.get_or_init(|| Regex::new(r"^\d+\.\s").unwrap());
    let lines: Vec<&str> = text.lines().collect();
    let units = units(text);
    let level = |unit: &Unit| {
        let line = lines[unit.line - 1].trim_start();
        line.chars().take_while(|&c| c == '#').count()
    };
    let mut problems = Vec::new();
    for (at, heading) in units.iter().enumerate() {
        if heading.kind != Kind::Heading || !heading.text.contains("动手试试") {
            continue;
        }
        // Each item: its line, and whether it asks for an edit, names an
        // exercise, and was reported already (for a listing named).
        let mut items: Vec<(usize, bool, bool, bool)> = Vec::new();
        for unit in units[at + 1..]
            .iter()
            .take_while(|u| u.kind != Kind::Heading || level(u) > level(heading))
        {
            if unit.kind == Kind::Item && numbered.is_match(lines[unit.line - 1]) {
                items.push((unit.line, false, false, false));
            }
            let edit = asks_for_an_edit(&unit.text);
            let listing = edit && names_a_listing(&unit.text);
            if listing {
                problems.push(format!(
                    "{name}:{}: edits a listing; name an exercise file to change \
                     instead: {}",
                    unit.line,
                    short(&unit.text)
                ));
            }
            if let Some(item) = items.last_mut() {
                item.1 |= edit;
                item.2 |= names_an_exercise(&unit.text);
                item.3 |= listing;
            }
        }
        for (line, edit, exercise, reported) in items {
            if edit && !exercise && !reported {
                problems.push(format!(
                    "{name}:{line}: asks for a change but names no exercise to make \
                     it in, so the change would be to a listing"
                ));
            }
        }
    }
    problems
}

/// What `rule` finds in every note, each problem with its note's name.
fn in_every_note(rule: impl Fn(&str, &str) -> Vec<String>) -> Vec<(String, String)> {
    in_texts(all_notes(), rule)
}

/// [`in_every_note`], and the README's bilingual front page too.
fn in_notes_and_readme(
    rule: impl Fn(&str, &str) -> Vec<String>,
) -> Vec<(String, String)> {
    let mut texts = all_notes();
    texts.push(("../README.md".into(), read("README.md")));
    in_texts(texts, rule)
}

fn in_texts(
    texts: Vec<(String, String)>,
    rule: impl Fn(&str, &str) -> Vec<String>,
) -> Vec<(String, String)> {
    let notes = texts.into_iter();
    let found = notes.map(|(name, text)| (rule(&name, &text), name));
    found
        .flat_map(|(problems, name)| {
            problems.into_iter().map(move |p| (name.clone(), p))
        })
        .collect()
}

/// "A learner never has to edit a listing to try something: that is what
/// the exercises are for." A Try it item that asks for a change makes it in
/// an exercise file, never in crates/<section>/src/.
#[test]
fn try_it_never_edits_a_listing() {
    report(
        "Try it items that edit a listing",
        in_every_note(listing_edits),
    );
}

/// The rule above catches the items it was written for (a listing linked,
/// a bare `lib.rs`, a build of a section crate, a change with no file), and
/// passes a run, an exercise, and a change made in an exercise file.
#[test]
fn a_try_it_item_that_edits_a_listing_is_caught() {
    let note = |items: &str| {
        let text = format!(
            "## 动手试试 · Try it\n\n{items}\n## 延伸阅读 · See also\n\n1. 把 `lib.rs` 改成别的。 · Change `lib.rs`.\n"
        );
        listing_edits("n.md", &text)
    };
    let caught = [
        "2. 把 [`lib.rs`](../crates/threadpool/src/lib.rs) 里的 `MAX_WORKERS` 改成 5。 · Set `MAX_WORKERS` to 5 in [`lib.rs`](../crates/threadpool/src/lib.rs).\n",
        "3. 去掉 `let site = site.clone();`，再运行 `cargo build -p threadpool`。 · Remove `let site = site.clone();` and run `cargo build -p threadpool`.\n",
        "2. 在 `lib.rs` 的 `supervisor` 里换成原地 `.await`。 · In `lib.rs`'s `supervisor`, replace the loop with an in-place `.await`.\n",
        "3. 提前停下：把 `main` 里的 `results.enumerate()` 改成 `results.enumerate().take(2)`。 · Stop early: change `results.enumerate()` in `main`.\n",
    ];
    for item in caught {
        assert!(!note(item).is_empty(), "not caught: {item}");
    }
    let passed = [
        "1. 运行 `just run seq --delay 0.1`，总时间怎么变？ · Run `just run seq --delay 0.1`. How does the total change?\n",
        "2. `just exercise pool-waves`：只用 5 个线程。 · `just exercise pool-waves`: on 5 threads.\n",
        "3. 删掉 [`04_pool_cap.rs`](../crates/exercises/exercises/04_pool_cap.rs) 第 26 行，再运行 `just exercise pool-cap`。 · Delete line 26 of [`04_pool_cap.rs`](../crates/exercises/exercises/04_pool_cap.rs), and run `just exercise pool-cap`.\n\n<details><summary>答案 · Answer</summary>\n\n编译失败。之后改回来。\n\nThe build fails. Undo the change afterwards.\n\n</details>\n",
        "2. `just run procs -a -m 100`：为什么是 64？ · Why 64?\n\n   64：`flags2.rs` 的 `MAX_CONCUR_REQ` 把 `-m` 限制在 64。 · 64: `MAX_CONCUR_REQ` in `flags2.rs` caps `-m`.\n",
    ];
    for item in passed {
        assert_eq!(note(item), Vec::<String>::new(), "{item}");
    }
}

// ── What issue 32's defects taught ──────────────────────────────────────────

/// The words the glossary keeps in English inside Chinese sentences: the
/// code spans of its "保留英文的词 · Words kept in English" table, lower case.
fn kept_terms() -> Vec<String> {
    let glossary = read("notes/glossary.md");
    let at = glossary.find("## 保留英文的词").expect(
        "glossary.md has a section \"保留英文的词 · Words kept in English\"",
    );
    let section = &glossary[at..];
    let section =
        &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let code = Regex::new(r"`([^`]+)`").unwrap();
    section
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(|l| {
            code.captures_iter(l)
                .map(|c| c[1].to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The English words left in the Chinese text of a note that the glossary
/// does not keep: (line, word). A single letter (n, k) is a variable, and
/// two capitals (CN, US) a country code; everything else is kept or coded.
fn unkept_words(text: &str, kept: &[String]) -> Vec<(usize, String)> {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word =
        WORD.get_or_init(|| Regex::new(r"\b[A-Za-z][A-Za-z'-]*[A-Za-z]\b").unwrap());
    let mut found = Vec::new();
    for (line, chinese) in chinese_text(text) {
        for w in word.find_iter(&chinese).map(|m| m.as_str()) {
            let country = w.len() == 2 && w.chars().all(|c| c.is_ascii_uppercase());
            if !country && !kept.contains(&w.to_lowercase()) {
                found.push((line, w.to_string()));
            }
        }
    }
    found
}

/// No English word is left in a Chinese sentence unless the glossary lists
/// it as a kept term (CONVENTIONS.md rule 5): `channel`, `panic`, `socket`
/// and `poll` are written in Chinese, or as `code`.
#[test]
fn a_chinese_sentence_keeps_only_kept_terms() {
    let kept = kept_terms();
    let mut texts = all_notes();
    texts.push(("../README.md".into(), read("README.md")));
    let mut problems = Vec::new();
    for (name, text) in texts {
        for (line, word) in unkept_words(&text, &kept) {
            problems.push((
                name.clone(),
                format!(
                    "{name}:{line}: \"{word}\" in a Chinese sentence: translate it, \
                     write it as `code`, or keep it in glossary.md"
                ),
            ));
        }
    }
    report("English words not kept by the glossary", problems);
}

/// The kept-term rule catches "channel" and passes code, kept terms,
/// country codes and glosses.
#[test]
fn an_unkept_word_is_caught() {
    let kept = vec!["tokio".to_string(), "crate".to_string()];
    let bad = "每个句柄一个等待者，汇入一个 channel。\n\nOne channel.\n";
    assert_eq!(unkept_words(bad, &kept), vec![(1, "channel".to_string())]);
    let good =
        "tokio 的 crate 把 CN 交给 `channel`，许可（permit）。\n\nOne channel.\n";
    assert_eq!(unkept_words(good, &kept), Vec::<(usize, String)>::new());
    assert!(kept_terms().contains(&"crate".to_string()));
}

/// "书" alone is ambiguous (Fluent Python or this course's mdBook):
/// CONVENTIONS.md asks for 原书 or 本课程 (读书笔记 and 教科书 are words of
/// their own).
fn bare_books(text: &str) -> Vec<(usize, String)> {
    static BOOK: OnceLock<Regex> = OnceLock::new();
    let book = BOOK.get_or_init(|| Regex::new(r"(.)?书(.)?").unwrap());
    let mut found = Vec::new();
    for (line, chinese) in chinese_text(text) {
        for c in book.captures_iter(&chinese) {
            let before = c.get(1).map_or("", |m| m.as_str());
            let after = c.get(2).map_or("", |m| m.as_str());
            if !matches!(before, "原" | "科" | "读") && !matches!(after, "名") {
                found.push((line, c[0].to_string()));
            }
        }
    }
    found
}

/// Every Chinese "book" says whose: 原书 (Fluent Python) or 本课程 (the
/// mdBook), never a bare 书中 / 书里.
#[test]
fn the_book_is_never_left_bare() {
    let problems = in_notes_and_readme(|name, text| {
        let found = bare_books(text).into_iter();
        let say = "say 原书 (the book) or 本课程 (this course)";
        found
            .map(|(line, book)| format!("{name}:{line}: \"{book}\": {say}"))
            .collect()
    });
    report("a bare 书", problems);
}

/// The bare-book rule catches 书中 and passes 原书, 读书笔记 and 教科书.
#[test]
fn a_bare_book_is_caught() {
    let bad = "书中的输出也是 10 比 10。\n\nThe same.\n";
    assert_eq!(bare_books(bad).len(), 1);
    let good = "原书和读书笔记，还有教科书。\n\nThe book.\n";
    assert_eq!(bare_books(good), Vec::<(usize, String)>::new());
}

/// "第 N 行" and "line N" in a piece of text: the numbers.
fn line_numbers(text: &str) -> Vec<usize> {
    static LINE: OnceLock<Regex> = OnceLock::new();
    let line = LINE.get_or_init(|| {
        Regex::new(r"第\s*(\d+)\s*行|\b[Ll]ines?\s+(\d+)\b").unwrap()
    });
    line.captures_iter(text)
        .map(|c| c.get(1).or(c.get(2)).unwrap().as_str().parse().unwrap())
        .collect()
}

/// The line numbers of a note that do not hold: any in a Try it section
/// (the exercise files they point into change as the learner solves them),
/// and, elsewhere, any whose unit does not link a file whose line N holds a
/// code span the unit quotes.
fn stale_line_numbers(name: &str, text: &str) -> Vec<String> {
    static LINK: OnceLock<Regex> = OnceLock::new();
    static CODE: OnceLock<Regex> = OnceLock::new();
    let link =
        LINK.get_or_init(|| Regex::new(r"\]\(([^)#]+\.(?:rs|py))\)").unwrap());
    let code = CODE.get_or_init(|| Regex::new(r"`([^`]+)`").unwrap());
    let dir = Path::new("notes").join(name);
    let dir = dir.parent().unwrap();
    let mut problems = Vec::new();
    let mut in_try_it = false;
    let units = units(text);
    for (i, unit) in units.iter().enumerate() {
        if unit.kind == Kind::Heading {
            in_try_it = unit.text.contains("动手试试");
            continue;
        }
        // An English paragraph quotes and links what its Chinese one does.
        let context = match i.checked_sub(1).map(|p| &units[p]) {
            Some(p) if unit.kind == Kind::Paragraph && p.kind == Kind::Paragraph => {
                format!("{} {}", p.text, unit.text)
            }
            _ => unit.text.clone(),
        };
        let mut numbers = line_numbers(&unit.text);
        numbers.dedup();
        for n in numbers {
            if in_try_it {
                problems.push(format!(
                    "{name}:{}: a Try it names line {n}: quote the code instead, \
                     the lines move as the exercise is solved",
                    unit.line
                ));
                continue;
            }
            let holds = link.captures_iter(&context).any(|l| {
                let Ok(source) =
                    fs::read_to_string(workspace().join(dir).join(&l[1]))
                else {
                    return false;
                };
                let Some(at) = source.lines().nth(n.wrapping_sub(1)) else {
                    return false;
                };
                code.captures_iter(&context).any(|c| at.contains(&c[1]))
            });
            if !holds {
                problems.push(format!(
                    "{name}:{}: line {n} is not a linked file's line holding the code \
                     quoted next to it: {}",
                    unit.line,
                    short(&unit.text)
                ));
            }
        }
    }
    problems
}

/// A Try it never names a line number, and every "第 N 行 / line N" left
/// resolves to the text it quotes (async_flags.md once sent the reader to
/// "line 24, `to_do.spawn(...)`" of a file whose line 24 was a `for`).
#[test]
fn every_line_number_resolves() {
    report("line numbers", in_every_note(stale_line_numbers));
}

/// The line-number rule catches a Try it with a line number and a line that
/// holds something else, and passes a line that holds the quoted code.
#[test]
fn a_stale_line_number_is_caught() {
    let file = "../crates/exercises/exercises/14_async_semaphore.rs";
    let source = read("crates/exercises/exercises/14_async_semaphore.rs");
    let (n, line) = source
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("to_do.spawn("))
        .map(|(i, l)| (i + 1, l))
        .unwrap();
    assert!(line.contains("to_do.spawn("));
    let good = format!(
        "## 代码导读 · Walkthrough\n\n[`x`]({file}) 第 {n} 行是 `to_do.spawn(`。\n\nLine {n} of it.\n"
    );
    assert_eq!(stale_line_numbers("n.md", &good), Vec::<String>::new());
    let wrong = format!(
        "## 代码导读 · Walkthrough\n\n[`x`]({file}) 第 {} 行是 `to_do.spawn(`。\n\nIt.\n",
        n + 1
    );
    assert_eq!(stale_line_numbers("n.md", &wrong).len(), 1);
    let try_it = format!(
        "## 动手试试 · Try it\n\n1. [`x`]({file}) 第 {n} 行是 `to_do.spawn(`。 · Line {n}.\n"
    );
    assert_eq!(stale_line_numbers("n.md", &try_it).len(), 1);
}

/// The prose lines of a note longer than `max` characters: fenced blocks,
/// tables and HTML lines aside. (line, length)
fn long_lines(text: &str, max: usize) -> Vec<(usize, usize)> {
    let mut fenced = false;
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || trimmed.starts_with('|') || trimmed.starts_with('<') {
            continue;
        }
        let length = line.chars().count();
        if length > max {
            found.push((i + 1, length));
        }
    }
    found
}

/// Honest length: the 250-line limit is not met with lines of 400
/// characters. No prose line of a note is longer than 200 characters.
#[test]
fn no_prose_line_is_longer_than_200_characters() {
    let problems = in_notes_and_readme(|name, text| {
        let found = long_lines(text, 200).into_iter();
        let wrap = "characters: wrap it (at most 200)";
        found
            .map(|(line, length)| format!("{name}:{line}: {length} {wrap}"))
            .collect()
    });
    report("prose lines over 200 characters", problems);
}

/// The length rule counts characters, not bytes, and leaves code and tables.
#[test]
fn a_long_prose_line_is_caught() {
    let text = format!(
        "{}\n\n```text\n{}\n```\n\n| {} |\n",
        "中".repeat(201),
        "x".repeat(300),
        "y".repeat(300)
    );
    assert_eq!(long_lines(&text, 200), vec![(1, 201)]);
    assert_eq!(
        long_lines(&"中".repeat(200), 200),
        Vec::<(usize, usize)>::new()
    );
}

/// The clock times (`[13:04:23]`) a note's prose quotes that none of its
/// sample outputs shows: (line, time).
fn unshown_times(text: &str) -> Vec<(usize, String)> {
    static CLOCK: OnceLock<Regex> = OnceLock::new();
    let clock = CLOCK.get_or_init(|| Regex::new(r"\[\d\d:\d\d:\d\d\]").unwrap());
    let shown = outputs(text);
    let mut fenced = false;
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for time in clock.find_iter(line).map(|m| m.as_str()) {
            if !shown.contains(time) {
                found.push((i + 1, time.to_string()));
            }
        }
    }
    found
}

/// A clock time the prose points at is one the note's sample shows
/// (board.md once cited `[13:04:23]` under a sample that printed `[10:04:47]`).
#[test]
fn a_quoted_time_of_day_is_in_the_sample() {
    let mut problems = Vec::new();
    for (name, text) in all_notes() {
        for (line, time) in unshown_times(&text) {
            problems.push((
                name.clone(),
                format!("{name}:{line}: {time} is in no sample output of this note"),
            ));
        }
    }
    report("clock times the samples do not show", problems);
}

/// The rule catches a time no sample shows and passes one a sample shows.
#[test]
fn a_time_of_day_no_sample_shows_is_caught() {
    let text = "`[10:04:47]` 是钟点。\n\nThe clock.\n\n```text\n[10:04:47] result 4: 40\n```\n";
    assert_eq!(unshown_times(text), Vec::<(usize, String)>::new());
    let stale = text.replacen("[10:04:47]", "[13:04:23]", 1);
    assert_eq!(unshown_times(&stale), vec![(1, "[13:04:23]".to_string())]);
}
