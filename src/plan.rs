//! Planning: a file's bytes in, its findings and verified rewrite out (`Plan`). Pure: decode, parse (partly,
//! when only findings or a preview are wanted), run the rules, apply the fixes and verify the rewrite.

use std::path::Path;

use crate::edit::Applicability;
use crate::engine::Engine;
use crate::error::FileError;
use crate::finding::{Finding, site_keys};
use crate::notebook::Cells;
use crate::parse;
use crate::partial::{Partial, check_mentions};
use crate::render::pr_body::{Change, site_changes};
use crate::render::{Diagnostic, display_path};
use crate::rules::{self, FileContext};
use crate::selection::Selection;
use crate::source::{LineIndex, Source};
use crate::transform::Prefer;
use crate::verify::{verify, verify_parsed};

/// A file's findings and, when any is fixable, its verified rewrite.
#[derive(Clone, Debug)]
pub struct Plan {
    pub source: Source,
    pub findings: Vec<Finding>,
    /// The rewritten text and the bytes to write, when a fix applies.
    pub rewrite: Option<Rewrite>,
    /// For a notebook, planned as its code cells' module: where the cells are, so that what is found is
    /// placed in them (`source` and the rewrite's text are the module; the rewrite's bytes are the JSON).
    pub cells: Option<Cells>,
}

impl Plan {
    /// The findings placed in the file shown as `path`.
    pub fn diagnostics(&self, path: &Path) -> Vec<Diagnostic> {
        let shown = display_path(path);
        let index = LineIndex::new(&self.source.text);
        let placed = self.findings.iter().map(|f| Diagnostic::new(&shown, f, &index));
        match &self.cells {
            Some(cells) => placed.map(|d| cells.place(d)).collect(),
            None => placed.collect(),
        }
    }

    /// Keeps the findings `keep` accepts; the rewrite's indices follow (a fix of a finding left out is
    /// never among them: such sites are planned as declined).
    fn retain(&mut self, keep: impl Fn(&Finding) -> bool) {
        let mut index = Vec::with_capacity(self.findings.len());
        let mut kept = 0;
        for finding in &self.findings {
            let keeps = keep(finding);
            index.push(keeps.then_some(kept));
            kept += usize::from(keeps);
        }
        self.findings.retain(&keep);
        if let Some(rewrite) = &mut self.rewrite {
            rewrite.fixed = rewrite.fixed.iter().filter_map(|&i| index[i]).collect();
        }
    }

    /// The rule of each fixed site; none without a rewrite.
    pub fn fixed_rules(&self) -> Vec<crate::finding::Rule> {
        let fixed = self.rewrite.as_ref().map_or(&[][..], |r| &r.fixed[..]);
        fixed.iter().map(|&i| self.findings[i].rule).collect()
    }

    /// Each fixed site's line before and after; none without a rewrite.
    pub fn changes(&self) -> Vec<Change> {
        let fixed = self.rewrite.as_ref().map_or(&[][..], |r| &r.fixed[..]);
        let mut changes = site_changes(&self.source.text, &self.findings, fixed);
        if let Some(cells) = &self.cells {
            for change in &mut changes {
                if let Some(line) = change.import_line {
                    let (cell, line) = cells.locate(line);
                    (change.cell, change.import_line) = (Some(cell), Some(line));
                }
            }
        }
        changes
    }
}

/// A file's plan with the bytes it was made from (they are what a later write checks the file against).
#[derive(Debug)]
pub struct Planned {
    /// The file's bytes as read (a notebook's JSON, whose cells' module `plan` is of).
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
    /// The findings and a rewrite to write (`apply`, `commit`): a file with a syntax error anywhere is
    /// refused, and the whole rewrite is parsed again. Planned from a partial parse as for `Preview` when it
    /// can be; the file, or its rewrite, is then parsed a few statements at a time (see
    /// `parse::parses_in_pieces`), so that no tree of a big file is held whole. Else as `Whole`.
    Rewrite,
    /// As `Rewrite`, always from one parse of the whole file, and the whole rewrite parsed again: what the
    /// partial parses are compared with.
    Whole,
}

/// Decodes, parses and checks one file's bytes, and plans and verifies its rewrite as `want` says, with the
/// fixes that `selection` wants: the other sites stay as they are, and the wanted fixes are planned knowing
/// that (an import a declined site still needs is kept). Pure: bytes in, plan out. `path` decides per-path
/// overrides and names the file in `selection`. Errors are one line, without the path.
pub fn plan(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    selection: &Selection,
) -> Result<Plan, FileError> {
    let full = plan_declining(engine, path, bytes, want, &[])?;
    full.narrow(engine, path, bytes, want, selection)
}

impl Plan {
    /// This plan, made with every fix that applied, narrowed to the fixes that `selection` wants; for a
    /// caller that holds the plan already (`bytes` are the bytes it was made from, as `want` says).
    pub fn narrow(
        self,
        engine: &Engine,
        path: &Path,
        bytes: &[u8],
        want: Want,
        selection: &Selection,
    ) -> Result<Plan, FileError> {
        if selection.is_all() {
            return Ok(self);
        }
        let keys = site_keys(&self.source.text, &self.findings);
        let mut declined: Vec<usize> = (self.findings.iter().zip(&keys))
            .filter(|(f, key)| f.is_fixable_at(engine.required()) && !selection.keeps(path, key))
            .map(|(f, _)| f.range.start)
            .collect();
        if declined.is_empty() {
            return Ok(self);
        }
        declined.sort_unstable();
        plan_declining(engine, path, bytes, want, &declined)
    }
}

/// The plan with the sites at `declined` left as they are; the findings of rules the run turns off for
/// `path` (`--select`, `--ignore`, `per-file-ignores`) are left as they are too, the same way (a fix around
/// them keeps what they still need), and then left out.
fn plan_declining(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    declined: &[usize],
) -> Result<Plan, FileError> {
    let plan = plan_with(engine, path, bytes, want, declined)?;
    let rules = engine.rules();
    let off = |f: &Finding| !rules.enabled(f.rule, path);
    if rules.is_all() || !plan.findings.iter().any(off) {
        return Ok(plan);
    }
    let mut all: Vec<usize> = declined.to_vec();
    all.extend(plan.findings.iter().filter(|f| off(f) && f.fix.is_some()).map(|f| f.range.start));
    all.sort_unstable();
    all.dedup();
    let mut plan =
        if all.len() == declined.len() { plan } else { plan_with(engine, path, bytes, want, &all)? };
    plan.retain(|f| !off(f));
    Ok(plan)
}

fn plan_with(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    declined: &[usize],
) -> Result<Plan, FileError> {
    let source = Source::decode(bytes)?;
    let text = source.text.as_str();
    if let Some(limit) = parse::bracket_limit(text) {
        return Err(FileError::NestingLimit(limit));
    }
    let prefer: Vec<Prefer> = engine.transforms.iter().map(|t| engine.prefer_for(t, path)).collect();
    let required = engine.required();
    if want != Want::Whole
        && let Some(partial) = check_mentions(engine, path, text, &prefer, declined, false)
        && let Some((findings, rewrite)) = from_partial(partial, &source, want, required)?
    {
        return Ok(Plan { source, findings, rewrite, cells: None });
    }
    let tree = parse::parse(text).ok_or(FileError::Unparsable)?;
    if let Some((at, what)) = parse::first_error(&tree) {
        if let Some(limit) = parse::block_limit(text) {
            return Err(FileError::NestingLimit(limit));
        }
        let (line, column) = LineIndex::new(text).position(at);
        return Err(FileError::Syntax { line, column, what });
    }
    let (transforms, index) = (&engine.transforms, Some(engine.index()));
    let file = FileContext { path, text, tree: &tree, transforms, prefer: &prefer, declined, index };
    let mut findings = rules::check(&file);
    // AWF005 may condemn any awaited call of a file that awaits (the partial parse runs it too).
    if let Some((name, is_package)) = engine.awaits_module(path, text) {
        let awaited = crate::project::awaits::Awaited::scan(text, &tree);
        let module = crate::project::awaits::ModuleFile { name: &name, is_package, text, tree: &tree };
        let condemned =
            crate::rules::project_sites::findings(engine.index(), &module, &awaited, &findings, declined);
        findings.extend(condemned);
        findings.sort_by_key(|f| (f.range.start, f.rule));
    }
    if want == Want::Findings || !findings.iter().any(|f| f.is_fixable_at(required)) {
        crate::fix::report_overlapping(&mut findings, required);
        return Ok(Plan { source, findings, rewrite: None, cells: None });
    }
    let applied = crate::fix::apply(text, &mut findings, required);
    let bytes = verify(&tree, &applied, &source)?;
    let rewrite = Rewrite { text: applied.text, bytes, fixed: applied.fixed, edits: applied.edits };
    Ok(Plan { source, findings, rewrite: Some(rewrite), cells: None })
}

/// A file's findings and, when one is wanted and a fix applies, its verified rewrite.
type Planning = (Vec<Finding>, Option<Rewrite>);

/// The findings of a partial parse and, when `want` asks for one and a fix applies, the verified rewrite.
/// `None` when a rewrite to write must come from the whole file after all: the file (or its rewrite) does
/// not parse cleanly a few statements at a time, or the rewritten statements do not verify; the whole parse
/// then says where the error is, as it always did. Every byte the rewrite changes lies in the statements
/// the partial parse parsed cleanly, so the rest of the file is clean when the rewrite is.
fn from_partial(
    partial: Partial,
    source: &Source,
    want: Want,
    required: Applicability,
) -> Result<Option<Planning>, FileError> {
    let text = source.text.as_str();
    let Partial { mut findings, parsed, tree } = partial;
    let to_write = want == Want::Rewrite;
    if want == Want::Findings || !findings.iter().any(|f| f.is_fixable_at(required)) {
        if to_write && !parse::parses_in_pieces(text) {
            return Ok(None);
        }
        crate::fix::report_overlapping(&mut findings, required);
        return Ok(Some((findings, None)));
    }
    let applied = crate::fix::apply(text, &mut findings, required);
    let verified = verify_parsed(&tree, &parsed, &applied, source);
    drop(tree);
    if to_write && (verified.is_err() || !parse::parses_in_pieces(&applied.text)) {
        return Ok(None);
    }
    let rewrite =
        Rewrite { text: applied.text, bytes: verified?, fixed: applied.fixed, edits: applied.edits };
    Ok(Some((findings, Some(rewrite))))
}
