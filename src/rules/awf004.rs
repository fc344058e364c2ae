//! AWF004: references to a pair's sync function that the resolver cannot follow — `getattr(m, "F")`,
//! `importlib.import_module(…).F` — reported for review, never fixed. (Awaited names bound in ways the
//! resolver cannot follow become AWF004 sites in `awf001`.)

use tree_sitter::Node;

use super::{Captured, Entry, FileContext, Input, StatusOf};
use crate::edit::Applicability;
use crate::finding::{Finding, Level, Rule, RuleSpec};

/// AWF004: A reference to a pair's sync function that the resolver cannot follow.
pub(crate) const AWF004: Rule = Rule::new(&SPEC);

const SPEC: RuleSpec = RuleSpec {
    code: "AWF004",
    name: "UnresolvableReference",
    title: "reference that cannot be followed",
    summary: "A reference to a pair's sync function that the resolver cannot follow",
    docs: "A reference to a pair's synchronous function that awaitfix cannot follow (`getattr`, \
             `importlib`, a re-bound alias). No fix: review how it is called.",
    fix_title: None,
    level: Level::Warning,
    applicability: Applicability::DisplayOnly,
};

/// The registry's entry: dynamic references, reported for review without a plan.
pub(super) const ENTRY: Entry = Entry::findings(AWF004, detect);

fn detect(input: &Input) -> Vec<Finding> {
    findings(input.file, input.dynamic, input.status)
}

/// A dynamic reference and the sync name it spells.
pub(super) struct Dynamic<'tree> {
    node: Node<'tree>,
    transform: usize,
    name: String,
}

pub(super) fn candidates<'tree>(
    file: &FileContext<'tree>,
    captured: &Captured<'tree>,
) -> Vec<Dynamic<'tree>> {
    let mut out = Vec::new();
    for &(node, name) in &captured.dynamic {
        let spelled = &file.text[name.byte_range()];
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
            rule: AWF004,
            range: d.node.byte_range(),
            message: format!(
                "dynamic reference to the synchronous `{}`: awaitfix cannot tell how it is called; review it",
                d.name
            ),
            transform: file.transforms[d.transform].id.clone(),
            fix: None,
            summary: format!("review the dynamic reference to {}", d.name),
            status: status.of(AWF004, d.node),
            chain: Vec::new(),
        })
        .collect()
}
