//! The pipeline of DESIGN §4 for one file: read → prefilter → decode → parse → rules → fix → verify → write.
//! `process` runs on worker threads; it returns a `FileOutcome` that the single consumer in `lib` prints.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use memchr::memmem;

use crate::config::Config;
use crate::finding::{Finding, SiteKey, site_keys};
use crate::fix::Applied;
use crate::parse;
use crate::render::diff::FileDiff;
use crate::render::pr_body::{Change, site_changes};
use crate::render::{Diagnostic, display_path};
use crate::rules::{self, FileContext};
use crate::source::{LineIndex, Source};
use crate::transform::{Prefer, Transform};
use crate::write;

/// What to do with a file's fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Report only.
    Check,
    /// Plan and verify the rewrite, and render its diff.
    Diff,
    /// Plan, verify and write the rewrite.
    Apply,
    /// Plan and verify the rewrite, and keep it with the bytes read, for the consumer to choose from, write
    /// or commit.
    Plan,
}

/// Everything shared by the workers: validated transforms, the prefilter built from their names, and what
/// decides `prefer` for a file.
pub struct Engine {
    transforms: Vec<Transform>,
    /// Searchers for the pairs' names, leaving out a name that contains another: each of its spellings
    /// contains a spelling of the other, on the same line.
    prefilter: Vec<memmem::Finder<'static>>,
    /// `--prefer`, which wins over everything.
    prefer: Option<Prefer>,
    config: Option<Config>,
    /// Paths are matched against override globs relative to this folder (the configuration's, else the
    /// working directory).
    root: PathBuf,
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
        Self { transforms, prefilter, prefer: None, config: None, root }
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

    /// `prefer` for one transform and file: `--prefer`, else the configuration's override or setting for the
    /// path, else the transform's override or setting.
    fn prefer_for(&self, transform: &Transform, path: &Path) -> Prefer {
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

/// The sync and async names of every pair: what the prefilter looks for.
fn pair_names(transforms: &[Transform]) -> impl Iterator<Item = &str> {
    transforms.iter().flat_map(|t| &t.pairs).flat_map(|p| [p.sync.as_str(), p.async_name.as_str()])
}

/// The result for one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// The rewrite's diff (`Mode::Diff`).
    pub diff: Option<FileDiff>,
    /// Sites rewritten (`Mode::Apply`: written to disk; `Mode::Diff`: shown in the diff).
    pub fixed: usize,
    /// Each fixed site's line before and after (`Mode::Diff` and `Mode::Plan`).
    pub changes: Vec<Change>,
    /// The bytes read and their plan, when a fix applies (`Mode::Plan`).
    pub planned: Option<Planned>,
    /// One-line errors, each starting with the path; any error makes the exit code 2.
    pub errors: Vec<String>,
}

impl FileOutcome {
    fn error(mut self, error: impl Into<PlanError>) -> Self {
        let error = error.into();
        let shown = display_path(&self.path);
        self.errors.push(match error.position {
            Some((line, column)) => format!("{shown}:{line}:{column}: {}", error.message),
            None => format!("{shown}: {}", error.message),
        });
        self
    }
}

/// Runs the whole pipeline on one file.
pub fn process(engine: &Engine, path: &Path, mode: Mode) -> FileOutcome {
    let outcome = FileOutcome { path: path.to_path_buf(), ..FileOutcome::default() };
    let bytes = match crate::source::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return outcome.error(e.to_string()),
    };
    if !engine.mentions_in_code(&bytes) {
        return outcome;
    }
    analyze(engine, path, &bytes, mode, outcome)
}

/// A file's findings and, when any is fixable, its verified rewrite.
#[derive(Clone, Debug)]
pub struct Plan {
    pub source: Source,
    pub findings: Vec<Finding>,
    /// The rewritten text and the bytes to write, when a fix applies.
    pub rewrite: Option<Rewrite>,
}

impl Plan {
    /// The findings placed in the file shown as `path`.
    pub fn diagnostics(&self, path: &Path) -> Vec<Diagnostic> {
        let shown = display_path(path);
        let index = LineIndex::new(&self.source.text);
        self.findings.iter().map(|f| Diagnostic::new(&shown, f, &index)).collect()
    }

    /// Each fixed site's line before and after; none without a rewrite.
    pub fn changes(&self) -> Vec<Change> {
        let fixed = self.rewrite.as_ref().map_or(&[][..], |r| &r.fixed[..]);
        site_changes(&self.source.text, &self.findings, fixed)
    }
}

/// A file's plan with the bytes it was made from (they are what a later write checks the file against).
#[derive(Debug)]
pub struct Planned {
    pub bytes: Vec<u8>,
    pub plan: Plan,
}

#[derive(Clone, Debug)]
pub struct Rewrite {
    pub text: String,
    pub bytes: Vec<u8>,
    /// Indices into `findings` of the fixes applied.
    pub fixed: Vec<usize>,
    /// The edits made, sorted, in the original text's offsets.
    pub edits: Vec<crate::edit::Edit>,
}

/// How much of a file a plan needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// The findings (`check`): only the statements that mention tracked names are parsed, so a syntax error
    /// elsewhere goes unseen.
    Findings,
    /// The findings and a rewrite to show (`diff`): parsed as for `Findings`; the rewritten statements are
    /// parsed again to verify the rewrite (see `verify_parsed`).
    Preview,
    /// The findings and a rewrite to write (`apply`, `commit`): the whole file is parsed, a file with a
    /// syntax error anywhere is refused, and the whole rewrite is parsed again.
    Rewrite,
}

/// Decodes, parses and checks one file's bytes, and plans and verifies its rewrite as `want` says. Pure:
/// bytes in, plan out. `path` decides per-path overrides only. Errors are one line, without the path.
pub fn plan(engine: &Engine, path: &Path, bytes: &[u8], want: Want) -> Result<Plan, PlanError> {
    plan_declining(engine, path, bytes, want, &[])
}

/// Plans a rewrite with only the fixes of the sites that `keep` accepts; the others stay as they are, and
/// the kept fixes are planned knowing that (an import a declined site still needs is kept).
pub fn plan_selected(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    keep: &dyn Fn(&SiteKey) -> bool,
) -> Result<Plan, PlanError> {
    let full = plan(engine, path, bytes, Want::Rewrite)?;
    select(engine, path, bytes, full, keep)
}

/// `full`, the `Want::Rewrite` plan of `bytes`, with only the fixes of the sites that `keep` accepts (see
/// `plan_selected`); for a caller that already holds the whole plan.
pub fn select(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    full: Plan,
    keep: &dyn Fn(&SiteKey) -> bool,
) -> Result<Plan, PlanError> {
    let keys = site_keys(&full.source.text, &full.findings);
    let mut declined: Vec<usize> = (full.findings.iter().zip(&keys))
        .filter(|(f, key)| f.is_fixable() && !keep(key))
        .map(|(f, _)| f.range.start)
        .collect();
    if declined.is_empty() {
        return Ok(full);
    }
    declined.sort_unstable();
    plan_declining(engine, path, bytes, Want::Rewrite, &declined)
}

fn plan_declining(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    declined: &[usize],
) -> Result<Plan, PlanError> {
    let source = Source::decode(bytes).map_err(|e| format!("{e}; skipped"))?;
    let text = source.text.as_str();
    if let Some(limit) = parse::bracket_limit(text) {
        return Err(limit.into());
    }
    let prefer: Vec<Prefer> = engine.transforms.iter().map(|t| engine.prefer_for(t, path)).collect();
    if want != Want::Rewrite
        && let Some(partial) = check_mentions(engine, path, text, &prefer, declined, false)
    {
        let Partial { findings, parsed, tree } = partial;
        if want == Want::Findings || !findings.iter().any(Finding::is_fixable) {
            return Ok(Plan { source, findings, rewrite: None });
        }
        let applied = crate::fix::apply(text, &findings, |_| true);
        let bytes = verify_parsed(&tree, &parsed, &applied, &source)?;
        let rewrite = Rewrite { text: applied.text, bytes, fixed: applied.fixed, edits: applied.edits };
        return Ok(Plan { source, findings, rewrite: Some(rewrite) });
    }
    let tree = parse::parse(text).ok_or("the parser gave up; skipped")?;
    if let Some((at, what)) = parse::first_error(&tree) {
        if let Some(limit) = parse::block_limit(text) {
            return Err(limit.into());
        }
        let (line, column) = LineIndex::new(text).position(at);
        let message = format!("syntax error ({what}); file not checked or changed");
        return Err(PlanError { position: Some((line, column)), message });
    }
    let file =
        FileContext { path, text, tree: &tree, transforms: &engine.transforms, prefer: &prefer, declined };
    let findings = rules::check(&file);
    if want == Want::Findings || !findings.iter().any(Finding::is_fixable) {
        return Ok(Plan { source, findings, rewrite: None });
    }
    let applied = crate::fix::apply(text, &findings, |_| true);
    let bytes = verify(&tree, &applied, &source)?;
    let rewrite = Rewrite { text: applied.text, bytes, fixed: applied.fixed, edits: applied.edits };
    Ok(Plan { source, findings, rewrite: Some(rewrite) })
}

/// The findings of `bytes` from the partial parse `check` and `diff` use, made even where they would parse the
/// whole file (most of it picked): what tests compare with a whole parse's findings. `None` when the scan is
/// unsure or the statements picked do not parse cleanly, where `check` too parses the whole file.
pub fn partial_findings(engine: &Engine, path: &Path, bytes: &[u8]) -> Option<Vec<Finding>> {
    let source = Source::decode(bytes).ok()?;
    let prefer: Vec<Prefer> = engine.transforms.iter().map(|t| engine.prefer_for(t, path)).collect();
    check_mentions(engine, path, &source.text, &prefer, &[], true).map(|partial| partial.findings)
}

/// What a partial parse found, and what it parsed.
struct Partial {
    findings: Vec<Finding>,
    /// The byte ranges parsed (sorted, disjoint), and their tree.
    parsed: Vec<Range<usize>>,
    tree: tree_sitter::Tree,
}

/// The findings of a file, and the byte ranges parsed, from parsing only the statements that mention a
/// tracked name, with the `def`, `class` and `with` headers around them (see `chunk`): first those naming a
/// pair's function, then, until nothing is added, those naming what the rules then track (aliases, the
/// modules of attribute calls, asyncio, names assigned a coroutine), and star imports. `None` when the whole
/// file must be parsed: the scan was unsure, or the statements picked do not parse cleanly (a syntax error is
/// then reported from the whole file), or, unless `always`, they are most of the file.
fn check_mentions(
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
    for unit in &units {
        let statement = &text[unit.range.clone()];
        if statement.starts_with("from ") && statement.contains('*') {
            crate::chunk::pick(&units, unit.range.start, &mut picked);
        }
    }
    loop {
        let ranges = parse::joined(&picked);
        // Most of the file to parse: parsing it whole is as fast, and nothing is left to pick.
        if !always && ranges.iter().map(|r| r.len()).sum::<usize>() * 10 > text.len() * 8 {
            return None;
        }
        let tree = parse::parse_ranges(text, &ranges)?;
        if tree.root_node().has_error() {
            return None;
        }
        let file = FileContext { path, text, tree: &tree, transforms: &engine.transforms, prefer, declined };
        let (findings, names) = rules::check_tracking(&file);
        let new: Vec<&str> = names.into_iter().filter(|name| searched.insert(name.to_string())).collect();
        let mut added = false;
        for at in new.iter().flat_map(|name| memmem::find_iter(text.as_bytes(), name)) {
            added |= crate::chunk::pick(&units, at, &mut picked);
        }
        if !added {
            return Some(Partial { findings, parsed: ranges, tree });
        }
    }
}

fn analyze(engine: &Engine, path: &Path, bytes: &[u8], mode: Mode, mut outcome: FileOutcome) -> FileOutcome {
    let want = match mode {
        Mode::Check => Want::Findings,
        Mode::Diff => Want::Preview,
        Mode::Apply | Mode::Plan => Want::Rewrite,
    };
    let plan = match plan(engine, path, bytes, want) {
        Ok(plan) => plan,
        Err(e) => return outcome.error(e),
    };
    outcome.diagnostics = plan.diagnostics(path);
    let Some(rewrite) = &plan.rewrite else {
        return outcome;
    };
    match mode {
        Mode::Check => {}
        Mode::Diff => {
            outcome.fixed = rewrite.fixed.len();
            outcome.changes = plan.changes();
            let shown = crate::render::diff::patch_path(path);
            let (old, encoding) = (&plan.source.text, plan.source.encoding);
            outcome.diff = Some(FileDiff::from_edits(&shown, old, &rewrite.text, &rewrite.edits, encoding));
        }
        Mode::Apply => match write::replace(path, bytes, &rewrite.bytes) {
            Ok(()) => outcome.fixed = rewrite.fixed.len(),
            Err(e) => return outcome.error(e.to_string()),
        },
        Mode::Plan => {
            outcome.fixed = rewrite.fixed.len();
            outcome.changes = plan.changes();
            outcome.planned = Some(Planned { bytes: bytes.to_vec(), plan });
        }
    }
    outcome
}

/// Why a file could not be checked or rewritten: one line, positioned in the file when that helps.
#[derive(Debug)]
pub struct PlanError {
    /// 1-based line and character column.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl From<String> for PlanError {
    fn from(message: String) -> Self {
        Self { position: None, message }
    }
}

impl From<&str> for PlanError {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{line}:{column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Re-parses the statements a rewrite changed; they must parse cleanly, and the rest of the file is unchanged.
/// A simple statement (no body) parses the same wherever it stands, so when every edit lies inside one and
/// adds no line, each changed statement is parsed alone, from its first token to the end of its line. Else
/// `parsed`, the ranges parsed to plan the rewrite (which hold every edit), moved by the edits, are parsed
/// again, reusing from their `tree` what the edits did not touch. Returns the bytes the rewrite encodes to.
fn verify_parsed(
    tree: &tree_sitter::Tree,
    parsed: &[Range<usize>],
    applied: &Applied,
    source: &Source,
) -> Result<Vec<u8>, String> {
    let rewritten = applied.text.as_str();
    let edits = &applied.edits;
    let tree = match changed_statements(tree, &source.text, edits) {
        Some(statements) => {
            let moved = moved_ranges(&statements, edits).ok_or("an edit lies outside its statement")?;
            parse::parse_ranges(rewritten, &moved)
        }
        None => {
            let moved = moved_ranges(parsed, edits).ok_or("an edit lies outside the statements parsed")?;
            parse::reparse_ranges(tree, &source.text, edits, rewritten, &moved)
        }
    }
    .ok_or("the rewrite could not be re-parsed")?;
    if tree.root_node().has_error() {
        return Err("the rewrite does not parse cleanly; file left unchanged (please report this)".into());
    }
    encode(source, rewritten)
}

/// The simple statements that `edits` (sorted) change, each from its first token to the end of its line
/// (sorted, disjoint); `None` when an edit adds a line or is not inside one of them.
fn changed_statements(
    tree: &tree_sitter::Tree,
    text: &str,
    edits: &[crate::edit::Edit],
) -> Option<Vec<Range<usize>>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for edit in edits {
        let statement = parse::statement_at(tree.root_node(), edit.start());
        let simple = matches!(
            statement.kind(),
            "expression_statement"
                | "return_statement"
                | "import_statement"
                | "import_from_statement"
                | "assert_statement"
                | "raise_statement"
                | "delete_statement"
        );
        let inside = statement.start_byte() <= edit.start() && edit.end() <= statement.end_byte();
        if !simple || !inside || edit.content().contains('\n') {
            return None;
        }
        let end = statement.end_byte();
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i + 1);
        match ranges.last_mut() {
            // Two edits in one statement, or statements that share a line.
            Some(last) if statement.start_byte() < last.end => last.end = last.end.max(line_end),
            _ => ranges.push(statement.start_byte()..line_end),
        }
    }
    Some(ranges)
}

/// `ranges` (sorted, disjoint) in the text that `edits` (sorted) make: an edit inside a range, or an
/// insertion at its end, grows or shrinks it; one before it moves it. `None` when an edit is not inside one.
fn moved_ranges(ranges: &[Range<usize>], edits: &[crate::edit::Edit]) -> Option<Vec<Range<usize>>> {
    let mut moved = Vec::with_capacity(ranges.len());
    let mut edits = edits.iter().peekable();
    let mut shift: isize = 0;
    for range in ranges {
        let start = range.start.checked_add_signed(shift)?;
        while let Some(edit) =
            edits.next_if(|e| e.start() < range.end || e.start() == range.end && e.end() == e.start())
        {
            if edit.start() < range.start || edit.end() > range.end {
                return None;
            }
            shift += edit.content().len() as isize - (edit.end() - edit.start()) as isize;
        }
        moved.push(start..range.end.checked_add_signed(shift)?);
    }
    edits.next().is_none().then_some(moved)
}

/// The bytes to write for `rewritten`, in the file's encoding.
fn encode(source: &Source, rewritten: &str) -> Result<Vec<u8>, String> {
    source
        .encode(rewritten)
        .ok_or_else(|| "the rewrite cannot be encoded in the file's encoding; file left unchanged".into())
}

/// Re-parses a rewrite: it must parse with no more errors than the original (which had none), and encode back
/// to the file's encoding. Returns the bytes to write.
fn verify(original: &tree_sitter::Tree, applied: &Applied, source: &Source) -> Result<Vec<u8>, String> {
    let rewritten = applied.text.as_str();
    let tree = parse::reparse(original, &source.text, &applied.edits, rewritten)
        .ok_or("the rewrite could not be re-parsed; file left unchanged")?;
    if parse::error_count(&tree) > parse::error_count(original) {
        return Err("the rewrite does not parse cleanly; file left unchanged (please report this)".into());
    }
    encode(source, rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let full = plan(&engine, Path::new("a.py"), text.as_bytes(), Want::Rewrite).unwrap().findings;
        let shown = |f: &[Finding]| {
            f.iter().map(|f| (f.range.clone(), f.status, f.message.clone())).collect::<Vec<_>>()
        };
        assert_eq!(shown(&partial), shown(&full));
        assert_eq!(partial.len(), 2);
        assert_eq!(partial[0].status, crate::finding::Status::Intentional);
    }

    #[test]
    fn parsed_ranges_move_with_the_edits() {
        use crate::edit::Edit;
        let ranges = [2..5, 8..10];
        let edits = [Edit::deletion(3..4), Edit::insertion(5, "ab"), Edit::replacement(8..9, "xyz")];
        assert_eq!(
            moved_ranges(&ranges, &edits),
            Some(vec![2..6, 9..13]),
            "an insertion at the end is inside"
        );
        assert_eq!(moved_ranges(&ranges, &[Edit::deletion(6..7)]), None, "an edit between ranges");
        assert_eq!(moved_ranges(&ranges, &[Edit::deletion(4..9)]), None, "an edit across ranges");
    }

    #[test]
    fn changed_simple_statements_are_verified_alone() {
        use crate::edit::Edit;
        let text = "class C:\n    async def f(self):\n        x = await g(); y = 1\n        if await h():\n            return await g()\n";
        let tree = parse::parse(text).unwrap();
        let at = |needle: &str| text.find(needle).unwrap();
        let (first, second) = (at("await g()"), at("return await") + 7);
        let statements = changed_statements(&tree, text, &[Edit::deletion(first..first + 6)]);
        let first_line = Range { start: at("x = "), end: at("        if") };
        assert_eq!(statements, Some(vec![first_line]), "to the end of the line");
        let both = [Edit::deletion(first..first + 6), Edit::deletion(second..second + 6)];
        let statements = changed_statements(&tree, text, &both).unwrap();
        assert_eq!(statements, [at("x = ")..at("        if"), at("return")..text.len()]);
        let header = at("await h()");
        assert_eq!(
            changed_statements(&tree, text, &[Edit::deletion(header..header + 6)]),
            None,
            "an if header"
        );
        let line = Edit::insertion(first, "\n        ");
        assert_eq!(changed_statements(&tree, text, &[line]), None, "an added line");

        // A rewrite that breaks its statement is caught there.
        let source = Source::decode(text.as_bytes()).unwrap();
        let broken = Edit::replacement(first..first + 5, "await (");
        let mut rewritten = text.to_string();
        rewritten.replace_range(broken.range(), broken.content());
        let applied =
            Applied { text: rewritten, fixed: vec![0], overlapping: Vec::new(), edits: vec![broken] };
        let whole = Range { start: 0, end: text.len() };
        let error = verify_parsed(&tree, &[whole], &applied, &source).unwrap_err();
        assert!(error.contains("does not parse cleanly"), "{error}");
    }

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
