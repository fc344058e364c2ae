//! Planning: sites in, findings with their fixes out. Renames to a pair's other function go through
//! `imports`, which needs to know every rename of the file at once (to tell whether an imported name is
//! still used once they are all done).

use std::collections::HashSet;

use super::callee::{Callee, Twin};
use super::imports::Renames;
use super::sync_fix::{add_await, desyncs_generator, drop_await};
use super::{Action, FileContext, Site};
use crate::edit::Fix;
use crate::finding::{Finding, Rule, Status};
use crate::resolve::{BindingKind, Scopes};

pub(super) fn findings(file: &FileContext, scopes: &Scopes, sites: Vec<Site>) -> Vec<Finding> {
    let renamed: HashSet<usize> = sites
        .iter()
        .filter(|s| s.status == Status::Open && renames_name(s))
        .map(|s| s.found.name_node.id())
        .collect();
    let renaming = sites.iter().any(|s| matches!(s.action, Action::CallAsync | Action::CallSync));
    let renames = renaming.then(|| Renames::new(file.text, file.tree, scopes, renamed));
    sites
        .into_iter()
        .map(|site| {
            let fix = if site.status == Status::Open { plan(file, renames.as_ref(), &site) } else { None };
            let mut message = site.message;
            match site.status {
                Status::Intentional => {
                    message.push_str("; intentional: the surrounding assertion expects the TypeError")
                }
                Status::Suppressed => message.push_str("; suppressed by a comment"),
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
                status: site.status,
            }
        })
        .collect()
}

fn plan(file: &FileContext, renames: Option<&Renames>, site: &Site) -> Option<Fix> {
    let sync = || {
        drop_await(file.text, site.found.node, site.found.call)
            .filter(|_| !desyncs_generator(file.tree.root_node(), site.found.node))
    };
    match site.action {
        Action::Review => None,
        Action::DropAwait => sync(),
        Action::AddAwait => Some(add_await(site.found.call)),
        Action::CallSync => renames?.edits(site, Twin::Sync).map(Fix::safe),
        Action::CallAsync => match renames.and_then(|r| r.edits(site, Twin::Async)) {
            Some(edits) => Some(Fix::safe(edits)),
            None if site.rule == Rule::Awf001 => sync(),
            None => None,
        },
    }
}

/// Whether the site's fix replaces its callee's name, so that the name's import may lose its last use. Only
/// names bound by one import are renamed; other renames either keep the name (attributes) or do not happen.
fn renames_name(site: &Site) -> bool {
    matches!(site.action, Action::CallAsync | Action::CallSync)
        && matches!(site.found.callee, Callee::Name(_))
        && matches!(site.bindings.as_slice(), [b] if matches!(b.kind, BindingKind::ImportFrom { .. }))
}
