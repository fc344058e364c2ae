//! AWF001: `await F(...)` where F resolves to the sync function of a pair.
//! Candidates come from `awaited_call.scm`; name resolution decides which of them call the sync function.
//! An awaited name the resolver cannot follow becomes an AWF004 site for review.

use super::callee::{self, Reach, Twin, awaited_call, operand};
use super::{Action, Candidate, Captured, FileContext, Site, StatusOf, may_name_pair};
use crate::finding::Rule;
use crate::resolve::{Context, Scopes};
use crate::transform::Prefer;

/// Awaited calls whose callee may name a pair's sync function: its own name, an alias an import gave it, or
/// an attribute chain ending in it. (An alias always comes from an import that names the original.)
pub(super) fn candidates<'tree, 't: 'tree>(
    file: &FileContext<'t>,
    captured: &Captured<'tree>,
) -> Vec<Candidate<'tree, 't>> {
    let mut out = Vec::new();
    for &site in &captured.awaited {
        let Some(call) = operand(site).and_then(awaited_call) else { continue };
        let Some((callee, name_node)) = callee::callee(file.text, call) else { continue };
        let named = match &callee {
            callee::Callee::Name(name) => may_name_pair(file, captured, name),
            callee::Callee::Attribute { attr, .. } => file.pairs().any(|(_, p)| p.sync == *attr),
        };
        if named {
            out.push(Candidate { node: site, call, callee, name_node });
        }
    }
    out
}

pub(super) fn sites<'tree, 'f, 's>(
    file: &'f FileContext,
    scopes: &'s Scopes,
    candidates: &[Candidate<'tree, 'f>],
    status: &StatusOf,
) -> Vec<Site<'tree, 'f, 's>> {
    let mut out = Vec::new();
    for c in candidates {
        let Some(scope) = scopes.scope_of(c.node) else { continue };
        let (rule, transform, pair, bindings) =
            match callee::reach(file, scopes, scope, c.node.start_byte(), &c.callee, Twin::Sync) {
                Reach::Pair { transform, pair, bindings } => (Rule::Awf001, transform, pair, bindings),
                Reach::Unknown { transform, pair } => (Rule::Awf004, transform, pair, Vec::new()),
                Reach::None => continue,
            };
        let context = scopes.context(scope);
        let top = *super::sync_fix::await_chain(c.node).last().expect("the chain holds the site");
        let action = match rule {
            Rule::Awf004 => Action::Review,
            _ if super::awf003::passed_to_api(file, scopes, scope, top) => Action::PassAsync,
            _ if context == Context::Async && file.prefer[transform] == Prefer::Async => Action::CallAsync,
            _ => Action::DropAwait,
        };
        let status = status.of(rule, c.node);
        let shown = callee_text(file.text, c.call);
        let mut message = match rule {
            Rule::Awf004 => format!(
                "`{shown}` is bound in a way awaitfix cannot follow (reassigned, imported conditionally or \
                 dynamically); if it is the synchronous `{}`, awaiting it raises TypeError: review it",
                pair.sync
            ),
            _ if shown == pair.sync => format!("`{shown}` is synchronous; awaiting it raises TypeError"),
            _ => format!("`{shown}` is the synchronous `{}`; awaiting it raises TypeError", pair.sync),
        };
        if action == Action::PassAsync {
            message.push_str(&format!("; the call it is passed to needs `{}(...)`", pair.async_name));
        }
        if context != Context::Async && rule == Rule::Awf001 {
            message.push_str(" (and `await` outside `async def` is a SyntaxError)");
        }
        out.push(Site { rule, found: c.clone(), transform, pair, bindings, scope, action, status, message });
    }
    out
}

/// The callee as written, without the white space a multi-line callee may hold.
pub(super) fn callee_text(text: &str, call: tree_sitter::Node) -> String {
    let callee = call.child_by_field_name("function").map_or("", |f| &text[f.byte_range()]);
    callee.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}
