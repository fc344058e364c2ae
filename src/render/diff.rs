//! Unified diffs of rewrites, as `git diff` shows them, and their `--stat`.
//! Lines are compared as decoded text and written back as the file's own bytes (its BOM on line 1, latin-1
//! bytes as they are), under the path git names the file by, so that `git apply` and `patch -p1` take it.

use std::borrow::Cow;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use crate::edit::Edit;
use crate::source::Encoding;

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
    /// The diff as `patch` reads it: headers in UTF-8, each line of the file in the file's own bytes.
    pub bytes: Vec<u8>,
    pub insertions: usize,
    pub deletions: usize,
    encoding: Encoding,
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
        let encoding = Encoding::Utf8 { bom: false };
        Self { path: path.to_string(), bytes: text.into_bytes(), insertions, deletions, encoding }
    }

    /// The diff as text, for people: lines that are not UTF-8 (latin-1 files) are shown decoded lossily.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// The diff of `new`, which `edits` (sorted, in `old`'s offsets) make from `old`: only the lines around
    /// the edits are compared, in windows that hold every change with its context. The hunks are those a
    /// comparison of the whole texts gives; a file of thousands of lines with one edit costs a few lines.
    /// Lines are written in `encoding`, the file's own.
    pub fn from_edits(path: &str, old: &str, new: &str, edits: &[Edit], encoding: Encoding) -> Self {
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
        let mut out =
            Self { path: path.to_string(), bytes: Vec::new(), insertions: 0, deletions: 0, encoding };
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
        if !out.bytes.is_empty() {
            out.bytes.splice(0..0, format!("--- a/{path}\n+++ b/{path}\n").into_bytes());
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
            let header = format!("@@ -{} +{} @@\n", hunk_range(&old_range), hunk_range(&new_range));
            self.bytes.extend_from_slice(header.as_bytes());
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
                    // Line 1 of either file starts with the BOM the decoded text left out.
                    let first_line = match change.tag() {
                        ChangeTag::Insert => new_offset + change.new_index().unwrap_or(1) == 0,
                        _ => offset + change.old_index().unwrap_or(1) == 0,
                    };
                    self.bytes.push(sign as u8);
                    self.push_line(change.value(), first_line);
                    if !change.value().ends_with('\n') {
                        self.bytes.extend_from_slice(b"\n\\ No newline at end of file\n");
                    }
                }
            }
            self.insertions += insertions;
            self.deletions += deletions;
        }
    }

    /// Appends one line of the file in its encoding, with the BOM when it is the file's first line.
    fn push_line(&mut self, line: &str, first_line: bool) {
        match self.encoding {
            Encoding::Utf8 { bom } => {
                if bom && first_line {
                    self.bytes.extend_from_slice(b"\xEF\xBB\xBF");
                }
                self.bytes.extend_from_slice(line.as_bytes());
            }
            // Latin-1 text holds only code points below 256, each the byte of the same value (a rewrite
            // that adds another is refused before it gets here, as it cannot be written).
            Encoding::Latin1 => {
                self.bytes.extend(line.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')))
            }
        }
    }

    /// The diff with ANSI styles; the output stream strips them when colour is off.
    pub fn styled(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len() + 64);
        for line in self.bytes.split_inclusive(|&b| b == b'\n') {
            let style = if line.starts_with(b"---") || line.starts_with(b"+++") {
                HEADER
            } else if line.starts_with(b"@@") {
                HUNK
            } else if line.starts_with(b"-") {
                REMOVED
            } else if line.starts_with(b"+") {
                ADDED
            } else {
                Style::new()
            };
            let end = line.len() - line.iter().rev().take_while(|&&b| b == b'\n' || b == b'\r').count();
            let body = &line[..end];
            out.extend_from_slice(format!("{style}").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(format!("{style:#}").as_bytes());
            out.extend_from_slice(&line[body.len()..]);
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

/// The path a patch names the file at `path` by, as `git diff` would: the path as shown, or, when it leads
/// through a symbolic link, the file the link points to (a patch to the link's path would make `git apply`
/// replace the link, and `patch` refuse it), relative to the working folder like the path given.
pub fn patch_path(path: &Path) -> String {
    let shown = super::display_path(path);
    let through_link = path
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .any(|a| a.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()));
    if !through_link {
        return shown;
    }
    let Ok(real) = std::fs::canonicalize(path) else {
        return shown;
    };
    if path.is_absolute() {
        return super::display_path(&real);
    }
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return shown;
    };
    let common = real.components().zip(cwd.components()).take_while(|(a, b)| a == b).count();
    let mut relative = std::path::PathBuf::new();
    cwd.components().skip(common).for_each(|_| relative.push(".."));
    real.components().skip(common).for_each(|c| relative.push(c));
    super::display_path(&relative)
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
            let windowed = FileDiff::from_edits("m.py", &old, &new, &edits, Encoding::Utf8 { bom: false });
            assert_eq!(windowed.text(), whole.text(), "{edits:?}");
            assert_eq!((windowed.insertions, windowed.deletions), (whole.insertions, whole.deletions));
        }
    }

    #[test]
    fn unified_diff_with_git_headers() {
        let d = FileDiff::new("app/x.py", "a\nm = await f()\nb\n", "a\nm = f()\nb\n");
        assert!(d.text().starts_with("--- a/app/x.py\n+++ b/app/x.py\n@@ -1,3 +1,3 @@\n"), "{}", d.text());
        assert!(d.text().contains("-m = await f()\n+m = f()\n"));
        assert_eq!((d.insertions, d.deletions), (1, 1));
    }

    /// `git apply` matches context bytes exactly: line 1 of a file with a BOM must carry the BOM.
    #[test]
    fn first_line_keeps_the_bom() {
        let (old, new) = ("m = await f()\nb\n", "m = f()\nb\n");
        let edits = [Edit::deletion(4..10)];
        let d = FileDiff::from_edits("x.py", old, new, &edits, Encoding::Utf8 { bom: true });
        let expected =
            "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-\u{feff}m = await f()\n+\u{feff}m = f()\n b\n";
        assert_eq!(d.bytes, expected.as_bytes());
        let edits = [Edit::deletion(6..12)];
        let d = FileDiff::from_edits(
            "x.py",
            "a\nm = await f()\n",
            "a\nm = f()\n",
            &edits,
            Encoding::Utf8 { bom: true },
        );
        assert!(d.text().contains("\n \u{feff}a\n-m = await"), "as context too: {:?}", d.text());
    }

    /// A latin-1 file's lines are its bytes, not their UTF-8 encoding.
    #[test]
    fn latin1_lines_are_written_as_latin1() {
        let (old, new) = ("s = 'caf\u{e9}'\nm = await f()\n", "s = 'caf\u{e9}'\nm = f()\n");
        let at = old.find("await ").unwrap();
        let edits = [Edit::deletion(at..at + 6)];
        let d = FileDiff::from_edits("x.py", old, new, &edits, Encoding::Latin1);
        assert!(d.bytes.windows(11).any(|w| w == b" s = 'caf\xe9'"), "{:?}", d.text());
        assert!(!d.bytes.windows(2).any(|w| w == "\u{e9}".as_bytes()), "no UTF-8 é");
    }
}
