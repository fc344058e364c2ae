//! Unified diffs of rewrites, as `git diff` shows them, and their `--stat`.

use anstyle::{AnsiColor, Style};
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
            .context_radius(3)
            .missing_newline_hint(true)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        Self { path: path.to_string(), text, insertions, deletions }
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

/// `git diff --stat`-like lines for `diffs`, and a total.
pub fn stat(diffs: &[FileDiff]) -> String {
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
    fn unified_diff_with_git_headers() {
        let d = FileDiff::new("app/x.py", "a\nm = await f()\nb\n", "a\nm = f()\nb\n");
        assert!(d.text.starts_with("--- a/app/x.py\n+++ b/app/x.py\n@@ -1,3 +1,3 @@\n"), "{}", d.text);
        assert!(d.text.contains("-m = await f()\n+m = f()\n"));
        assert_eq!((d.insertions, d.deletions), (1, 1));
    }
}
