//! Planning: sites in, findings with their fixes out. Renames to a pair's other function go through
//! `imports`, which needs to know every rename of the file at once (to tell whether an imported name is
//! still used once they are all done).

use std::collections::HashSet;

use super::awf001::AWF001;
use super::awf003::AWF003;
use super::callee::{Callee, Twin};
use super::fallback::Fallback;
use super::imports::Renames;
use super::sync_fix::{
    add_await, asyncs_generator, await_chain, desyncs_generator, drop_await, drop_inner_awaits,
};
use super::{Action, FileContext, Site};
use crate::edit::{Edit, Fix};
use crate::finding::{Finding, Status};
use crate::resolve::{BindingKind, Scopes};
use tree_sitter::Node;

pub(super) fn findings(file: &FileContext, scopes: &Scopes, sites: Vec<Site>) -> Vec<Finding> {
    // A declined site keeps its call as it is, so its name still needs its import.
    let declined = |site: &Site| file.declined.binary_search(&site.found.node.start_byte()).is_ok();
    let blocked = blocked(file, &sites);
    let open = |(site, blocked): &(&Site, &Option<Unfixed>)| {
        site.status == Status::Open && !declined(site) && blocked.is_none()
    };
    let renaming =
        sites.iter().any(|s| matches!(s.action, Action::CallAsync | Action::CallSync | Action::PassAsync));
    let renames = renaming.then(|| {
        let renamed: Vec<(&Site, Twin)> = (sites.iter().zip(&blocked))
            .filter(open)
            .map(|(s, _)| s)
            .filter(|s| renames_name(s))
            .map(|s| (s, if s.action == Action::CallSync { Twin::Sync } else { Twin::Async }))
            .collect();
        Renames::new(file, scopes, &renamed)
    });
    // First the renames, which decide which sites fall back to dropping their `await`; then every fix that
    // drops awaits knows all the awaits the file's fixes drop.
    // `None` where no rename is tried; else its edits, or why there are none.
    let renamed: Vec<Option<Result<Vec<Edit>, Fallback>>> = (sites.iter().zip(&blocked))
        .map(|pair| match pair.0.action {
            _ if !open(&pair) => None,
            Action::CallAsync | Action::PassAsync => Some(renames.as_ref()?.edits(pair.0, Twin::Async)),
            Action::CallSync => Some(renames.as_ref()?.edits(pair.0, Twin::Sync)),
            _ => None,
        })
        .collect();
    let dropped: HashSet<usize> = (sites.iter().zip(&blocked).zip(&renamed))
        .filter(|(pair, _)| open(pair))
        .flat_map(|((site, _), renamed)| match (site.action, renamed) {
            (Action::DropAwait | Action::PassAsync, _) | (Action::CallAsync, None | Some(Err(_))) => {
                await_chain(site.found.node)
            }
            (Action::CallAsync, Some(Ok(_))) => {
                let chain = await_chain(site.found.node);
                chain[..chain.len() - 1].to_vec()
            }
            _ => Vec::new(),
        })
        .map(|node| node.id())
        .collect();
    (sites.into_iter().zip(blocked).zip(renamed))
        .map(|((site, blocked), renamed)| {
            let is_declined = declined(&site);
            let why = match &renamed {
                Some(Err(why)) if site.action == Action::CallAsync && site.rule == AWF001 => {
                    Some(why.clone())
                }
                _ => None,
            };
            let planned = match (site.status, blocked) {
                (Status::Open, _) if is_declined => Err(Unfixed::Review),
                (Status::Open, Some(blocked)) => Err(blocked),
                (Status::Open, None) => plan(file, &site, renamed.and_then(Result::ok), &dropped),
                _ => Err(Unfixed::Review),
            };
            // Asked to call the async twin, the site got the sync fix: say why.
            let fallback = why.filter(|_| matches!(planned, Ok((_, Action::DropAwait))));
            let summary = summary(&site, planned.as_ref().ok().map(|(_, done)| *done));
            let mut message = site.message;
            message.push_str(match (site.status, &planned) {
                (Status::Intentional, _) => "; intentional: the surrounding assertion expects the TypeError",
                (Status::Suppressed, _) => "; suppressed by a comment",
                (Status::Open, _) if is_declined => "",
                (Status::Open, Err(unfixed)) => unfixed.note(),
                (Status::Open, Ok(_)) => "",
            });
            Finding {
                rule: site.rule,
                range: site.found.node.byte_range(),
                message,
                transform: file.transforms[site.transform].id.clone(),
                // What a fix promises is the rule's to say (the registry's), whatever edits planned it.
                fix: planned.ok().map(|(fix, _)| fix.with_applicability(site.rule.spec().applicability)),
                summary,
                status: site.status,
                chain: Vec::new(),
                fallback: fallback.map(|why| why.to_string()),
            }
        })
        .collect()
}

/// Why a site gets no fix.
enum Unfixed {
    /// AWF004, or a site that is not open.
    Review,
    /// Dropping the `await`s would make an async generator expression a plain one.
    Generator,
    /// No correct import of the other function can be planned.
    Import,
    /// An added `await` would make a plain generator expression asynchronous.
    PlainGenerator,
    /// Inside an f-string's `=` field (`f"{await F(x)=}"`), which prints the expression's text.
    DebugText,
}

impl Unfixed {
    /// What the finding's message adds.
    fn note(&self) -> &'static str {
        match self {
            Unfixed::Review => "",
            Unfixed::Generator => {
                "; not fixed: without its `await` an async generator expression would become a plain one, fix by \
                 hand"
            }
            Unfixed::PlainGenerator => {
                "; not fixed: an `await` would make a plain generator expression asynchronous, fix by hand"
            }
            Unfixed::Import => "; not fixed: no correct import of the other function can be planned",
            Unfixed::DebugText => {
                "; not fixed: it stands in an f-string's `=` field, whose printed text would change"
            }
        }
    }
}

/// Why each site is left unfixed whatever the renames do (their names then keep their imports), if it is: in
/// an f-string's `=` field, handed to an API from a generator expression that might lose its last `await`
/// (counting every AWF001 `await` as dropped), or needing an `await` in a plain generator expression.
fn blocked(file: &FileContext, sites: &[Site]) -> Vec<Option<Unfixed>> {
    let every_await: HashSet<usize> = (sites.iter().filter(|s| s.rule == AWF001))
        .flat_map(|s| await_chain(s.found.node))
        .map(|n| n.id())
        .collect();
    let root = file.tree.root_node();
    let blocked = |site: &Site| {
        if in_debug_field(file.text, root, site.found.node) {
            Some(Unfixed::DebugText)
        } else if site.action == Action::PassAsync && desyncs_generator(root, site.found.node, &every_await) {
            Some(Unfixed::Generator)
        } else if site.action == Action::AddAwait && asyncs_generator(root, site.found.node) {
            Some(Unfixed::PlainGenerator)
        } else {
            None
        }
    };
    sites.iter().map(blocked).collect()
}

/// The fix of a site that is open and not blocked, and the action it takes (AWF001 may fall back from calling
/// the async twin to dropping the `await`), given its rename's edits and the awaits the file's fixes drop.
fn plan(
    file: &FileContext,
    site: &Site,
    renamed: Option<Vec<Edit>>,
    dropped: &HashSet<usize>,
) -> Result<(Fix, Action), Unfixed> {
    let (text, node, call) = (file.text, site.found.node, site.found.call);
    let dropping = || {
        if desyncs_generator(file.tree.root_node(), node, dropped) {
            return Err(Unfixed::Generator);
        }
        drop_await(text, node, call).ok_or(Unfixed::Review)
    };
    match (site.action, renamed) {
        (Action::Review, _) => Err(Unfixed::Review),
        (Action::AddAwait, _) => Ok((add_await(call), Action::AddAwait)),
        (Action::DropAwait, _) | (Action::CallAsync, None) if site.rule == AWF001 => {
            dropping().map(|fix| (fix, Action::DropAwait))
        }
        (Action::CallAsync, Some(mut edits)) if site.rule == AWF001 => {
            edits.extend(drop_inner_awaits(text, node));
            Ok((Fix::safe(edits), Action::CallAsync))
        }
        (Action::PassAsync, Some(mut edits)) => {
            edits.extend(dropping()?.edits().iter().cloned());
            Ok((Fix::safe(edits), Action::PassAsync))
        }
        (_, Some(edits)) => Ok((Fix::safe(edits), site.action)),
        (_, None) => Err(Unfixed::Import),
    }
}

/// Whether `site` stands in an f-string replacement field that ends in `=` (`f"{expr=}"`), which prints the
/// expression's text: any edit there changes what the program prints.
pub(super) fn in_debug_field(text: &str, root: Node, site: Node) -> bool {
    super::callee::ancestors(root, site).into_iter().take_while(|n| n.kind() != "function_definition").any(
        |n| {
            let mut cursor = n.walk();
            n.kind() == "interpolation"
                && n.children(&mut cursor).any(|c| !c.is_named() && &text[c.byte_range()] == "=")
        },
    )
}

/// What the fix does in a few words, for commit messages and reports; what to review when there is none.
fn summary(site: &Site, done: Option<Action>) -> String {
    let (sync, async_name) = (&site.pair.sync, &site.pair.async_name);
    match done {
        Some(Action::DropAwait) => format!("drop await on {sync}"),
        Some(Action::CallAsync) if site.rule == AWF003 => {
            format!("pass {async_name} instead of {sync}")
        }
        Some(Action::PassAsync) => format!("pass {async_name} instead of awaiting {sync}"),
        Some(Action::CallAsync) => format!("await {async_name} instead of {sync}"),
        Some(Action::AddAwait) => format!("await {async_name}"),
        Some(Action::CallSync) => format!("call {sync} instead of {async_name}"),
        Some(Action::Review) | None => format!("review a call of {sync}"),
    }
}

/// Whether the site's fix replaces its callee's name, so that the name's import may lose its last use. Only
/// names bound by one import are renamed; other renames either keep the name (attributes) or do not happen.
fn renames_name(site: &Site) -> bool {
    matches!(site.action, Action::CallAsync | Action::CallSync | Action::PassAsync)
        && matches!(site.found.callee, Callee::Name(_))
        && matches!(site.bindings.as_slice(), [b] if matches!(b.kind, BindingKind::ImportFrom { .. }))
}
