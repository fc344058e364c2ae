//! Stale transforms: configured pairs checked against the project that defines them. Transforms, the
//! project's files and its index in; one `Stale` per problem out: a `sync` name defined as `async def` (or
//! the reverse), a listed module that is not in the project or does not export the name, a pair defined
//! nowhere. A transform that says what the code no longer does would fix the wrong way.

use std::path::{Path, PathBuf};

use super::exports::TopKind;
use super::index::{ProjectIndex, Target};
use crate::transform::{Pair, Transform};

/// One problem of one pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub transform: String,
    /// `sync -> async` of the pair.
    pub pair: String,
    pub message: String,
}

/// A top-level `def` of a pair's name somewhere in the project.
#[derive(Clone, Debug)]
struct Definition {
    module: String,
    is_async: bool,
    path: PathBuf,
    line: usize,
}

/// Every problem of every pair of `transforms` in the project of `files` (its Python files).
pub fn check(index: &ProjectIndex, files: &[PathBuf], transforms: &[Transform]) -> Vec<Stale> {
    let mut found = Vec::new();
    for transform in transforms {
        for pair in &transform.pairs {
            let problem = |message: String| Stale {
                transform: transform.id.clone(),
                pair: format!("{} -> {}", pair.sync, pair.async_name),
                message,
            };
            found.extend(check_pair(index, files, pair).into_iter().map(problem));
        }
    }
    found
}

fn check_pair(index: &ProjectIndex, files: &[PathBuf], pair: &Pair) -> Vec<String> {
    let mut problems = Vec::new();
    let listed: Vec<&String> = pair.modules.iter().filter(|m| !m.starts_with('.')).collect();
    for module in &listed {
        if index.module(module).is_none() {
            problems.push(format!("module `{module}` (in `modules`) is not in the project"));
            continue;
        }
        problems.extend(exported(index, module, &pair.sync, false));
        if pair.async_module.is_none() {
            problems.extend(exported(index, module, &pair.async_name, true));
        }
    }
    if let Some(module) = &pair.async_module {
        match index.module(module) {
            None => problems.push(format!("`async_module` `{module}` is not in the project")),
            Some(_) => problems.extend(exported(index, module, &pair.async_name, true)),
        }
    }
    if listed.is_empty() && pair.async_module.is_none() {
        problems.extend(defined_somewhere(index, files, &pair.sync, false));
        problems.extend(defined_somewhere(index, files, &pair.async_name, true));
    }
    problems
}

/// What is wrong with `from module import name` for a function that should be async (`want_async`) or not.
fn exported(index: &ProjectIndex, module: &str, name: &str, want_async: bool) -> Option<String> {
    let resolved = index.resolve_import(module, name);
    match &resolved.target {
        Target::Def { def, at } if def.is_async != want_async => Some(format!(
            "`{module}.{name}` is {} at {}:{}",
            if def.is_async { "an `async def`" } else { "a plain `def`" },
            shown(&at.path),
            at.line
        )),
        Target::Def { .. } => None,
        Target::Unknown(super::index::Unknown::Unbound) => {
            Some(format!("`{module}` does not export `{name}`"))
        }
        // A class, a module or a name the index cannot follow: nothing to say.
        _ => None,
    }
}

/// With no modules listed: the name must be defined somewhere, and as the right kind of function.
fn defined_somewhere(
    index: &ProjectIndex,
    files: &[PathBuf],
    name: &str,
    want_async: bool,
) -> Option<String> {
    let definitions = definitions(index, files, name);
    if definitions.is_empty() {
        return Some(format!("`{name}` is defined nowhere in the project"));
    }
    if definitions.iter().any(|d| d.is_async == want_async) {
        return None;
    }
    let d = &definitions[0];
    Some(format!(
        "`{name}` is {} everywhere it is defined (first: `{}` at {}:{})",
        if d.is_async { "an `async def`" } else { "a plain `def`" },
        d.module,
        shown(&d.path),
        d.line
    ))
}

/// The module-level `def`s of `name` in `files`, found by a byte search and confirmed by each module's
/// last binding of the name.
fn definitions(index: &ProjectIndex, files: &[PathBuf], name: &str) -> Vec<Definition> {
    let needle = format!("def {name}");
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut found = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        if finder.find(&bytes).is_none() {
            continue;
        }
        let Some((module, _)) = index.map().module_of(file) else { continue };
        let Some(m) = index.module(&module) else { continue };
        let last = m.exports.bindings.iter().rev().find(|b| b.name == name);
        if let Some(binding) = last
            && let TopKind::Def(def) = &binding.kind
        {
            let path = same_file(&m.path, file);
            found.push(Definition { module, is_async: def.is_async, path, line: binding.line });
        }
    }
    found
}

/// A path relative to the working directory when it is below it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::source::display_path(path.strip_prefix(&cwd).unwrap_or(path))
}

/// The path as the user gave it, when both name one file.
fn same_file(located: &Path, given: &Path) -> PathBuf {
    match (std::path::absolute(located), std::path::absolute(given)) {
        (Ok(a), Ok(b)) if a == b => given.to_path_buf(),
        _ => located.to_path_buf(),
    }
}
