//! Planning: sites in, findings with their fixes out. Renames to a pair's other function go through
//! `imports`, which needs to know every rename of the file at once (to tell whether an imported name is
//! still used once they are all done).

use super::callee::{Callee, Twin};
use super::imports::Renames;
use super::sync_fix::{add_await, desyncs_generator, drop_await};
use super::{Action, FileContext, Site};
use crate::edit::Fix;
use crate::finding::{Finding, Rule, Status};
use crate::resolve::{BindingKind, Scopes};

pub(super) fn findings(file: &FileContext, scopes: &Scopes, sites: Vec<Site>) -> Vec<Finding> {
    // A declined site keeps its call as it is, so its name still needs its import.
    let declined = |site: &Site| file.declined.binary_search(&site.found.node.start_byte()).is_ok();
    let renaming = sites.iter().any(|s| matches!(s.action, Action::CallAsync | Action::CallSync));
    let renames = renaming.then(|| {
        let renamed: Vec<(&Site, Twin)> = sites
            .iter()
            .filter(|s| s.status == Status::Open && renames_name(s) && !declined(s))
            .map(|s| (s, if s.action == Action::CallSync { Twin::Sync } else { Twin::Async }))
            .collect();
        Renames::new(file.text, file.tree, scopes, &renamed)
    });
    sites
        .into_iter()
        .map(|site| {
            let is_declined = declined(&site);
            let planned = match site.status {
                Status::Open if !is_declined => plan(file, renames.as_ref(), &site),
                _ => None,
            };
            let summary = summary(&site, planned.as_ref().map(|(_, done)| *done));
            let fix = planned.map(|(fix, _)| fix);
            let mut message = site.message;
            match site.status {
                Status::Intentional => {
                    message.push_str("; intentional: the surrounding assertion expects the TypeError")
                }
                Status::Suppressed => message.push_str("; suppressed by a comment"),
                Status::Open if is_declined => {}
                Status::Open if fix.is_none() && site.rule == Rule::Awf001 => message.push_str(
                    "; not fixed: it is the only `await` of an async generator expression, fix by hand",
                ),
                Status::Open if fix.is_none() && site.rule != Rule::Awf004 => {
                    message.push_str("; not fixed: no correct import of the other function can be planned")
                }
                Status::Open => {}
            }
            Finding {
                rule: site.rule,
                range: site.found.node.byte_range(),
                message,
                transform: file.transforms[site.transform].id.clone(),
                fix,
                summary,
                status: site.status,
            }
        })
        .collect()
}

/// The site's fix and the action it takes (AWF001 may fall back from calling the async twin to dropping the
/// `await`).
fn plan(file: &FileContext, renames: Option<&Renames>, site: &Site) -> Option<(Fix, Action)> {
    let sync = || {
        drop_await(file.text, site.found.node, site.found.call)
            .filter(|_| !desyncs_generator(file.tree.root_node(), site.found.node))
            .map(|fix| (fix, Action::DropAwait))
    };
    match site.action {
        Action::Review => None,
        Action::DropAwait => sync(),
        Action::AddAwait => Some((add_await(site.found.call), Action::AddAwait)),
        Action::CallSync => renames?.edits(site, Twin::Sync).map(|e| (Fix::safe(e), Action::CallSync)),
        Action::CallAsync => match renames.and_then(|r| r.edits(site, Twin::Async)) {
            Some(edits) => Some((Fix::safe(edits), Action::CallAsync)),
            None if site.rule == Rule::Awf001 => sync(),
            None => None,
        },
    }
}

/// What the fix does in a few words, for commit messages and reports; what to review when there is none.
fn summary(site: &Site, done: Option<Action>) -> String {
    let (sync, async_name) = (&site.pair.sync, &site.pair.async_name);
    match done {
        Some(Action::DropAwait) => format!("drop await on {sync}"),
        Some(Action::CallAsync) if site.rule == Rule::Awf003 => {
            format!("pass {async_name} instead of {sync}")
        }
        Some(Action::CallAsync) => format!("await {async_name} instead of {sync}"),
        Some(Action::AddAwait) => format!("await {async_name}"),
        Some(Action::CallSync) => format!("call {sync} instead of {async_name}"),
        Some(Action::Review) | None => format!("review a call of {sync}"),
    }
}

/// Whether the site's fix replaces its callee's name, so that the name's import may lose its last use. Only
/// names bound by one import are renamed; other renames either keep the name (attributes) or do not happen.
fn renames_name(site: &Site) -> bool {
    matches!(site.action, Action::CallAsync | Action::CallSync)
        && matches!(site.found.callee, Callee::Name(_))
        && matches!(site.bindings.as_slice(), [b] if matches!(b.kind, BindingKind::ImportFrom { .. }))
}
