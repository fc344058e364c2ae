//! A module's top-level bindings: one module's source in, the names it binds at run time out, in source
//! order (the last binding wins, as when the module body runs). Imports are made absolute here, so that the
//! index can follow them without knowing where they were written.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, Tree};

use super::modules::absolute_module;
use super::returns::{self, Returned};
use super::{is_dotted, squeeze as dotted};

/// The top level of one module.
#[derive(Clone, Debug, Default)]
pub struct Exports {
    /// Every top-level binding, in source order.
    pub bindings: Vec<TopBinding>,
    /// `__all__`, when it is a literal list or tuple of strings (extended by `+=` and `.extend([...])`).
    pub all: Option<Vec<String>>,
    /// The module's text did not parse cleanly: its bindings may be missing.
    pub has_errors: bool,
}

/// One name bound at module level.
#[derive(Clone, Debug, PartialEq)]
pub struct TopBinding {
    /// The local name (empty for a star import, which binds what its module exports).
    pub name: String,
    pub kind: TopKind,
    /// 1-based line of the binding.
    pub line: usize,
    /// Inside an `if`, `try`, loop or `with` block: it may not run, so it does not hide earlier bindings.
    pub conditional: bool,
}

/// What a top-level statement binds a name to.
#[derive(Clone, Debug, PartialEq)]
pub enum TopKind {
    /// `def` or `async def`.
    Def(Def),
    /// `class`.
    Class(Class),
    /// `from module import name [as local]`, with `module` absolute.
    ImportFrom { module: String, name: String },
    /// `import a.b` binds `a` to module `a`; `import a.b as k` binds `k` to module `a.b`.
    Module(String),
    /// `from module import *`.
    Star(String),
    /// `local = other` or `local = mod.attr`: the dotted name it copies.
    Alias(String),
    /// Anything the index does not follow: other assignments, `global` rebinding, loop targets, …
    Other,
}

/// A class definition, with what decides whether its instances can be awaited.
#[derive(Clone, Debug)]
pub struct Class {
    facts: Lazy<ClassFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassFacts {
    /// Its body defines `__await__`.
    pub defines_await: bool,
    /// Its base classes as dotted names, without subscripts (`Generic[T]` → `Generic`); keyword arguments
    /// such as `metaclass=` are left out.
    pub bases: Vec<String>,
    /// Its decorators' callees, as for functions.
    pub decorators: Vec<String>,
}

impl Class {
    pub fn facts(&self) -> &ClassFacts {
        self.facts.get(class_facts, || ClassFacts {
            // Unread: its instances may be anything.
            defines_await: true,
            bases: Vec::new(),
            decorators: Vec::new(),
        })
    }
}

/// A function definition, with what decides whether awaiting its call can work.
#[derive(Clone, Debug)]
pub struct Def {
    pub is_async: bool,
    facts: Lazy<DefFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefFacts {
    /// Each decorator's callee as a dotted name (`functools.lru_cache` for `@functools.lru_cache(8)`), or
    /// its whole text when it is not a dotted name.
    pub decorators: Vec<String>,
    /// The return annotation's text.
    pub annotation: Option<String>,
    /// Its parameters as written, without annotations and defaults (`*args` and `**kwargs` with their stars).
    pub parameters: Vec<String>,
    /// What its `return` statements return (none: it returns `None`).
    pub returns: Vec<Returned>,
    /// Its body holds `yield`: calling it makes a generator.
    pub is_generator: bool,
}

impl Def {
    pub fn facts(&self) -> &DefFacts {
        self.facts.get(def_facts, || DefFacts {
            // Unread: what it returns is unknown, which condemns nothing.
            decorators: Vec::new(),
            annotation: None,
            parameters: Vec::new(),
            returns: vec![Returned::Unknown],
            is_generator: false,
        })
    }
}

/// What a `def` or `class` statement says beyond its name: read with the module when its statement was
/// parsed, else from its own statement the first time it is asked (most of what a module defines is never
/// the target of an awaited call).
#[derive(Clone, Debug)]
struct Lazy<T>(Arc<(Option<Unread>, OnceLock<T>)>);

/// A top-level `def` or `class` statement not parsed yet: its module's text, the byte ranges to parse for it
/// (decorators included) and where its keyword stands.
#[derive(Debug)]
struct Unread {
    text: Arc<str>,
    ranges: Vec<Range<usize>>,
    at: usize,
}

impl<T> Lazy<T> {
    fn read(facts: T) -> Self {
        Self(Arc::new((None, OnceLock::from(facts))))
    }

    fn unread(text: Arc<str>, ranges: Vec<Range<usize>>, at: usize) -> Self {
        Self(Arc::new((Some(Unread { text, ranges, at }), OnceLock::new())))
    }

    /// The facts, read by `read` (the text, the definition, its decorators) from the statement's own parse
    /// when not yet known; `unknown` when it does not parse alone.
    fn get(&self, read: impl FnOnce(&str, Node, Vec<String>) -> T, unknown: impl FnOnce() -> T) -> &T {
        let (source, facts) = &*self.0;
        facts.get_or_init(|| {
            let Unread { text, ranges, at } = source.as_ref().expect("facts not read have their source");
            let tree = crate::parse::parse_ranges(text, ranges);
            match tree.as_ref().and_then(|tree| top_level_definition(text, tree, *at)) {
                Some((node, decorators)) => read(text, node, decorators),
                None => unknown(),
            }
        })
    }
}

impl PartialEq for Def {
    fn eq(&self, other: &Self) -> bool {
        self.is_async == other.is_async && self.facts() == other.facts()
    }
}

impl PartialEq for Class {
    fn eq(&self, other: &Self) -> bool {
        self.facts() == other.facts()
    }
}

/// The `def` or `class` whose keyword stands at `at`, with its decorators, in a tree of top-level statements.
fn top_level_definition<'a>(text: &str, tree: &'a Tree, at: usize) -> Option<(Node<'a>, Vec<String>)> {
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let statement = root.named_children(&mut cursor).find(|s| s.byte_range().contains(&at))?;
    let (node, decorators) = match statement.kind() {
        "decorated_definition" => (statement.child_by_field_name("definition")?, decorators(text, statement)),
        _ => (statement, Vec::new()),
    };
    (node.start_byte() == at).then_some((node, decorators))
}

/// The decorators' callees of a `decorated_definition`.
fn decorators(text: &str, decorated: Node) -> Vec<String> {
    let mut cursor = decorated.walk();
    (decorated.named_children(&mut cursor))
        .filter(|d| d.kind() == "decorator")
        .filter_map(|d| d.named_child(0))
        .map(|d| decorator_name(text, d))
        .collect()
}

fn def_facts(text: &str, node: Node, decorators: Vec<String>) -> DefFacts {
    DefFacts {
        decorators,
        annotation: node.child_by_field_name("return_type").map(|t| text[t.byte_range()].to_string()),
        parameters: node.child_by_field_name("parameters").map(|p| parameters(text, p)).unwrap_or_default(),
        returns: returns::of(text, node),
        is_generator: node.child_by_field_name("body").is_some_and(|b| returns::yields(b)),
    }
}

fn class_facts(text: &str, node: Node, decorators: Vec<String>) -> ClassFacts {
    let defines_await = node.child_by_field_name("body").is_some_and(|body| {
        let mut cursor = body.walk();
        body.named_children(&mut cursor).any(|s| {
            let def = if s.kind() == "decorated_definition" {
                s.child_by_field_name("definition")
            } else {
                Some(s)
            };
            def.and_then(|d| d.child_by_field_name("name"))
                .is_some_and(|n| &text[n.byte_range()] == "__await__")
        })
    });
    let bases = node
        .child_by_field_name("superclasses")
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor)
                .filter(|b| b.kind() != "keyword_argument")
                .map(|b| {
                    let base =
                        if b.kind() == "subscript" { b.child_by_field_name("value").unwrap_or(b) } else { b };
                    dotted(&text[base.byte_range()])
                })
                .collect()
        })
        .unwrap_or_default();
    ClassFacts { defines_await, bases, decorators }
}

/// Reads the top-level bindings of `text`, the source of module `module` (`is_package` for an
/// `__init__.py`); relative imports are made absolute from it.
///
/// A top-level `def` or `class` statement binds its name: it is read from the outline scan, and parsed (as
/// its own statement) only when what it defines is asked about. The other top-level statements are parsed;
/// when they do not parse cleanly, or the scan is unsure, the whole text is parsed.
pub fn read(text: &str, module: &str, is_package: bool) -> Exports {
    let Some((ranges, definitions)) = top_level(text) else {
        return read_whole(text, module, is_package);
    };
    let tree = match ranges.is_empty() {
        true => None,
        false => match crate::parse::parse_ranges(text, &crate::parse::joined(&ranges)) {
            Some(tree) if !tree.root_node().has_error() => Some(tree),
            _ => return read_whole(text, module, is_package),
        },
    };
    let shared: Arc<str> = Arc::from(text);
    let lines = crate::source::LineIndex::new(text);
    let definitions = definitions.into_iter().map(|d| {
        let text = Arc::clone(&shared);
        let kind = match d.is_async {
            Some(is_async) => TopKind::Def(Def { is_async, facts: Lazy::unread(text, d.ranges, d.at) }),
            None => TopKind::Class(Class { facts: Lazy::unread(text, d.ranges, d.at) }),
        };
        let line = lines.position(d.at).0;
        (d.at, TopBinding { name: d.name.to_string(), kind, line, conditional: false })
    });
    let mut reader = Reader { text, module, is_package, out: Exports::default() };
    let mut definitions = definitions.peekable();
    if let Some(tree) = &tree {
        let root = tree.root_node();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            while let Some((_, binding)) = definitions.next_if(|(at, _)| *at < statement.start_byte()) {
                reader.out.bindings.push(binding);
            }
            reader.statement(statement, false);
        }
    }
    reader.out.bindings.extend(definitions.map(|(_, binding)| binding));
    reader.out
}

/// As `read`, from a parse of the whole text.
fn read_whole(text: &str, module: &str, is_package: bool) -> Exports {
    let Some(tree) = crate::parse::parse(text) else {
        return Exports { has_errors: true, ..Exports::default() };
    };
    let root = tree.root_node();
    let mut reader = Reader { text, module, is_package, out: Exports::default() };
    reader.out.has_errors = root.has_error();
    reader.block(root, false);
    reader.out
}

/// A top-level `def` or `class` statement, read from the outline.
struct Definition<'t> {
    name: &'t str,
    /// `Some(is_async)` for a `def`, `None` for a class.
    is_async: Option<bool>,
    /// Where its keyword stands.
    at: usize,
    /// What to parse to read it: the statement, or for a class its heading and smallest statement (a block
    /// needs one), unless its body may define `__await__`.
    ranges: Vec<Range<usize>>,
}

/// The byte ranges of `text`'s top-level statements other than `def` and `class` (sorted, disjoint), and
/// its top-level `def` and `class` statements. `None` when the outline scan is unsure.
fn top_level(text: &str) -> Option<(Vec<Range<usize>>, Vec<Definition<'_>>)> {
    let units = crate::chunk::outline(text)?;
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut definitions = Vec::new();
    for unit in &units {
        let Some(definition) = definition(text, unit) else {
            match ranges.last_mut() {
                Some(last) if last.end == unit.range.start => last.end = unit.range.end,
                _ => ranges.push(unit.range.clone()),
            }
            continue;
        };
        definitions.push(definition);
    }
    Some((ranges, definitions))
}

/// `unit` as a `def` or `class` statement whose name the outline gives; `None` for any other statement.
fn definition<'t>(text: &'t str, unit: &crate::chunk::Unit) -> Option<Definition<'t>> {
    let crate::chunk::Defined { is_async, name } = unit.defines(text)?;
    let name = &text[name];
    let smallest = unit.body.as_ref().and_then(|body| body.iter().min_by_key(|u| u.range.len()));
    let ranges = match smallest {
        Some(smallest) if is_async.is_none() && !text[unit.range.clone()].contains("__await__") => {
            vec![unit.range.start..unit.header.end, smallest.range.clone()]
        }
        _ => vec![unit.range.clone()],
    };
    Some(Definition { name, is_async, at: unit.header.start, ranges })
}

struct Reader<'t> {
    text: &'t str,
    module: &'t str,
    is_package: bool,
    out: Exports,
}

impl<'t> Reader<'t> {
    fn text(&self, node: Node) -> &'t str {
        &self.text[node.byte_range()]
    }

    fn bind(&mut self, name: &str, kind: TopKind, node: Node, conditional: bool) {
        let line = node.start_position().row + 1;
        self.out.bindings.push(TopBinding { name: name.to_string(), kind, line, conditional });
    }

    fn block(&mut self, block: Node, conditional: bool) {
        let mut cursor = block.walk();
        let statements: Vec<Node> = block.named_children(&mut cursor).collect();
        for statement in statements {
            self.statement(statement, conditional);
        }
    }

    fn statement(&mut self, node: Node, conditional: bool) {
        match node.kind() {
            "import_statement" => self.import(node, conditional),
            "import_from_statement" => self.import_from(node, conditional),
            "function_definition" => self.function(node, &[], conditional),
            "class_definition" => self.class(node, &[], conditional),
            "decorated_definition" => {
                let decorators = decorators(self.text, node);
                match node.child_by_field_name("definition") {
                    Some(def) if def.kind() == "function_definition" => {
                        self.function(def, &decorators, conditional)
                    }
                    Some(class) => self.class(class, &decorators, conditional),
                    None => {}
                }
            }
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for child in children {
                    self.expression(child, conditional);
                }
            }
            "if_statement" => self.if_statement(node),
            "try_statement" | "with_statement" | "for_statement" | "while_statement" | "match_statement" => {
                self.nested(node)
            }
            "global_statement" | "nonlocal_statement" | "future_import_statement" => {}
            _ => {}
        }
    }

    /// The blocks of a compound statement: every binding in them is conditional. A `for` target is bound
    /// too, to something the index does not follow.
    fn nested(&mut self, node: Node) {
        if node.kind() == "for_statement"
            && let Some(left) = node.child_by_field_name("left")
        {
            self.targets(left, true);
        }
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let mut cursor = n.walk();
            let children: Vec<Node> = n.named_children(&mut cursor).collect();
            for child in children.into_iter().rev() {
                match child.kind() {
                    "block" => self.block(child, true),
                    "except_clause"
                    | "else_clause"
                    | "finally_clause"
                    | "except_group_clause"
                    | "case_clause"
                    | "elif_clause" => stack.push(child),
                    _ => {}
                }
            }
        }
    }

    /// `if TYPE_CHECKING:` binds nothing at run time (its `else` does); other `if`s bind conditionally.
    fn if_statement(&mut self, node: Node) {
        let condition = node.child_by_field_name("condition").map(|c| self.text(c));
        if matches!(condition, Some("TYPE_CHECKING" | "typing.TYPE_CHECKING")) {
            let mut cursor = node.walk();
            let alternatives: Vec<Node> = node.children_by_field_name("alternative", &mut cursor).collect();
            for alternative in alternatives {
                self.nested(alternative);
            }
            return;
        }
        self.nested(node);
    }

    fn import(&mut self, node: Node, conditional: bool) {
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            if name.kind() == "aliased_import" {
                let (Some(original), Some(alias)) =
                    (name.child_by_field_name("name"), name.child_by_field_name("alias"))
                else {
                    continue;
                };
                let module = dotted(self.text(original));
                self.bind(self.text(alias), TopKind::Module(module), name, conditional);
            } else if let Some(first) = name.named_child(0) {
                let first = self.text(first).to_string();
                self.bind(&first, TopKind::Module(first.clone()), name, conditional);
            }
        }
    }

    fn import_from(&mut self, node: Node, conditional: bool) {
        let Some(module_node) = node.child_by_field_name("module_name") else { return };
        let written = dotted(self.text(module_node));
        let dots = written.len() - written.trim_start_matches('.').len();
        let Some(module) = absolute_module(self.module, self.is_package, dots, &written[dots..]) else {
            return;
        };
        let mut cursor = node.walk();
        if node.named_children(&mut cursor).any(|c| c.kind() == "wildcard_import") {
            self.bind("", TopKind::Star(module), node, conditional);
            return;
        }
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (original, local) = match name.kind() {
                "aliased_import" => (name.child_by_field_name("name"), name.child_by_field_name("alias")),
                _ => (Some(name), Some(name)),
            };
            let (Some(original), Some(local)) = (original, local) else { continue };
            let kind = TopKind::ImportFrom { module: module.clone(), name: dotted(self.text(original)) };
            self.bind(self.text(local), kind, name, conditional);
        }
    }

    fn function(&mut self, node: Node, decorators: &[String], conditional: bool) {
        let Some(name) = node.child_by_field_name("name") else { return };
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let facts = Lazy::read(def_facts(self.text, node, decorators.to_vec()));
        self.bind(self.text(name), TopKind::Def(Def { is_async, facts }), node, conditional);
    }

    fn class(&mut self, node: Node, decorators: &[String], conditional: bool) {
        let Some(name) = node.child_by_field_name("name") else { return };
        let facts = Lazy::read(class_facts(self.text, node, decorators.to_vec()));
        self.bind(self.text(name), TopKind::Class(Class { facts }), node, conditional);
    }

    fn expression(&mut self, node: Node, conditional: bool) {
        match node.kind() {
            "assignment" => {
                let (Some(left), right) =
                    (node.child_by_field_name("left"), node.child_by_field_name("right"))
                else {
                    return;
                };
                // `F: Callable` binds nothing at module level.
                let Some(right) = right else { return };
                if self.text(left) == "__all__" {
                    self.out.all = strings(self.text, right);
                }
                match (left.kind(), right.kind()) {
                    ("identifier", "identifier" | "attribute") if is_dotted(self.text(right)) => {
                        let alias = TopKind::Alias(self.text(right).to_string());
                        self.bind(self.text(left), alias, node, conditional);
                    }
                    // `a = b = f` binds both names to what the innermost right side is.
                    ("identifier", "assignment") => {
                        self.expression(right, conditional);
                        let copied =
                            self.out.bindings.last().map(|b| b.kind.clone()).unwrap_or(TopKind::Other);
                        self.bind(self.text(left), copied, node, conditional);
                    }
                    _ => self.targets(left, conditional),
                }
            }
            "augmented_assignment" => {
                let (Some(left), Some(right)) =
                    (node.child_by_field_name("left"), node.child_by_field_name("right"))
                else {
                    return;
                };
                if self.text(left) == "__all__" {
                    self.extend_all(right);
                } else {
                    self.targets(left, conditional);
                }
            }
            "call" => {
                // `__all__.extend([...])` and `__all__.append("x")`.
                let callee = node.child_by_field_name("function").map(|f| self.text(f));
                let argument = node.child_by_field_name("arguments").and_then(|a| a.named_child(0));
                match (callee, argument) {
                    (Some("__all__.extend"), Some(list)) => self.extend_all(list),
                    (Some("__all__.append"), Some(item)) => {
                        if let (Some(all), Some(name)) = (self.out.all.as_mut(), string(self.text, item)) {
                            all.push(name);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn extend_all(&mut self, list: Node) {
        match (self.out.all.as_mut(), strings(self.text, list)) {
            (Some(all), Some(more)) => all.extend(more),
            // `__all__` extended with something that is not a literal: what it holds is unknown.
            _ => self.out.all = None,
        }
    }

    /// Names bound by an assignment target, to something the index does not follow.
    fn targets(&mut self, node: Node, conditional: bool) {
        match node.kind() {
            "identifier" => self.bind(self.text(node), TopKind::Other, node, conditional),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "list_splat_pattern"
            | "parenthesized_expression" => {
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for child in children {
                    self.targets(child, conditional);
                }
            }
            _ => {}
        }
    }
}

/// Parameter names with their stars (`*args`, `**kwargs`), and `*` and `/` markers.
fn parameters(text: &str, list: Node) -> Vec<String> {
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter_map(|p| {
            let name = match p.kind() {
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name")?,
                "typed_parameter" => p.named_child(0)?,
                "keyword_separator" => return Some("*".to_string()),
                "positional_separator" => return Some("/".to_string()),
                _ => p,
            };
            Some(text[name.byte_range()].to_string())
        })
        .collect()
}

/// A decorator's callee as a dotted name: `@a.b(…)` → `a.b`.
fn decorator_name(text: &str, node: Node) -> String {
    let callee =
        if node.kind() == "call" { node.child_by_field_name("function").unwrap_or(node) } else { node };
    dotted(&text[callee.byte_range()])
}

/// The strings of a literal list or tuple.
fn strings(text: &str, node: Node) -> Option<Vec<String>> {
    if !matches!(node.kind(), "list" | "tuple" | "parenthesized_expression") {
        return None;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor).map(|item| string(text, item)).collect()
}

/// The value of a plain string literal (no prefix, no interpolation).
fn string(text: &str, node: Node) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let raw = &text[node.byte_range()];
    let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = raw.trim_start_matches(quote).trim_end_matches(quote);
    (!inner.contains('\\') && !inner.contains('{')).then(|| inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(exports: &Exports) -> Vec<(String, TopKind, bool)> {
        exports.bindings.iter().map(|b| (b.name.clone(), b.kind.clone(), b.conditional)).collect()
    }

    #[test]
    fn imports_are_made_absolute() {
        let text =
            "import os.path\nimport a.b as k\nfrom . import x\nfrom ..c import d as e\nfrom .m import *\n";
        let exports = read(text, "pkg.sub.mod", false);
        let import =
            |module: &str, name: &str| TopKind::ImportFrom { module: module.into(), name: name.into() };
        assert_eq!(
            names(&exports),
            vec![
                ("os".into(), TopKind::Module("os".into()), false),
                ("k".into(), TopKind::Module("a.b".into()), false),
                ("x".into(), import("pkg.sub", "x"), false),
                ("e".into(), import("pkg.c", "d"), false),
                (String::new(), TopKind::Star("pkg.sub.m".into()), false),
            ]
        );
    }

    #[test]
    fn definitions_aliases_and_all_are_read_in_order() {
        let text = "\
from contextlib import asynccontextmanager
def f(x) -> int:
    return 1
@asynccontextmanager
async def g():
    yield 1
class C:
    def __await__(self):
        yield
h = f
i = mod.attr
__all__ = ['f', \"g\"]
__all__ += ['h']
def f():
    pass
";
        let exports = read(text, "m", false);
        let kinds: Vec<_> = exports.bindings.iter().map(|b| (b.name.as_str(), b.line)).collect();
        assert_eq!(
            kinds,
            [
                ("asynccontextmanager", 1),
                ("f", 2),
                ("g", 5),
                ("C", 7),
                ("h", 10),
                ("i", 11),
                ("__all__", 12),
                ("f", 14)
            ]
        );
        let TopKind::Def(g) = &exports.bindings[2].kind else { panic!("g is a def") };
        assert!(g.is_async && g.facts().is_generator);
        assert_eq!(g.facts().decorators, ["asynccontextmanager"]);
        let TopKind::Class(class) = &exports.bindings[3].kind else { panic!("C is a class") };
        assert!(class.facts().defines_await && class.facts().bases.is_empty());
        assert_eq!(exports.bindings[4].kind, TopKind::Alias("f".into()));
        assert_eq!(exports.bindings[5].kind, TopKind::Alias("mod.attr".into()));
        assert_eq!(exports.all, Some(vec!["f".into(), "g".into(), "h".into()]));
    }

    #[test]
    fn type_checking_imports_bind_nothing_and_fallbacks_are_conditional() {
        let text = "\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from a import F
else:
    F = None
try:
    from fast import g
except ImportError:
    from slow import g
";
        let exports = read(text, "m", false);
        let bound: Vec<_> = exports.bindings.iter().map(|b| (b.name.as_str(), b.conditional)).collect();
        assert_eq!(bound, [("TYPE_CHECKING", false), ("F", true), ("g", true), ("g", true)]);
        assert_eq!(exports.bindings[1].kind, TopKind::Other, "the else branch's assignment, not the import");
    }

    #[test]
    fn bodies_left_unparsed_are_read_when_asked() {
        let text = "\
# leading comment

@functools.lru_cache(8)
def make(ctx):
    \"\"\"Doc.\"\"\"
    if ctx:
        return Manager(ctx)
    return None

async def a(): return 1

def gen():
    for x in range(3):
        yield x

class C(Base, metaclass=M):
    x = 1

    def method(self):
        return 2

class D:
    def __await__(self):
        yield

if flag:
    def conditional():
        return ensure_future(x)

def broken(:
";
        let fixed = text.replace("def broken(:", "def last(): pass");
        for text in [text, fixed.as_str()] {
            let top = read(text, "m", false);
            let whole = read_whole(text, "m", false);
            assert_eq!(top.bindings, whole.bindings);
            assert_eq!(top.all, whole.all);
        }
        let exports = read(&fixed, "m", false);
        let def = |name: &str| match &exports.bindings.iter().find(|b| b.name == name).unwrap().kind {
            TopKind::Def(def) => def.clone(),
            other => panic!("{name} is {other:?}"),
        };
        let make = def("make");
        assert!(make.facts.0.1.get().is_none(), "a top-level definition is read on first use");
        assert_eq!(make.facts().returns, [Returned::Call("Manager".into()), Returned::Plain]);
        assert_eq!(make.facts().decorators, ["functools.lru_cache"]);
        assert_eq!(make.facts().parameters, ["ctx"]);
        assert!(def("gen").facts().is_generator && !def("make").facts().is_generator);
        assert_eq!(def("conditional").facts().returns, [Returned::Call("ensure_future".into())]);
        let TopKind::Class(d) = &exports.bindings.iter().find(|b| b.name == "D").unwrap().kind else {
            panic!("D is a class")
        };
        assert!(d.facts().defines_await);
    }
}
