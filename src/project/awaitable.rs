//! Whether awaiting a call can work: a resolved target in, a verdict out. `Never` is said only when the
//! index sees the whole way — a sync `def` whose every `return` hands back something that is not
//! awaitable, or an `@asynccontextmanager` function; anything it cannot see through may be awaitable.

use std::collections::HashSet;

use super::exports::{Class, Def};
use super::index::{Hop, ProjectIndex, Target};
use super::returns::Returned;

/// What awaiting `f(...)` does at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Awaitability {
    /// It may work, or the index cannot tell.
    Maybe,
    /// It raises TypeError, for the reason given.
    Never(Never),
}

/// Why awaiting a call's result raises TypeError.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Never {
    /// A synchronous function whose result is not awaitable.
    SyncResult,
    /// A plain generator function: its result is a generator.
    Generator,
    /// An `async def` under `contextlib.asynccontextmanager`: its result is an async context manager, for
    /// `async with`.
    AsyncContextManager,
}

/// Decorators that return the function they are given, or one that calls it and returns its result.
const TRANSPARENT: &[&str] = &[
    "functools.lru_cache",
    "functools.cache",
    "functools.wraps",
    "typing.overload",
    "typing.final",
    "typing.override",
    "typing_extensions.final",
    "typing_extensions.override",
    "builtins.staticmethod",
];

/// Class decorators that return the class they are given.
const PLAIN_CLASS_DECORATORS: &[&str] =
    &["dataclasses.dataclass", "functools.total_ordering", "typing.final", "typing_extensions.final"];

/// Standard modules none of whose classes is awaitable, but for those named like an awaitable.
const PLAIN_BASE_MODULES: &[&str] = &[
    "builtins.",
    "typing.",
    "typing_extensions.",
    "enum.",
    "abc.",
    "dataclasses.",
    "collections.",
    "numbers.",
];

/// Return annotations that may describe an awaitable: the annotation is then no evidence.
const AWAITABLE_WORDS: &[&str] = &["Awaitable", "Coroutine", "Future", "Task", "Generator", "Any", "object"];

/// Annotations (their outer name) of values that are never awaitable.
const PLAIN_TYPES: &[&str] = &[
    "None",
    "str",
    "int",
    "bool",
    "float",
    "bytes",
    "dict",
    "list",
    "set",
    "tuple",
    "frozenset",
    "Dict",
    "List",
    "Set",
    "Tuple",
    "FrozenSet",
];

/// Judges `target`, a name read in the tree, as the callee of an awaited call.
pub fn awaitability(index: &ProjectIndex, target: &Target) -> Awaitability {
    Judge { index, seen: HashSet::new() }.target(target)
}

/// Whether every decorator of `def`, defined as `at` says, hands back the function itself or one that calls it
/// and returns its result (`functools.cache`, `functools.wraps`, …): the name is then still that `def`.
pub fn plainly_decorated(index: &ProjectIndex, def: &Def, at: &Hop) -> bool {
    let judge = Judge { index, seen: HashSet::new() };
    def.facts().decorators.iter().all(|d| TRANSPARENT.contains(&judge.qualified(&at.module, d).as_str()))
}

struct Judge<'i> {
    index: &'i ProjectIndex,
    /// Functions being judged (module, line): a recursive one is not judged again.
    seen: HashSet<(String, usize)>,
}

impl Judge<'_> {
    fn target(&mut self, target: &Target) -> Awaitability {
        match target {
            Target::Def { def, at } => self.def(def, at),
            _ => Awaitability::Maybe,
        }
    }

    fn def(&mut self, def: &Def, at: &Hop) -> Awaitability {
        let decorators: Vec<String> =
            def.facts().decorators.iter().map(|d| self.qualified(&at.module, d)).collect();
        if def.is_async {
            let context_manager =
                !decorators.is_empty() && decorators.iter().all(|d| d == "contextlib.asynccontextmanager");
            return match context_manager {
                true => Awaitability::Never(Never::AsyncContextManager),
                false => Awaitability::Maybe,
            };
        }
        if !decorators.iter().all(|d| TRANSPARENT.contains(&d.as_str())) {
            return Awaitability::Maybe;
        }
        if def.facts().is_generator {
            return Awaitability::Never(Never::Generator);
        }
        if !self.seen.insert((at.module.clone(), at.line)) {
            return Awaitability::Maybe;
        }
        let verdict = match self.annotation(def, &at.module) {
            Some(verdict) => verdict,
            None if def.facts().returns.iter().all(|r| self.never_awaitable(r, &at.module)) => {
                Awaitability::Never(Never::SyncResult)
            }
            None => Awaitability::Maybe,
        };
        self.seen.remove(&(at.module.clone(), at.line));
        verdict
    }

    /// What the return annotation says, when it says something clear.
    fn annotation(&mut self, def: &Def, module: &str) -> Option<Awaitability> {
        let annotation = def.facts().annotation.as_deref()?;
        if AWAITABLE_WORDS.iter().any(|w| annotation.contains(w)) {
            return Some(Awaitability::Maybe);
        }
        let outer = annotation.split('[').next().unwrap_or_default().trim().trim_matches(['"', '\'']);
        if PLAIN_TYPES.contains(&outer) {
            return Some(Awaitability::Never(Never::SyncResult));
        }
        match self.index.resolve_dotted(module, outer).target {
            Target::Class { class, at } if !self.awaitable_instances(&class, &at) => {
                Some(Awaitability::Never(Never::SyncResult))
            }
            _ => None,
        }
    }

    fn never_awaitable(&mut self, returned: &Returned, module: &str) -> bool {
        match returned {
            Returned::Plain => true,
            Returned::Unknown => false,
            Returned::Name(name) => matches!(
                self.index.resolve_dotted(module, name).target,
                Target::Def { .. } | Target::Class { .. } | Target::Module(_)
            ),
            Returned::Call(callee) => match self.index.resolve_dotted(module, callee).target {
                Target::Class { class, at } => !self.awaitable_instances(&class, &at),
                Target::External(name) => name.starts_with("builtins."),
                target @ Target::Def { .. } => matches!(self.target(&target), Awaitability::Never(_)),
                _ => false,
            },
        }
    }

    /// Whether instances of `class` may be awaitable: it defines `__await__`, a decorator may replace it, or
    /// a base may be awaitable (one outside the tree counts as plain only from the standard modules that
    /// define no awaitable base).
    fn awaitable_instances(&mut self, class: &Class, at: &Hop) -> bool {
        if class.facts().defines_await {
            return true;
        }
        let decorators: Vec<String> =
            class.facts().decorators.iter().map(|d| self.qualified(&at.module, d)).collect();
        if !decorators.iter().all(|d| PLAIN_CLASS_DECORATORS.contains(&d.as_str())) {
            return true;
        }
        if !self.seen.insert((at.module.clone(), at.line)) {
            return true;
        }
        let awaitable =
            class.facts().bases.iter().any(|base| match self.index.resolve_dotted(&at.module, base).target {
                Target::Class { class, at } => self.awaitable_instances(&class, &at),
                Target::External(name) => {
                    !PLAIN_BASE_MODULES.iter().any(|m| name.starts_with(m))
                        || ["Awaitable", "Coroutine", "Future", "Task"].iter().any(|w| name.contains(w))
                }
                _ => true,
            });
        self.seen.remove(&(at.module.clone(), at.line));
        awaitable
    }

    /// A decorator's dotted name as its module outside the tree spells it (`ft.cache` → `functools.cache`).
    fn qualified(&self, module: &str, decorator: &str) -> String {
        if decorator == "staticmethod" {
            return "builtins.staticmethod".into();
        }
        match self.index.resolve_dotted(module, decorator).target {
            Target::External(name) => name,
            _ => decorator.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(files: &[(&str, &str)], module: &str, name: &str) -> Awaitability {
        let (_dir, index) = crate::project::test_project(files);
        let resolved = index.resolve(module, name);
        awaitability(&index, &resolved.target)
    }

    const MANAGER: &str = "class Manager:\n    pass\n";

    #[test]
    fn sync_factories_of_plain_values_are_never_awaitable() {
        let never = Awaitability::Never(Never::SyncResult);
        let files = |body: &str| {
            vec![("mgr.py", MANAGER.to_string()), ("m.py", format!("from mgr import Manager\n{body}"))]
        };
        let judged = |body: &str| {
            let files = files(body);
            let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
            judge(&files, "m", "f")
        };
        assert_eq!(judged("def f(ctx):\n    return Manager()\n"), never);
        assert_eq!(judged("def f(ctx):\n    log(ctx)\n"), never, "returns None");
        assert_eq!(judged("def f(ctx) -> Manager:\n    return ctx.make()\n"), never, "annotated");
        assert_eq!(
            judged("def g():\n    return 1\ndef f():\n    return g()\n"),
            never,
            "through a sync call"
        );
        assert_eq!(
            judged("import functools as ft\n@ft.lru_cache(4)\ndef f():\n    return Manager()\n"),
            never
        );
        assert_eq!(judged("def f():\n    yield 1\n"), Awaitability::Never(Never::Generator));
        let dataclass =
            "import dataclasses\n@dataclasses.dataclass\nclass D(Manager, Exception):\n    x: int = 0\n";
        assert_eq!(
            judged(&format!("{dataclass}def f():\n    return D()\n")),
            never,
            "plain bases and decorator"
        );
    }

    #[test]
    fn instances_of_classes_that_may_be_awaitable_are_maybe() {
        let judged = |body: &str| judge(&[("m.py", body)], "m", "f");
        let future = "import asyncio\nclass F(asyncio.Future):\n    pass\ndef f():\n    return F()\n";
        assert_eq!(judged(future), Awaitability::Maybe, "a Future subclass");
        let inherited = "class A:\n    def __await__(self):\n        yield\nclass B(A):\n    pass\ndef f():\n    return B()\n";
        assert_eq!(judged(inherited), Awaitability::Maybe, "inherits __await__");
        let unknown = "@register\nclass C:\n    pass\ndef f():\n    return C()\n";
        assert_eq!(judged(unknown), Awaitability::Maybe, "a decorator may replace the class");
        let model =
            "from pydantic import BaseModel\nclass M(BaseModel):\n    pass\ndef f():\n    return M()\n";
        assert_eq!(judged(model), Awaitability::Maybe, "a third-party base");
    }

    #[test]
    fn anything_that_may_be_awaitable_is_maybe() {
        let maybe = |body: &str| judge(&[("m.py", body)], "m", "f");
        assert_eq!(maybe("async def g():\n    pass\ndef f():\n    return g()\n"), Awaitability::Maybe);
        assert_eq!(
            maybe("import asyncio\ndef f():\n    return asyncio.ensure_future(x)\n"),
            Awaitability::Maybe
        );
        assert_eq!(maybe("def f(x):\n    return x\n"), Awaitability::Maybe);
        assert_eq!(maybe("def f() -> Awaitable[int]:\n    return thing()\n"), Awaitability::Maybe);
        assert_eq!(maybe("import types\n@types.coroutine\ndef f():\n    yield\n"), Awaitability::Maybe);
        assert_eq!(maybe("@sync_to_async\ndef f():\n    return 1\n"), Awaitability::Maybe);
        assert_eq!(maybe("def f():\n    return lambda: 1\n"), Awaitability::Maybe);
        assert_eq!(maybe("def f():\n    return f()\n"), Awaitability::Maybe, "recursion proves nothing");
        assert_eq!(maybe("async def f():\n    pass\n"), Awaitability::Maybe);
        let acm =
            "from contextlib import asynccontextmanager\n@asynccontextmanager\nasync def f():\n    yield 1\n";
        assert_eq!(maybe(acm), Awaitability::Never(Never::AsyncContextManager));
    }
}
