//! Which rules a run reports and fixes, per file: `--select`/`--extend-select`/`--ignore` and the
//! configuration's `select`, `extend-select`, `ignore` and `per-file-ignores`, resolved as ruff resolves them.
//! Selectors are rule codes or their prefixes (`AWF00`, `AWF`) and `ALL`; one that names no rule is an error.

use std::path::{Path, PathBuf};

use crate::finding::Rule;

/// The rules enabled for a run, and the ones turned off for some paths.
#[derive(Clone, Debug)]
pub struct RuleSet {
    enabled: Vec<Rule>,
    /// Globs (relative to `root`) and the rules they turn off.
    per_file: Vec<(globset::GlobMatcher, Vec<Rule>)>,
    root: PathBuf,
}

/// What decides the rule set: the command line's selectors and the configuration's.
#[derive(Debug, Default)]
pub struct Selectors<'a> {
    pub select: Option<&'a [String]>,
    pub extend_select: Vec<&'a [String]>,
    pub ignore: Vec<&'a [String]>,
    /// Globs relative to `root` and their selectors.
    pub per_file_ignores: &'a [(String, Vec<String>)],
    pub root: PathBuf,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self { enabled: crate::rules::all().collect(), per_file: Vec::new(), root: PathBuf::new() }
    }
}

impl RuleSet {
    /// The rules `selectors` enable: `select` (default `ALL`), plus every `extend_select`, minus every
    /// `ignore`. An error names a selector that matches no rule, or a bad glob.
    pub fn new(selectors: &Selectors) -> Result<Self, String> {
        let mut enabled: Vec<Rule> = match selectors.select {
            Some(select) => rules_of(select)?,
            None => crate::rules::all().collect(),
        };
        for extend in &selectors.extend_select {
            enabled.extend(rules_of(extend)?);
        }
        for ignore in &selectors.ignore {
            let ignored = rules_of(ignore)?;
            enabled.retain(|rule| !ignored.contains(rule));
        }
        enabled.sort();
        enabled.dedup();
        let mut per_file = Vec::new();
        for (glob, codes) in selectors.per_file_ignores {
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("per-file-ignores: bad glob `{glob}`: {}", e.kind()))?
                .compile_matcher();
            per_file.push((matcher, rules_of(codes)?));
        }
        Ok(Self { enabled, per_file, root: selectors.root.clone() })
    }

    /// Whether `rule` is reported and fixed in the file at `path`.
    pub fn enabled(&self, rule: Rule, path: &Path) -> bool {
        if !self.enabled.contains(&rule) {
            return false;
        }
        if self.per_file.is_empty() {
            return true;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        !self.per_file.iter().any(|(glob, rules)| rules.contains(&rule) && glob.is_match(relative))
    }

    /// Whether a rule is turned off anywhere: only then must plans look for findings to leave out.
    pub fn is_all(&self) -> bool {
        self.per_file.is_empty() && crate::rules::all().all(|rule| self.enabled.contains(&rule))
    }

    /// The codes enabled, for `--show-settings`.
    pub fn codes(&self) -> Vec<&'static str> {
        self.enabled.iter().map(|rule| rule.code()).collect()
    }
}

/// Checks selectors without building a set: the selector that names no rule, and why.
pub fn validate(selectors: &[String]) -> Result<(), (String, String)> {
    selectors_of(selectors).map(|_| ())
}

/// The rules a list of selectors names (each may hold several, comma-separated).
fn rules_of(selectors: &[String]) -> Result<Vec<Rule>, String> {
    selectors_of(selectors).map_err(|(_, message)| message)
}

fn selectors_of(selectors: &[String]) -> Result<Vec<Rule>, (String, String)> {
    let mut rules = Vec::new();
    for selector in selectors.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        let upper = selector.to_ascii_uppercase();
        let matched: Vec<Rule> =
            crate::rules::all().filter(|rule| upper == "ALL" || rule.code().starts_with(&upper)).collect();
        if matched.is_empty() {
            let codes: Vec<&str> = crate::rules::all().map(|rule| rule.code()).collect();
            let message =
                format!("unknown rule selector `{selector}`; the rules are {}, and `ALL`", codes.join(", "));
            return Err((selector.to_string(), message));
        }
        rules.extend(matched);
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(set: &RuleSet, path: &str) -> Vec<&'static str> {
        crate::rules::all().filter(|r| set.enabled(*r, Path::new(path))).map(|r| r.code()).collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn select_extend_and_ignore_resolve_as_ruff_does() {
        let all = RuleSet::new(&Selectors::default()).unwrap();
        assert!(all.is_all());
        let select = strings(&["AWF001,awf002"]);
        let extend = strings(&["AWF00"]);
        let ignore = strings(&["AWF004", "AWF005"]);
        let only = RuleSet::new(&Selectors { select: Some(&select), ..Default::default() }).unwrap();
        assert_eq!(codes(&only, "a.py"), ["AWF001", "AWF002"]);
        let selectors = Selectors {
            select: Some(&select),
            extend_select: vec![&extend],
            ignore: vec![&ignore],
            ..Default::default()
        };
        let set = RuleSet::new(&selectors).unwrap();
        assert_eq!(codes(&set, "a.py"), ["AWF001", "AWF002", "AWF003"]);
        assert!(!set.is_all());
        let bad = strings(&["AWF9"]);
        let err = RuleSet::new(&Selectors { ignore: vec![&bad], ..Default::default() }).unwrap_err();
        assert!(err.starts_with("unknown rule selector `AWF9`; the rules are AWF001, "), "{err}");
    }

    #[test]
    fn per_file_ignores_match_paths_relative_to_the_root() {
        let root = std::env::current_dir().unwrap();
        let ignores = vec![("tests/**".to_string(), strings(&["AWF004"]))];
        let set =
            RuleSet::new(&Selectors { per_file_ignores: &ignores, root: root.clone(), ..Default::default() })
                .unwrap();
        assert!(!set.enabled(crate::rules::by_code("AWF004").unwrap(), Path::new("tests/unit/a.py")));
        assert!(set.enabled(crate::rules::by_code("AWF004").unwrap(), Path::new("app/a.py")));
        assert!(set.enabled(crate::rules::by_code("AWF001").unwrap(), &root.join("tests/a.py")));
        assert!(!set.is_all());
    }
}
