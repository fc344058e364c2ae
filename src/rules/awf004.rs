//! AWF004: references to a pair's sync function that the resolver cannot follow — `getattr(m, "F")`,
//! `importlib.import_module(…).F` — reported for review, never fixed. (Awaited names bound in ways the
//! resolver cannot follow become AWF004 sites in `awf001`.)

use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::{FileContext, StatusOf, queries};
use crate::finding::{Finding, Rule};

/// A dynamic reference and the sync name it spells.
pub(super) struct Dynamic<'tree> {
    node: Node<'tree>,
    transform: usize,
    name: String,
}

pub(super) fn candidates<'tree>(file: &FileContext<'tree>) -> Vec<Dynamic<'tree>> {
    let query = &queries().dynamic;
    let reference = query.capture_index_for_name("reference").expect("dynamic.scm captures @reference");
    let name = query.capture_index_for_name("name").expect("dynamic.scm captures @name");
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, file.tree.root_node(), file.text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        let node = m.captures().iter().find(|c| c.index == reference).map(|c| c.node);
        let spelled = m.captures().iter().find(|c| c.index == name).map(|c| &file.text[c.node.byte_range()]);
        let (Some(node), Some(spelled)) = (node, spelled) else { continue };
        if let Some((transform, pair)) = file.pairs().find(|(_, p)| p.sync == spelled) {
            out.push(Dynamic { node, transform, name: pair.sync.clone() });
        }
    }
    out
}

pub(super) fn findings(file: &FileContext, dynamic: &[Dynamic], status: &StatusOf) -> Vec<Finding> {
    dynamic
        .iter()
        .map(|d| Finding {
            rule: Rule::Awf004,
            range: d.node.byte_range(),
            message: format!(
                "dynamic reference to the synchronous `{}`: awaitfix cannot tell how it is called; review it",
                d.name
            ),
            transform: file.transforms[d.transform].id.clone(),
            fix: None,
            status: status.of(Rule::Awf004, d.node.byte_range()),
        })
        .collect()
}
