//! The rows of a fix's edits away from its site (imports): each edit widened to the statement it is in, and
//! that statement before and after on one line. Pure text work: an import statement's continuation lines are
//! indented deeper than its first line or close its parenthesis, which is all that is needed to find it.

use std::ops::Range;

use super::LINE_LIMIT;

/// The lines of the statement around `edit` (a byte range of `text`): from the line that starts with `from `
/// or `import ` to its last continuation line. An insertion at the start of a line is its own, empty, span.
pub(super) fn statement(text: &str, edit: Range<usize>) -> Range<usize> {
    let at_line_start = edit.start == 0 || text[..edit.start].ends_with('\n');
    if edit.is_empty() && at_line_start {
        return edit;
    }
    let start = line_start(text, edit.start);
    // A range that ends with a newline ends on the line before.
    let last =
        if edit.end > edit.start && text[..edit.end].ends_with('\n') { edit.end - 1 } else { edit.end };
    let end = line_end(text, last.max(start));
    let first = match opens_import(&text[start..line_end(text, start)]) {
        true => start,
        false => opening_line(text, start).unwrap_or(start),
    };
    let mut end = end;
    if !opens_import(&text[first..line_end(text, first)]) {
        return first..end.max(edit.end);
    }
    let base = indentation(&text[first..]);
    while end < text.len() {
        let next_end = line_end(text, end + 1);
        let next = &text[end + 1..next_end];
        let so_far = text[first..end].trim_end();
        let deeper =
            !next.trim().is_empty() && (indentation(next) > base || next.trim_start().starts_with(')'));
        if !(deeper || so_far.ends_with('\\') || so_far.ends_with('(')) {
            break;
        }
        end = next_end;
    }
    // The span holds the whole edit, a deleted line's newline too.
    first..end.max(edit.end)
}

/// The start of the `from`/`import` line that the indented line at `start` continues, if it continues one.
fn opening_line(text: &str, start: usize) -> Option<usize> {
    let deeper = indentation(&text[start..line_end(text, start)]);
    let mut at = start;
    while deeper > 0 && at > 0 {
        at = line_start(text, at - 1);
        let line = &text[at..line_end(text, at)];
        if !line.trim().is_empty() && indentation(line) < deeper {
            return opens_import(line).then_some(at);
        }
    }
    None
}

/// Code of several lines on one: each line trimmed, joined with a space, `( ` and `, )` tightened, and cut
/// with `…` past `LINE_LIMIT` characters.
pub(super) fn joined(code: &str) -> String {
    let one = code.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    let one = one.replace("( ", "(").replace(", )", ")").replace(" )", ")").replace(" \\ ", " ");
    match one.char_indices().nth(LINE_LIMIT) {
        Some((at, _)) => format!("{}…", &one[..at]),
        None => one,
    }
}

fn opens_import(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("from ") || line.starts_with("import ")
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |n| n + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMPORTS: &str =
        "import os\nfrom m import (\n    a,\n    f,\n)\nfrom m import (\n    f as g,\n)\nx = 1\n";

    fn around(needle: &str, len: usize) -> String {
        let at = IMPORTS.find(needle).unwrap();
        IMPORTS[statement(IMPORTS, at..at + len)].to_string()
    }

    #[test]
    fn an_edit_inside_parentheses_shows_the_whole_statement() {
        assert_eq!(around("f,\n", 3), "from m import (\n    a,\n    f,\n)");
        assert_eq!(joined(&around("f,\n", 3)), "from m import (a, f)");
    }

    #[test]
    fn a_deleted_statement_ends_before_the_next() {
        let at = IMPORTS.find("from m import (\n    f as").unwrap();
        let end = IMPORTS.find("x = 1").unwrap();
        assert_eq!(&IMPORTS[statement(IMPORTS, at..end)], "from m import (\n    f as g,\n)\n");
    }

    #[test]
    fn a_single_line_import_and_an_insertion() {
        assert_eq!(around("os", 2), "import os");
        let at = IMPORTS.find("x = 1").unwrap();
        assert_eq!(statement(IMPORTS, at..at), at..at);
    }
}
