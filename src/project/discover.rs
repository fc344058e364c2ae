//! Pair discovery: the sync/async twins a project defines, for `awaitfix discover`. The project's files and
//! index in, `Discovered` pairs out: a module-level `def f` and an `async def` named after it by one of the
//! naming patterns (`f_async`, `async_f`, `af`), with the same parameters, bound beside each other in one
//! module (defined there or re-exported together). Also renders them as a transform YAML.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::exports::Def;
use super::index::{Hop, Module, ProjectIndex, Target};

/// The default naming patterns: `{}` stands for the sync name.
pub const DEFAULT_PATTERNS: &[&str] = &["{}_async", "async_{}", "a{}"];

/// One pair of twins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub sync: String,
    pub async_name: String,
    /// Where each is defined.
    pub sync_at: Hop,
    pub async_at: Hop,
    /// Every module that binds the sync name to this definition (it, and those that re-export it).
    pub modules: Vec<String>,
    /// The module of the async definition, when no module binds both names.
    pub async_module: Option<String>,
}

/// Every pair the modules of `files` bind, in order of the sync definition's module and line.
pub fn pairs(index: &ProjectIndex, files: &[PathBuf], patterns: &[String]) -> Vec<Discovered> {
    let modules: Vec<(Arc<Module>, Vec<String>)> = files
        .iter()
        .filter_map(|file| index.map().module_of(file))
        .filter_map(|(module, _)| {
            let m = index.module(&module)?;
            let mut names: Vec<String> =
                m.exports.bindings.iter().map(|b| b.name.clone()).filter(|n| !n.is_empty()).collect();
            names.sort_unstable();
            names.dedup();
            Some((m, names))
        })
        .collect();
    // Keyed by the sync definition: a pair re-exported by several modules is one pair.
    let mut found: BTreeMap<(String, usize), Discovered> = BTreeMap::new();
    for (m, names) in &modules {
        let module = m.name.as_str();
        for sync in names {
            let Some((sync_def, sync_at)) = def_of(index, module, sync).filter(|(d, _)| !d.is_async) else {
                continue;
            };
            let twin = patterns.iter().map(|p| p.replace("{}", sync)).find_map(|async_name| {
                let (def, at) = names.contains(&async_name).then(|| def_of(index, module, &async_name))??;
                (def.is_async && sync_def.facts().parameters == def.facts().parameters)
                    .then_some((async_name, at))
            });
            let Some((async_name, async_at)) = twin else { continue };
            found.entry((sync_at.module.clone(), sync_at.line)).or_insert_with(|| Discovered {
                sync: sync.clone(),
                async_name,
                sync_at,
                async_at,
                modules: Vec::new(),
                async_module: None,
            });
        }
    }
    // The modules that export the sync name (define it, or re-export it from a package or through
    // `__all__`) count; one that does not bind the twin beside it needs the twin's own module.
    for (m, names) in &modules {
        let module = m.name.as_str();
        for name in names {
            let Some((_, at)) = def_of(index, module, name) else { continue };
            let Some(pair) = found.get_mut(&(at.module.clone(), at.line)) else { continue };
            let exports = at.module == module
                || m.is_package
                || m.exports.all.as_ref().is_some_and(|a| a.contains(name));
            if pair.sync != *name || !exports {
                continue;
            }
            pair.modules.push(module.to_string());
            let beside = def_of(index, module, &pair.async_name).is_some_and(|(_, a)| a == pair.async_at);
            if !beside {
                pair.async_module = Some(pair.async_at.module.clone());
            }
        }
    }
    found.into_values().collect()
}

/// The definition `name` is bound to at the end of `module`, with where it is.
fn def_of(index: &ProjectIndex, module: &str, name: &str) -> Option<(Def, Hop)> {
    match index.resolve(module, name).target {
        Target::Def { def, at } => Some((def, at)),
        _ => None,
    }
}

/// The pairs as one transform YAML that `--transform` accepts.
pub fn yaml(pairs: &[Discovered]) -> String {
    let mut out = String::from(
        "id: discovered\ndescription: Sync/async pairs defined by this project (awaitfix discover).\npairs:\n",
    );
    for pair in pairs {
        out.push_str(&format!("  - sync: {}\n    async: {}\n", pair.sync, pair.async_name));
        out.push_str(&format!("    modules: [{}]\n", pair.modules.join(", ")));
        if let Some(module) = &pair.async_module {
            out.push_str(&format!("    async_module: {module}\n"));
        }
    }
    out.push_str("prefer: sync\n");
    out
}
