//! The engine: what every worker shares — the validated transforms, the prefilter built from their names, and
//! what decides `prefer` for a path. Built once per run from the command line and the configuration.

use std::path::{Path, PathBuf};

use memchr::memmem;

use crate::config::Config;
use crate::edit::Applicability;
use crate::project::{ModuleMap, ProjectIndex};
use crate::ruleset::{RuleSet, Selectors};
use crate::transform::{Prefer, Transform};

/// Everything shared by the workers: validated transforms, the prefilter built from their names, and what
/// decides `prefer` for a file.
pub struct Engine {
    pub(crate) transforms: Vec<Transform>,
    /// Searchers for the pairs' names, leaving out a name that contains another: each of its spellings
    /// contains a spelling of the other, on the same line.
    pub(crate) prefilter: Vec<memmem::Finder<'static>>,
    /// `--prefer`, which wins over everything.
    prefer: Option<Prefer>,
    config: Option<Config>,
    /// Paths are matched against override globs relative to this folder (the configuration's, else the
    /// working directory).
    root: PathBuf,
    /// The rules reported and fixed, per path.
    rules: RuleSet,
    /// The modules of the scanned tree, read only when a rule asks about one.
    index: ProjectIndex,
    /// Whether the project-wide rule (AWF005) runs.
    project: bool,
    /// What a fix must promise to be applied: `Safe`, or `Unsafe` with `--unsafe-fixes`.
    required: Applicability,
}

impl Engine {
    pub fn new(transforms: Vec<Transform>) -> Self {
        let names: Vec<&str> = pair_names(&transforms).filter(|n| !n.is_empty()).collect();
        // Leave out a name that contains another one, and a name met before.
        let prefilter = (names.iter().enumerate())
            .filter(|&(i, n)| !names.iter().enumerate().any(|(j, m)| n.contains(m) && (n != m || j < i)))
            .map(|(_, n)| memmem::Finder::new(n).into_owned())
            .collect();
        let root = std::env::current_dir().unwrap_or_default();
        let index = ProjectIndex::new(ModuleMap::default());
        let required = Applicability::Safe;
        let rules = RuleSet::default();
        Self {
            transforms,
            prefilter,
            prefer: None,
            config: None,
            root,
            rules,
            index,
            project: false,
            required,
        }
    }

    /// The ids of the active transforms, in order.
    pub fn transform_ids(&self) -> Vec<String> {
        self.transforms.iter().map(|t| t.id.clone()).collect()
    }

    /// Sets the command line's `--prefer` and the configuration file.
    pub fn with_settings(mut self, prefer: Option<Prefer>, config: Option<Config>) -> Self {
        if let Some(c) = &config {
            self.root = std::path::absolute(&c.root).unwrap_or_else(|_| c.root.clone());
        }
        self.prefer = prefer;
        self.config = config;
        self
    }

    /// Sets the project the files belong to: the import roots of its index (the configuration's `roots`,
    /// else those that make the scanned `paths` import), and whether AWF005 runs (`--project`, or the
    /// configuration's `project`).
    pub fn with_project(mut self, paths: &[PathBuf], project: bool) -> Self {
        let roots = self.config.as_ref().map_or(&[][..], |c| &c.roots[..]);
        let map = ModuleMap::configured(roots, paths);
        self.project = project || self.config.as_ref().is_some_and(|c| c.project);
        self.index = ProjectIndex::new(map);
        self
    }

    /// The settings in effect, one `key: value` per line (`check --show-settings`).
    pub fn settings(&self) -> String {
        let config = self.config.as_ref();
        let path = config.map_or("none (defaults)".to_string(), |c| c.path.display().to_string());
        let prefer = match (self.prefer, config.and_then(|c| c.prefer)) {
            (Some(p), _) => format!("{p:?} (--prefer)"),
            (None, Some(p)) => {
                format!("{p:?} (configuration; overrides and transforms may say otherwise per path)")
            }
            (None, None) => "per transform".to_string(),
        };
        let mut out = format!("configuration: {path}\n");
        out.push_str("transforms:\n");
        for t in &self.transforms {
            out.push_str(&format!(
                "  {} ({}, prefer {})\n",
                t.id,
                t.origin,
                format!("{:?}", t.prefer).to_lowercase()
            ));
        }
        out.push_str(&format!("prefer: {}\n", prefer.to_lowercase()));
        let exclude = config.map(|c| c.exclude.join(", ")).unwrap_or_default();
        out.push_str(&format!("exclude (configuration): {exclude}\n"));
        let include = config.map(|c| c.extend_include.join(", ")).unwrap_or_default();
        out.push_str(&format!("extend-include (configuration): {include}\n"));
        out.push_str(&format!("overrides: {}\n", config.map_or(0, |c| c.overrides.len())));
        out.push_str("roots:\n");
        for root in self.index.map().roots() {
            out.push_str(&format!("  {}\n", root.display()));
        }
        out.push_str(&format!("rules: {}\n", self.rules.codes().join(", ")));
        out.push_str(&format!("project (AWF005): {}\n", self.project));
        out
    }

    /// The project index of the scanned tree.
    pub fn index(&self) -> &ProjectIndex {
        &self.index
    }

    /// Whether the project-wide rule (AWF005) runs.
    pub fn project(&self) -> bool {
        self.project
    }

    /// Also applies the fixes that only `--unsafe-fixes` applies (AWF005's).
    pub fn with_unsafe_fixes(mut self, unsafe_fixes: bool) -> Self {
        self.required = if unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe };
        self
    }

    /// Sets the rules the run reports and fixes.
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// The rules the run reports and fixes.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// What a fix must promise for this run to apply it.
    pub fn required(&self) -> Applicability {
        self.required
    }

    /// The module (its name, and whether it is a package) of the file at `path` when AWF005 looks at it: the
    /// project-wide rule is on, the text awaits, and the file is a module of the index (a file outside its
    /// roots has no name to resolve its imports from).
    pub(crate) fn awaits_module(&self, path: &Path, text: &str) -> Option<(String, bool)> {
        (self.project && text.contains("await")).then(|| self.index.map().module_of(path)).flatten()
    }

    /// Whether the file at `path` may hold a site: a pair's name in code (`mentions_in_code`), or, with the
    /// project-wide rule on, an `await` in a module of the index (AWF005 may condemn any awaited call).
    pub fn may_hold_site(&self, path: &Path, bytes: &[u8]) -> bool {
        self.mentions_in_code(bytes)
            || self.project
                && memmem::find(bytes, b"await").is_some()
                && self.index.map().module_of(path).is_some()
    }

    /// `prefer` for one transform and file: `--prefer`, else the configuration's override or setting for the
    /// path, else the transform's override or setting.
    pub(crate) fn prefer_for(&self, transform: &Transform, path: &Path) -> Prefer {
        if let Some(prefer) = self.prefer {
            return prefer;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        self.config
            .as_ref()
            .and_then(|c| c.prefer_for(relative))
            .unwrap_or_else(|| transform.prefer_for(relative))
    }

    /// Whether a pair's name occurs in `bytes` anywhere but on a comment line: only then can the file hold a
    /// site. Aliases cannot escape this test: binding an alias needs an import that names the original. A line
    /// whose first non-blank character is `#` is a comment, or text inside a triple-quoted string; with a `{`
    /// it might be an f-string's replacement field, so it counts as code.
    pub fn mentions_in_code(&self, bytes: &[u8]) -> bool {
        self.prefilter.iter().flat_map(|name| name.find_iter(bytes)).any(|at| {
            // A lone `\r` ends a line too, as in Python.
            let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            let line = &bytes[line_start..line_end];
            let comment = line.trim_ascii_start().starts_with(b"#") && memchr::memchr(b'{', line).is_none();
            !comment
        })
    }
}

/// The rules of a configuration (none: every rule), with the command line's selectors on top: its
/// `select` replaces the configuration's, its `extend_select` and `ignore` add to the configuration's.
pub fn rule_set(
    config: Option<&Config>,
    select: &[String],
    extend_select: &[String],
    ignore: &[String],
) -> Result<RuleSet, String> {
    let cli_select = (!select.is_empty()).then_some(select);
    let root = config.map_or_else(
        || std::env::current_dir().unwrap_or_default(),
        |c| std::path::absolute(&c.root).unwrap_or_else(|_| c.root.clone()),
    );
    RuleSet::new(&Selectors {
        select: cli_select.or(config.and_then(|c| c.select.as_deref())),
        extend_select: config.map(|c| &c.extend_select[..]).into_iter().chain([extend_select]).collect(),
        ignore: config.map(|c| &c.ignore[..]).into_iter().chain([ignore]).collect(),
        per_file_ignores: config.map_or(&[][..], |c| &c.per_file_ignores[..]),
        root,
    })
}

/// The sync and async names of every pair: what the prefilter looks for.
pub(crate) fn pair_names(transforms: &[Transform]) -> impl Iterator<Item = &str> {
    transforms.iter().flat_map(|t| &t.pairs).flat_map(|p| [p.sync.as_str(), p.async_name.as_str()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_on_comment_lines_alone_need_no_parse() {
        let engine = Engine::new(crate::transform::builtins().unwrap());
        assert!(!engine.mentions_in_code(b"x = 1\n    # TODO: get_websocket_manager_async\n"));
        assert!(engine.mentions_in_code(b"# get_websocket_manager\nm = get_websocket_manager()\n"));
        assert!(
            engine.mentions_in_code(b"x = 1  # get_websocket_manager\n"),
            "a trailing comment needs a parse"
        );
        assert!(engine.mentions_in_code(b"s = f'''\n#{await get_websocket_manager()}\n'''\n"));
        assert!(
            engine.mentions_in_code(b"\"\"\"get_websocket_manager\"\"\"\n"),
            "strings are left to the parser"
        );
        assert!(engine.mentions_in_code(b"m = get_websocket_manager_async()\n"), "a name containing another");
    }

    #[test]
    fn every_pair_name_passes_the_prefilter() {
        // `get_manager` is searched for alone; `manager_sync` contains neither other name.
        let yaml = "id: t\npairs:\n  - sync: manager_sync\n    async: get_manager\n  - sync: x_get_manager_y\n    async: other\n";
        let engine = Engine::new(vec![crate::transform::parse("t.yaml", yaml).unwrap()]);
        assert_eq!(engine.prefilter.len(), 3, "x_get_manager_y is found through get_manager");
        for name in ["manager_sync", "get_manager", "x_get_manager_y", "other"] {
            assert!(engine.mentions_in_code(format!("v = {name}()\n").as_bytes()), "{name}");
        }
        assert!(!engine.mentions_in_code(b"v = manager()\n"));
    }
}
