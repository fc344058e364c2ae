//! AWF005 over one parsed file: the awaited calls the project index condemns (`awaits::find`), described with
//! the chain of bindings that reached each definition, as findings of `rules::awf005`. Only a module of the
//! index is looked at (`Engine::awaits_module`): a file outside its roots has no module name to resolve its
//! imports from, and is skipped, as precision comes first.

use std::path::Path;

use super::Condemned;
use crate::finding::{Finding, Link};
use crate::project::awaitable::Never;
use crate::project::awaits::{self, Awaited, AwaitedSite, ModuleFile};
use crate::project::index::{Hop, ProjectIndex, Target};

/// The AWF005 findings of `module` (parsed whole or in part; its awaited calls are `awaited`), leaving out
/// the sites that `existing` (the other rules' findings) reports already; sites starting at an offset of
/// `declined` (sorted) get no fix.
pub fn findings(
    index: &ProjectIndex,
    module: &ModuleFile,
    awaited: &Awaited,
    existing: &[Finding],
    declined: &[usize],
) -> Vec<Finding> {
    let sites = awaits::find_in(index, module, awaited);
    if sites.is_empty() {
        return Vec::new();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let condemned = sites.into_iter().filter_map(|site| condemn(site, &cwd)).collect();
    crate::rules::awf005_findings(module.text, module.tree, condemned, existing, declined)
}

/// A site as the rule reports it: its message, the fix's summary and the chain (the definition last).
fn condemn(site: AwaitedSite, cwd: &Path) -> Option<Condemned> {
    let Target::Def { at, .. } = &site.resolved.target else { return None };
    let link = |hop: &Hop| Link {
        module: hop.module.clone(),
        name: hop.name.clone(),
        path: crate::source::display_path(hop.path.strip_prefix(cwd).unwrap_or(&hop.path)),
        line: hop.line,
    };
    let definition = link(at);
    let qualified = format!("{}.{}", at.module, at.name);
    let via: Vec<String> = site.resolved.chain.iter().map(|h| format!("{}.{}", h.module, h.name)).collect();
    let mut whence = format!("defined at {}:{}", definition.path, definition.line);
    if !via.is_empty() {
        whence.push_str(&format!(", reached via {}", via.join(" → ")));
    }
    let callee = &site.callee;
    let message = match site.never {
        Never::SyncResult => {
            format!(
                "`{callee}` is the synchronous `{qualified}` ({whence}); awaiting its result raises TypeError"
            )
        }
        Never::Generator => format!(
            "`{callee}` is the generator function `{qualified}` ({whence}); awaiting its result raises TypeError"
        ),
        Never::AsyncContextManager => format!(
            "`{callee}` is `{qualified}`, an `@asynccontextmanager` function ({whence}); awaiting its result \
             raises TypeError: use `async with {callee}(...)` instead"
        ),
    };
    let drop_await = site.never != Never::AsyncContextManager;
    let summary = match drop_await {
        true => format!("drop await on {callee}"),
        false => format!("use `async with` for {callee}"),
    };
    let mut chain: Vec<Link> = site.resolved.chain.iter().map(link).collect();
    chain.push(definition);
    Some(Condemned { range: site.range, call: site.call, message, summary, drop_await, chain })
}
