//! AWF002: `F_async(...)` whose coroutine is thrown away — a bare statement, or a result used as the object it
//! would produce (`F_async(x).send(m)`, or a name assigned from it and then only used that way). In an
//! `async def` the fix awaits it; elsewhere it calls the sync `F` instead. A coroutine returned from an
//! `async def` (directly or through a name), or kept in a name then stored in an attribute or item, is reported
//! for review. A coroutine that is awaited, returned from a plain function, passed to any call (`create_task`,
//! `gather`, a helper) or stored in a collection is left alone.

use tree_sitter::Node;

use super::callee::{self, Reach, Twin};
use super::{Action, Candidate, Entry, FileContext, Input, Site, StatusOf};
use crate::edit::Applicability;
use crate::finding::{Level, Rule, RuleSpec};
use crate::resolve::{Context, Scopes};

/// AWF002: `F_async(...)` whose coroutine is never awaited.
pub(crate) const AWF002: Rule = Rule::new(&SPEC);

const SPEC: RuleSpec = RuleSpec {
    code: "AWF002",
    name: "CoroutineNeverAwaited",
    title: "coroutine never awaited",
    summary: "`F_async(...)` whose coroutine is never awaited",
    docs: "`F_async(...)` whose coroutine is never awaited: the call does nothing. Fix: await it, or call \
             the synchronous function outside `async def`. A coroutine that an `async def` returns, or that \
             is kept in a name and stored in an attribute or item, reaches code that expects the result: it \
             is reported for review, without a fix.",
    fix_title: Some("Await the coroutine, or call the synchronous function outside `async def`"),
    level: Level::Error,
    applicability: Applicability::Safe,
};

/// The registry's entry.
pub(super) const ENTRY: Entry = Entry::sites(AWF002, detect);

fn detect<'tree, 'f>(input: &Input<'_, 'tree, 'f>) -> Vec<Site<'tree, 'f, 'f>> {
    sites(input.file, input.scopes, input.calls, input.status)
}

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
        let context = file.context(scopes, scope);
        let shown = callee::callee_text(file.text, c.call);
        let (action, message) = if !is_discarded(file.text, c.call) {
            match escape(file.text, c.call, context) {
                Some(message) => (Action::Review, format!("`{shown}(...)` {message}")),
                None => continue,
            }
        } else if context == Context::Async {
            (Action::AddAwait, format!("`{shown}(...)` returns a coroutine that is never awaited; await it"))
        } else {
            let message = format!(
                "`{shown}(...)` returns a coroutine that cannot be awaited here; call `{}(...)`",
                pair.sync
            );
            (Action::CallSync, message)
        };
        out.push(Site {
            rule: AWF002,
            found: c.clone(),
            transform,
            pair,
            bindings,
            scope,
            action,
            status: status.of(AWF002, c.node),
            message,
        });
    }
    out
}

/// The name a candidate's coroutine is assigned to (`name = F_async(...)`): whether it is discarded depends on
/// every later use of that name, so a partial parse must also parse the statements that spell it.
pub(super) fn assigned_name<'t>(text: &'t str, call: Node) -> Option<&'t str> {
    let parent = call.parent().filter(|p| p.kind() == "assignment")?;
    (parent.child_by_field_name("right") == Some(call)).then_some(())?;
    let target = parent.child_by_field_name("left").filter(|l| l.kind() == "identifier")?;
    Some(&text[target.byte_range()])
}

/// Whether the coroutine `call` creates is certainly never awaited.
fn is_discarded(text: &str, call: Node) -> bool {
    let Some(parent) = call.parent() else { return false };
    match parent.kind() {
        "expression_statement" => true,
        "attribute" => {
            parent.child_by_field_name("object") == Some(call) && !is_coroutine_protocol(text, parent, true)
        }
        "subscript" => parent.child_by_field_name("value") == Some(call),
        "assignment" => assigned_name(text, call).is_some_and(|name| only_used_as_object(text, parent, name)),
        _ => false,
    }
}

/// Whether every later read of `name` in the enclosing function is the object of an attribute or subscript
/// (`m.send(...)`, `m[0]`): the coroutine is then used as if it were the manager.
fn only_used_as_object(text: &str, assignment: Node, name: &str) -> bool {
    later_uses(text, assignment, name).into_iter().all(|node| {
        let Some(parent) = node.parent() else { return false };
        match parent.kind() {
            "attribute" => {
                parent.child_by_field_name("object") == Some(node) && !is_coroutine_protocol(text, parent, false)
            }
            "subscript" => parent.child_by_field_name("value") == Some(node),
            _ => false,
        }
    })
}

/// The reads of `name` after `assignment`, in the function (or lambda, or module) that holds it, nested
/// functions included.
pub(super) fn later_uses<'tree>(text: &str, assignment: Node<'tree>, name: &str) -> Vec<Node<'tree>> {
    let mut scope = assignment;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if matches!(scope.kind(), "function_definition" | "lambda" | "module") {
            break;
        }
    }
    let mut uses = Vec::new();
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier"
            && node.start_byte() > assignment.end_byte()
            && &text[node.byte_range()] == name
        {
            uses.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    uses
}

/// What surrounds an expression once its parentheses are looked through.
pub(super) fn enclosing(node: Node) -> Option<Node> {
    let mut parent = node.parent()?;
    while parent.kind() == "parenthesized_expression" {
        parent = parent.parent()?;
    }
    Some(parent)
}

/// Why the coroutine `call` creates, though not discarded, reaches code that expects what it would produce:
/// it is returned from an `async def` (whose caller awaits the function and gets a coroutine, not the
/// manager), directly or through a name, or a name holding it is stored in an attribute or item. A name that
/// is awaited or handed to a call anywhere after is left alone: the coroutine is then driven somewhere.
fn escape(text: &str, call: Node, context: Context) -> Option<&'static str> {
    const RETURNED: &str = "returns a coroutine that this `async def` returns un-awaited: its caller gets a \
         coroutine where it expects the result; review";
    const STORED: &str = "returns a coroutine that is stored without being awaited; review whether it is \
         awaited later";
    let parent = enclosing(call)?;
    if parent.kind() == "return_statement" {
        return (context == Context::Async).then_some(RETURNED);
    }
    let name = assigned_name(text, call)?;
    let mut escape = None;
    for node in later_uses(text, parent, name) {
        let Some(user) = enclosing(node) else { continue };
        match user.kind() {
            "await" | "argument_list" | "keyword_argument" => return None,
            "return_statement" if context == Context::Async && function_of(user) == function_of(parent) => {
                escape = Some(RETURNED)
            }
            "assignment"
                if (user.child_by_field_name("left")).is_some_and(|left| {
                    matches!(left.kind(), "attribute" | "subscript") && left.end_byte() <= node.start_byte()
                }) =>
            {
                escape = escape.or(Some(STORED));
            }
            _ => {}
        }
    }
    escape
}

/// The function or lambda `node` is in, if any.
fn function_of(node: Node) -> Option<Node> {
    let mut node = node.parent()?;
    while !matches!(node.kind(), "function_definition" | "lambda") {
        node = node.parent()?;
    }
    Some(node)
}

/// Attributes only a coroutine has, besides `send`: reading them drives or inspects the coroutine itself.
const COROUTINE_ATTRIBUTES: &[&str] = &["throw", "close", "__await__"];

/// Whether `attribute` (`coroutine.NAME`) belongs to the coroutine protocol, so that the object is used as a
/// coroutine, not as the manager it would produce: `throw`, `close`, `__await__`, the `cr_*` attributes, and
/// `send` when it drives the coroutine by hand: `send(None)` (the only value a coroutine that has not started
/// accepts; any other raises TypeError, so it can only mean the manager's `send`), or, on a coroutine kept in
/// a name (not `fresh` from the call), any `send` inside a `try` that catches the StopIteration a finished
/// coroutine raises: an earlier `send(None)` may have started it.
fn is_coroutine_protocol(text: &str, attribute: Node, fresh: bool) -> bool {
    let Some(name) = attribute.child_by_field_name("attribute").map(|n| &text[n.byte_range()]) else {
        return false;
    };
    if COROUTINE_ATTRIBUTES.contains(&name) || name.starts_with("cr_") {
        return true;
    }
    if name != "send" {
        return false;
    }
    let sends_none = (attribute.parent())
        .filter(|call| call.kind() == "call" && call.child_by_field_name("function") == Some(attribute))
        .and_then(|call| call.child_by_field_name("arguments"))
        .is_some_and(|args| {
            let mut cursor = args.walk();
            let args: Vec<Node> = args.named_children(&mut cursor).filter(|a| !a.is_extra()).collect();
            matches!(args.as_slice(), [arg] if arg.kind() == "none")
        });
    sends_none || !fresh && catches_stop_iteration(text, attribute)
}

/// Whether `node` stands in the body of a `try` (of its own function) with a handler that names StopIteration.
fn catches_stop_iteration(text: &str, node: Node) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "function_definition" | "lambda" | "class_definition" => return false,
            "try_statement" if parent.child_by_field_name("body") == Some(child) => {
                let mut cursor = parent.walk();
                let handles = parent.named_children(&mut cursor).any(|clause| {
                    matches!(clause.kind(), "except_clause" | "except_group_clause")
                        && clause.named_child(0).filter(|c| c.kind() != "block").is_some_and(|caught| {
                            let caught = &text[caught.byte_range()];
                            caught
                                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                                .any(|w| w == "StopIteration")
                        })
                });
                if handles {
                    return true;
                }
            }
            _ => {}
        }
        child = parent;
    }
    false
}
