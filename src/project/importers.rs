//! The index read backwards: which modules a name is imported from, by any Python file under the roots.
//! A name in, the modules that files take it from out (`from m import name`, `from m import *`, `m.name`
//! after `import m`, at any depth of the file). Built once per name and run, and only when asked: the files
//! are listed on first use, and of those that spell the name only the statements that spell it or `import`
//! are parsed.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use memchr::memmem;
use tree_sitter::Node;

use super::modules::{ModuleMap, absolute_module};
use super::squeeze;

/// The modules each asked-for name is imported from, found on demand.
#[derive(Default)]
pub struct Importers {
    /// The Python files under the roots, listed on first use.
    files: OnceLock<Vec<PathBuf>>,
    /// For each name asked for: the modules files import it from.
    by_name: Mutex<HashMap<String, Arc<OnceLock<HashSet<String>>>>>,
}

impl Importers {
    /// Whether any file under the roots of `map` imports `name` from module `module`, or may: a star
    /// import of the module, or an attribute `name` of a name bound to the module, counts too.
    pub fn imports(&self, map: &ModuleMap, module: &str, name: &str) -> bool {
        let slot = {
            let mut by_name = self.by_name.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(by_name.entry(name.to_string()).or_default())
        };
        slot.get_or_init(|| self.sources(map, name)).contains(module)
    }

    /// Reads the files on threads of its own: a rayon worker that waited here for its pool could be handed
    /// another file's planning, which would ask for this very answer again and wait for itself.
    fn sources(&self, map: &ModuleMap, name: &str) -> HashSet<String> {
        let files = self.files.get_or_init(|| crate::walk::walk(map.roots(), &[]).files);
        let finder = memmem::Finder::new(name.as_bytes());
        let next = AtomicUsize::new(0);
        let read = |path: &PathBuf| -> Option<Vec<String>> {
            let bytes = std::fs::read(path).ok()?;
            if !may_import(&bytes, &finder) {
                return None;
            }
            let source = crate::source::Source::decode(&bytes).ok()?;
            let (module, is_package) = map.module_of(path).unzip();
            let current = Current { module: module.as_deref(), is_package: is_package.unwrap_or(false) };
            Some(sources_in(&source.text, &current, name))
        };
        let threads = rayon::current_num_threads().clamp(1, files.len().max(1));
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut found = HashSet::new();
                        while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                            found.extend(read(path).into_iter().flatten());
                        }
                        found
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    }
}

/// Whether `bytes` may import the name `finder` looks for, or read it as an attribute: a star import, or a
/// spelling of it after a dot, after `import` on its line, or where an import's list of names may go on
/// (first on its line, after `(`, `,` or `\`). A file that only calls the name (`m = await f(x)`) is not
/// parsed.
fn may_import(bytes: &[u8], finder: &memmem::Finder) -> bool {
    if memmem::find(bytes, b"import *").is_some() {
        return true;
    }
    finder.find_iter(bytes).any(|at| {
        let line = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
        let before = bytes[line..at].trim_ascii();
        matches!(before.last(), None | Some(b'.' | b'(' | b',' | b'\\'))
            || memmem::find(before, b"import").is_some()
    })
}

/// The module of the file read, for its relative imports.
struct Current<'a> {
    module: Option<&'a str>,
    is_package: bool,
}

impl Current<'_> {
    /// `written` (`..a.b`) made absolute; `None` for a relative import of a file outside the roots.
    fn absolute(&self, written: &str) -> Option<String> {
        let rest = written.trim_start_matches('.');
        let dots = written.len() - rest.len();
        match dots {
            0 => Some(rest.to_string()),
            _ => absolute_module(self.module?, self.is_package, dots, rest),
        }
    }
}

/// The statements of `text` that spell `name` or `import`, parsed alone (with the headers around them), as
/// `check` does: every import and every read of `name` is among them. The whole text when the outline is
/// unsure or the statements do not parse cleanly.
fn statements(text: &str, name: &str) -> Option<tree_sitter::Tree> {
    let partial = crate::chunk::outline(text).and_then(|units| {
        let mut picked = Vec::new();
        for word in [name, "import"] {
            for at in memmem::find_iter(text.as_bytes(), word) {
                crate::chunk::pick(&units, at, &mut picked);
            }
        }
        crate::parse::parse_ranges(text, &crate::parse::joined(&picked))
    });
    match partial {
        Some(tree) if !tree.root_node().has_error() => Some(tree),
        _ => crate::parse::parse(text),
    }
}

/// The modules `text` imports `name` from, or reads it from as an attribute.
fn sources_in(text: &str, current: &Current, name: &str) -> Vec<String> {
    let Some(tree) = statements(text, name) else { return Vec::new() };
    let mut out = Vec::new();
    // Local names bound to modules (`import a.b` binds `a`, `import a.b as k` binds `k`, `from p import m`
    // binds `m` to what may be module `p.m`), wherever in the file: an attribute read through any of them
    // may be one of the module's.
    let mut modules: HashMap<&str, String> = HashMap::new();
    let mut attributes: Vec<Node> = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "import_statement" => module_names(text, node, &mut modules),
            "import_from_statement" => from_import(text, node, current, name, &mut out, &mut modules),
            "attribute"
                if node.child_by_field_name("attribute").is_some_and(|a| &text[a.byte_range()] == name) =>
            {
                attributes.push(node)
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    for attribute in attributes {
        let Some(object) = attribute.child_by_field_name("object") else { continue };
        let dotted = squeeze(&text[object.byte_range()]);
        let (root, path) = dotted.split_once('.').unwrap_or((&dotted, ""));
        if let Some(module) = modules.get(root) {
            out.push(if path.is_empty() { module.clone() } else { format!("{module}.{path}") });
        }
    }
    out
}

fn module_names<'t>(text: &'t str, node: Node, modules: &mut HashMap<&'t str, String>) {
    let mut cursor = node.walk();
    for item in node.children_by_field_name("name", &mut cursor) {
        if item.kind() == "aliased_import" {
            let (Some(original), Some(alias)) =
                (item.child_by_field_name("name"), item.child_by_field_name("alias"))
            else {
                continue;
            };
            modules.insert(&text[alias.byte_range()], squeeze(&text[original.byte_range()]));
        } else if let Some(first) = item.named_child(0) {
            let first = &text[first.byte_range()];
            modules.insert(first, first.to_string());
        }
    }
}

fn from_import<'t>(
    text: &'t str,
    node: Node,
    current: &Current,
    name: &str,
    out: &mut Vec<String>,
    modules: &mut HashMap<&'t str, String>,
) {
    let Some(module) = node.child_by_field_name("module_name") else { return };
    let Some(module) = current.absolute(&squeeze(&text[module.byte_range()])) else { return };
    let mut cursor = node.walk();
    if node.named_children(&mut cursor).any(|c| c.kind() == "wildcard_import") {
        out.push(module);
        return;
    }
    for item in node.children_by_field_name("name", &mut cursor) {
        let (original, local) = match item.kind() {
            "aliased_import" => (item.child_by_field_name("name"), item.child_by_field_name("alias")),
            _ => (Some(item), Some(item)),
        };
        let (Some(original), Some(local)) = (original, local) else { continue };
        let original = squeeze(&text[original.byte_range()]);
        if original == name {
            out.push(module.clone());
        }
        modules.insert(&text[local.byte_range()], format!("{module}.{original}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::test_project;

    #[test]
    fn files_that_only_call_the_name_are_not_parsed() {
        let finder = memmem::Finder::new("f");
        let may = |text: &str| may_import(text.as_bytes(), &finder);
        assert!(!may("x = 1\nasync def g():\n    m = await f(x)\n"));
        for text in [
            "from m import f\n",
            "from m import (\n    a,\n    f,\n)\n",
            "from m import a, \\\n    f\n",
            "from m import (a,\n    b, f)\n",
            "import m\nm.f()\n",
            "import m\nm . f()\n",
            "from m import *\nx = 1\n",
            "f()\n",
        ] {
            assert!(may(text), "{text:?}");
        }
    }

    #[test]
    fn every_way_a_name_is_read_from_a_module_counts() {
        let (_dir, index) = test_project(&[
            ("pkg/__init__.py", ""),
            ("pkg/hub.py", "from ws import f\n"),
            ("pkg/by_name.py", "from .hub import f as g\n"),
            ("attr.py", "import pkg.hub as h\ndef use():\n    return h.f()\n"),
            ("nested.py", "def use():\n    from deep.mod import f\n    return f()\n"),
            ("star.py", "from starred import *\nf()\n"),
            ("dotted.py", "import outer.inner\nouter.inner.f()\n"),
            ("other.py", "from elsewhere import g\n"),
        ]);
        for module in ["pkg.hub", "ws", "deep.mod", "starred", "outer.inner"] {
            assert!(index.imported_from(module, "f"), "{module}");
        }
        assert!(!index.imported_from("elsewhere", "f"));
        assert!(!index.imported_from("pkg", "f"), "no file reads `f` from the package itself");
    }
}
