//! Intent: sites that await the sync function on purpose, inside an assertion that expects the TypeError.

use std::ops::Range;

use tree_sitter::{QueryCursor, StreamingIterator, Tree};

use super::queries;

/// Byte ranges of the bodies of `with` statements that expect a TypeError.
pub(crate) fn expecting_type_error(text: &str, tree: &Tree) -> Vec<Range<usize>> {
    let query = &queries().intent;
    let body = query
        .capture_index_for_name("body")
        .expect("intent.scm captures @body");
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        out.extend(
            m.captures()
                .iter()
                .filter(|c| c.index == body)
                .map(|c| c.node.byte_range()),
        );
    }
    out
}
