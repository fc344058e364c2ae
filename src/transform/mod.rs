//! Transforms: which sync/async pairs to look for and how to fix them (DESIGN §3).
//! Consumes YAML text (built-in or a user's file), produces validated `Transform`s. Every problem in every
//! file is collected before any Python file is read, each as `path:line:col: message (hint: …)`.

mod error;
mod raw;

use std::path::Path;

pub(crate) use error::YamlError;
pub use error::{TransformError, TransformErrors};
use raw::{RawPair, RawTransform};

/// The transforms compiled into the binary, as (file name, YAML text).
const BUILTIN: &[(&str, &str)] =
    &[("websocket-manager.yaml", include_str!("../../transforms/websocket-manager.yaml"))];

/// How an awaited sync call is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Prefer {
    /// Drop the `await`: `await F(x)` becomes `F(x)`.
    Sync,
    /// Call the coroutine twin: `await F(x)` becomes `await F_async(x)`.
    Async,
}

/// One sync function and its coroutine twin.
#[derive(Clone, Debug)]
pub struct Pair {
    /// Name of the synchronous function, e.g. `get_websocket_manager`.
    pub sync: String,
    /// Name of the coroutine function, e.g. `get_websocket_manager_async`.
    pub async_name: String,
    /// Modules that export the pair; empty means an import of the name from any module counts.
    pub modules: Vec<String>,
    /// Where the async name is imported from when it is not beside the sync one.
    pub async_module: Option<String>,
    /// Whether a name the file never binds (star imports from elsewhere, injected names) counts.
    pub unbound: bool,
}

impl Pair {
    /// Whether `module` exports the pair. An absolute module must be listed. A module starting with a dot is
    /// a path whose top packages are unknown (a relative import resolved from the file's folders): it counts
    /// when a listed module is the same or ends with it, such as `app.ws` for `.src.app.ws`.
    pub fn exported_by(&self, module: &str) -> bool {
        if self.modules.is_empty() {
            return true;
        }
        match module.strip_prefix('.') {
            None => self.modules.iter().any(|m| m == module),
            Some(tail) => self.modules.iter().any(|m| {
                let tail_parts: Vec<&str> = tail.split('.').collect();
                let listed: Vec<&str> = m.split('.').collect();
                !tail.is_empty() && tail_parts.ends_with(&listed)
            }),
        }
    }
}

/// A validated transform.
#[derive(Clone, Debug)]
pub struct Transform {
    pub id: String,
    pub description: String,
    pub pairs: Vec<Pair>,
    pub prefer: Prefer,
    pub overrides: Vec<Override>,
    pub examples: Vec<Example>,
    /// Where it came from: a path, or `builtin:NAME`.
    pub origin: String,
    /// The YAML text it was read from, for `transforms show`.
    pub text: String,
}

/// A per-path choice of `prefer`; the first override whose glob matches a path wins.
#[derive(Clone, Debug)]
pub struct Override {
    pub paths: globset::GlobSet,
    pub patterns: Vec<String>,
    pub prefer: Prefer,
}

/// A before/after snippet that documents (and tests) a transform.
#[derive(Clone, Debug)]
pub struct Example {
    pub before: String,
    pub after: String,
}

impl Transform {
    /// `prefer` for a file: the first matching override, else the transform's own.
    pub fn prefer_for(&self, path: &Path) -> Prefer {
        self.overrides.iter().find(|o| o.paths.is_match(path)).map_or(self.prefer, |o| o.prefer)
    }
}

/// The built-in transforms, validated exactly as a user's file would be.
pub fn builtins() -> Result<Vec<Transform>, TransformErrors> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in BUILTIN {
        match parse(&format!("builtin:{name}"), text) {
            Ok(t) => out.push(t),
            Err(e) => errors.extend(e),
        }
    }
    TransformErrors::check(errors)?;
    Ok(out)
}

/// Resolves `--transform` arguments (a built-in id or a YAML file) into validated transforms.
/// With no arguments, the built-in set. All problems are reported together.
pub fn load(specs: &[String]) -> Result<Vec<Transform>, TransformErrors> {
    let builtin = builtins()?;
    if specs.is_empty() {
        return Ok(builtin);
    }
    let mut out: Vec<Transform> = Vec::new();
    let mut errors = Vec::new();
    for spec in specs {
        if let Some(t) = builtin.iter().find(|t| &t.id == spec) {
            out.push(t.clone());
            continue;
        }
        match load_file(Path::new(spec)) {
            Ok(t) => out.push(t),
            Err(_) if !Path::new(spec).exists() && !names_a_file(spec) => {
                errors.push(unknown_id(spec, &builtin))
            }
            Err(e) => errors.extend(e),
        }
    }
    for (i, t) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.id == t.id) {
            errors.push(
                TransformError::new(&t.origin, 1, 1, format!("transform id `{}` is used twice", t.id))
                    .hint("give each transform its own `id`"),
            );
        }
    }
    TransformErrors::check(errors)?;
    Ok(out)
}

/// Whether `spec` can only be meant as a file: it has a folder or a YAML extension.
fn names_a_file(spec: &str) -> bool {
    spec.contains(['/', std::path::MAIN_SEPARATOR]) || spec.ends_with(".yaml") || spec.ends_with(".yml")
}

/// The error for `spec`, neither a built-in id nor a file: the closest built-in id, when one is close.
fn unknown_id(spec: &str, builtin: &[Transform]) -> TransformError {
    let closest = (builtin.iter())
        .map(|t| (strsim::jaro_winkler(spec, &t.id), &t.id))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let ids: Vec<&str> = builtin.iter().map(|t| t.id.as_str()).collect();
    let hint = match closest {
        Some((_, id)) => format!("did you mean `{id}`?"),
        None => format!("built-in ids: {}; or pass the path of a YAML file", ids.join(", ")),
    };
    TransformError::new(spec, 0, 0, "no built-in transform of this id, and no such file".to_string())
        .hint(&hint)
}

/// Reads and validates one transform file.
pub fn load_file(path: &Path) -> Result<Transform, Vec<TransformError>> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = if path.exists() {
            "check the file's permissions and encoding (UTF-8)"
        } else {
            "pass a built-in id (see `awaitfix transforms list`) or the path of a YAML file"
        };
        vec![TransformError::new(&origin, 0, 0, format!("cannot read transform: {e}")).hint(hint)]
    })?;
    parse(&origin, &text)
}

/// Parses and validates transform YAML; `origin` names it in errors.
pub fn parse(origin: &str, text: &str) -> Result<Transform, Vec<TransformError>> {
    let raw: RawTransform =
        serde_norway::from_str(text).map_err(|e| vec![TransformError::from_yaml(origin, &e)])?;
    validate(origin, text, raw)
}

fn validate(origin: &str, text: &str, raw: RawTransform) -> Result<Transform, Vec<TransformError>> {
    let mut problems = Problems { origin, text, errors: Vec::new() };
    if !is_slug(&raw.id) {
        problems.add(
            &raw.id,
            format!("`id: {}` is not a valid id", raw.id),
            "use lowercase letters, digits and `-`, e.g. `websocket-manager`",
        );
    }
    if raw.pairs.is_empty() {
        problems.add(
            "pairs",
            "`pairs` is empty".into(),
            "list at least one `- sync: NAME` / `async: NAME` pair",
        );
    }
    let prefer = match raw.prefer.as_deref() {
        None => Prefer::Sync,
        Some(value) => problems.prefer(value),
    };
    let pairs = pairs(&raw.pairs, &mut problems);
    let overrides = raw.overrides.iter().map(|o| overrides(o, &mut problems)).collect();
    if !problems.errors.is_empty() {
        return Err(problems.errors);
    }
    Ok(Transform {
        id: raw.id,
        description: raw.description.trim().to_string(),
        pairs,
        prefer,
        overrides,
        examples: raw.examples.into_iter().map(|e| Example { before: e.before, after: e.after }).collect(),
        origin: origin.to_string(),
        text: text.to_string(),
    })
}

/// The problems found in one transform file, each placed where its value stands.
struct Problems<'a> {
    origin: &'a str,
    text: &'a str,
    errors: Vec<TransformError>,
}

impl Problems<'_> {
    fn add(&mut self, value: &str, message: String, hint: &str) {
        let (line, column) = error::locate(self.text, value);
        self.errors.push(TransformError::new(self.origin, line, column, message).hint(hint));
    }

    /// A `prefer:` value; `sync` when it is neither `sync` nor `async` (and a problem is recorded).
    fn prefer(&mut self, value: &str) -> Prefer {
        parse_prefer(value).unwrap_or_else(|| {
            self.add(
                value,
                format!("`prefer: {value}` is not `sync` or `async`"),
                "write `prefer: sync` or `prefer: async`",
            );
            Prefer::Sync
        })
    }
}

/// The pairs, with a problem recorded for each bad name, module or duplicate.
fn pairs(raw: &[RawPair], problems: &mut Problems) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for p in raw {
        for (key, name) in [("sync", &p.sync), ("async", &p.async_)] {
            if !is_identifier(name) {
                problems.add(
                    name,
                    format!("`{key}: {name}` is not a Python identifier"),
                    "write the bare function name, e.g. `get_websocket_manager`",
                );
            }
        }
        if p.sync == p.async_ {
            problems.add(
                &p.sync,
                format!("`sync` and `async` are both `{}`", p.sync),
                "the async twin needs its own name",
            );
        }
        if raw.iter().filter(|q| q.sync == p.sync).count() > 1
            && pairs.iter().all(|q: &Pair| q.sync != p.sync)
        {
            problems.add(
                &p.sync,
                format!("`{}` is listed in two pairs", p.sync),
                "keep one pair per sync function",
            );
        }
        for m in p.modules.iter().chain(&p.async_module) {
            if !m.split('.').all(is_identifier) {
                problems.add(
                    m,
                    format!("`{m}` is not a dotted module name"),
                    "write an absolute module path such as `app.websocket_core.websocket_manager`",
                );
            }
        }
        pairs.push(pair(p));
    }
    pairs
}

/// One override, with a problem recorded for a bad `prefer` or glob.
fn overrides(o: &raw::RawOverride, problems: &mut Problems) -> Override {
    let prefer = problems.prefer(&o.prefer);
    let mut set = globset::GlobSetBuilder::new();
    for g in &o.paths {
        match globset::GlobBuilder::new(g).literal_separator(true).build() {
            Ok(glob) => {
                set.add(glob);
            }
            Err(e) => problems.add(
                g,
                format!("bad glob `{g}`: {}", e.kind()),
                "use glob syntax such as `**/routes/**`",
            ),
        }
    }
    let paths = set.build().unwrap_or_else(|_| globset::GlobSet::empty());
    Override { paths, patterns: o.paths.clone(), prefer }
}

fn pair(p: &RawPair) -> Pair {
    Pair {
        sync: p.sync.clone(),
        async_name: p.async_.clone(),
        modules: p.modules.clone(),
        async_module: p.async_module.clone(),
        unbound: p.unbound.unwrap_or(p.modules.is_empty()),
    }
}

fn parse_prefer(s: &str) -> Option<Prefer> {
    match s {
        "sync" => Some(Prefer::Sync),
        "async" => Some(Prefer::Async),
        _ => None,
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `s` is an ASCII Python identifier (names of a pair are matched as bytes).
pub fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_websocket_manager_is_valid() {
        let all = builtins().expect("built-ins validate");
        let t = all.iter().find(|t| t.id == "websocket-manager").expect("present");
        assert_eq!(t.pairs[0].sync, "get_websocket_manager");
        assert_eq!(t.pairs[0].async_name, "get_websocket_manager_async");
        assert!(t.pairs[0].unbound, "no module list: unbound names count");
    }

    #[test]
    fn unknown_key_is_reported_with_its_position() {
        let text = "id: x\npairs:\n  - sync: f\n    async: f_async\n    modle: [a]\n";
        let errors = parse("t.yaml", text).unwrap_err();
        let shown = errors[0].to_string();
        assert!(shown.starts_with("t.yaml:5:"), "{shown}");
        assert!(shown.contains("unknown field `modle`"), "{shown}");
    }

    #[test]
    fn all_validation_problems_are_reported_at_once() {
        let text = "id: Bad Id\npairs:\n  - sync: 1f\n    async: 1f\nprefer: later\n";
        let errors = parse("t.yaml", text).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|e| e.starts_with("t.yaml:1:5: `id: Bad Id`")), "{shown:?}");
        assert!(shown.iter().any(|e| e.starts_with("t.yaml:3:11: `sync: 1f`")), "{shown:?}");
        assert!(shown.iter().any(|e| e.starts_with("t.yaml:5:9: `prefer: later`")), "{shown:?}");
        assert!(shown.iter().any(|e| e.contains("both `1f`")), "{shown:?}");
    }

    #[test]
    fn relative_modules_match_by_suffix() {
        let p = Pair {
            sync: "f".into(),
            async_name: "f_async".into(),
            modules: vec!["app.core.ws".into()],
            async_module: None,
            unbound: false,
        };
        assert!(p.exported_by("app.core.ws"));
        assert!(p.exported_by(".home.me.src.app.core.ws"));
        assert!(p.exported_by(".app.core.ws"));
        assert!(!p.exported_by(".core.ws"), "too short to know it is app.core.ws");
        assert!(!p.exported_by(".app.core.ws.ws"));
        assert!(!p.exported_by("other.ws"));
        assert!(!p.exported_by("."));
    }
}
