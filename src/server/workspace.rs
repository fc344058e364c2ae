//! The settings of open documents: a document's path in, the engine the command line would build for it and
//! whether the command line would check it (`exclude`, `extend-exclude`) out. One engine per configuration
//! file, kept while that file holds, so that its module index stays warm across edits (and forgets what it
//! read when Python files change).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::gitignore::Gitignore;

use crate::engine::Engine;

/// What one configuration (or the defaults) makes of the documents it applies to.
pub struct Settings {
    pub engine: Engine,
    /// The configuration's `exclude` and `extend-exclude` globs, relative to its folder.
    excludes: Gitignore,
}

impl Settings {
    /// Whether `path` is excluded, as the command line excludes a file named on it.
    pub fn excludes(&self, path: &Path) -> bool {
        crate::walk::is_excluded(std::slice::from_ref(&self.excludes), path, false)
    }
}

/// The settings of every configuration met, and which configuration each folder uses.
#[derive(Default)]
pub struct Workspace {
    /// The workspace folders: a document without a configuration is in the project of the one holding it.
    roots: Vec<PathBuf>,
    /// Per configuration file (`None`: the defaults).
    settings: HashMap<Option<PathBuf>, Rc<Settings>>,
    /// The configuration each folder of an open document uses.
    folders: HashMap<PathBuf, Option<PathBuf>>,
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        Self { roots, ..Self::default() }
    }

    /// The first workspace folder, where an unsaved document is taken to be.
    pub fn first_root(&self) -> Option<&Path> {
        self.roots.first().map(PathBuf::as_path)
    }

    /// Forgets every configuration read: the next documents asked about read theirs again.
    pub fn forget(&mut self) {
        self.settings.clear();
        self.folders.clear();
    }

    /// Forgets what each configuration's module index has read: Python files have changed.
    pub fn forget_modules(&self) {
        for settings in self.settings.values() {
            settings.engine.index().forget();
        }
    }

    /// The settings for a document at `path`, built as the command line builds them for that path. A
    /// problem with the configuration is pushed on `problems` (one line each) and the defaults stand in.
    pub fn settings_for(&mut self, path: &Path, problems: &mut Vec<String>) -> Rc<Settings> {
        let folder = path.parent().unwrap_or(path).to_path_buf();
        let known = self.folders.get(&folder).and_then(|key| self.settings.get(key));
        if let Some(settings) = known {
            return settings.clone();
        }
        let config = crate::config::discover(path).unwrap_or_else(|e| {
            problems.push(format!("awaitfix: {e}; using the defaults"));
            None
        });
        let key = config.as_ref().map(|c| c.path.clone());
        self.folders.insert(folder.clone(), key.clone());
        if let Some(settings) = self.settings.get(&key) {
            return settings.clone();
        }
        let excludes = match &config {
            Some(c) => crate::walk::excludes(&c.root, &c.exclude).unwrap_or_else(|e| {
                problems.push(format!("awaitfix: {e}; excluding nothing"));
                Gitignore::empty()
            }),
            None => Gitignore::empty(),
        };
        let specs = config.as_ref().map(|c| c.transforms.clone()).unwrap_or_default();
        let transforms = crate::transform::load(&specs).unwrap_or_else(|e| {
            problems.push(format!("awaitfix: {e}; using the built-in transforms"));
            crate::transform::builtins().unwrap_or_default()
        });
        let root = config
            .as_ref()
            .map(|c| c.root.clone())
            .or_else(|| self.roots.iter().find(|r| path.starts_with(r)).cloned());
        let project = [root.unwrap_or(folder)];
        let rules = crate::engine::rule_set(config.as_ref(), &[], &[], &[]).unwrap_or_else(|e| {
            problems.push(format!("awaitfix: {e}; reporting every rule"));
            crate::ruleset::RuleSet::default()
        });
        let engine = Engine::new(transforms).with_settings(None, config).with_project(&project, false);
        let settings = Rc::new(Settings { engine: engine.with_rules(rules), excludes });
        self.settings.insert(key, settings.clone());
        settings
    }
}
