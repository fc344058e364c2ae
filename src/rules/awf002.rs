//! AWF002: `F_async(...)` whose coroutine is thrown away — a bare statement, or a result used as the object it
//! would produce (`F_async(x).send(m)`, or a name assigned from it and then only used that way). In an
//! `async def` the fix awaits it; elsewhere it calls the sync `F` instead. A coroutine that is awaited,
//! returned, passed to any call (`create_task`, `gather`, a helper) or stored in a collection is left alone.

use tree_sitter::Node;

use super::callee::{self, Reach, Twin};
use super::{Action, Candidate, FileContext, Site, StatusOf};
use crate::finding::Rule;
use crate::resolve::{Context, Scopes};

pub(super) fn sites<'tree, 'f, 's>(
    file: &'f FileContext,
    scopes: &'s Scopes,
    calls: &[Candidate<'tree, 'f>],
    status: &StatusOf,
) -> Vec<Site<'tree, 'f, 's>> {
    let mut out = Vec::new();
    for c in calls {
        let Some(scope) = scopes.scope_of(c.node) else { continue };
        // Resolved first: whether the call is discarded can scan the whole function, so only calls of an
        // async twin pay for it (a function of thousands of sync calls used to cost the cube of their number).
        let Reach::Pair { transform, pair, bindings } =
            callee::reach(file, scopes, scope, c.node.start_byte(), &c.callee, Twin::Async)
        else {
            continue;
        };
        if !is_discarded(file.text, c.call) {
            continue;
        }
        let context = scopes.context(scope);
        let shown = super::awf001::callee_text(file.text, c.call);
        let (action, message) = if context == Context::Async {
            (Action::AddAwait, format!("`{shown}(...)` returns a coroutine that is never awaited; await it"))
        } else {
            let message = format!(
                "`{shown}(...)` returns a coroutine that cannot be awaited here; call `{}(...)`",
                pair.sync
            );
            (Action::CallSync, message)
        };
        out.push(Site {
            rule: Rule::Awf002,
            found: c.clone(),
            transform,
            pair,
            bindings,
            scope,
            action,
            status: status.of(Rule::Awf002, c.node),
            message,
        });
    }
    out
}

/// Whether the coroutine `call` creates is certainly never awaited.
fn is_discarded(text: &str, call: Node) -> bool {
    let Some(parent) = call.parent() else { return false };
    match parent.kind() {
        "expression_statement" => true,
        "attribute" => parent.child_by_field_name("object") == Some(call),
        "subscript" => parent.child_by_field_name("value") == Some(call),
        "assignment" if parent.child_by_field_name("right") == Some(call) => {
            let Some(target) = parent.child_by_field_name("left").filter(|l| l.kind() == "identifier") else {
                return false;
            };
            only_used_as_object(text, parent, &text[target.byte_range()])
        }
        _ => false,
    }
}

/// Whether every later read of `name` in the enclosing function is the object of an attribute or subscript
/// (`m.send(...)`, `m[0]`): the coroutine is then used as if it were the manager.
fn only_used_as_object(text: &str, assignment: Node, name: &str) -> bool {
    let mut scope = assignment;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if matches!(scope.kind(), "function_definition" | "lambda" | "module") {
            break;
        }
    }
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier"
            && node.start_byte() > assignment.end_byte()
            && &text[node.byte_range()] == name
        {
            let Some(parent) = node.parent() else { return false };
            let as_object = match parent.kind() {
                "attribute" => parent.child_by_field_name("object") == Some(node),
                "subscript" => parent.child_by_field_name("value") == Some(node),
                _ => false,
            };
            if !as_object {
                return false;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    true
}
