//! Intent: sites that await the sync function on purpose, inside an assertion that expects the TypeError.

use std::ops::Range;

use tree_sitter::{Node, QueryCursor, StreamingIterator, Tree};

use super::queries;

/// Byte ranges of the bodies of `with` statements whose context manager expects a TypeError.
pub(crate) fn expecting_type_error(text: &str, tree: &Tree) -> Vec<Range<usize>> {
    let query = &queries().intent;
    let assertion = query.capture_index_for_name("assertion").expect("intent.scm captures @assertion");
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        let calls = m.captures().iter().filter(|c| c.index == assertion);
        out.extend(calls.filter_map(|c| with_body(c.node)).map(|body| body.byte_range()));
    }
    out
}

/// The body of the `with` statement whose item is `call` (also as `call as name`).
fn with_body(call: Node) -> Option<Node> {
    let mut item = call.parent()?;
    if item.kind() == "as_pattern" {
        item = item.parent()?;
    }
    if item.kind() != "with_item" {
        return None;
    }
    let statement = item.parent().filter(|c| c.kind() == "with_clause")?.parent()?;
    statement.child_by_field_name("body")
}
