//! AWF004: references to a pair's sync function that the resolver cannot follow — `getattr(m, "F")`,
//! `importlib.import_module(…).F` — reported for review, never fixed, unless what they fetch is only ever
//! called plainly. (Awaited names bound in ways the resolver cannot follow become AWF004 sites in `awf001`.)

use tree_sitter::Node;

use super::{Captured, Entry, FileContext, Input, StatusOf, awf002};
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
             `importlib`, a re-bound alias): review how it is called. A reference whose function is only \
             called plainly (on the spot, or through a local name that is only called and tested) is not \
             reported.",
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
        if let Some((transform, pair)) = file.pairs().find(|(_, p)| p.sync == spelled)
            && !only_called_plainly(file.text, node)
        {
            out.push(Dynamic { node, transform, name: pair.sync.clone() });
        }
    }
    out
}

/// Whether the function a dynamic `reference` fetches is only ever called, never awaited nor handed on: called
/// on the spot (`getattr(m, "F")(ctx)`), or assigned to a name of a function whose later reads call it that
/// way or only test it (`factory = getattr(…)`, `if factory is None: …`, `return factory(ctx)`). Such a reference calls the sync function as
/// it should be called; anything else — an `await`, an argument, a return, a module-level name others may
/// import — may misuse it and is reported.
fn only_called_plainly(text: &str, reference: Node) -> bool {
    if let Some(name) = awf002::assigned_name(text, reference) {
        let Some(assignment) = reference.parent() else { return false };
        let in_function = std::iter::successors(assignment.parent(), |n| n.parent())
            .any(|n| matches!(n.kind(), "function_definition" | "lambda"));
        if !in_function {
            // A module-level name may be read anywhere, by other modules too: never scan the module for it.
            return false;
        }
        let uses = awf002::later_uses(text, assignment, name);
        return uses.iter().any(|&u| called_plainly(u)) && uses.into_iter().all(|u| called_plainly(u) || only_tested(u));
    }
    called_plainly(reference)
}

/// Whether a read only tests the value (`factory is None`, `not factory`, `if factory:`), handing it nowhere.
fn only_tested(read: Node) -> bool {
    let Some(parent) = awf002::enclosing(read) else { return false };
    match parent.kind() {
        "comparison_operator" | "not_operator" => true,
        "if_statement" | "elif_clause" | "while_statement" => {
            parent.child_by_field_name("condition").map(crate::rules::callee::unparenthesize) == Some(read)
        }
        _ => false,
    }
}

/// Whether `function` is the callee of a call whose result is neither awaited nor handed to another call.
fn called_plainly(function: Node) -> bool {
    let Some(call) = awf002::enclosing(function).filter(|c| c.kind() == "call") else { return false };
    if call.child_by_field_name("function").map(crate::rules::callee::unparenthesize) != Some(function) {
        return false;
    }
    !matches!(
        awf002::enclosing(call).map(|n| n.kind()),
        Some("await" | "argument_list" | "keyword_argument") | None
    )
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
            fallback: None,
        })
        .collect()
}
