//! The pull-request description (`--pr-body`): located findings, each fixed site's line before and after,
//! and the commits in, Markdown out. Pure. GitHub cuts descriptions at 65,536 characters, so the summary
//! tables are capped and the site tables stop short of that.

mod imports;
mod summary;

use std::ops::Range;

use super::Diagnostic;
use crate::edit::Edit;
use crate::finding::{Finding, Status};

/// The longest description made; GitHub's limit is 65,536 characters (this counts bytes, never fewer).
const BODY_LIMIT: usize = 63_000;
/// Room kept for the text around the rows: section titles, the count of rows left out, the version.
const FRAME: usize = 2_000;
/// Longest command line shown to reproduce the run (a long list of PATHS is cut).
const COMMAND_LIMIT: usize = 4_000;
/// Longest one-line rendering of a site before it is cut with `…`.
const LINE_LIMIT: usize = 160;

/// A fixed site's code before and after its fix, each on one line; or, with `import_line`, the lines of
/// an edit its fix makes elsewhere (an import).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Index of the site's finding (and diagnostic) in its file.
    pub finding: usize,
    pub before: String,
    pub after: String,
    /// The 1-based line of an edit away from the site (an import), shown on a row of its own.
    pub import_line: Option<usize>,
    /// In a notebook, the cell `import_line` counts in.
    pub cell: Option<usize>,
}

/// The lines of each fixed finding (`fixed` indexes `findings`), before and after its own edits on them;
/// then the lines of its edits elsewhere (imports), each once, under the first site whose fix makes them.
/// In source order.
pub fn site_changes(text: &str, findings: &[Finding], fixed: &[usize]) -> Vec<Change> {
    let mut fixed = fixed.to_vec();
    fixed.sort_unstable();
    let mut rows: Vec<(usize, Change)> = Vec::new();
    let mut elsewhere: Vec<(Range<usize>, usize, Vec<&Edit>)> = Vec::new();
    for i in fixed {
        let finding = &findings[i];
        let Some(fix) = finding.fix.as_ref() else { continue };
        let lines = whole_lines(text, finding.range.clone());
        let (on_site, away): (Vec<&Edit>, Vec<&Edit>) =
            fix.edits().iter().partition(|e| e.start() >= lines.start && e.end() <= lines.end);
        let after = edited(text, lines.clone(), &on_site);
        let before = one_line(&text[lines.clone()]);
        rows.push((
            lines.start,
            Change { finding: i, before, after: one_line(&after), import_line: None, cell: None },
        ));
        for edit in away {
            let span = imports::statement(text, edit.range());
            // Edits of one statement (the names of one import) make one row; a statement that ends where the
            // next starts (a deleted line's newline) is not that one.
            let shared = |s: &Range<usize>| s.start < span.end && span.start < s.end || s.start == span.start;
            match elsewhere.iter_mut().find(|(s, _, _)| shared(s)) {
                Some((s, _, edits)) if !edits.contains(&edit) => {
                    *s = s.start.min(span.start)..s.end.max(span.end);
                    edits.push(edit);
                }
                Some(_) => {}
                None => elsewhere.push((span, i, vec![edit])),
            }
        }
    }
    for (span, finding, mut edits) in elsewhere {
        edits.sort();
        let line = text[..span.start].matches('\n').count() + 1;
        let before = imports::joined(&text[span.clone()]);
        let after = imports::joined(&edited(text, span.clone(), &edits));
        rows.push((span.start, Change { finding, before, after, import_line: Some(line), cell: None }));
    }
    rows.sort_by_key(|(start, _)| *start);
    rows.into_iter().map(|(_, change)| change).collect()
}

/// `range` widened to whole lines (without the last line's newline).
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start].rfind('\n').map_or(0, |n| n + 1);
    let end = text[range.end..].find('\n').map_or(text.len(), |n| range.end + n);
    start..end
}

/// The text of `lines` with `edits` (sorted, inside `lines`) made.
fn edited(text: &str, lines: Range<usize>, edits: &[&Edit]) -> String {
    let mut out = String::new();
    let mut last = lines.start;
    for edit in edits {
        out.push_str(&text[last..edit.start()]);
        out.push_str(edit.content());
        last = edit.end();
    }
    out.push_str(&text[last..lines.end]);
    out
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

/// A fixed site (or an import edit of its fix) with its diagnostic.
type Site<'a> = (&'a Diagnostic, &'a Change);

/// The Markdown description of a run: totals per rule and for the directories with the most sites, the
/// `commits` (short id and subject) when there are any, every fixed site with its line before and after
/// (and the import lines its fix changes), the sites left alone and those left to review, and `command`,
/// which reproduces it.
pub fn render(files: &[FileReport], commits: &[(String, String)], command: &str) -> String {
    let rows: Vec<Site> =
        files.iter().flat_map(|f| f.changes.iter().map(|c| (&f.diagnostics[c.finding], c))).collect();
    let fixed: Vec<Site> = rows.iter().copied().filter(|(_, c)| c.import_line.is_none()).collect();
    let file_count = files.iter().filter(|f| !f.changes.is_empty()).count();
    let mut out = format!(
        "## awaitfix: {} fixed in {}\n\n",
        super::text::plural(fixed.len(), "site"),
        super::text::plural(file_count, "file")
    );
    out.push_str(&summary::tables(&fixed));
    out.push_str(&summary::commits(commits));
    let command = match command.char_indices().nth(COMMAND_LIMIT) {
        Some((at, _)) => format!("{} …", &command[..at]),
        None => command.to_string(),
    };
    let mut budget =
        Budget { left: BODY_LIMIT.saturating_sub(out.len() + command.len() + FRAME), omitted: 0 };
    for rule in crate::rules::all() {
        let sites: Vec<_> = rows.iter().filter(|(d, _)| d.rule == rule).collect();
        if sites.is_empty() {
            continue;
        }
        let count = sites.iter().filter(|(_, c)| c.import_line.is_none()).count();
        out.push_str(&format!("\n### {}: {} ({count})\n\n", rule.code(), rule.title()));
        out.push_str("| Site | Before | After |\n|---|---|---|\n");
        for (d, change) in sites {
            let row = format!(
                "| `{}`{} | {} | {} |\n",
                cell(&match (change.import_line, change.cell) {
                    (Some(line), Some(c)) => format!("{}:cell {c}:{line}", d.path),
                    (Some(line), None) => format!("{}:{line}", d.path),
                    (None, _) => d.line_location(),
                }),
                if change.import_line.is_none() { resolves_to(d) } else { String::new() },
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

/// What a site's callee resolves to (` → pkg.mod.f at path:line`), for a finding with a chain (AWF005).
fn resolves_to(d: &Diagnostic) -> String {
    let Some(definition) = d.chain.last() else { return String::new() };
    format!(
        " → `{}.{}` at `{}:{}`",
        cell(&definition.module),
        cell(&definition.name),
        cell(&definition.path),
        definition.line
    )
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

/// Code in a table cell, fenced with enough backticks; none (an import added or removed) as a dash.
fn code(text: &str) -> String {
    let text = cell(text);
    match text.as_str() {
        "" => "—".to_string(),
        _ if text.contains('`') => format!("`` {text} ``"),
        _ => format!("`{text}`"),
    }
}

/// Command-line arguments without `--pr-body FILE` (or `--pr-body=FILE`); those after `--` are PATHS and stay.
pub fn without_pr_body(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            out.push(arg);
            out.extend(args.by_ref());
        } else if arg == "--pr-body" {
            args.next();
        } else if !arg.starts_with("--pr-body=") {
            out.push(arg);
        }
    }
    out
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
            chain: Vec::new(),
            fallback: None,
        };
        let changes = site_changes(text, &[finding], &[0]);
        assert_eq!(changes[0].before, "m = await f( …");
        assert_eq!(changes[0].after, "m = f( …");
    }

    /// Import edits were missing from the before/after rows: a reviewer saw the call renamed, not the import.
    #[test]
    fn import_edits_get_rows_of_their_own_once() {
        let text = "from m import f\n\n\nasync def g():\n    await f()\n    await f()\n";
        let import = Edit::replacement(14..15, "f_async");
        let finding = |name_at: usize| Finding {
            rule: crate::rules::by_code("AWF001").expect("registered"),
            range: name_at - 6..name_at + 3,
            message: String::new(),
            transform: "t".into(),
            fix: Some(Fix::safe(vec![import.clone(), Edit::replacement(name_at..name_at + 1, "f_async")])),
            summary: String::new(),
            status: Status::Open,
            chain: Vec::new(),
            fallback: None,
        };
        let first = text.find("f()").unwrap();
        let second = text.rfind("f()").unwrap();
        let changes = site_changes(text, &[finding(first), finding(second)], &[1, 0]);
        let rows: Vec<_> =
            changes.iter().map(|c| (c.finding, c.import_line, &c.before[..], &c.after[..])).collect();
        assert_eq!(
            rows,
            [
                (0, Some(1), "from m import f", "from m import f_async"),
                (0, None, "await f()", "await f_async()"),
                (1, None, "await f()", "await f_async()"),
            ]
        );
    }

    /// A deleted import statement ends at the start of the next one: each gets its own row.
    #[test]
    fn a_deleted_import_and_the_next_one_are_two_rows() {
        let text = "from m import f as g\nfrom m import f\n\n\nasync def h():\n    await g()\n";
        let site = text.find("await").unwrap();
        let next = text.find("from m import f\n").unwrap();
        let finding = Finding {
            rule: crate::rules::by_code("AWF001").expect("registered"),
            range: site..site + 9,
            message: String::new(),
            transform: "t".into(),
            fix: Some(Fix::safe(vec![
                Edit::deletion(0..next),
                Edit::replacement(next + 14..next + 15, "f_async"),
                Edit::replacement(site + 6..site + 7, "f_async"),
            ])),
            summary: String::new(),
            status: Status::Open,
            chain: Vec::new(),
            fallback: None,
        };
        let changes = site_changes(text, &[finding], &[0]);
        let rows: Vec<_> = changes.iter().map(|c| (c.import_line, &c.before[..], &c.after[..])).collect();
        assert_eq!(
            rows,
            [
                (Some(1), "from m import f as g", ""),
                (Some(2), "from m import f", "from m import f_async"),
                (None, "await g()", "await f_async()"),
            ]
        );
    }

    fn diagnostic(path: &str, line: usize) -> Diagnostic {
        Diagnostic {
            path: path.into(),
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
            unsafe_fix: false,
            fix: None,
            chain: Vec::new(),
            fallback: None,
            summary: String::new(),
        }
    }

    /// On 850 files the per-directory table had 498 rows and left room for 188 site rows.
    #[test]
    fn many_directories_leave_the_room_to_the_sites() {
        let diagnostics: Vec<Vec<Diagnostic>> =
            (0..850).map(|i| vec![diagnostic(&format!("src/pkg{}/module_{i}.py", i % 498), 12)]).collect();
        let change = vec![Change {
            finding: 0,
            before: "manager = await get_websocket_manager(user_context=ctx)".into(),
            after: "manager = get_websocket_manager(user_context=ctx)".into(),
            import_line: None,
            cell: None,
        }];
        let files: Vec<FileReport> =
            diagnostics.iter().map(|d| FileReport { diagnostics: d, changes: &change }).collect();
        let commits: Vec<(String, String)> =
            (0..40).map(|i| (format!("{i:010}"), format!("fix AWF001: drop await in src/pkg{i}/"))).collect();
        let body = render(&files, &commits, "awaitfix commit --split directory");
        assert!(body.len() < 65_536, "{}", body.len());
        assert!(body.contains("| AWF001: `await` on a synchronous function | 850 | 850 |\n"), "{body}");
        let (open, collapsed) = body.split_once("<details>").expect("the other directories are collapsed");
        let directory_rows = |text: &str| text.lines().filter(|l| l.ends_with(" | AWF001 |")).count();
        assert_eq!(directory_rows(open), 10, "the top directories by sites");
        // 850 files over 498 directories: 352 directories hold 2 files; the top ten are among them.
        assert!(open.contains("| `src/pkg0` | 2 | 2 | AWF001 |"), "{body}");
        assert!(
            collapsed.starts_with(
                "<summary>488 more directories (830 sites in 830 files)</summary>\n\n| Directory | Sites |"
            ),
            "a blank line after the summary, so that GitHub renders the table: {collapsed}"
        );
        let (collapsed, _) = collapsed.split_once("</details>").unwrap();
        assert_eq!(directory_rows(collapsed), 100, "the next directories by sites");
        assert!(collapsed.contains("| `src/pkg11` | 2 | 2 | AWF001 |"), "{collapsed}");
        assert!(collapsed.ends_with("| …and 388 more directories | 630 | 630 | |\n\n"), "{collapsed}");
        assert!(body.contains("### Commits (40)\n\n- 0000000000 fix AWF001: drop await in src/pkg0/\n"));
        assert!(body.contains("- …and 10 more\n") && !body.contains("0000000030 "), "{body}");
        let site_rows = body.matches("| `manager = await").count();
        assert!(site_rows > 330 && body.len() > 60_000, "{site_rows} site rows, {} bytes", body.len());
        assert!(body.contains(&format!("…and {} more rows, left out", 850 - site_rows)), "{body}");
    }

    #[test]
    fn the_pr_body_argument_is_left_out_of_the_command() {
        let args = ["commit", "--pr-body", "/tmp/x/pr.md", "--pr-body=a.md", "--force", "--", "--pr-body"];
        let kept = without_pr_body(args.map(String::from));
        assert_eq!(kept, ["commit", "--force", "--", "--pr-body"]);
    }

    #[test]
    fn a_long_description_stays_under_githubs_limit() {
        let diagnostic = |line| diagnostic("pkg/module.py", line);
        let mut diagnostics: Vec<Diagnostic> = (1..=5000).map(diagnostic).collect();
        diagnostics
            .extend((5001..=7000).map(|line| Diagnostic { status: Status::Intentional, ..diagnostic(line) }));
        let before = "manager = await get_websocket_manager(user_context=ctx)".to_string();
        let after = "manager = get_websocket_manager(user_context=ctx)".to_string();
        let changes: Vec<Change> = (0..5000)
            .map(|finding| Change {
                finding,
                before: before.clone(),
                after: after.clone(),
                import_line: None,
                cell: None,
            })
            .collect();
        let body =
            render(&[FileReport { diagnostics: &diagnostics, changes: &changes }], &[], "awaitfix diff");
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
