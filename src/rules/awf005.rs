//! AWF005: `await f(...)` where `f` resolves, across the project's modules, to a function whose result cannot be
//! awaited. The detection is project-wide (`rules::project_sites` asks the index); this file holds the rule's spec
//! and turns each condemned site of one parsed file into a `Finding`: its status, and the drop-await fix,
//! which is `Unsafe` (the index may be wrong about what the name is at run time).

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::sync_fix::{await_chain, desyncs_generator, drop_await};
use super::{Entry, awf001, intent, suppression};
use crate::edit::Applicability;
use crate::finding::{Finding, Level, Link, Rule, RuleSpec, Status};
use crate::source::LineIndex;

/// AWF005: `await f(...)` where `f` is, across modules, a function whose result cannot be awaited.
pub(crate) const AWF005: Rule = Rule::new(&SPEC);

const SPEC: RuleSpec = RuleSpec {
    code: "AWF005",
    name: "AwaitOnNonAwaitable",
    title: "`await` on a function whose result cannot be awaited",
    summary: "`await f(...)` where f resolves across modules to a sync `def` or an `@asynccontextmanager` function",
    docs: "With `--project`: `await f(...)` where `f` resolves, through imports, aliases and re-exports of the \
             project's modules, to a synchronous `def` that cannot return an awaitable, a generator function, \
             or an `async def` under `contextlib.asynccontextmanager`. Awaiting the result raises TypeError at \
             run time. Fix: drop the `await` (unsafe: applied only with `--unsafe-fixes`); an async context \
             manager is used with `async with` instead, by hand.",
    fix_title: Some("Drop the `await`"),
    level: Level::Error,
    applicability: Applicability::Unsafe,
};

/// The registry's entry. Its detection needs the project index, which a file's rules do not see: `plan`
/// runs it (through `rules::project_sites`) when the project-wide rule is on, so the per-file entry finds nothing.
pub(super) const ENTRY: Entry = Entry::findings(AWF005, |_| Vec::new());

/// One site the index condemns, described for a finding.
pub(crate) struct Condemned {
    /// The `await` expression.
    pub range: Range<usize>,
    /// The call awaited.
    pub call: Range<usize>,
    pub message: String,
    /// What the fix does, or what to review.
    pub summary: String,
    /// Whether dropping the `await` fixes it (not for an async context manager).
    pub drop_await: bool,
    /// The resolution, from the file's own binding to the definition.
    pub chain: Vec<Link>,
}

/// The findings of `sites` in a parsed file, in source order. A site another rule reports already (`existing`,
/// AWF001 on a pair's function) is left out; a site starting at an offset of `declined` gets no fix.
pub(crate) fn findings(
    text: &str,
    tree: &Tree,
    sites: Vec<Condemned>,
    existing: &[Finding],
    declined: &[usize],
) -> Vec<Finding> {
    let root = tree.root_node();
    let reported: HashSet<usize> = existing.iter().map(|f| f.range.start).collect();
    let sites: Vec<(Condemned, Node, Node)> = (sites.into_iter())
        .filter(|s| !reported.contains(&s.range.start))
        .filter_map(|s| {
            let node = root.descendant_for_byte_range(s.range.start, s.range.end)?;
            let call = root.descendant_for_byte_range(s.call.start, s.call.end)?;
            (node.kind() == "await" && call.kind() == "call").then_some((s, node, call))
        })
        .collect();
    if sites.is_empty() {
        return Vec::new();
    }
    // Every `await` the file's fixes may drop: a generator expression whose last one goes becomes a plain one.
    let awf001 = existing.iter().filter(|f| f.rule == awf001::AWF001 && f.fix.is_some());
    let dropped: HashSet<usize> = (awf001.filter_map(|f| root.descendant_for_byte_range(f.range.start, f.range.end)))
        .chain(sites.iter().filter(|(s, _, _)| s.drop_await).map(|(_, node, _)| *node))
        .flat_map(await_chain)
        .map(|n| n.id())
        .collect();
    let index = LineIndex::new(text);
    let may_expect = intent::may_expect(tree, text);
    let mut out = Vec::new();
    for (site, node, call) in sites {
        let status = if may_expect && intent::expects_type_error(text, root, node) {
            Status::Intentional
        } else if suppression::is_suppressed(text, tree, &index, site.range.start, AWF005.code()) {
            Status::Suppressed
        } else {
            Status::Open
        };
        let mut message = site.message;
        let fix = match status {
            Status::Open if site.drop_await && declined.binary_search(&site.range.start).is_err() => {
                if super::plan::in_debug_field(text, root, node) {
                    message.push_str("; not fixed: it stands in an f-string's `=` field, whose printed text would change");
                    None
                } else if desyncs_generator(root, node, &dropped) {
                    message.push_str(
                        "; not fixed: without its `await` an async generator expression would become a plain one, \
                         fix by hand",
                    );
                    None
                } else {
                    drop_await(text, node, call).map(|fix| fix.with_applicability(SPEC.applicability))
                }
            }
            Status::Intentional => {
                message.push_str("; intentional: the surrounding assertion expects the TypeError");
                None
            }
            Status::Suppressed => {
                message.push_str("; suppressed by a comment");
                None
            }
            Status::Open => None,
        };
        out.push(Finding {
            rule: AWF005,
            range: site.range,
            message,
            transform: String::new(),
            fix,
            summary: site.summary,
            status,
            chain: site.chain,
            fallback: None,
        });
    }
    out
}
