//! AWF003: a sync `F(...)` handed to an API that needs an awaitable (`asyncio.create_task(F(x))` fails with
//! "a coroutine was expected"); the fix passes `F_async(...)` instead, imports fixed.

use tree_sitter::Node;

use super::callee::{self, Callee, Reach, Twin};
use super::{Action, Candidate, Entry, FileContext, Input, Site, StatusOf};
use crate::edit::Applicability;
use crate::finding::{Level, Rule, RuleSpec};
use crate::resolve::{BindingKind, Resolution, Scopes};

/// AWF003: A sync `F(...)` handed to an API that needs an awaitable.
pub(crate) const AWF003: Rule = Rule::new(&SPEC);

const SPEC: RuleSpec = RuleSpec {
    code: "AWF003",
    name: "SyncCallWhereAwaitableNeeded",
    title: "synchronous call where an awaitable is needed",
    summary: "A sync `F(...)` handed to an API that needs an awaitable",
    docs: "The synchronous `F(...)` is handed to an API that needs an awaitable (`asyncio.gather`, \
             `create_task`, ...). Fix: pass `F_async(...)`.",
    fix_title: Some("Pass `F_async(...)` instead"),
    level: Level::Error,
    applicability: Applicability::Safe,
};

/// The registry's entry.
pub(super) const ENTRY: Entry = Entry::sites(AWF003, detect);

fn detect<'tree, 'f>(input: &Input<'_, 'tree, 'f>) -> Vec<Site<'tree, 'f, 'f>> {
    sites(input.file, input.scopes, input.calls, input.status)
}

/// asyncio functions that take awaitables as positional arguments.
const ASYNCIO: &[&str] = &["wait_for", "gather", "shield", "create_task", "ensure_future", "run"];
/// asyncio functions that take an iterable of awaitables.
const ASYNCIO_ITERABLE: &[&str] = &["as_completed"];
/// Methods that take an awaitable whatever their object (`loop.run_until_complete`, `TaskGroup.create_task`).
const METHODS: &[&str] = &["run_until_complete", "create_task"];

/// How a candidate reaches the call that receives it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Passed {
    /// As a positional argument: `gather(F(x))`.
    Directly,
    /// As an element of a collection or comprehension unpacked into the arguments: `gather(*[F(c) for c in
    /// cs])`, `gather(*(F(a), F(b)))`.
    Unpacked,
    /// As an element of a collection or comprehension passed whole: `as_completed([F(c) for c in cs])`.
    InIterable,
}

/// The call a candidate is passed to (through parentheses, and as an element of a collection or of a
/// comprehension), and how.
fn receiving_call(call: Node) -> Option<(Node, Passed)> {
    let mut node = call;
    let (mut collected, mut unpacked) = (false, false);
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "parenthesized_expression" => {}
            "list" | "tuple" | "set" if !collected => collected = true,
            "list_comprehension" | "set_comprehension" | "generator_expression"
                if !collected && parent.child_by_field_name("body") == Some(node) =>
            {
                collected = true
            }
            "list_splat" if collected && !unpacked => unpacked = true,
            // A generator expression as the only argument: `as_completed(F(c) for c in cs)`.
            "call" if collected && !unpacked && parent.child_by_field_name("arguments") == Some(node) => {
                return Some((parent, Passed::InIterable));
            }
            "argument_list" => {
                let passed = match (collected, unpacked) {
                    (false, _) => Passed::Directly,
                    (true, true) => Passed::Unpacked,
                    (true, false) => Passed::InIterable,
                };
                return parent.parent().filter(|p| p.kind() == "call").map(|p| (p, passed));
            }
            _ => return None,
        }
        node = parent;
    }
}

/// Root names of the calls that receive `nodes` (candidate calls, or the awaits around awaited ones), so that
/// resolution tracks them (`asyncio`, `aio`, `gather`).
pub(super) fn api_roots<'t, 'tree>(
    file: &FileContext<'t>,
    nodes: impl Iterator<Item = Node<'tree>>,
) -> Vec<&'t str> {
    nodes
        .filter_map(receiving_call)
        .filter_map(|(receiver, _)| callee::callee(file.text, receiver))
        .map(|(callee, _)| callee.root())
        .collect()
}

/// Whether `node`'s value is handed to an API that needs an awaitable (see `receiving_call`).
pub(super) fn passed_to_api(file: &FileContext, scopes: &Scopes, scope: usize, node: Node) -> bool {
    let Some((receiver, passed)) = receiving_call(node) else { return false };
    match callee::callee(file.text, receiver) {
        Some((api, _)) => needs_awaitable(scopes, scope, receiver.start_byte(), &api, passed),
        // A method of an object that is no dotted name (`asyncio.get_running_loop().create_task(…)`,
        // `(await x).tg.create_task(…)`): the methods take awaitables whatever their object.
        None => passed != Passed::InIterable && method_of_any_object(file.text, receiver),
    }
}

/// Whether `call` calls one of `METHODS` on some object.
fn method_of_any_object(text: &str, call: Node) -> bool {
    let Some(function) = call.child_by_field_name("function").map(callee::unparenthesize) else { return false };
    (function.kind() == "attribute")
        .then(|| function.child_by_field_name("attribute"))
        .flatten()
        .is_some_and(|attr| METHODS.contains(&&text[attr.byte_range()]))
}

pub(super) fn sites<'tree, 'f, 's>(
    file: &'f FileContext,
    scopes: &'s Scopes,
    calls: &[Candidate<'tree, 'f>],
    status: &StatusOf,
) -> Vec<Site<'tree, 'f, 's>> {
    let mut out = Vec::new();
    for c in calls {
        let Some((receiver, _)) = receiving_call(c.call) else { continue };
        let Some(scope) = scopes.scope_of(c.node) else { continue };
        if !passed_to_api(file, scopes, scope, c.call) {
            continue;
        }
        let Reach::Pair { transform, pair, bindings } =
            callee::reach(file, scopes, scope, c.node.start_byte(), &c.callee, Twin::Sync)
        else {
            continue;
        };
        let shown = callee::callee_text(file.text, c.call);
        let api_text = callee::callee_text(file.text, receiver);
        out.push(Site {
            rule: AWF003,
            found: c.clone(),
            transform,
            pair,
            bindings,
            scope,
            action: Action::CallAsync,
            status: status.of(AWF003, c.node),
            message: format!(
                "`{shown}` is synchronous and returns no awaitable, but `{api_text}` needs one; pass `{}(...)`",
                pair.async_name
            ),
        });
    }
    out
}

/// Whether the receiving call is an asyncio function (through `import asyncio [as aio]` or
/// `from asyncio import …`) or a method that takes awaitables passed the way the candidate is.
fn needs_awaitable(scopes: &Scopes, scope: usize, offset: usize, api: &Callee, passed: Passed) -> bool {
    let functions = if passed == Passed::InIterable { ASYNCIO_ITERABLE } else { ASYNCIO };
    let methods = if passed == Passed::InIterable { &[][..] } else { METHODS };
    let from_asyncio = |kind: &BindingKind, name: &str| match kind {
        BindingKind::Import { module, .. } => module == "asyncio",
        BindingKind::ImportFrom { module, name: imported } => {
            module == "asyncio" && functions.contains(&imported.as_str()) && !name.is_empty()
        }
        _ => false,
    };
    let bound = |name: &str| match scopes.resolve(name, scope, offset) {
        Resolution::Bound { bindings, .. } => bindings.iter().all(|b| from_asyncio(&b.kind, name)),
        Resolution::Unbound { .. } => false,
    };
    match api {
        Callee::Name(name) => bound(name),
        Callee::Attribute { root, path, attr } => {
            methods.contains(attr) || (path.is_empty() && functions.contains(attr) && bound(root))
        }
    }
}
