//! Unified diffs of rewrites, as `git diff` shows them, and their `--stat`.

use anstyle::{AnsiColor, Style};

use crate::edit::Edit;

/// Lines of context around each change, as `diff -u` and git show.
const CONTEXT: usize = 3;
use similar::{ChangeTag, TextDiff};

const HEADER: Style = Style::new().bold();
const HUNK: Style = AnsiColor::Cyan.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const ADDED: Style = AnsiColor::Green.on_default();

/// A unified diff of one file with `a/` and `b/` headers, and its line counts.
#[derive(Debug, Clone)]
pub struct FileDiff {
    pub path: String,
    pub text: String,
    pub insertions: usize,
    pub deletions: usize,
}

impl FileDiff {
    pub fn new(path: &str, old: &str, new: &str) -> Self {
        let diff = TextDiff::from_lines(old, new);
        let mut insertions = 0;
        let mut deletions = 0;
        for change in diff.iter_all_changes() {
            match change.tag() {
                ChangeTag::Insert => insertions += 1,
                ChangeTag::Delete => deletions += 1,
                ChangeTag::Equal => {}
            }
        }
        let text = diff
            .unified_diff()
            .context_radius(CONTEXT)
            .missing_newline_hint(true)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        Self { path: path.to_string(), text, insertions, deletions }
    }

    /// The diff of `new`, which `edits` (sorted, in `old`'s offsets) make from `old`: only the lines around
    /// the edits are compared, in windows that hold every change with its context. The hunks are those a
    /// comparison of the whole texts gives; a file of thousands of lines with one edit costs a few lines.
    pub fn from_edits(path: &str, old: &str, new: &str, edits: &[Edit]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', old.as_bytes()).map(|i| i + 1).filter(|&i| i < old.len()));
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
        // Windows of lines (first, end), padded by the context so that hunks never span two of them.
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for edit in edits {
            let first = line_of(edit.start()).saturating_sub(CONTEXT);
            let end = (line_of(edit.end()) + 1 + CONTEXT).min(starts.len());
            match windows.last_mut() {
                Some(last) if last.1 >= first => last.1 = last.1.max(end),
                _ => windows.push((first, end)),
            }
        }
        let mut out = Self { path: path.to_string(), text: String::new(), insertions: 0, deletions: 0 };
        let mut edits = edits.iter().peekable();
        let mut shift: isize = 0;
        for (first, end) in windows {
            let (old_start, old_end) = (starts[first], starts.get(end).copied().unwrap_or(old.len()));
            let new_start = old_start.checked_add_signed(shift).expect("edits keep offsets in the text");
            while let Some(edit) = edits.next_if(|e| e.start() < old_end || e.start() == old.len()) {
                shift += edit.content().len() as isize - (edit.end() - edit.start()) as isize;
            }
            let new_end = match end < starts.len() {
                true => old_end.checked_add_signed(shift).expect("edits keep offsets in the text"),
                false => new.len(),
            };
            out.add_hunks(first, &old[old_start..old_end], &new[new_start..new_end]);
        }
        if !out.text.is_empty() {
            out.text.insert_str(0, &format!("--- a/{path}\n+++ b/{path}\n"));
        }
        out
    }

    /// The hunks of one window that starts at line `offset` (0-based) of the old file; in the new file, it
    /// starts as many lines later as the windows before added.
    fn add_hunks(&mut self, offset: usize, old: &str, new: &str) {
        let new_offset = (offset + self.insertions).checked_sub(self.deletions).expect("lines before remain");
        let diff = TextDiff::from_lines(old, new);
        for group in diff.grouped_ops(CONTEXT) {
            let (first, last) = (group[0], group[group.len() - 1]);
            let old_range = offset + first.old_range().start..offset + last.old_range().end;
            let new_range = new_offset + first.new_range().start..new_offset + last.new_range().end;
            self.text.push_str(&format!("@@ -{} +{} @@\n", hunk_range(&old_range), hunk_range(&new_range)));
            let mut insertions = 0;
            let mut deletions = 0;
            for op in &group {
                for change in diff.iter_changes(op) {
                    let sign = match change.tag() {
                        ChangeTag::Equal => ' ',
                        ChangeTag::Delete => {
                            deletions += 1;
                            '-'
                        }
                        ChangeTag::Insert => {
                            insertions += 1;
                            '+'
                        }
                    };
                    self.text.push(sign);
                    self.text.push_str(change.value());
                    if !change.value().ends_with('\n') {
                        self.text.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
            self.insertions += insertions;
            self.deletions += deletions;
        }
    }

    /// The diff with ANSI styles; the output stream strips them when colour is off.
    pub fn styled(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 64);
        for line in self.text.split_inclusive('\n') {
            let style = if line.starts_with("---") || line.starts_with("+++") {
                HEADER
            } else if line.starts_with("@@") {
                HUNK
            } else if line.starts_with('-') {
                REMOVED
            } else if line.starts_with('+') {
                ADDED
            } else {
                Style::new()
            };
            let body = line.trim_end_matches(['\n', '\r']);
            out.push_str(&format!("{style}{body}{style:#}{}", &line[body.len()..]));
        }
        out
    }
}

/// A hunk header's range: `start,length` counted from 1, just `start` for one line, and the line before for
/// none (as `diff -u` writes them).
fn hunk_range(lines: &std::ops::Range<usize>) -> String {
    match lines.len() {
        0 => format!("{},0", lines.start),
        1 => format!("{}", lines.start + 1),
        n => format!("{},{n}", lines.start + 1),
    }
}

/// `git diff --stat`-like lines for `diffs`, and a total.
pub fn stat(diffs: &[&FileDiff]) -> String {
    let width = diffs.iter().map(|d| d.path.chars().count()).max().unwrap_or(0);
    let count_width = diffs.iter().map(|d| (d.insertions + d.deletions).to_string().len()).max().unwrap_or(1);
    let mut out = String::new();
    for d in diffs {
        let n = d.insertions + d.deletions;
        let bar = format!(
            "{ADDED}{}{ADDED:#}{REMOVED}{}{REMOVED:#}",
            "+".repeat(d.insertions),
            "-".repeat(d.deletions)
        );
        out.push_str(&format!(" {:<width$} | {n:>count_width$} {bar}\n", d.path));
    }
    let insertions: usize = diffs.iter().map(|d| d.insertions).sum();
    let deletions: usize = diffs.iter().map(|d| d.deletions).sum();
    out.push_str(&format!(
        " {} changed, {}(+), {}(-)\n",
        super::text::plural(diffs.len(), "file"),
        super::text::plural(insertions, "insertion"),
        super::text::plural(deletions, "deletion")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_from_edits_equal_whole_text_diffs() {
        let lines: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let at = |i: usize| lines.find(&format!("line {i}\n")).unwrap();
        let cases: Vec<(String, Vec<Edit>)> = vec![
            (lines.clone(), vec![Edit::replacement(at(0)..at(0) + 4, "LINE")]),
            (lines.clone(), vec![Edit::deletion(at(5)..at(7)), Edit::insertion(at(12), "new\n")]),
            (lines.clone(), vec![Edit::insertion(at(2), "a\n"), Edit::deletion(at(30)..at(31))]),
            (lines.clone(), vec![Edit::insertion(lines.len(), "tail")]),
            ("a\nb".to_string(), vec![Edit::replacement(2..3, "c")]),
            ("only".to_string(), vec![Edit::insertion(0, "x\n")]),
        ];
        for (old, edits) in cases {
            let mut new = old.clone();
            for edit in edits.iter().rev() {
                new.replace_range(edit.range(), edit.content());
            }
            let whole = FileDiff::new("m.py", &old, &new);
            let windowed = FileDiff::from_edits("m.py", &old, &new, &edits);
            assert_eq!(windowed.text, whole.text, "{edits:?}");
            assert_eq!((windowed.insertions, windowed.deletions), (whole.insertions, whole.deletions));
        }
    }

    #[test]
    fn unified_diff_with_git_headers() {
        let d = FileDiff::new("app/x.py", "a\nm = await f()\nb\n", "a\nm = f()\nb\n");
        assert!(d.text.starts_with("--- a/app/x.py\n+++ b/app/x.py\n@@ -1,3 +1,3 @@\n"), "{}", d.text);
        assert!(d.text.contains("-m = await f()\n+m = f()\n"));
        assert_eq!((d.insertions, d.deletions), (1, 1));
    }
}
