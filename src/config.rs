//! Configuration: `[tool.awaitfix]` in `pyproject.toml`, or `awaitfix.yaml`, found from the first PATH upward
//! (DESIGN §1). Consumes the file's text, produces `Config`; unknown keys are errors positioned at
//! `path:line:col`. Command-line flags win over it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::transform::Prefer;

/// The settings of one configuration file.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its folder: relative paths and globs in it are relative to this folder.
    pub root: PathBuf,
    /// Transform ids or YAML files (folders expanded to their `*.yaml` files).
    pub transforms: Vec<String>,
    pub prefer: Option<Prefer>,
    /// `exclude` and `extend-exclude` together (gitignore syntax, relative to `root`).
    pub exclude: Vec<String>,
    /// Globs (gitignore syntax) of more files to read when walking folders, besides `*.py` and `*.pyi`:
    /// `*.ipynb` reads notebooks.
    pub extend_include: Vec<String>,
    /// Per-path `prefer`; the first whose glob matches wins.
    pub overrides: Vec<(globset::GlobSet, Prefer)>,
    /// Import roots of the project index (folders resolved against `root`), in `sys.path` order; empty:
    /// found from the paths scanned.
    pub roots: Vec<PathBuf>,
    /// Run the project-wide rule (AWF005) as `--project` does.
    pub project: bool,
    /// Rule selectors (codes, prefixes, `ALL`): `select` replaces the default (all rules).
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Globs relative to `root`, and the selectors of the rules they turn off.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    transforms: Vec<String>,
    #[serde(default)]
    prefer: Option<Prefer>,
    #[serde(default)]
    exclude: Vec<String>,
    /// As in ruff: more globs added to `exclude` (awaitfix has no default excludes to keep, so both are the
    /// same list).
    #[serde(default, rename = "extend-exclude")]
    extend_exclude: Vec<String>,
    #[serde(default, rename = "extend-include")]
    extend_include: Vec<String>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    roots: Vec<PathBuf>,
    #[serde(default)]
    project: bool,
    #[serde(default)]
    select: Option<Vec<String>>,
    #[serde(default, rename = "extend-select")]
    extend_select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default, rename = "per-file-ignores")]
    per_file_ignores: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<String>,
    prefer: Prefer,
}

#[derive(Debug, Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Debug, Deserialize)]
struct Tool {
    awaitfix: Option<RawConfig>,
}

/// The configuration that applies to `start` (a file or folder): the nearest folder, going up, with an
/// `awaitfix.yaml` or a `pyproject.toml` that has a `[tool.awaitfix]` table.
pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(d) = dir {
        let yaml = d.join("awaitfix.yaml");
        let pyproject = d.join("pyproject.toml");
        if yaml.is_file() {
            let has_table = |text: String| text.lines().any(|l| l.trim_start().starts_with("[tool.awaitfix"));
            if std::fs::read_to_string(&pyproject).is_ok_and(has_table) {
                let message = format!(
                    "{} also has a [tool.awaitfix] table: two configurations in one folder",
                    pyproject.display()
                );
                return Err(ConfigError::new(&yaml.display().to_string(), 1, 1, message)
                    .hint("keep one of them, or name one with --config"));
            }
            return load(&yaml).map(Some);
        }
        if pyproject.is_file() {
            let text = read(&pyproject)?;
            if text.contains("awaitfix")
                && let Some(config) = parse_pyproject(&pyproject, &text)?
            {
                return Ok(Some(config));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// Reads a configuration file named with `--config`: `*.toml` (`[tool.awaitfix]`) or YAML.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = read(path)?;
    if path.extension().is_some_and(|e| e == "toml") {
        let shown = path.display().to_string();
        return parse_pyproject(path, &text)?.ok_or_else(|| {
            ConfigError::new(&shown, 1, 1, "no [tool.awaitfix] table".into())
                .hint("add a [tool.awaitfix] table, or pass an awaitfix.yaml")
        });
    }
    let raw: RawConfig =
        serde_norway::from_str(&text).map_err(|e| ConfigError::from_yaml(&path.display().to_string(), &e))?;
    build(path, &text, raw)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(&path.display().to_string(), 1, 1, format!("cannot read configuration: {e}"))
            .hint("check the file's permissions and that it is UTF-8")
    })
}

fn parse_pyproject(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
    let pyproject: Pyproject = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |span| position(text, span.start));
        let message = e.message().trim().to_string();
        ConfigError::new(&path.display().to_string(), line, column, message)
            .hint("see the configuration keys in the README")
    })?;
    match pyproject.tool.and_then(|t| t.awaitfix) {
        Some(raw) => build(path, text, raw).map(Some),
        None => Ok(None),
    }
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where `needle` (a value of the file) is first spelled in `text`, as a 1-based line and column.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |offset| position(text, offset))
}

fn build(path: &Path, text: &str, raw: RawConfig) -> Result<Config, ConfigError> {
    // A bare file name (`--config pyproject.toml`) is in the working directory.
    let root = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let shown = path.display().to_string();
    let globs = raw.exclude.iter().map(|g| ("exclude", g));
    let globs = globs.chain(raw.extend_exclude.iter().map(|g| ("extend-exclude", g)));
    for (key, glob) in globs.chain(raw.extend_include.iter().map(|g| ("extend-include", g))) {
        // Checked here, where the glob's line is known, rather than when the walk compiles it.
        if let Err(e) = ignore::gitignore::GitignoreBuilder::new(&root).add_line(None, glob) {
            let (line, column) = locate(text, glob);
            let message = format!("{key}: bad glob `{glob}`: {}", glob_error(&e));
            return Err(ConfigError::new(&shown, line, column, message)
                .hint("use gitignore syntax such as `generated/` or `*_pb2.py`"));
        }
    }
    let mut transforms = Vec::new();
    for spec in raw.transforms {
        let candidate = root.join(&spec);
        if candidate.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&candidate)
                .map_err(|e| ConfigError::new(&shown, 1, 1, format!("transforms: cannot read {spec}: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            transforms.extend(files.into_iter().map(|f| f.display().to_string()));
        } else if candidate.exists() {
            transforms.push(candidate.display().to_string());
        } else {
            // A built-in id; `transform::load` reports it if it is neither.
            transforms.push(spec);
        }
    }
    let mut overrides = Vec::new();
    for o in raw.overrides {
        let mut set = globset::GlobSetBuilder::new();
        for glob in &o.paths {
            let glob = globset::GlobBuilder::new(glob).literal_separator(true).build().map_err(|e| {
                let (line, column) = locate(text, glob);
                ConfigError::new(&shown, line, column, format!("overrides: bad glob `{glob}`: {}", e.kind()))
                    .hint("use glob syntax such as `**/routes/**`")
            })?;
            set.add(glob);
        }
        let set = set.build().map_err(|e| ConfigError::new(&shown, 1, 1, format!("overrides: {e}")))?;
        overrides.push((set, o.prefer));
    }
    let lists = raw
        .select
        .iter()
        .map(|l| ("select", l))
        .chain([("extend-select", &raw.extend_select), ("ignore", &raw.ignore)]);
    let per_file = raw.per_file_ignores.values().map(|l| ("per-file-ignores", l));
    for (key, list) in lists.chain(per_file) {
        if let Err((selector, message)) = crate::ruleset::validate(list) {
            let (line, column) = locate(text, &selector);
            return Err(ConfigError::new(&shown, line, column, format!("{key}: {message}")));
        }
    }
    let roots = raw.roots.iter().map(|r| root.join(r)).collect();
    Ok(Config {
        path: path.to_path_buf(),
        root,
        transforms,
        prefer: raw.prefer,
        exclude: raw.exclude.into_iter().chain(raw.extend_exclude).collect(),
        extend_include: raw.extend_include,
        overrides,
        roots,
        project: raw.project,
        select: raw.select,
        extend_select: raw.extend_select,
        ignore: raw.ignore,
        per_file_ignores: raw.per_file_ignores.into_iter().collect(),
    })
}

/// The cause of a bad gitignore glob, without the glob itself (the message names it already).
fn glob_error(error: &ignore::Error) -> String {
    match error {
        // globset's text is "error parsing glob 'G': WHY".
        ignore::Error::Glob { err, .. } => {
            err.split_once("': ").map_or(err.as_str(), |(_, why)| why).to_string()
        }
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithPath { err, .. } => glob_error(err),
        other => other.to_string(),
    }
}

impl Config {
    /// The configured `prefer` for a path relative to the configuration's folder, if any.
    pub fn prefer_for(&self, relative: &Path) -> Option<Prefer> {
        self.overrides.iter().find(|(set, _)| set.is_match(relative)).map(|(_, p)| *p).or(self.prefer)
    }
}

/// A problem in a configuration file, at `path:line:col`, with a hint on how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}{}", .hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default())]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl ConfigError {
    fn new(path: &str, line: usize, column: usize, message: String) -> Self {
        Self { path: path.to_string(), line, column, message, hint: None }
    }

    fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_string());
        self
    }

    /// A YAML or schema error from serde, positioned where the parser stopped.
    fn from_yaml(path: &str, e: &serde_norway::Error) -> Self {
        let yaml = crate::transform::YamlError::of(e, "see the configuration keys in the README");
        Self::new(path, yaml.line, yaml.column, yaml.message).hint(yaml.hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyproject_table_and_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, "[project]\nname = 'x'\n\n[tool.awaitfix]\nprefer = 'async'\nexclude = ['gen/']\n[[tool.awaitfix.overrides]]\npaths = ['legacy/**']\nprefer = 'sync'\n").unwrap();
        let config = discover(&dir.path().join("src/a.py")).unwrap().expect("found from a path below");
        assert_eq!(config.prefer, Some(Prefer::Async));
        assert_eq!(config.exclude, ["gen/"]);
        assert_eq!(config.prefer_for(Path::new("legacy/x/a.py")), Some(Prefer::Sync));
        assert_eq!(config.prefer_for(Path::new("app/a.py")), Some(Prefer::Async));

        std::fs::write(&path, "[tool.awaitfix]\nprefered = 'async'\n").unwrap();
        let err = discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("pyproject.toml:2:1: unknown field `prefered`"), "{err}");
    }

    #[test]
    fn extend_exclude_adds_to_exclude_and_its_globs_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("awaitfix.yaml");
        std::fs::write(&path, "exclude: [gen/]\nextend-exclude: ['*_pb2.py']\n").unwrap();
        assert_eq!(load(&path).unwrap().exclude, ["gen/", "*_pb2.py"]);
        std::fs::write(&path, "extend-exclude: ['src/[z-a]']\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("awaitfix.yaml:1:19: extend-exclude: bad glob `src/[z-a]`"), "{err}");
    }

    #[test]
    fn roots_are_relative_to_the_configuration_and_project_is_off_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("awaitfix.yaml");
        std::fs::write(&path, "prefer: sync\n").unwrap();
        let config = load(&path).unwrap();
        assert!(config.roots.is_empty() && !config.project);
        std::fs::write(&path, "roots: [src, ../shared]\nproject: true\n").unwrap();
        let config = load(&path).unwrap();
        assert_eq!(config.roots, [dir.path().join("src"), dir.path().join("../shared")]);
        assert!(config.project);
    }

    #[test]
    fn yaml_wins_in_its_folder_and_bad_values_are_positioned() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("awaitfix.yaml"), "prefer: later\n").unwrap();
        let err = discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("awaitfix.yaml:1:9: prefer: unknown variant `later`"), "{err}");
    }

    #[test]
    fn pyproject_without_the_table_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), "[project]\nname = 'awaitfix-user'\n").unwrap();
        assert!(discover(dir.path()).unwrap().is_none());
    }
}
