//! AWF001: `await F(...)` where F resolves to the sync function of a pair.
//! Candidates are the awaits found around the names tracked (`capture`); name resolution decides which of
//! them call the sync function. An awaited name the resolver cannot follow becomes an AWF004 site for
//! review.

use super::callee::{self, Reach, Twin, awaited_call, callee_text, operand};
use super::{Action, Candidate, Captured, Entry, FileContext, Input, Site, StatusOf, may_name_pair};
use crate::edit::Applicability;
use crate::finding::{Level, Rule, RuleSpec};
use crate::resolve::{Context, Scopes};
use crate::transform::Prefer;

/// AWF001: `await F(...)` where F is the sync function of a pair.
pub(crate) const AWF001: Rule = Rule::new(&SPEC);

const SPEC: RuleSpec = RuleSpec {
    code: "AWF001",
    name: "AwaitOnSyncFunction",
    title: "`await` on a synchronous function",
    summary: "`await F(...)` where F is the sync function of a pair",
    docs: "`await F(...)` where `F` is the synchronous function of a sync/async pair: awaiting its result \
             raises TypeError at run time. Fix: drop the `await`, or await the async function of the pair.",
    fix_title: Some("Drop the `await`, or await the async function of the pair"),
    level: Level::Error,
    applicability: Applicability::Safe,
};

/// The registry's entry: AWF001 sites, and AWF004 ones for awaited names the resolver cannot follow.
pub(super) const ENTRY: Entry = Entry::sites(AWF001, detect);

fn detect<'tree, 'f>(input: &Input<'_, 'tree, 'f>) -> Vec<Site<'tree, 'f, 'f>> {
    sites(input.file, input.scopes, input.awaited, input.status)
}

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
                Reach::Pair { transform, pair, bindings } => (AWF001, transform, pair, bindings),
                Reach::Unknown { transform, pair } => (super::awf004::AWF004, transform, pair, Vec::new()),
                Reach::None => continue,
            };
        let context = file.context(scopes, scope);
        let top = *super::sync_fix::await_chain(c.node).last().expect("the chain holds the site");
        let action = match rule {
            _ if rule == super::awf004::AWF004 => Action::Review,
            _ if super::awf003::passed_to_api(file, scopes, scope, top) => Action::PassAsync,
            _ if context == Context::Async && file.prefer[transform] == Prefer::Async => Action::CallAsync,
            _ => Action::DropAwait,
        };
        let status = status.of(rule, c.node);
        let shown = callee_text(file.text, c.call);
        let mut message = match rule {
            _ if rule == super::awf004::AWF004 => format!(
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
        if context != Context::Async && rule == AWF001 {
            message.push_str(" (and `await` outside `async def` is a SyntaxError)");
        }
        out.push(Site { rule, found: c.clone(), transform, pair, bindings, scope, action, status, message });
    }
    out
}
