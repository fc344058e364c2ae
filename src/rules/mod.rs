//! Rules: match sites in a parsed file and plan their fixes (DESIGN §2).
//! Consumes the decoded text, its tree and the active transforms; produces `Finding`s in source order.
//! Each rule turns candidate nodes (from queries compiled once per process) into `Site`s by name resolution;
//! `plan` then turns sites into findings with fixes, imports included.

pub(crate) mod callee;
mod fallback;
mod imports;
mod in_tree;
mod intent;
mod plan;
pub(crate) mod project_sites;
mod suppression;
mod sync_fix;

use std::collections::HashSet;
use std::sync::OnceLock;

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use crate::finding::{Finding, Rule, Status};
use crate::parse::language;
use crate::resolve::{Binding, ScopeId, Scopes};
use crate::source::LineIndex;
use crate::transform::{Pair, Prefer, Transform};
use callee::Callee;

/// The registry: every rule, in code order; each module holds one rule's spec (its `AWFnnn` constant) and
/// its `ENTRY`. Adding a rule is a file beside this one and its name here.
macro_rules! registry {
    ($($rule:ident),* $(,)?) => {
        $(mod $rule;)*

        /// Every rule with its detection, in code order.
        const REGISTRY: &[Entry] = &[$($rule::ENTRY),*];
    };
}

registry!(awf001, awf002, awf003, awf004, awf005);

pub(crate) use awf005::{Condemned, findings as awf005_findings};

/// Every rule, in code order.
pub fn all() -> impl Iterator<Item = Rule> {
    REGISTRY.iter().map(|entry| entry.rule)
}

/// The rule with `code` (`AWF001`), if there is one.
pub fn by_code(code: &str) -> Option<Rule> {
    all().find(|rule| rule.code() == code)
}

/// A rule and how it detects: sites whose fixes `plan` makes, or findings that need no plan.
struct Entry {
    rule: Rule,
    sites: FindSites,
    findings: FindFindings,
}

/// A rule's detection of sites, whose fixes `plan` makes.
type FindSites = for<'i, 'tree, 'f> fn(&'i Input<'i, 'tree, 'f>) -> Vec<Site<'tree, 'f, 'f>>;
/// A rule's detection of findings that need no plan (reported for review).
type FindFindings = for<'i, 'tree, 'f> fn(&'i Input<'i, 'tree, 'f>) -> Vec<Finding>;

impl Entry {
    /// A rule that finds sites to plan.
    const fn sites(rule: Rule, sites: FindSites) -> Self {
        Self { rule, sites, findings: |_| Vec::new() }
    }

    /// A rule that reports findings without a plan.
    const fn findings(rule: Rule, findings: FindFindings) -> Self {
        Self { rule, sites: |_| Vec::new(), findings }
    }
}

/// What every rule's detection reads: the file, its scopes, the candidates captured, and how to tell a site's
/// status.
struct Input<'i, 'tree, 'f> {
    file: &'f FileContext<'f>,
    scopes: &'f Scopes<'f>,
    /// Awaited calls whose callee may name a pair's sync function.
    awaited: &'i [Candidate<'tree, 'f>],
    /// Calls not awaited whose callee's last name may be a pair's function.
    calls: &'i [Candidate<'tree, 'f>],
    /// References the resolver cannot follow (`getattr`, `importlib`).
    dynamic: &'i [awf004::Dynamic<'tree>],
    status: &'i StatusOf<'i>,
}

/// A bundled query, compiled once per process on first use. Compiling costs a few milliseconds per query
/// (tree-sitter analyses each pattern against the grammar), which one small file read from stdin pays in
/// full, so each query is compiled only when a file needs it.
struct Bundled {
    name: &'static str,
    source: &'static str,
    compiled: OnceLock<Query>,
}

impl Bundled {
    const fn new(name: &'static str, source: &'static str) -> Self {
        Self { name, source, compiled: OnceLock::new() }
    }

    fn get(&self) -> &Query {
        self.compiled.get_or_init(|| {
            Query::new(&language(), self.source)
                .unwrap_or_else(|e| panic!("bundled query {} is invalid: {e}", self.name))
        })
    }
}

/// AWF004's references the resolver cannot follow; run only on text that spells their functions.
static DYNAMIC: Bundled = Bundled::new("dynamic.scm", include_str!("dynamic.scm"));
/// Assertions that expect the TypeError; run only around a site inside a `with`.
static INTENT: Bundled = Bundled::new("intent.scm", include_str!("intent.scm"));

/// The compiled `intent.scm`.
pub(crate) fn intent_query() -> &'static Query {
    INTENT.get()
}

/// Starts compiling the queries on a thread of its own, so that the compile overlaps other work such as the
/// walk; a worker that needs one before it is done waits for it. Where no thread can be started, the first
/// worker that needs a query compiles it.
pub fn compile_queries_in_background() {
    let _ = std::thread::Builder::new().name("queries".into()).spawn(|| {
        for query in [&DYNAMIC, &INTENT] {
            query.get();
        }
    });
}

/// What the rules need to know about one file.
pub struct FileContext<'a> {
    /// The file's path as given; relative imports are resolved from its folders.
    pub path: &'a std::path::Path,
    pub text: &'a str,
    pub tree: &'a Tree,
    pub transforms: &'a [Transform],
    /// `prefer` per transform, already resolved for this file's path (same order as `transforms`).
    pub prefer: &'a [Prefer],
    /// Start offsets (sorted) of sites whose fix the user declined: they are reported without a fix, and
    /// the other fixes are planned as if they stay (their names keep their imports).
    pub declined: &'a [usize],
    /// The project index: what the modules of the scanned tree bind decides the names the file imports
    /// from them (`None`, or a module outside the tree, leaves that to the file alone).
    pub index: Option<&'a crate::project::ProjectIndex>,
}

impl<'a> FileContext<'a> {
    /// Where an `await` in `scope` stands. A notebook's top level is run by IPython as the body of a
    /// coroutine, so there it stands as in an `async def` (the path tells a notebook's module).
    fn context(&self, scopes: &Scopes, scope: ScopeId) -> crate::resolve::Context {
        use crate::resolve::Context;
        match scopes.context(scope) {
            Context::Module if crate::source::is_notebook(self.path) => Context::Async,
            context => context,
        }
    }

    /// Every pair of every transform, with the index of its transform.
    fn pairs(&self) -> impl Iterator<Item = (usize, &'a Pair)> + use<'a> {
        let transforms: &'a [Transform] = self.transforms;
        transforms.iter().enumerate().flat_map(|(i, t)| t.pairs.iter().map(move |p| (i, p)))
    }

    /// Whether `name` is the sync or async name of some pair.
    fn is_pair_name(&self, name: &str) -> bool {
        self.pairs().any(|(_, p)| p.sync == name || p.async_name == name)
    }
}

/// What the fix of a site does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Drop the `await` (AWF001, sync form).
    DropAwait,
    /// Call the async twin, keeping what surrounds the call (AWF001 with `prefer: async`, AWF003); AWF001
    /// falls back to dropping the `await` when the twin cannot be imported correctly.
    CallAsync,
    /// Await the coroutine (AWF002 in an `async def`).
    AddAwait,
    /// Call the sync twin instead of creating a coroutine (AWF002 outside `async def`).
    CallSync,
    /// Drop the `await` and call the async twin, whose coroutine the receiving API needs (AWF001 on
    /// `asyncio.create_task(await F(x))`: dropping the `await` alone still hands it no awaitable).
    PassAsync,
    /// Report for review, never fix (AWF004).
    Review,
}

/// A matched site, before its fix is planned.
pub(crate) struct Site<'tree, 'f, 's> {
    pub rule: Rule,
    /// Where it was found: its `node` is what is reported (the `await` for AWF001, the call for AWF002 and
    /// AWF003).
    pub found: Candidate<'tree, 'f>,
    pub transform: usize,
    pub pair: &'f Pair,
    /// The bindings through which the callee reaches the pair (empty when unbound or star-imported).
    pub bindings: Vec<&'s Binding>,
    pub scope: ScopeId,
    pub action: Action,
    pub status: Status,
    pub message: String,
}

/// An awaited or plain call whose callee might reach a pair's function.
#[derive(Clone)]
pub(crate) struct Candidate<'tree, 't> {
    pub node: Node<'tree>,
    pub call: Node<'tree>,
    pub callee: Callee<'t>,
    /// The identifier a rename replaces (the function's name, or the attribute's last part).
    pub name_node: Node<'tree>,
}

/// The candidate nodes found around the names tracked, by kind, in source order.
#[derive(Default)]
pub(crate) struct Captured<'tree> {
    awaited: Vec<Node<'tree>>,
    calls: Vec<Node<'tree>>,
    /// Local names that `from m import NAME as LOCAL` gives a pair's function.
    aliases: HashSet<&'tree str>,
    /// (reference, the name it spells).
    dynamic: Vec<(Node<'tree>, Node<'tree>)>,
    /// Root names of the decorators of `def`s named like a pair's function (`ft` of `@ft.lru_cache()`):
    /// whether such a `def` is still the pair's function depends on what they are bound to.
    decorators: Vec<&'tree str>,
}

/// Finds the candidates (`overlapping`) around every place a pair's name is spelled, then around every place
/// an alias of one is: every candidate contains one of those (its callee, the imported name, the spelled
/// string), so the rest of the tree is never visited.
fn capture<'tree>(file: &FileContext<'tree>) -> Captured<'tree> {
    let mut out = Captured::default();
    let mut seen = HashSet::new();
    let pair_names: Vec<&str> =
        file.pairs().flat_map(|(_, p)| [p.sync.as_str(), p.async_name.as_str()]).collect();
    let spellings = |names: &[&str]| crate::parse::spellings(file.tree, file.text, names);
    let pair_spellings = spellings(&pair_names);
    out.decorators = decorator_roots(file, &pair_spellings);
    capture_around(file, &pair_spellings, &mut seen, &mut out);
    if !out.aliases.is_empty() {
        let aliases: Vec<&str> = out.aliases.iter().copied().collect();
        capture_around(file, &spellings(&aliases), &mut seen, &mut out);
    }
    // A site met through two patterns is one site; sorted, its copies sit together.
    out.awaited.sort_by_key(|n| (n.start_byte(), n.id()));
    out.awaited.dedup();
    out.calls.sort_by_key(|n| n.start_byte());
    out.dynamic.sort_by_key(|(n, _)| n.start_byte());
    out
}

/// The root names of the decorators of every decorated `def` whose name is spelled at one of `spellings`.
fn decorator_roots<'tree>(
    file: &FileContext<'tree>,
    spellings: &[std::ops::Range<usize>],
) -> Vec<&'tree str> {
    let root = file.tree.root_node();
    let mut out = Vec::new();
    for range in spellings {
        let Some(name) = root.descendant_for_byte_range(range.start, range.end) else { continue };
        let Some(def) = name.parent().filter(|d| d.kind() == "function_definition") else { continue };
        let Some(decorated) = def.parent().filter(|d| d.kind() == "decorated_definition") else { continue };
        if def.child_by_field_name("name") != Some(name) {
            continue;
        }
        let mut cursor = decorated.walk();
        let decorators = decorated.named_children(&mut cursor).filter(|n| n.kind() == "decorator");
        out.extend(decorators.filter_map(|d| crate::resolve::decorator_name(file.text, d)).map(|(r, _)| r));
    }
    out
}

fn capture_around<'tree>(
    file: &FileContext<'tree>,
    ranges: &[std::ops::Range<usize>],
    seen: &mut HashSet<(usize, usize)>,
    out: &mut Captured<'tree>,
) {
    let kind = |name| language().id_for_node_kind(name, true);
    let (awaited, call, aliased) = (kind("await"), kind("call"), kind("aliased_import"));
    for range in ranges {
        // Every candidate lies within a few levels of the name: starting there spares the walk down the
        // statement lists and through the expressions around it.
        let start = crate::parse::match_root(file.tree.root_node(), range);
        for node in overlapping(start, range) {
            let id = node.kind_id();
            // A node met around two spellings is taken once.
            if !(id == awaited || id == call || id == aliased) || !seen.insert((usize::from(id), node.id())) {
                continue;
            }
            if id == awaited && node.named_child_count() > 0 {
                out.awaited.push(node);
            } else if id == call && is_candidate_call(node) {
                out.calls.push(node);
            } else if id == aliased {
                let (Some(imported), Some(alias)) = import_alias(node) else { continue };
                if file.is_pair_name(&file.text[imported.byte_range()]) {
                    out.aliases.insert(&file.text[alias.byte_range()]);
                }
            }
        }
    }
    capture_dynamic(file, ranges, seen, out);
}

/// `start` and the nodes under it that overlap `range`, in source order, each before its children: the
/// candidates (awaits, calls, aliased imports) are plain node kinds, which a walk finds without the cost of
/// compiling a query (tree-sitter analyses a query against the whole grammar, a few milliseconds that a run
/// on one small file would pay in full).
fn overlapping<'tree>(
    start: Node<'tree>,
    range: &std::ops::Range<usize>,
) -> impl Iterator<Item = Node<'tree>> {
    let mut cursor = start.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            let node = cursor.node();
            let overlaps = node.start_byte() < range.end && node.end_byte() > range.start;
            if !(overlaps && cursor.goto_first_child()) {
                // The next node in source order past this one's children: a sibling here or above.
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        done = true;
                        break;
                    }
                }
            }
            if overlaps {
                return Some(node);
            }
        }
        None
    })
}

/// Whether a call's function is a name, an attribute or a parenthesized expression: what a pair's function
/// can be called through.
fn is_candidate_call(call: Node) -> bool {
    (call.child_by_field_name("function"))
        .is_some_and(|f| matches!(f.kind(), "identifier" | "attribute" | "parenthesized_expression"))
}

/// The imported name and its alias of an `aliased_import` in a `from … import NAME as ALIAS` statement.
fn import_alias(item: Node) -> (Option<Node>, Option<Node>) {
    if item.parent().is_none_or(|p| p.kind() != "import_from_statement") {
        return (None, None);
    }
    let name = item.child_by_field_name("name").filter(|n| n.kind() == "dotted_name");
    let alias = item.child_by_field_name("alias").filter(|n| n.kind() == "identifier");
    (name, alias)
}

/// AWF004's dynamic references (`getattr(x, "NAME")`, `importlib.import_module(…).NAME`) around `ranges`,
/// when the parsed text spells one of their functions at all.
fn capture_dynamic<'tree>(
    file: &FileContext<'tree>,
    ranges: &[std::ops::Range<usize>],
    seen: &mut HashSet<(usize, usize)>,
    out: &mut Captured<'tree>,
) {
    let functions = ["getattr", "import_module", "__import__"];
    if crate::parse::spellings(file.tree, file.text, functions).is_empty() {
        return;
    }
    let query = DYNAMIC.get();
    let index = |name| query.capture_index_for_name(name).expect("dynamic.scm names its captures");
    let (reference, name) = (index("reference"), index("name"));
    let mut cursor = QueryCursor::new();
    for range in ranges {
        let start = crate::parse::match_root(file.tree.root_node(), range);
        cursor.set_byte_range(range.clone());
        let mut matches = cursor.matches(query, start, file.text.as_bytes());
        while let Some(m) = matches.next() {
            let node = |i| m.captures().iter().find(|c| c.index == i).map(|c| c.node);
            let (Some(reference), Some(name)) = (node(reference), node(name)) else { continue };
            // Pattern indices of this query are kept apart from the candidates' by an offset.
            if seen.insert((usize::MAX - m.pattern_index, reference.id())) {
                out.dynamic.push((reference, name));
            }
        }
    }
}

fn names<'t>(
    file: &FileContext<'t>,
    captured: &Captured<'t>,
    awaited: &[Candidate<'_, 't>],
    calls: &[Candidate<'_, 't>],
) -> HashSet<&'t str> {
    let mut names: HashSet<&str> = awaited.iter().chain(calls).map(|c| c.callee.root()).collect();
    names.extend(file.pairs().flat_map(|(_, p)| [p.sync.as_str(), p.async_name.as_str()]));
    names.extend(captured.aliases.iter().copied());
    names.extend(captured.decorators.iter().copied());
    let awaits = awaited.iter().filter_map(|c| sync_fix::await_chain(c.node).last().copied());
    names.extend(awf003::api_roots(file, calls.iter().map(|c| c.call).chain(awaits)));
    names.extend(calls.iter().filter_map(|c| awf002::assigned_name(file.text, c.call)));
    names.extend(captured.dynamic.iter().filter_map(|&(r, _)| awf002::assigned_name(file.text, r)));
    names
}

/// All findings in a file, in source order.
pub fn check(file: &FileContext) -> Vec<Finding> {
    check_tracking(file).0
}

/// All findings in a file, in source order, and the names whose bindings and uses decide them: the pairs'
/// names, the aliases imports give them, the roots of candidate callees, the APIs candidates are handed
/// to, the names candidates' coroutines are assigned to, and the decorators of `def`s of a pair's name.
pub fn check_tracking<'t>(file: &FileContext<'t>) -> (Vec<Finding>, HashSet<&'t str>) {
    let captured = capture(file);
    let awaited = awf001::candidates(file, &captured);
    let calls = plain_calls(file, &captured);
    let dynamic = awf004::candidates(file, &captured);
    let names = names(file, &captured, &awaited, &calls);
    if awaited.is_empty() && calls.is_empty() && dynamic.is_empty() {
        return (Vec::new(), names);
    }
    let nodes: HashSet<usize> = awaited.iter().chain(&calls).map(|c| c.node.id()).collect();
    let scopes = Scopes::build(file.tree, file.text, &names, &nodes);
    let index = LineIndex::new(file.text);
    let status = StatusOf::new(file, &index);

    let input =
        Input { file, scopes: &scopes, awaited: &awaited, calls: &calls, dynamic: &dynamic, status: &status };
    let sites = REGISTRY.iter().flat_map(|entry| (entry.sites)(&input)).collect();
    let mut findings = plan::findings(file, &scopes, sites);
    findings.extend(REGISTRY.iter().flat_map(|entry| (entry.findings)(&input)));
    findings.sort_by_key(|f| (f.range.start, f.rule));
    (findings, names)
}

/// Whether a callee's last name may be a pair's function: its own name, or an alias an import gave it.
fn may_name_pair(file: &FileContext, captured: &Captured, name: &str) -> bool {
    file.is_pair_name(name) || captured.aliases.contains(name)
}

/// Calls that are not awaited and whose callee's last name may be a pair's function (AWF002 and AWF003
/// candidates).
fn plain_calls<'tree, 't: 'tree>(
    file: &FileContext<'t>,
    captured: &Captured<'tree>,
) -> Vec<Candidate<'tree, 't>> {
    // What each `await` applies to, through parentheses. Every `await` around a captured call is captured
    // with it: both hold the same spelling.
    let awaited: HashSet<usize> = (captured.awaited.iter())
        .filter_map(|&site| callee::operand(site))
        .map(|operand| callee::unparenthesize(operand).id())
        .collect();
    let mut out = Vec::new();
    for &call in &captured.calls {
        let Some((callee, name_node)) = callee::callee(file.text, call) else { continue };
        if !may_name_pair(file, captured, callee.last()) || awaited.contains(&call.id()) {
            continue;
        }
        out.push(Candidate { node: call, call, callee, name_node });
    }
    out
}

/// Decides whether a site is open, intentional or suppressed.
pub(crate) struct StatusOf<'a> {
    file: &'a FileContext<'a>,
    index: &'a LineIndex<'a>,
    /// Whether the text parsed spells an assertion's name (`raises`, `assertRaises…`): without one, no site
    /// can be intentional.
    may_expect: bool,
}

impl<'a> StatusOf<'a> {
    fn new(file: &'a FileContext<'a>, index: &'a LineIndex<'a>) -> Self {
        let may_expect = intent::may_expect(file.tree, file.text);
        Self { file, index, may_expect }
    }

    /// `Intentional` inside an assertion that expects the TypeError (AWF001, and AWF003: asyncio raises it
    /// for a plain value where it needs an awaitable; an unawaited coroutine raises nothing), `Suppressed`
    /// with a comment naming the rule, else `Open`.
    pub(crate) fn of(&self, rule: Rule, site: Node) -> Status {
        let (text, tree) = (self.file.text, self.file.tree);
        let raises = rule == awf001::AWF001 || rule == awf003::AWF003;
        if raises && self.may_expect && intent::expects_type_error(text, tree.root_node(), site) {
            Status::Intentional
        } else if suppression::is_suppressed(text, tree, self.index, site.start_byte(), rule.code()) {
            Status::Suppressed
        } else {
            Status::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports sort findings by rule and SARIF indexes rules by position: the registry must be in code order.
    #[test]
    fn the_registry_lists_each_code_once_in_order() {
        let codes: Vec<&str> = all().map(Rule::code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(by_code("AWF004").map(Rule::title), Some("reference that cannot be followed"));
        for rule in all() {
            let spec = rule.spec();
            let fixes = spec.applicability != crate::edit::Applicability::DisplayOnly;
            assert_eq!(spec.fix_title.is_some(), fixes, "{}: a fix title for a rule that fixes", spec.code);
        }
    }
}
