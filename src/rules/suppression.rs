//! Suppression comments: `# awaitfix: ignore`, `# awaitfix: ignore[AWF001, …]` and `# noqa: AWF001, …`.
//! A bare `# noqa` is left to the linters it was written for: it does not silence awaitfix.

use tree_sitter::Tree;

use crate::source::LineIndex;

/// Whether a comment on the line where a site starts (its `await`) suppresses `code`.
pub(crate) fn is_suppressed(text: &str, tree: &Tree, index: &LineIndex, start: usize, code: &str) -> bool {
    let line = index.line_range(index.position(start).0);
    comments_on_line(text, tree, line).any(|comment| comment_suppresses(comment, code))
}

/// The comment tokens on a line (a `#` inside a string is not one).
fn comments_on_line<'a>(
    text: &'a str,
    tree: &'a Tree,
    line: std::ops::Range<usize>,
) -> impl Iterator<Item = &'a str> {
    let start = line.start;
    memchr::memchr_iter(b'#', &text.as_bytes()[line]).filter_map(move |i| {
        let at = start + i;
        let node = tree.root_node().descendant_for_byte_range(at, at + 1)?;
        (node.kind() == "comment" && node.start_byte() == at).then(|| &text[node.byte_range()])
    })
}

/// Whether one comment's text silences `code`; several directives may share a comment (`# a  # noqa: X`).
fn comment_suppresses(comment: &str, code: &str) -> bool {
    comment.split('#').map(str::trim).any(|part| {
        if let Some(rest) = strip_prefix_ignore_case(part, "awaitfix:") {
            let Some(rest) = rest.trim_start().strip_prefix("ignore") else {
                return false;
            };
            let rest = rest.trim_start();
            return match rest.strip_prefix('[') {
                Some(list) => list.split(']').next().is_some_and(|codes| lists(codes, code)),
                None => !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'),
            };
        }
        strip_prefix_ignore_case(part, "noqa")
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .is_some_and(|codes| lists(codes, code))
    })
}

fn lists(codes: &str, code: &str) -> bool {
    codes.split([',', ' ', '\t']).any(|c| c.trim().eq_ignore_ascii_case(code))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::comment_suppresses;

    #[test]
    fn directives() {
        assert!(comment_suppresses("# awaitfix: ignore", "AWF001"));
        assert!(comment_suppresses("# awaitfix: ignore[AWF001]", "AWF001"));
        assert!(comment_suppresses("# awaitfix: ignore[AWF002, awf001]", "AWF001"));
        assert!(comment_suppresses("# type: ignore  # noqa: E501, AWF001", "AWF001"));
        assert!(comment_suppresses("#noqa:AWF001", "AWF001"));
        assert!(!comment_suppresses("# awaitfix: ignore[AWF002]", "AWF001"));
        assert!(!comment_suppresses("# noqa", "AWF001"), "a bare noqa belongs to other linters");
        assert!(!comment_suppresses("# noqa: E501", "AWF001"));
        assert!(!comment_suppresses("# awaitfix: ignored-on-purpose", "AWF001"));
        assert!(!comment_suppresses("# see awaitfix: ignore docs", "AWF001"));
    }
}
