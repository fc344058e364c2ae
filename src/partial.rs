//! The partial parse: a file's text in, its findings out, from parsing only the statements that mention a
//! tracked name. A fixed point: the rules name what else they must see (aliases, modules, asyncio), and the
//! statements that mention those are added until nothing new is picked. `plan` falls back to the whole file.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use memchr::memmem;

use crate::engine::{Engine, pair_names};
use crate::finding::Finding;
use crate::parse;
use crate::project::awaits::{Awaited, ModuleFile};
use crate::project::lexical::kept_awaits;
use crate::rules::{self, FileContext, project_sites};
use crate::source::Source;
use crate::transform::Prefer;

/// The findings of `bytes` from the partial parse `check` and `diff` use, made even where they would parse the
/// whole file (most of it picked): what tests compare with a whole parse's findings. `None` when the scan is
/// unsure or the statements picked do not parse cleanly, where `check` too parses the whole file.
pub fn partial_findings(engine: &Engine, path: &Path, bytes: &[u8]) -> Option<Vec<Finding>> {
    let source = Source::decode(bytes).ok()?;
    let prefer: Vec<Prefer> = engine.transforms.iter().map(|t| engine.prefer_for(t, path)).collect();
    let mut findings = check_mentions(engine, path, &source.text, &prefer, &[], true)?.findings;
    crate::fix::report_overlapping(&mut findings, engine.required());
    Some(findings)
}

/// What a partial parse found, and what it parsed.
pub(crate) struct Partial {
    pub findings: Vec<Finding>,
    /// The byte ranges parsed (sorted, disjoint), and their tree.
    pub parsed: Vec<Range<usize>>,
    pub tree: tree_sitter::Tree,
}

/// The findings of a file, and the byte ranges parsed, from parsing only the statements that mention a
/// tracked name, with the `def`, `class` and `with` headers around them (see `chunk`): first those naming a
/// pair's function, then, until nothing is added, those naming what the rules then track (aliases, the
/// modules of attribute calls, asyncio, names assigned a coroutine), and star imports. With the project-wide
/// rule on, also every statement whose `await` the index may condemn (`project::lexical`), then those that
/// spell the names awaited (within the function that binds one, else anywhere), and the AWF005 findings of
/// what was parsed. `None` when the whole file must be parsed: the scan was unsure, or the statements picked
/// do not parse cleanly (a syntax error is then reported from the whole file), or, unless `always`, they are
/// most of the file.
pub(crate) fn check_mentions(
    engine: &Engine,
    path: &Path,
    text: &str,
    prefer: &[Prefer],
    declined: &[usize],
    always: bool,
) -> Option<Partial> {
    let units = crate::chunk::outline(text)?;
    let mut picked = Vec::new();
    // The names whose every spelling is picked already.
    let mut searched: HashSet<String> = pair_names(&engine.transforms).map(str::to_string).collect();
    for at in engine.prefilter.iter().flat_map(|name| name.find_iter(text.as_bytes())) {
        crate::chunk::pick(&units, at, &mut picked);
    }
    // AWF005 may condemn an awaited call: the `await`s it may condemn are picked (see `project::lexical`),
    // then what binds the names awaited.
    let module = engine.awaits_module(path, text);
    let mut areas: HashSet<(String, Range<usize>)> = HashSet::new();
    if let Some((name, is_package)) = &module {
        for at in kept_awaits(engine.index(), name, *is_package, text, &units) {
            crate::chunk::pick(&units, at, &mut picked);
        }
    }
    for unit in &units {
        let statement = &text[unit.range.clone()];
        if statement.starts_with("from ") && statement.contains('*') {
            crate::chunk::pick(&units, unit.range.start, &mut picked);
        }
    }
    loop {
        let ranges = parse::joined(&picked);
        if ranges.is_empty() {
            // Nothing to parse holds a site.
            let tree = parse::parse("")?;
            return Some(Partial { findings: Vec::new(), parsed: ranges, tree });
        }
        // Most of the file to parse: parsing it whole is as fast, and nothing is left to pick.
        if !always && ranges.iter().map(|r| r.len()).sum::<usize>() * 10 > text.len() * 8 {
            return None;
        }
        let tree = parse::parse_ranges(text, &ranges)?;
        if tree.root_node().has_error() {
            return None;
        }
        let transforms = &engine.transforms;
        let index = Some(engine.index());
        let file = FileContext { path, text, tree: &tree, transforms, prefer, declined, index };
        let (findings, names) = rules::check_tracking(&file);
        let new: Vec<&str> = names.into_iter().filter(|name| searched.insert(name.to_string())).collect();
        let mut added = false;
        for at in new.iter().flat_map(|name| memmem::find_iter(text.as_bytes(), name)) {
            added |= crate::chunk::pick(&units, at, &mut picked);
        }
        // The awaited calls and their scopes, for the names to pick and, once nothing is added, the findings.
        let awaited = module.is_some().then(|| Awaited::scan(text, &tree));
        let areas_now = match &awaited {
            Some(awaited) => crate::project::awaits::binding_areas(engine.index(), text, &tree, awaited),
            None => Vec::new(),
        };
        for (name, area) in areas_now {
            if searched.contains(&name) || !areas.insert((name.clone(), area.clone())) {
                continue;
            }
            for at in memmem::find_iter(&text.as_bytes()[area.clone()], &name) {
                added |= crate::chunk::pick(&units, area.start + at, &mut picked);
            }
        }
        if !added {
            let mut findings = findings;
            if let (Some(awaited), Some((name, is_package))) = (&awaited, &module) {
                let module = ModuleFile { name, is_package: *is_package, text, tree: &tree };
                let condemned =
                    project_sites::findings(engine.index(), &module, awaited, &findings, declined);
                findings.extend(condemned);
                findings.sort_by_key(|f| (f.range.start, f.rule));
            }
            return Some(Partial { findings, parsed: ranges, tree });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileError;
    use crate::plan::{Plan, Want, plan};
    use crate::selection::Selection;

    #[test]
    fn nested_sites_are_found_from_a_partial_parse() {
        let engine = Engine::new(crate::transform::builtins().unwrap());
        let filler: String =
            (0..30).map(|i| format!("    def other{i}(self):\n        return {i}\n\n")).collect();
        let text = format!(
            "from m import get_websocket_manager\n\n\nclass C:\n{filler}    async def f(self, ctx):\n        \
             with pytest.raises(TypeError):\n            await get_websocket_manager(ctx)\n        if ctx:\n            \
             return await get_websocket_manager(ctx)\n"
        );
        let prefer = [Prefer::Sync];
        let partial = check_mentions(&engine, Path::new("a.py"), &text, &prefer, &[], false)
            .expect("a partial parse")
            .findings;
        let full = plan(&engine, Path::new("a.py"), text.as_bytes(), Want::Whole, &Selection::all())
            .unwrap()
            .findings;
        let shown = |f: &[Finding]| {
            f.iter().map(|f| (f.range.clone(), f.status, f.message.clone())).collect::<Vec<_>>()
        };
        assert_eq!(shown(&partial), shown(&full));
        assert_eq!(partial.len(), 2);
        assert_eq!(partial[0].status, crate::finding::Status::Intentional);
    }

    /// The fixed point: a call through an alias is found only once the import naming the pair is parsed and
    /// the statements spelling the alias are picked in turn.
    #[test]
    fn statements_that_spell_an_alias_are_picked_until_nothing_is_added() {
        let engine = Engine::new(crate::transform::builtins().unwrap());
        let filler: String = (0..40).map(|i| format!("def other{i}():\n    return {i}\n\n\n")).collect();
        let text = format!(
            "from m import get_websocket_manager as gwm\n\n\n{filler}async def f(ctx):\n    return await gwm(ctx)\n"
        );
        let partial =
            check_mentions(&engine, Path::new("a.py"), &text, &[Prefer::Sync], &[], false).expect("partial");
        assert_eq!(partial.findings.len(), 1, "the aliased call is found");
        assert!(
            partial.parsed.iter().map(|r| r.len()).sum::<usize>() < text.len() / 2,
            "{:?}",
            partial.parsed
        );
        let other = text.find("def other0").unwrap();
        assert!(partial.parsed.iter().all(|r| !r.contains(&other)), "unrelated statements stay unparsed");
    }

    /// `apply` plans a big file from a partial parse, and must still write what the whole parse would, and
    /// still refuse a file whose syntax error lies far from its site, naming where the error is.
    #[test]
    fn apply_plans_a_big_file_from_the_partial_parse_as_from_the_whole() {
        let engine = Engine::new(crate::transform::builtins().unwrap());
        let filler: String = (0..20_000).map(|i| format!("def other{i}(x):\n    return x\n\n\n")).collect();
        let text = format!(
            "from m import get_websocket_manager\n\n\n{filler}async def f(ctx):\n    return await get_websocket_manager(ctx)\n"
        );
        let planned =
            |text: &str, want| plan(&engine, Path::new("a.py"), text.as_bytes(), want, &Selection::all());
        let rewrite = |plan: Plan| plan.rewrite.map(|r| (r.bytes, r.fixed, r.edits));
        let partial = planned(&text, Want::Rewrite).unwrap();
        let whole = planned(&text, Want::Whole).unwrap();
        assert_eq!(partial.findings.len(), 1);
        assert_eq!(rewrite(partial), rewrite(whole));

        let broken = format!("{text}x = = 1\n");
        let Err(error) = planned(&broken, Want::Rewrite) else {
            panic!("a file with a syntax error is refused")
        };
        let last_line = broken.lines().count();
        assert!(matches!(error, FileError::Syntax { line, .. } if line >= last_line - 1), "{error:?}");
        assert_eq!(error.position(), planned(&broken, Want::Whole).err().and_then(|e| e.position()));
        assert!(planned(&broken, Want::Preview).unwrap().rewrite.is_some(), "`diff` does not see it");
    }

    #[test]
    fn a_file_mostly_picked_is_parsed_whole() {
        let engine = Engine::new(crate::transform::builtins().unwrap());
        let text = "from m import get_websocket_manager\n\nasync def f(ctx):\n    return await get_websocket_manager(ctx)\n";
        assert!(check_mentions(&engine, Path::new("a.py"), text, &[Prefer::Sync], &[], false).is_none());
    }
}
