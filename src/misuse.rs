//! Misuse of discovered pairs: how often the project awaits, drops or hands over each pair wrongly.
//! Discovered pairs and the project's files in; per pair, the count of open findings of each rule out, from
//! the same rules `check` runs (one transform per pair) and from the project index (AWF005).

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::engine::Engine;
use crate::finding::Status;
use crate::pipeline::Mode;
use crate::project::awaits::{self, ModuleFile};
use crate::project::discover::Discovered;
use crate::project::{ProjectIndex, Target};

/// Open findings per rule code, for one pair.
pub type Counts = BTreeMap<&'static str, usize>;

/// The counts of each pair of `pairs` (same order) over `files`.
pub fn count(index: &ProjectIndex, files: &[PathBuf], pairs: &[Discovered]) -> Vec<Counts> {
    let transforms = pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let yaml = format!(
                "id: pair-{i}\npairs:\n  - sync: {}\n    async: {}\n    modules: [{}]\n{}",
                pair.sync,
                pair.async_name,
                pair.modules.join(", "),
                pair.async_module.as_ref().map(|m| format!("    async_module: {m}\n")).unwrap_or_default()
            );
            crate::transform::parse(&format!("pair-{i}"), &yaml)
        })
        .collect::<Result<Vec<_>, _>>();
    let mut counts = vec![Counts::new(); pairs.len()];
    if let Ok(transforms) = transforms
        && !transforms.is_empty()
    {
        let engine = Engine::new(transforms);
        let outcomes: Vec<_> =
            files.par_iter().map(|f| crate::pipeline::process(&engine, f, Mode::Check)).collect();
        for diagnostic in outcomes.iter().flat_map(|o| &o.diagnostics).filter(|d| d.status == Status::Open) {
            let Some(i) = diagnostic.transform.strip_prefix("pair-").and_then(|i| i.parse::<usize>().ok())
            else {
                continue;
            };
            *counts[i].entry(diagnostic.code).or_default() += 1;
        }
    }
    let awaited: Vec<(String, usize)> =
        files.par_iter().flat_map_iter(|file| awaited_defs(index, file)).collect();
    for (module, line) in awaited {
        if let Some(i) = pairs.iter().position(|p| p.sync_at.module == module && p.sync_at.line == line) {
            *counts[i].entry("AWF005").or_default() += 1;
        }
    }
    counts
}

/// (module, line) of the definition behind each AWF005 site of `file`.
fn awaited_defs(index: &ProjectIndex, file: &PathBuf) -> Vec<(String, usize)> {
    let Some((name, is_package)) = index.map().module_of(file) else { return Vec::new() };
    let Ok(bytes) = std::fs::read(file) else { return Vec::new() };
    let Ok(source) = crate::source::Source::decode(&bytes) else { return Vec::new() };
    let Some(tree) = crate::parse::parse(&source.text) else { return Vec::new() };
    let module = ModuleFile { name: &name, is_package, text: &source.text, tree: &tree };
    awaits::find(index, &module)
        .into_iter()
        .filter_map(|site| match site.resolved.target {
            Target::Def { at, .. } => Some((at.module, at.line)),
            _ => None,
        })
        .collect()
}
