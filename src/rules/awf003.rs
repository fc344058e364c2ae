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

/// asyncio functions that take an awaitable.
const ASYNCIO: &[&str] = &["wait_for", "gather", "shield", "create_task", "ensure_future", "run", "timeout"];
/// Methods that take an awaitable whatever their object (`loop.run_until_complete`, `TaskGroup.create_task`).
const METHODS: &[&str] = &["run_until_complete", "create_task"];

/// The call a candidate is a positional argument of.
fn receiving_call(call: Node) -> Option<Node> {
    let mut node = call;
    let mut parent = node.parent()?;
    while parent.kind() == "parenthesized_expression" {
        node = parent;
        parent = node.parent()?;
    }
    (parent.kind() == "argument_list").then_some(())?;
    parent.parent().filter(|p| p.kind() == "call")
}

/// Root names of the calls that receive a candidate, so that resolution tracks them (`asyncio`, `aio`, `gather`).
pub(super) fn api_roots<'t>(file: &FileContext<'t>, calls: &[Candidate<'_, 't>]) -> Vec<&'t str> {
    calls
        .iter()
        .filter_map(|c| receiving_call(c.call))
        .filter_map(|receiver| callee::callee(file.text, receiver))
        .map(|(callee, _)| callee.root())
        .collect()
}

pub(super) fn sites<'tree, 'f, 's>(
    file: &'f FileContext,
    scopes: &'s Scopes,
    calls: &[Candidate<'tree, 'f>],
    status: &StatusOf,
) -> Vec<Site<'tree, 'f, 's>> {
    let mut out = Vec::new();
    for c in calls {
        let Some(receiver) = receiving_call(c.call) else { continue };
        let Some(scope) = scopes.scope_of(c.node) else { continue };
        let Some((api, _)) = callee::callee(file.text, receiver) else { continue };
        if !needs_awaitable(scopes, scope, receiver.start_byte(), &api) {
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
/// `from asyncio import …`) or a method that takes an awaitable.
fn needs_awaitable(scopes: &Scopes, scope: usize, offset: usize, api: &Callee) -> bool {
    let from_asyncio = |kind: &BindingKind, name: &str| match kind {
        BindingKind::Import { module, .. } => module == "asyncio",
        BindingKind::ImportFrom { module, name: imported } => {
            module == "asyncio" && ASYNCIO.contains(&imported.as_str()) && !name.is_empty()
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
            METHODS.contains(attr) || (path.is_empty() && ASYNCIO.contains(attr) && bound(root))
        }
    }
}
