//! Verification: a planned rewrite in, the bytes to write out — or the reason it must not be written. The
//! rewritten statements (or the whole file) are parsed again and must parse cleanly, and the text must encode
//! back to the file's encoding. Pure.

use std::ops::Range;

use crate::error::FileError;
use crate::fix::Applied;
use crate::parse;
use crate::source::Source;

/// Re-parses the statements a rewrite changed; they must parse cleanly, and the rest of the file is unchanged.
/// A simple statement (no body) parses the same wherever it stands, so when every edit lies inside one and
/// adds no line, each changed statement is parsed alone, from its first token to the end of its line. Else
/// `parsed`, the ranges parsed to plan the rewrite (which hold every edit), moved by the edits, are parsed
/// again, reusing from their `tree` what the edits did not touch. Returns the bytes the rewrite encodes to.
pub(crate) fn verify_parsed(
    tree: &tree_sitter::Tree,
    parsed: &[Range<usize>],
    applied: &Applied,
    source: &Source,
) -> Result<Vec<u8>, FileError> {
    let rewritten = applied.text.as_str();
    let edits = &applied.edits;
    let tree = match changed_statements(tree, &source.text, edits) {
        Some(statements) => {
            let moved = moved_ranges(&statements, edits)
                .ok_or(FileError::Verify("an edit lies outside its statement"))?;
            parse::parse_ranges(rewritten, &moved)
        }
        None => {
            let moved = moved_ranges(parsed, edits)
                .ok_or(FileError::Verify("an edit lies outside the statements parsed"))?;
            parse::reparse_ranges(tree, &source.text, edits, rewritten, &moved)
        }
    }
    .ok_or(FileError::Verify("the rewrite could not be re-parsed"))?;
    if tree.root_node().has_error() {
        return Err(FileError::Verify(
            "the rewrite does not parse cleanly; file left unchanged (please report this)",
        ));
    }
    encode(source, rewritten)
}

/// The simple statements that `edits` (sorted) change, each from its first token to the end of its line
/// (sorted, disjoint); `None` when an edit adds a line or is not inside one of them.
fn changed_statements(
    tree: &tree_sitter::Tree,
    text: &str,
    edits: &[crate::edit::Edit],
) -> Option<Vec<Range<usize>>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for edit in edits {
        let statement = parse::statement_at(tree.root_node(), edit.start());
        let simple = matches!(
            statement.kind(),
            "expression_statement"
                | "return_statement"
                | "import_statement"
                | "import_from_statement"
                | "assert_statement"
                | "raise_statement"
                | "delete_statement"
        );
        let inside = statement.start_byte() <= edit.start() && edit.end() <= statement.end_byte();
        if !simple || !inside || edit.content().contains('\n') {
            return None;
        }
        let end = statement.end_byte();
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i + 1);
        match ranges.last_mut() {
            // Two edits in one statement, or statements that share a line.
            Some(last) if statement.start_byte() < last.end => last.end = last.end.max(line_end),
            _ => ranges.push(statement.start_byte()..line_end),
        }
    }
    Some(ranges)
}

/// `ranges` (sorted, disjoint) in the text that `edits` (sorted) make: an edit inside a range, or an
/// insertion at its end, grows or shrinks it; one before it moves it. `None` when an edit is not inside one.
fn moved_ranges(ranges: &[Range<usize>], edits: &[crate::edit::Edit]) -> Option<Vec<Range<usize>>> {
    let mut moved = Vec::with_capacity(ranges.len());
    let mut edits = edits.iter().peekable();
    let mut shift: isize = 0;
    for range in ranges {
        let start = range.start.checked_add_signed(shift)?;
        while let Some(edit) =
            edits.next_if(|e| e.start() < range.end || e.start() == range.end && e.end() == e.start())
        {
            if edit.start() < range.start || edit.end() > range.end {
                return None;
            }
            shift += edit.content().len() as isize - (edit.end() - edit.start()) as isize;
        }
        moved.push(start..range.end.checked_add_signed(shift)?);
    }
    edits.next().is_none().then_some(moved)
}

/// The bytes to write for `rewritten`, in the file's encoding.
fn encode(source: &Source, rewritten: &str) -> Result<Vec<u8>, FileError> {
    source.encode(rewritten).ok_or(FileError::Encode)
}

/// Re-parses a rewrite: it must parse with no more errors than the original (which had none), and encode back
/// to the file's encoding. Returns the bytes to write.
pub(crate) fn verify(
    original: &tree_sitter::Tree,
    applied: &Applied,
    source: &Source,
) -> Result<Vec<u8>, FileError> {
    let rewritten = applied.text.as_str();
    let tree = parse::reparse(original, &source.text, &applied.edits, rewritten)
        .ok_or(FileError::Verify("the rewrite could not be re-parsed; file left unchanged"))?;
    if parse::error_count(&tree) > parse::error_count(original) {
        return Err(FileError::Verify(
            "the rewrite does not parse cleanly; file left unchanged (please report this)",
        ));
    }
    encode(source, rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_ranges_move_with_the_edits() {
        use crate::edit::Edit;
        let ranges = [2..5, 8..10];
        let edits = [Edit::deletion(3..4), Edit::insertion(5, "ab"), Edit::replacement(8..9, "xyz")];
        assert_eq!(
            moved_ranges(&ranges, &edits),
            Some(vec![2..6, 9..13]),
            "an insertion at the end is inside"
        );
        assert_eq!(moved_ranges(&ranges, &[Edit::deletion(6..7)]), None, "an edit between ranges");
        assert_eq!(moved_ranges(&ranges, &[Edit::deletion(4..9)]), None, "an edit across ranges");
    }

    #[test]
    fn changed_simple_statements_are_verified_alone() {
        use crate::edit::Edit;
        let text = "class C:\n    async def f(self):\n        x = await g(); y = 1\n        if await h():\n            return await g()\n";
        let tree = parse::parse(text).unwrap();
        let at = |needle: &str| text.find(needle).unwrap();
        let (first, second) = (at("await g()"), at("return await") + 7);
        let statements = changed_statements(&tree, text, &[Edit::deletion(first..first + 6)]);
        let first_line = Range { start: at("x = "), end: at("        if") };
        assert_eq!(statements, Some(vec![first_line]), "to the end of the line");
        let both = [Edit::deletion(first..first + 6), Edit::deletion(second..second + 6)];
        let statements = changed_statements(&tree, text, &both).unwrap();
        assert_eq!(statements, [at("x = ")..at("        if"), at("return")..text.len()]);
        let header = at("await h()");
        assert_eq!(
            changed_statements(&tree, text, &[Edit::deletion(header..header + 6)]),
            None,
            "an if header"
        );
        let line = Edit::insertion(first, "\n        ");
        assert_eq!(changed_statements(&tree, text, &[line]), None, "an added line");

        // A rewrite that breaks its statement is caught there.
        let source = Source::decode(text.as_bytes()).unwrap();
        let broken = Edit::replacement(first..first + 5, "await (");
        let mut rewritten = text.to_string();
        rewritten.replace_range(broken.range(), broken.content());
        let applied =
            Applied { text: rewritten, fixed: vec![0], overlapping: Vec::new(), edits: vec![broken] };
        let whole = Range { start: 0, end: text.len() };
        let error = verify_parsed(&tree, &[whole], &applied, &source).unwrap_err();
        assert!(error.to_string().contains("does not parse cleanly"), "{error}");
    }
}
