//! The head of the pull-request description: totals per rule, the directories with the most fixed sites, and
//! the commits. Each is capped, so that a run over hundreds of directories leaves the room to the sites.

use std::collections::{BTreeMap, BTreeSet};

use super::{Site, cell};

/// Directories listed by name in the open table; the rest go in a collapsed block.
const TOP_DIRECTORIES: usize = 10;
/// Directories listed by name in the collapsed block; the others are summed up in its last row, so that the
/// block stays small beside the site rows (GitHub cuts the description at 65,536 characters).
const MORE_DIRECTORIES: usize = 100;
/// Commits listed; the others are counted.
const TOP_COMMITS: usize = 30;

/// Fixed sites and files per rule, then per directory: the `TOP_DIRECTORIES` with the most sites, and one row
/// summing up the others.
pub(super) fn tables(fixed: &[Site]) -> String {
    if fixed.is_empty() {
        return "Nothing to fix.\n".to_string();
    }
    let mut rules: BTreeMap<&str, (&str, Totals)> = BTreeMap::new();
    let mut directories: BTreeMap<&str, (Totals, Vec<&str>)> = BTreeMap::new();
    for (d, _) in fixed {
        let rule = rules.entry(d.code).or_insert_with(|| (d.rule.title(), Totals::default()));
        rule.1.add(&d.path);
        let directory = d.path.rsplit_once('/').map_or(".", |(dir, _)| dir);
        let row = directories.entry(directory).or_default();
        row.0.add(&d.path);
        if !row.1.contains(&d.code) {
            row.1.push(d.code);
        }
    }
    let mut out = "| Rule | Sites | Files |\n|---|--:|--:|\n".to_string();
    for (code, (title, totals)) in &rules {
        out.push_str(&format!("| {code}: {} | {} | {} |\n", cell(title), totals.sites, totals.files.len()));
    }
    let mut ranked: Vec<_> = directories.into_iter().collect();
    // Most sites first; a tie keeps the path order.
    ranked.sort_by_key(|(_, (totals, _))| std::cmp::Reverse(totals.sites));
    let header = "| Directory | Sites | Files | Rules |\n|---|--:|--:|---|\n";
    out.push('\n');
    out.push_str(header);
    let top = TOP_DIRECTORIES.min(ranked.len());
    out.push_str(&rows(&ranked[..top]));
    let rest = &ranked[top..];
    if rest.is_empty() {
        return out;
    }
    // GitHub renders a table in `<details>` only after a blank line below `<summary>`.
    let (sites, files) = sums(rest);
    out.push_str(&format!(
        "\n<details><summary>{} ({} in {})</summary>\n\n{header}",
        plural(rest.len(), "more directory", "more directories"),
        plural(sites, "site", "sites"),
        plural(files, "file", "files"),
    ));
    let listed = MORE_DIRECTORIES.min(rest.len());
    out.push_str(&rows(&rest[..listed]));
    if let Some(others) = rest.get(listed..).filter(|others| !others.is_empty()) {
        let (sites, files) = sums(others);
        let more = plural(others.len(), "more directory", "more directories");
        out.push_str(&format!("| …and {more} | {sites} | {files} | |\n"));
    }
    out.push_str("\n</details>\n");
    out
}

type Row<'a> = (&'a str, (Totals<'a>, Vec<&'a str>));

/// One table row per directory: its sites, files and rules.
fn rows(ranked: &[Row]) -> String {
    let mut out = String::new();
    for (directory, (totals, codes)) in ranked {
        let (sites, files) = (totals.sites, totals.files.len());
        out.push_str(&format!("| `{}` | {sites} | {files} | {} |\n", cell(directory), codes.join(", ")));
    }
    out
}

/// The sites and files of `rows` together.
fn sums(rows: &[Row]) -> (usize, usize) {
    (rows.iter().map(|(_, (t, _))| t.sites).sum(), rows.iter().map(|(_, (t, _))| t.files.len()).sum())
}

/// `n` and the noun, singular or plural.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Sites and the files they are in.
#[derive(Default)]
struct Totals<'a> {
    sites: usize,
    files: BTreeSet<&'a str>,
}

impl<'a> Totals<'a> {
    fn add(&mut self, path: &'a str) {
        self.sites += 1;
        self.files.insert(path);
    }
}

/// The commits (short id and subject), oldest first: the first `TOP_COMMITS`, then how many more.
pub(super) fn commits(commits: &[(String, String)]) -> String {
    if commits.is_empty() {
        return String::new();
    }
    let mut out = format!("\n### Commits ({})\n\n", commits.len());
    for (oid, subject) in commits.iter().take(TOP_COMMITS) {
        out.push_str(&format!("- {oid} {}\n", subject.replace('<', "&lt;")));
    }
    if commits.len() > TOP_COMMITS {
        out.push_str(&format!("- …and {} more\n", commits.len() - TOP_COMMITS));
    }
    out
}
