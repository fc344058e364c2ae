//! Intent: sites that await the sync function on purpose, inside an assertion that expects the TypeError.

use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::intent_query;

/// Whether the parsed text spells the name of an assertion `intent.scm` accepts (`raises`, `assertRaises`,
/// `assertRaisesRegex`: all contain "aises"); without one, no site can be intentional.
pub(crate) fn may_expect(tree: &tree_sitter::Tree, text: &str) -> bool {
    !crate::parse::spellings(tree, text, ["aises"]).is_empty()
}

/// Whether `site` stands in the body of a `with` statement whose context manager expects a TypeError. Only
/// the `with` statements around the site are queried.
/// A `with` outside the function the site is in does not count: the function's body runs later.
pub(crate) fn expects_type_error(text: &str, root: Node, site: Node) -> bool {
    let query = intent_query();
    let assertion = query.capture_index_for_name("assertion").expect("intent.scm captures @assertion");
    let mut node = site;
    for parent in super::callee::ancestors(root, site) {
        if matches!(parent.kind(), "function_definition" | "lambda") {
            return false;
        }
        let in_body = parent.kind() == "with_statement" && parent.child_by_field_name("body") == Some(node);
        node = parent;
        let Some(clause) = parent.named_child(0).filter(|c| in_body && c.kind() == "with_clause") else {
            continue;
        };
        let mut cursor = QueryCursor::new();
        cursor.set_byte_range(clause.byte_range());
        let mut matches = cursor.matches(query, clause, text.as_bytes());
        while let Some(m) = matches.next() {
            let calls = m.captures().iter().filter(|c| c.index == assertion);
            if calls
                .filter_map(|c| with_body(c.node))
                .any(|body| Some(body) == parent.child_by_field_name("body"))
            {
                return true;
            }
        }
    }
    false
}

/// The body of the `with` statement whose item is `call`: also `call as name`, and inside the parentheses
/// black and ruff-format write (`with (call):`, `with (call as name):`, `with (\n    call as name,\n):`), which
/// tree-sitter reads as a parenthesized expression or a tuple around the item, where Python sees items.
fn with_body(call: Node) -> Option<Node> {
    let mut node = call;
    let mut item = call.parent()?;
    while match item.kind() {
        "as_pattern" => item.named_child(0) == Some(node),
        "parenthesized_expression" | "tuple" => true,
        _ => false,
    } {
        node = item;
        item = item.parent()?;
    }
    if item.kind() != "with_item" {
        return None;
    }
    let statement = item.parent().filter(|c| c.kind() == "with_clause")?.parent()?;
    statement.child_by_field_name("body")
}
