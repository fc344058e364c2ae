//! The project index: what a module-level name is, followed across modules. Module names in, `Resolved`
//! targets with the chain of hops that reached them out. Modules are read and parsed only when a resolution
//! needs them, once per run, from any thread; every walk keeps the hops it has taken, so cycles end.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::exports::{self, Class, Def, Exports, TopBinding, TopKind};
use super::importers::Importers;
use super::modules::{ModuleFile, ModuleMap};

/// One module of the tree.
#[derive(Debug)]
pub struct Module {
    pub name: String,
    /// Its source file (`__init__.py` for a package), or its folder for a namespace package.
    pub path: PathBuf,
    pub is_package: bool,
    pub exports: Exports,
}

/// A step of a resolution: `name` as bound in `module`, at `line` of `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub module: String,
    pub name: String,
    pub path: PathBuf,
    pub line: usize,
}

/// What a name turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A function defined in the tree.
    Def { def: Def, at: Hop },
    /// A class defined in the tree.
    Class { class: Class, at: Hop },
    /// A module (in the tree or not).
    Module(String),
    /// A name of a module outside the tree (`contextlib.asynccontextmanager`, `builtins.len`).
    External(String),
    /// Nothing the index can vouch for.
    Unknown(Unknown),
}

/// Why a name could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Bound by something the index does not follow (an assignment, a decorated class, a loop).
    Dynamic,
    /// Its bindings may each be in effect and do not agree.
    Conflict,
    /// The module binds no such name.
    Unbound,
    /// Following it came back to where it started.
    Cycle,
    /// A star import from a module outside the tree may bind it.
    Star,
}

/// A resolution: the target and the hops taken to reach it, first to last.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub target: Target,
    pub chain: Vec<Hop>,
}

type Slot = Arc<OnceLock<Option<Arc<Module>>>>;

/// The modules of one run, read on demand.
pub struct ProjectIndex {
    map: ModuleMap,
    modules: Mutex<HashMap<String, Slot>>,
    /// Which modules names are imported from, found on demand.
    importers: Mutex<Arc<Importers>>,
}

/// Builtins whose call never makes an awaitable.
const PLAIN_BUILTINS: &[&str] = &[
    "bool",
    "bytes",
    "bytearray",
    "dict",
    "float",
    "frozenset",
    "int",
    "len",
    "list",
    "repr",
    "set",
    "sorted",
    "str",
    "tuple",
    "isinstance",
    "issubclass",
    "hash",
    "id",
    "format",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "print",
    "object",
    "type",
    "range",
    "enumerate",
    "zip",
    "ValueError",
    "TypeError",
    "RuntimeError",
    "KeyError",
    "Exception",
];

impl ProjectIndex {
    pub fn new(map: ModuleMap) -> Self {
        Self { map, modules: Mutex::new(HashMap::new()), importers: Mutex::default() }
    }

    pub fn map(&self) -> &ModuleMap {
        &self.map
    }

    /// Forgets every module read and every import found: files of the tree have changed (a long-lived index,
    /// such as the editor's). A question asked after this reads the files again.
    pub fn forget(&self) {
        self.modules.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
        *self.importers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::default();
    }

    /// Module `name`, read and parsed on first use; `None` when the tree does not have it or it cannot be
    /// read as UTF-8 or latin-1 text.
    pub fn module(&self, name: &str) -> Option<Arc<Module>> {
        let slot = {
            let mut modules = self.modules.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(modules.entry(name.to_string()).or_default())
        };
        // Read outside the lock: other threads wait only for the module they need.
        slot.get_or_init(|| self.read(name)).clone()
    }

    fn read(&self, name: &str) -> Option<Arc<Module>> {
        let (path, is_package, exports) = match self.map.locate(name)? {
            ModuleFile::Namespace(path) => (path, true, Exports::default()),
            ModuleFile::Source { path, is_package } => {
                let bytes = std::fs::read(&path).ok()?;
                let source = crate::source::Source::decode(&bytes).ok()?;
                let exports = exports::read(&source.text, name, is_package);
                (path, is_package, exports)
            }
        };
        Some(Arc::new(Module { name: name.to_string(), path, is_package, exports }))
    }

    /// Whether a Python file under the roots imports `name` from module `module` (or may: a star import
    /// of it, or an attribute `name` of a name bound to it). The first question about a name reads every
    /// file under the roots that spells it; the answers are kept for the run.
    pub fn imported_from(&self, module: &str, name: &str) -> bool {
        let importers = Arc::clone(&self.importers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        importers.imports(&self.map, module, name)
    }

    /// What `name` is at the end of module `module`'s body.
    pub fn resolve(&self, module: &str, name: &str) -> Resolved {
        let mut walk = Walk { index: self, seen: HashSet::new(), chain: Vec::new() };
        let target = walk.name(module, name);
        Resolved { target, chain: walk.chain }
    }

    /// What `dotted` (`name`, `mod.attr`, `pkg.mod.f`) is, read at the end of module `module`'s body.
    pub fn resolve_dotted(&self, module: &str, dotted: &str) -> Resolved {
        let mut walk = Walk { index: self, seen: HashSet::new(), chain: Vec::new() };
        let target = walk.dotted(module, dotted);
        Resolved { target, chain: walk.chain }
    }

    /// What `from module import name` imports.
    pub fn resolve_import(&self, module: &str, name: &str) -> Resolved {
        let mut walk = Walk { index: self, seen: HashSet::new(), chain: Vec::new() };
        let target = walk.import(module, name);
        Resolved { target, chain: walk.chain }
    }

    /// Whether `from module import *` binds `name`: `Some(true)` or `Some(false)` for a module of the tree,
    /// `None` for one outside it.
    pub fn star_exports(&self, module: &str, name: &str) -> Option<bool> {
        let mut walk = Walk { index: self, seen: HashSet::new(), chain: Vec::new() };
        walk.star_exports(module, name)
    }
}

/// One resolution in progress.
struct Walk<'i> {
    index: &'i ProjectIndex,
    /// (module, name) pairs entered, to stop at a cycle.
    seen: HashSet<(String, String)>,
    chain: Vec<Hop>,
}

impl Walk<'_> {
    fn name(&mut self, module: &str, name: &str) -> Target {
        let Some(m) = self.index.module(module) else {
            return Target::External(format!("{module}.{name}"));
        };
        let key = (module.to_string(), name.to_string());
        if !self.seen.insert(key.clone()) {
            return Target::Unknown(Unknown::Cycle);
        }
        let target = self.bound(&m, name);
        // Left again: another branch of the same resolution may pass here too without a cycle.
        self.seen.remove(&key);
        target
    }

    fn bound(&mut self, m: &Module, name: &str) -> Target {
        let module = m.name.as_str();
        let candidates = self.candidates(m, name);
        if candidates.is_empty() {
            return self.submodule_or_unbound(module, name);
        }
        let mut targets = Vec::new();
        let mut chain = None;
        for binding in candidates {
            let before = self.chain.len();
            let target = self.binding(m, name, binding);
            // Keep the chain of the first candidate; the others must agree with it anyway.
            let hops = self.chain.split_off(before);
            chain.get_or_insert(hops);
            targets.push(target);
        }
        self.chain.extend(chain.unwrap_or_default());
        if let Some(unknown) = targets.iter().find(|t| matches!(t, Target::Unknown(_))) {
            return unknown.clone();
        }
        let first = targets.swap_remove(0);
        if targets.iter().all(|t| *t == first) { first } else { Target::Unknown(Unknown::Conflict) }
    }

    /// The bindings of `name` that may be in effect at the end of the module: from the last unconditional
    /// one on (all of them when every one is conditional, as in `try`/`except ImportError` fallbacks).
    fn candidates<'m>(&mut self, module: &'m Module, name: &str) -> Vec<&'m TopBinding> {
        let bindings: Vec<&TopBinding> = (module.exports.bindings.iter())
            .filter(|b| match &b.kind {
                TopKind::Star(from) => self.star_exports(from, name) != Some(false),
                _ => b.name == name,
            })
            .collect();
        let from = bindings.iter().rposition(|b| !b.conditional && !self.unknown_star(b)).unwrap_or(0);
        bindings[from..].to_vec()
    }

    fn unknown_star(&mut self, binding: &TopBinding) -> bool {
        matches!(&binding.kind, TopKind::Star(from) if self.index.module(from).is_none())
    }

    fn binding(&mut self, module: &Module, name: &str, binding: &TopBinding) -> Target {
        let hop = Hop {
            module: module.name.clone(),
            name: name.to_string(),
            path: module.path.clone(),
            line: binding.line,
        };
        match &binding.kind {
            TopKind::Def(def) => Target::Def { def: def.clone(), at: hop },
            TopKind::Class(class) => Target::Class { class: class.clone(), at: hop },
            TopKind::Module(m) => Target::Module(m.clone()),
            TopKind::Other => Target::Unknown(Unknown::Dynamic),
            TopKind::ImportFrom { module: from, name: original } => {
                self.chain.push(hop);
                self.import(from, original)
            }
            TopKind::Star(from) => match self.index.module(from) {
                Some(_) => {
                    self.chain.push(hop);
                    self.name(from, name)
                }
                None => Target::Unknown(Unknown::Star),
            },
            TopKind::Alias(dotted) => {
                self.chain.push(hop);
                self.dotted(&module.name, dotted)
            }
        }
    }

    /// `from module import name`: the module's binding, else its submodule of that name.
    fn import(&mut self, module: &str, name: &str) -> Target {
        if self.index.module(module).is_none() {
            return Target::External(format!("{module}.{name}"));
        }
        self.name(module, name)
    }

    fn submodule_or_unbound(&mut self, module: &str, name: &str) -> Target {
        let submodule = format!("{module}.{name}");
        if self.index.module(&submodule).is_some() {
            return Target::Module(submodule);
        }
        if PLAIN_BUILTINS.contains(&name) {
            return Target::External(format!("builtins.{name}"));
        }
        Target::Unknown(Unknown::Unbound)
    }

    fn dotted(&mut self, module: &str, dotted: &str) -> Target {
        let mut parts = dotted.split('.');
        let first = parts.next().unwrap_or_default();
        let mut target = self.name(module, first);
        for part in parts {
            target = match target {
                Target::Module(m) => self.import(&m, part),
                Target::External(outside) => Target::External(format!("{outside}.{part}")),
                _ => return Target::Unknown(Unknown::Dynamic),
            };
        }
        target
    }

    fn star_exports(&mut self, module: &str, name: &str) -> Option<bool> {
        let m = self.index.module(module)?;
        if let Some(all) = &m.exports.all {
            return Some(all.iter().any(|n| n == name));
        }
        if name.starts_with('_') {
            return Some(false);
        }
        let key = (format!("*{module}"), name.to_string());
        if !self.seen.insert(key.clone()) {
            return Some(false);
        }
        let binds = m.exports.bindings.iter().any(|b| match &b.kind {
            TopKind::Star(from) => self.star_exports(from, name) != Some(false),
            _ => b.name == name,
        });
        self.seen.remove(&key);
        Some(binds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::project::test_project as project;

    fn def_of(resolved: &Resolved) -> (&str, bool, usize) {
        match &resolved.target {
            Target::Def { def, at } => (at.module.as_str(), def.is_async, at.line),
            other => panic!("not a def: {other:?}"),
        }
    }

    #[test]
    fn re_exports_and_aliases_are_followed_with_their_chain() {
        let (_dir, index) = project(&[
            ("app/__init__.py", "from .ws import get_manager as create_manager\n"),
            ("app/ws/__init__.py", "from .factory import *\n"),
            (
                "app/ws/factory.py",
                "__all__ = ['get_manager']\ndef get_manager(ctx):\n    return 1\n_private = 1\n",
            ),
            ("app/user.py", "from app import create_manager\nmake = create_manager\n"),
        ]);
        let resolved = index.resolve("app.user", "make");
        assert_eq!(def_of(&resolved), ("app.ws.factory", false, 2));
        let hops: Vec<_> = resolved.chain.iter().map(|h| format!("{}:{}", h.module, h.name)).collect();
        assert_eq!(
            hops,
            ["app.user:make", "app.user:create_manager", "app:create_manager", "app.ws:get_manager"]
        );
        assert_eq!(index.star_exports("app.ws.factory", "_private"), Some(false));
        assert_eq!(index.star_exports("outside", "x"), None);
    }

    #[test]
    fn the_last_binding_wins_and_fallbacks_must_agree() {
        let (_dir, index) = project(&[
            ("m.py", "def f():\n    pass\nasync def f():\n    pass\n"),
            ("n.py", "async def g():\n    pass\ndef g():\n    pass\n"),
            ("sync_impl.py", "def h():\n    pass\n"),
            ("async_impl.py", "async def h():\n    pass\n"),
            (
                "fallback.py",
                "try:\n    from sync_impl import h\nexcept ImportError:\n    from async_impl import h\n",
            ),
            (
                "agree.py",
                "try:\n    from sync_impl import h\nexcept ImportError:\n    from sync_impl import h as h\n",
            ),
        ]);
        assert!(def_of(&index.resolve("m", "f")).1, "redefined as async");
        assert!(!def_of(&index.resolve("n", "g")).1, "redefined as sync");
        assert_eq!(index.resolve("fallback", "h").target, Target::Unknown(Unknown::Conflict));
        assert_eq!(def_of(&index.resolve("agree", "h")), ("sync_impl", false, 1));
    }

    #[test]
    fn stars_outside_the_tree_cycles_and_type_checking_stay_unknown() {
        let (_dir, index) = project(&[
            ("star.py", "from ws import f\nfrom thirdparty import *\n"),
            ("ws.py", "def f():\n    pass\n"),
            ("a.py", "from b import x\n"),
            ("b.py", "from a import x\n"),
            ("tc.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ws import f\n"),
            ("third.py", "from contextlib import asynccontextmanager as acm\n"),
        ]);
        assert_eq!(
            index.resolve("star", "f").target,
            Target::Unknown(Unknown::Star),
            "the star may rebind f"
        );
        assert_eq!(index.resolve("a", "x").target, Target::Unknown(Unknown::Cycle));
        assert_eq!(index.resolve("tc", "f").target, Target::Unknown(Unknown::Unbound));
        assert_eq!(
            index.resolve("third", "acm").target,
            Target::External("contextlib.asynccontextmanager".into())
        );
        assert_eq!(
            index.resolve_dotted("third", "acm.x").target,
            Target::External("contextlib.asynccontextmanager.x".into())
        );
    }

    #[test]
    fn submodules_are_modules() {
        let (_dir, index) = project(&[("pkg/__init__.py", ""), ("pkg/sub.py", "def f():\n    pass\n")]);
        assert_eq!(index.resolve_import("pkg", "sub").target, Target::Module("pkg.sub".into()));
        assert_eq!(def_of(&index.resolve_dotted("pkg", "sub.f")), ("pkg.sub", false, 1));
    }
}
