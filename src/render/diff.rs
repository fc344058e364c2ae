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
use similar::{ChangeTag, DiffOp, TextDiff};

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

    /// The diff of `new`, which `edits` (sorted, in `old`'s offsets) make from `old`: only the lines the edits
    /// touch are compared, each run of them on its own, and the lines between are known equal. The hunks are
    /// those a comparison of the whole texts gives, at a cost linear in the file and in its changes: a run of
    /// more than `COMPARED` changed lines (thousands of sites in a row) is shown as removed then added rather
    /// than compared line by line, which would cost the square of its length. Lines are written in
    /// `encoding`, the file's own.
    pub fn from_edits(path: &str, old: &str, new: &str, edits: &[Edit], encoding: Encoding) -> Self {
        let (old_lines, new_lines) = (lines(old), lines(new));
        let mut ops = Vec::new();
        let (mut at_old, mut at_new) = (0, 0);
        let mut shift: isize = 0;
        let mut edits = edits.iter().peekable();
        while let Some(first) = edits.next() {
            // A run: the lines of this edit and of every edit that touches them or the line after.
            let old_first = line_of(&old_lines, first.start());
            let mut old_end = line_of(&old_lines, first.end()) + 1;
            shift += first.content().len() as isize - (first.end() - first.start()) as isize;
            while let Some(edit) = edits.next_if(|e| line_of(&old_lines, e.start()) <= old_end) {
                old_end = old_end.max(line_of(&old_lines, edit.end()) + 1);
                shift += edit.content().len() as isize - (edit.end() - edit.start()) as isize;
            }
            let old_end = old_end.min(old_lines.len());
            let new_first = at_new + (old_first - at_old);
            let end_byte = old_lines.get(old_end).map_or(old.len(), |l| l.start);
            let new_end = match end_byte.checked_add_signed(shift) {
                Some(b) if old_end < old_lines.len() => line_of(&new_lines, b),
                _ => new_lines.len(),
            };
            if old_first > at_old {
                ops.push(DiffOp::Equal { old_index: at_old, new_index: at_new, len: old_first - at_old });
            }
            ops.extend(compare(
                old,
                &old_lines[old_first..old_end],
                new,
                &new_lines[new_first..new_end],
                old_first,
                new_first,
            ));
            (at_old, at_new) = (old_end, new_end);
        }
        if at_old < old_lines.len() {
            ops.push(DiffOp::Equal { old_index: at_old, new_index: at_new, len: old_lines.len() - at_old });
        }
        let mut out =
            Self { path: path.to_string(), bytes: Vec::new(), insertions: 0, deletions: 0, encoding };
        for group in similar::group_diff_ops(join_equal(ops), CONTEXT) {
            out.add_hunk(&group, |i| &old[old_lines[i].clone()], |j| &new[new_lines[j].clone()]);
        }
        if !out.bytes.is_empty() {
            out.bytes.splice(0..0, format!("--- a/{path}\n+++ b/{path}\n").into_bytes());
        }
        out
    }

    /// One hunk: `group`'s lines, taken from the old file by `old` and from the new one by `new`.
    fn add_hunk<'a>(
        &mut self,
        group: &[DiffOp],
        old: impl Fn(usize) -> &'a str,
        new: impl Fn(usize) -> &'a str,
    ) {
        let (first, last) = (group[0], group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let header = format!("@@ -{} +{} @@\n", hunk_range(&old_range), hunk_range(&new_range));
        self.bytes.extend_from_slice(header.as_bytes());
        for op in group {
            for (tag, old_index, new_index) in changes(op) {
                let (sign, line, first_line) = match tag {
                    ChangeTag::Equal => (' ', old(old_index), old_index == 0),
                    ChangeTag::Delete => {
                        self.deletions += 1;
                        ('-', old(old_index), old_index == 0)
                    }
                    ChangeTag::Insert => {
                        self.insertions += 1;
                        ('+', new(new_index), new_index == 0)
                    }
                };
                self.bytes.push(sign as u8);
                // Line 1 of either file starts with the BOM the decoded text left out.
                self.push_line(line, first_line);
                if !line.ends_with('\n') {
                    self.bytes.extend_from_slice(b"\n\\ No newline at end of file\n");
                }
            }
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

/// The lines of `op`, each as (what happens to it, its old index, its new index); a replacement's removed
/// lines come before its added ones, as in `diff -u`.
fn changes(op: &DiffOp) -> impl Iterator<Item = (ChangeTag, usize, usize)> {
    let (old, new) = (op.old_range(), op.new_range());
    let (equal, deleted, inserted) = match op {
        DiffOp::Equal { .. } => (old.len(), 0, 0),
        _ => (0, old.len(), new.len()),
    };
    let equal = (0..equal).map(move |i| (ChangeTag::Equal, old.start + i, new.start + i));
    let deleted = (0..deleted).map(move |i| (ChangeTag::Delete, old.start + i, new.start));
    let inserted = (0..inserted).map(move |i| (ChangeTag::Insert, old.end, new.start + i));
    equal.chain(deleted).chain(inserted)
}

/// `ops` with neighbouring runs of equal lines made one, as hunks take their context from a single run.
fn join_equal(ops: Vec<DiffOp>) -> Vec<DiffOp> {
    let mut out: Vec<DiffOp> = Vec::with_capacity(ops.len());
    for op in ops {
        match (out.last_mut(), op) {
            (Some(DiffOp::Equal { len, .. }), DiffOp::Equal { len: more, .. }) => *len += more,
            _ => out.push(op),
        }
    }
    out
}

/// Runs of changed lines longer than this (old plus new) are not compared line by line.
const COMPARED: usize = 2_000;

/// The byte range of each line of `text`, its line ending included.
fn lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1).chain([text.len()]) {
        if end > start {
            out.push(start..end);
        }
        start = end;
    }
    out
}

/// The index of the line that holds byte `offset` (the last line for the end of the text).
fn line_of(lines: &[std::ops::Range<usize>], offset: usize) -> usize {
    lines.partition_point(|l| l.end <= offset).min(lines.len().saturating_sub(1))
}

/// The operations that turn one run of old lines into its new lines, numbered from `old_first`/`new_first`.
fn compare(
    old: &str,
    old_lines: &[std::ops::Range<usize>],
    new: &str,
    new_lines: &[std::ops::Range<usize>],
    old_first: usize,
    new_first: usize,
) -> Vec<DiffOp> {
    if old_lines.len() + new_lines.len() > COMPARED {
        let mut ops = Vec::new();
        if !old_lines.is_empty() {
            ops.push(DiffOp::Delete { old_index: old_first, old_len: old_lines.len(), new_index: new_first });
        }
        if !new_lines.is_empty() {
            let old_index = old_first + old_lines.len();
            ops.push(DiffOp::Insert { old_index, new_index: new_first, new_len: new_lines.len() });
        }
        return ops;
    }
    let a: Vec<&str> = old_lines.iter().map(|l| &old[l.clone()]).collect();
    let b: Vec<&str> = new_lines.iter().map(|l| &new[l.clone()]).collect();
    let mut ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    for op in &mut ops {
        *op = match *op {
            DiffOp::Equal { old_index, new_index, len } => {
                DiffOp::Equal { old_index: old_index + old_first, new_index: new_index + new_first, len }
            }
            DiffOp::Delete { old_index, old_len, new_index } => {
                DiffOp::Delete { old_index: old_index + old_first, old_len, new_index: new_index + new_first }
            }
            DiffOp::Insert { old_index, new_index, new_len } => {
                DiffOp::Insert { old_index: old_index + old_first, new_index: new_index + new_first, new_len }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => DiffOp::Replace {
                old_index: old_index + old_first,
                old_len,
                new_index: new_index + new_first,
                new_len,
            },
        };
    }
    ops
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

    /// A long run of changed lines is not compared line by line (quadratic), yet gives the same hunk.
    #[test]
    fn long_runs_of_changes_diff_in_linear_time() {
        let old: String = (0..1500).map(|i| format!("    m = await f({i})\n")).collect();
        let new = old.replace("await ", "");
        let edits: Vec<Edit> =
            old.match_indices("await ").map(|(at, _)| Edit::deletion(at..at + 6)).collect();
        let windowed = FileDiff::from_edits("m.py", &old, &new, &edits, Encoding::Utf8 { bom: false });
        assert_eq!(windowed.text(), FileDiff::new("m.py", &old, &new).text());
        assert_eq!((windowed.insertions, windowed.deletions), (1500, 1500));
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
