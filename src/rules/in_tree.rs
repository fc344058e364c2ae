//! What the project index says of a name a file takes from another module of the scanned tree: the module
//! as the file writes it (relative imports keep their dots) and the name in, a `Found` out. The rules ask it
//! before they trust a name to be a pair's function; `Outside` (a module the tree does not hold) leaves them
//! to what the file alone says, as before there was an index.

use super::FileContext;
use crate::project::index::{Resolved, Target, Unknown};
use crate::project::{ProjectIndex, awaitable, modules};

/// What a name bound from another module is at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A sync `def`, undecorated or under decorators that keep it one (`functools.cache`, …).
    Sync,
    /// An `async def`, likewise.
    Async,
    /// Something else: a class, a module, a `def` under a decorator that may make it anything.
    Other,
    /// Bound in a way the index cannot follow: assigned, imported conditionally from places that disagree,
    /// or in an import cycle.
    Unknown,
    /// The module is in the tree and does not bind the name (importing it raises ImportError), or no star
    /// import of the file binds it.
    Unbound,
    /// The module is not in the tree, or the way to the name leads out of it: only the file can tell.
    Outside,
}

impl Found {
    /// Whether a name found so is what the file's own reading takes it for: the `def` of that kind, or a
    /// name the index cannot judge (`Unbound` too: nothing binds it at import time, so nothing contradicts
    /// the file, as for a global the file never binds).
    pub(crate) fn agrees(self, is_async: bool) -> bool {
        match self {
            Found::Sync => !is_async,
            Found::Async => is_async,
            Found::Outside | Found::Unbound => true,
            Found::Other | Found::Unknown => false,
        }
    }

    /// Whether a call can be renamed to a name found so, when it should be the `def` of that kind: the
    /// name exists (or may, outside the tree) and is not the other kind of function.
    pub(crate) fn can_call(self, is_async: bool) -> bool {
        match self {
            Found::Sync => !is_async,
            Found::Async => is_async,
            Found::Outside | Found::Unknown => true,
            Found::Other | Found::Unbound => false,
        }
    }
}

impl FileContext<'_> {
    /// The file's module name and whether it is a package, when it lies under a root of the index.
    pub(crate) fn module(&self) -> Option<(String, bool)> {
        self.index?.map().module_of(self.path)
    }

    /// `module` as written in the file (`..ws`), made absolute; `None` for a relative import of a file that
    /// is not a module of the tree.
    fn absolute(&self, module: &str) -> Option<String> {
        let rest = module.trim_start_matches('.');
        let dots = module.len() - rest.len();
        if dots == 0 {
            return Some(module.to_string());
        }
        let (current, is_package) = self.module()?;
        modules::absolute_module(&current, is_package, dots, rest)
    }

    /// The index and the absolute name of `module`, when the tree holds that module.
    fn in_tree(&self, module: &str) -> Option<(&ProjectIndex, String)> {
        let index = self.index?;
        let module = self.absolute(module)?;
        index.module(&module).map(|_| (index, module))
    }
}

/// What `from module import name` binds, `module` as the file writes it.
pub(crate) fn imported(file: &FileContext, module: &str, name: &str) -> Found {
    match file.in_tree(module) {
        Some((index, module)) => found(index, &index.resolve_import(&module, name)),
        None => Found::Outside,
    }
}

/// What the file's star imports `stars` (in source order) bind `name` to: the last one that binds it wins,
/// as when the module body runs. `Outside` as soon as a star import from outside the tree may bind it.
pub(crate) fn starred(file: &FileContext, stars: &[String], name: &str) -> Found {
    if stars.is_empty() {
        return Found::Outside;
    }
    for star in stars.iter().rev() {
        let Some((index, module)) = file.in_tree(star) else { return Found::Outside };
        match index.star_exports(&module, name) {
            Some(true) => return found(index, &index.resolve(&module, name)),
            Some(false) => {}
            None => return Found::Outside,
        }
    }
    Found::Unbound
}

fn found(index: &ProjectIndex, resolved: &Resolved) -> Found {
    match &resolved.target {
        Target::Def { def, at } if awaitable::plainly_decorated(index, def, at) => match def.is_async {
            true => Found::Async,
            false => Found::Sync,
        },
        Target::Def { .. } | Target::Class { .. } | Target::Module(_) => Found::Other,
        Target::External(_) | Target::Unknown(Unknown::Star) => Found::Outside,
        Target::Unknown(Unknown::Unbound) => Found::Unbound,
        Target::Unknown(Unknown::Dynamic | Unknown::Conflict | Unknown::Cycle) => Found::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::Prefer;

    /// What `from module import name` and the star imports `stars` give in file `at` of a project.
    fn found_in(files: &[(&str, &str)], at: &str, query: impl Fn(&FileContext) -> Found) -> Found {
        let (dir, index) = crate::project::test_project(files);
        let path = dir.path().join(at);
        let text = std::fs::read_to_string(&path).unwrap();
        let tree = crate::parse::parse(&text).unwrap();
        let file = FileContext {
            path: &path,
            text: &text,
            tree: &tree,
            transforms: &[],
            prefer: &[] as &[Prefer],
            declined: &[],
            index: Some(&index),
        };
        query(&file)
    }

    const PACKAGE: &[(&str, &str)] = &[
        ("chan/__init__.py", "from .manager import get_websocket_manager\n"),
        ("chan/manager.py", "import functools\n@functools.cache\ndef get_websocket_manager():\n    pass\n"),
        ("chan/aio.py", "async def get_websocket_manager():\n    pass\n"),
        ("chan/dynamic.py", "get_websocket_manager = make()\n"),
        ("chan/limited.py", "from .manager import *\n__all__ = []\n"),
        ("chan/user.py", "x = 1\n"),
    ];

    #[test]
    fn imports_from_the_tree_are_judged_by_the_index() {
        let from = |module: &'static str, name: &'static str| {
            found_in(PACKAGE, "chan/user.py", move |f| imported(f, module, name))
        };
        let sync = "get_websocket_manager";
        assert_eq!(from("chan", sync), Found::Sync, "re-exported, cached");
        assert_eq!(from(".manager", sync), Found::Sync, "relative");
        assert_eq!(from("chan.aio", sync), Found::Async);
        assert_eq!(from(".dynamic", sync), Found::Unknown);
        assert_eq!(from("chan.user", sync), Found::Unbound);
        assert_eq!(from("ws.elsewhere", sync), Found::Outside);
        let twin = from("chan", "get_websocket_manager_async");
        assert_eq!(twin, Found::Unbound, "the package re-exports only the sync name");
    }

    #[test]
    fn the_last_star_import_that_binds_the_name_wins() {
        let starred = |stars: &'static [&'static str]| {
            found_in(PACKAGE, "chan/user.py", move |f| {
                let stars: Vec<String> = stars.iter().map(|s| s.to_string()).collect();
                starred(f, &stars, "get_websocket_manager")
            })
        };
        assert_eq!(starred(&["chan.manager", "chan.aio"]), Found::Async);
        assert_eq!(starred(&["chan.aio", "chan.manager"]), Found::Sync);
        assert_eq!(starred(&["chan.aio", ".limited"]), Found::Async, "`__all__` leaves it out");
        assert_eq!(starred(&[".limited"]), Found::Unbound);
        assert_eq!(starred(&["chan.aio", "thirdparty"]), Found::Outside, "a star from outside may bind it");
        assert_eq!(starred(&[]), Found::Outside);
    }
}
