//! The pull-request description (`--pr-body`): located findings and each fixed site's line before and after
//! in, Markdown out. Pure. GitHub cuts descriptions at 65,536 characters, so the site tables stop short of that.

use std::collections::BTreeMap;

use super::Diagnostic;
use crate::finding::{Finding, Status};

/// Room kept for everything but the site rows; GitHub's limit is 65,536 characters.
const BODY_LIMIT: usize = 60_000;
/// Longest one-line rendering of a site before it is cut with `…`.
const LINE_LIMIT: usize = 160;

/// A fixed site's code before and after its fix, each on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Index of the site's finding (and diagnostic) in its file.
    pub finding: usize,
    pub before: String,
    pub after: String,
}

/// The lines of each fixed finding (`fixed` indexes `findings`), before and after its own edits on them;
/// edits elsewhere (imports) are not shown. In source order.
pub fn site_changes(text: &str, findings: &[Finding], fixed: &[usize]) -> Vec<Change> {
    let mut fixed = fixed.to_vec();
    fixed.sort_unstable();
    fixed
        .into_iter()
        .filter_map(|i| {
            let finding = &findings[i];
            let fix = finding.fix.as_ref()?;
            let start = text[..finding.range.start].rfind('\n').map_or(0, |n| n + 1);
            let end = text[finding.range.end..].find('\n').map_or(text.len(), |n| finding.range.end + n);
            let mut after = String::new();
            let mut last = start;
            for edit in fix.edits().iter().filter(|e| e.start() >= start && e.end() <= end) {
                after.push_str(&text[last..edit.start()]);
                after.push_str(edit.content());
                last = edit.end();
            }
            after.push_str(&text[last..end]);
            Some(Change { finding: i, before: one_line(&text[start..end]), after: one_line(&after) })
        })
        .collect()
}

/// The first line of some code, trimmed, with `…` when more lines follow or it is longer than `LINE_LIMIT`
/// characters. (Joining the lines could pull a comment over the code that follows it.)
fn one_line(code: &str) -> String {
    let mut lines = code.lines();
    let first = lines.next().unwrap_or_default().trim();
    let more = lines.next().is_some();
    match first.char_indices().nth(LINE_LIMIT) {
        Some((at, _)) => format!("{}…", &first[..at]),
        None if more => format!("{first} …"),
        None => first.to_string(),
    }
}

/// One file's part of the description.
pub struct FileReport<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub changes: &'a [Change],
}

/// The Markdown description of a run: a table per rule and directory, every fixed site with its line
/// before and after, the sites left alone and those left to review, and `command`, which reproduces it.
pub fn render(files: &[FileReport], command: &str) -> String {
    let fixed: Vec<(&Diagnostic, &Change)> =
        files.iter().flat_map(|f| f.changes.iter().map(|c| (&f.diagnostics[c.finding], c))).collect();
    let file_count = files.iter().filter(|f| !f.changes.is_empty()).count();
    let mut out = format!(
        "## awaitfix: {} fixed in {}\n\n",
        super::text::plural(fixed.len(), "site"),
        super::text::plural(file_count, "file")
    );
    out.push_str(&summary_table(&fixed));
    let mut budget = Budget { left: BODY_LIMIT.saturating_sub(out.len() + 4_000), omitted: 0 };
    for rule in crate::rules::all() {
        let sites: Vec<_> = fixed.iter().filter(|(d, _)| d.rule == rule).collect();
        if sites.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}: {} ({})\n\n", rule.code(), rule.title(), sites.len()));
        out.push_str("| Site | Before | After |\n|---|---|---|\n");
        for (d, change) in sites {
            let row = format!(
                "| `{}` | {} | {} |\n",
                cell(&d.line_location()),
                code(&change.before),
                code(&change.after)
            );
            budget.push(&mut out, row);
        }
    }
    let unfixed =
        |d: &&Diagnostic| d.status == Status::Open && !fixed.iter().any(|(f, _)| std::ptr::eq(*f, *d));
    let left_alone = |d: &&Diagnostic| d.status != Status::Open;
    out.push_str(&site_list(files, "Not fixed, to review", &unfixed, &mut budget));
    out.push_str(&site_list(files, "Left alone", &left_alone, &mut budget));
    if budget.omitted > 0 {
        let rows = if budget.omitted == 1 { "row" } else { "rows" };
        out.push_str(&format!(
            "\n…and {} more {rows}, left out to stay within GitHub's limit: see the diff and `awaitfix check`.\n",
            budget.omitted
        ));
    }
    out.push_str(&format!(
        "\n### Reproduce\n\n```sh\n{command}\n```\n\n<sub>awaitfix {}</sub>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out
}

/// Fixed sites and files per rule and directory.
fn summary_table(fixed: &[(&Diagnostic, &Change)]) -> String {
    let mut rows: BTreeMap<(&str, &str), (usize, Vec<&str>)> = BTreeMap::new();
    for (d, _) in fixed {
        let directory = d.path.rsplit_once('/').map_or(".", |(dir, _)| dir);
        let row = rows.entry((d.code, directory)).or_default();
        row.0 += 1;
        if !row.1.contains(&d.path.as_str()) {
            row.1.push(&d.path);
        }
    }
    if rows.is_empty() {
        return "Nothing to fix.\n".to_string();
    }
    let mut out = "| Rule | Directory | Sites | Files |\n|---|---|--:|--:|\n".to_string();
    for ((code, directory), (sites, files)) in rows {
        out.push_str(&format!("| {code} | `{}` | {sites} | {} |\n", cell(directory), files.len()));
    }
    out
}

/// Room left for table rows, and the rows that did not fit.
struct Budget {
    left: usize,
    omitted: usize,
}

impl Budget {
    fn push(&mut self, out: &mut String, row: String) {
        if row.len() > self.left {
            self.omitted += 1;
        } else {
            self.left -= row.len();
            out.push_str(&row);
        }
    }
}

/// A section listing the diagnostics `pick` selects, each with its rule, status and message.
fn site_list(
    files: &[FileReport],
    title: &str,
    pick: &dyn Fn(&&Diagnostic) -> bool,
    budget: &mut Budget,
) -> String {
    let sites: Vec<&Diagnostic> = files.iter().flat_map(|f| f.diagnostics).filter(pick).collect();
    if sites.is_empty() {
        return String::new();
    }
    let mut out =
        format!("\n### {title} ({})\n\n| Site | Rule | Status | Why |\n|---|---|---|---|\n", sites.len());
    for d in sites {
        let (status, why) = match d.status {
            Status::Open => ("open", d.message.as_str()),
            Status::Intentional => ("intentional", "the surrounding assertion expects the TypeError"),
            Status::Suppressed => ("suppressed", "a comment on its line suppresses it"),
        };
        let row = format!("| `{}` | {} | {status} | {} |\n", cell(&d.line_location()), d.code, cell(why));
        budget.push(&mut out, row);
    }
    out
}

/// Text made safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Code in a table cell, fenced with enough backticks.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

/// A command line as a shell would need it typed: arguments with special characters single-quoted.
pub fn shell_command(args: impl IntoIterator<Item = String>) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:@+,%".contains(c);
    args.into_iter()
        .map(
            |a| {
                if !a.is_empty() && a.chars().all(safe) {
                    a
                } else {
                    format!("'{}'", a.replace('\'', "'\\''"))
                }
            },
        )
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Edit, Fix};

    #[test]
    fn a_site_spread_over_lines_is_shown_on_one() {
        let text = "x = 1\nm = await f(\n    a,\n)\n";
        let start = text.find("await").unwrap();
        let finding = Finding {
            rule: crate::rules::by_code("AWF001").expect("registered"),
            range: start..text.find(")\n").unwrap() + 1,
            message: String::new(),
            transform: "t".into(),
            fix: Some(Fix::safe(vec![Edit::deletion(start..start + 6)])),
            summary: String::new(),
            status: Status::Open,
        };
        let changes = site_changes(text, &[finding], &[0]);
        assert_eq!(changes[0].before, "m = await f( …");
        assert_eq!(changes[0].after, "m = f( …");
    }

    #[test]
    fn a_long_description_stays_under_githubs_limit() {
        let diagnostic = |line| Diagnostic {
            path: "pkg/module.py".into(),
            cell: None,
            line,
            column: 5,
            end_line: line,
            end_column: 40,
            code: "AWF001",
            rule: crate::rules::by_code("AWF001").expect("registered"),
            message: "m".into(),
            transform: "t".into(),
            status: Status::Open,
            fixable: true,
            fix: None,
            summary: String::new(),
        };
        let mut diagnostics: Vec<Diagnostic> = (1..=5000).map(diagnostic).collect();
        diagnostics
            .extend((5001..=7000).map(|line| Diagnostic { status: Status::Intentional, ..diagnostic(line) }));
        let before = "manager = await get_websocket_manager(user_context=ctx)".to_string();
        let after = "manager = get_websocket_manager(user_context=ctx)".to_string();
        let changes: Vec<Change> = (0..5000)
            .map(|finding| Change { finding, before: before.clone(), after: after.clone() })
            .collect();
        let body = render(&[FileReport { diagnostics: &diagnostics, changes: &changes }], "awaitfix diff");
        assert!(body.len() < 65_536, "{}", body.len());
        assert!(body.contains("| `pkg/module.py:1` |"));
        let shown = body.matches("| `pkg/module.py:").count();
        assert!(body.contains(&format!("…and {} more rows, left out", 7000 - shown)), "{shown}");
        assert!(body.contains("### Left alone (2000)"), "the section counts what it could not list");
        assert!(body.ends_with(concat!(
            "```sh\nawaitfix diff\n```\n\n<sub>awaitfix ",
            env!("CARGO_PKG_VERSION"),
            "</sub>\n"
        )));
    }

    #[test]
    fn shell_quoting() {
        let args = ["awaitfix", "diff", "my dir", "it's", "--prefer=async"].map(String::from);
        assert_eq!(shell_command(args), r"awaitfix diff 'my dir' 'it'\''s' --prefer=async");
    }
}
