//! awaitfix: finds Python call sites that await the synchronous function of a sync/async pair, and fixes them.
//! `run` drives one command: load transforms, walk, process files in parallel, then print in path order.

pub mod chunk;
pub mod cli;
pub mod config;
pub mod edit;
pub mod engine;
pub mod error;
pub mod examples;
pub mod finding;
pub mod fix;
pub mod git;
pub mod interactive;
pub mod misuse;
pub mod notebook;
pub mod output;
pub mod parse;
pub mod partial;
pub mod pipeline;
pub mod plan;
pub mod project;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod ruleset;
pub mod selection;
pub mod server;
pub mod source;
pub mod transform;
pub mod verify;
pub mod walk;
pub mod write;

use std::path::PathBuf;

use anyhow::Context as _;
use rayon::prelude::*;

use cli::{ApplyArgs, Cli, Command, CommitArgs, Common, TransformsCommand};
use engine::Engine;
use error::{Failure, FileError};
use output::Output;
use pipeline::{FileOutcome, Fixes, Mode};
use render::Diagnostic;
use render::pr_body::{Change, FileReport};
use render::text::plural;
pub use report::ExitStatus;
use selection::Selection;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let out = Output::new(cli.color.into(), cli.quiet, cli.verbose);
    match cli.command {
        Command::Check(args) if args.fix => {
            anyhow::bail!(
                "`check` only reports; `awaitfix apply` writes the fixes (`awaitfix diff` shows them)"
            )
        }
        Command::Check(args) if args.show_files || args.show_settings => {
            let setup = setup(&args.common, false, &out)?;
            match args.show_files {
                true => out.print(
                    &setup.files.iter().map(|f| format!("{}\n", render::display_path(f))).collect::<String>(),
                ),
                false => out.print(&setup.engine.settings()),
            }
            Ok(setup.status)
        }
        Command::Check(args) => {
            let mut outcomes = process(&args.common, Mode::Check, false, &out)?;
            if outcomes.checked == 0
                && outcomes.status == ExitStatus::Error
                && args.format == cli::Format::Text
            {
                // Every PATH failed (said above): "no sites in 0 files" would read as a clean result.
                return Ok(outcomes.status);
            }
            // SARIF makes its URIs relative to the base itself; the other machine formats print paths,
            // rebased with `--root`. Only those need the base, whose default opens the git repository.
            let rebased = args.common.root.is_some()
                && matches!(args.format, cli::Format::Json | cli::Format::JsonLines | cli::Format::Github);
            let base = (rebased || args.format == cli::Format::Sarif)
                .then(|| render::Base::new(args.common.root.as_deref()))
                .transpose()?;
            if let Some(base) = base.as_ref().filter(|_| rebased) {
                rebase(&mut outcomes.files, base);
            }
            let status = report::check(
                &outcomes.files,
                outcomes.checked,
                args.format,
                args.statistics,
                base.as_ref(),
                &out,
            )
            .max(outcomes.status);
            Ok(status.unless_exit_zero(args.common.exit_zero))
        }
        Command::Diff(args) => {
            let mode = Mode::Diff { changes: args.pr_body.is_some() };
            let outcomes = process(&args.common, mode, args.unsafe_fixes, &out)?;
            if let Some(file) = &args.pr_body {
                let reports: Vec<_> = (outcomes.files.iter())
                    .map(|f| match &f.fixes {
                        Fixes::Shown { changes, .. } => (f.diagnostics.clone(), changes.clone()),
                        _ => (f.diagnostics.clone(), Vec::new()),
                    })
                    .collect();
                write_pr_body(file, reports, &[], args.common.root.as_deref())?;
            }
            let status =
                report::diff(&outcomes.files, args.stat, args.unsafe_fixes, &out).max(outcomes.status);
            Ok(status.unless_exit_zero(args.common.exit_zero))
        }
        Command::Apply(args) if args.interactive && reads_stdin(&args.common)? => {
            anyhow::bail!(
                "`apply --interactive` reads its answers from stdin: it cannot read the source there too"
            )
        }
        Command::Apply(args) if args.interactive => apply_interactively(&args, &out),
        Command::Apply(args) => {
            let outcomes = process(&args.common, Mode::Apply, args.unsafe_fixes, &out)?;
            let status = report::apply(&outcomes.files, &args, &out);
            Ok(status.max(outcomes.status).unless_exit_zero(args.common.exit_zero))
        }
        Command::Commit(args) => commit(&args, &out),
        Command::Transforms(command) => transforms(command, &out),
        Command::Discover(args) => discover(&args, &out),
        Command::Rule(args) => explain_rule(&args, &out),
        Command::Server => server::run(),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "awaitfix",
                &mut script,
            );
            out.print(&String::from_utf8_lossy(&script));
            Ok(ExitStatus::Success)
        }
    }
}

/// `rule`: a rule's documentation (every rule's with `--all`).
fn explain_rule(args: &cli::RuleArgs, out: &Output) -> anyhow::Result<ExitStatus> {
    let rules: Vec<finding::Rule> = match &args.code {
        Some(code) => {
            let rule = rules::by_code(&code.to_ascii_uppercase()).with_context(|| {
                let codes: Vec<&str> = rules::all().map(|r| r.code()).collect();
                format!("no rule {code}; the rules are {}", codes.join(", "))
            })?;
            vec![rule]
        }
        None => rules::all().collect(),
    };
    let text = match args.format {
        cli::RuleFormat::Json => render::rule::json(&rules),
        cli::RuleFormat::Text => rules.iter().map(|&r| render::rule::text(r)).collect::<Vec<_>>().join("\n"),
    };
    out.print(&text);
    Ok(ExitStatus::Success)
}

/// The configuration in effect: the `--config` file, else the one found from `start` upward. `-v` names it.
fn configuration(
    file: Option<&std::path::Path>,
    start: &std::path::Path,
    out: &Output,
) -> anyhow::Result<Option<config::Config>> {
    let config = match file {
        Some(file) => Some(config::load(file)?),
        None => config::discover(start)?,
    };
    if let Some(c) = &config {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = |path: &std::path::Path| render::display_path(path.strip_prefix(&cwd).unwrap_or(path));
        if out.verbose {
            out.note(&format!("configuration: {}", shown(&c.path)));
        }
    } else if out.verbose {
        out.note("configuration: none (defaults)");
    }
    Ok(config)
}

/// The outcomes of the files with something to report, fix or fail, in path order, how many files were
/// checked, and `Error` if anything went wrong on the way.
struct Processed {
    /// The files with something to report, fix or fail (see `FileOutcome::is_clean`).
    files: Vec<FileOutcome>,
    /// Every file checked, clean ones included.
    checked: usize,
    status: ExitStatus,
    engine: Engine,
}

/// Whether the one PATH is `-`: the source comes from stdin.
fn reads_stdin(common: &Common) -> anyhow::Result<bool> {
    let dash = common.paths.iter().any(|p| p.as_os_str() == "-");
    if dash && (common.paths.len() > 1 || common.files_from.is_some()) {
        anyhow::bail!("`-` (stdin) must be the only PATH");
    }
    Ok(dash)
}

/// The PATHs to scan: those given, those listed by `--files-from`, else `.`.
fn paths(common: &Common) -> anyhow::Result<Vec<PathBuf>> {
    if reads_stdin(common)? {
        // Nothing to walk; the stdin file name (else the working directory) decides the settings.
        return Ok(common.stdin_filename.iter().cloned().collect());
    }
    let mut paths = common.paths.clone();
    if let Some(list) = &common.files_from {
        let bytes = match list.as_os_str() == "-" {
            true => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                    .context("cannot read the file list from stdin")?;
                bytes
            }
            false => std::fs::read(list)
                .with_context(|| format!("cannot read the file list {}", list.display()))?,
        };
        paths.extend(walk::file_list(&bytes).with_context(|| format!("file list {}", list.display()))?);
        if paths.is_empty() {
            // An empty list (no staged Python file) means nothing to check, not the whole folder.
            return Ok(paths);
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(paths)
}

/// What a run works on: the engine, the files found, and `Error` when the walk met a problem (printed).
struct Setup {
    engine: Engine,
    files: Vec<PathBuf>,
    status: ExitStatus,
}

/// The engine and the files of `common`; `unsafe_fixes` also makes the fixes that only `--unsafe-fixes`
/// makes.
fn setup(common: &Common, unsafe_fixes: bool, out: &Output) -> anyhow::Result<Setup> {
    if let Some(root) = &common.root {
        // Checked before any work: a commit must not be made only to fail writing its description.
        render::Base::new(Some(root))?;
    }
    let paths = paths(common)?;
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = configuration(common.config.as_deref(), &start, out)?;
    // Every transform is validated before any Python file is read; `--transform` replaces the configured ones.
    let specs = match &config {
        Some(c) if common.transforms.is_empty() => c.transforms.clone(),
        _ => common.transforms.clone(),
    };
    let transforms = transform::load(&specs)?;
    let mut excludes = vec![walk::excludes(&std::env::current_dir()?, &common.excludes)?];
    let mut includes = Vec::new();
    if let Some(c) = &config {
        excludes.push(walk::excludes(&c.root, &c.exclude)?);
        includes.push(walk::excludes(&c.root, &c.extend_include)?);
    }
    let ruleset = engine::rule_set(config.as_ref(), &common.select, &common.extend_select, &common.ignore)
        .map_err(anyhow::Error::msg)?;
    let engine = Engine::new(transforms)
        .with_settings(common.prefer, config)
        .with_project(&paths, common.project)
        .with_unsafe_fixes(unsafe_fixes)
        .with_rules(ruleset);
    if reads_stdin(common)? {
        // One file: the queries it needs compile on first use; a background compile of them all would only
        // compete with it for a core.
        return Ok(Setup { engine, files: Vec::new(), status: ExitStatus::Success });
    }
    rules::compile_queries_in_background();
    let walked = walk::walk_including(&paths, &excludes, &includes);
    let mut status = ExitStatus::Success;
    for problem in &walked.problems {
        let message = format!("{}: {}", render::display_path(&problem.path), problem.message);
        if problem.is_error {
            out.error(&message);
            status = ExitStatus::Error;
        } else {
            out.warning(&message);
        }
    }
    Ok(Setup { engine, files: walked.files, status })
}

/// Runs `mode` over the files of `common`; `unsafe_fixes` also makes the fixes that only `--unsafe-fixes`
/// makes.
fn process(common: &Common, mode: Mode, unsafe_fixes: bool, out: &Output) -> anyhow::Result<Processed> {
    let Setup { engine, files: walked, mut status } = setup(common, unsafe_fixes, out)?;
    if reads_stdin(common)? {
        return process_stdin(common, engine, mode, out);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(common.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let progress = out.progress(walked.len(), !common.no_progress);
    let files: Vec<FileOutcome> = pool.install(|| {
        (walked.par_iter())
            .map(|path| {
                let outcome = pipeline::process(&engine, path, mode);
                progress.file_done(outcome.diagnostics.iter().filter(|d| d.is_open()).count());
                outcome
            })
            // Clean outcomes are dropped as they come, so that memory grows with the findings, not the files.
            .filter(|outcome| !outcome.is_clean())
            .collect()
    });
    progress.finish();
    for failure in files.iter().filter_map(|f| f.error.as_ref()) {
        out.error(&failure.to_string());
        status = ExitStatus::Error;
    }
    Ok(Processed { files, checked: walked.len(), status, engine })
}

/// The source on stdin, as the file `--stdin-filename` names: `apply` writes no file but prints the fixed
/// source on stdout (the source as read when nothing is fixed), for editors and formatter-style hooks.
fn process_stdin(common: &Common, engine: Engine, mode: Mode, out: &Output) -> anyhow::Result<Processed> {
    let path = common.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"));
    let bytes = source::read_stdin().map_err(|e| anyhow::anyhow!("stdin: {e}"))?;
    let planning = if mode == Mode::Apply { Mode::Plan } else { mode };
    let mut outcome = pipeline::process_bytes(&engine, &path, &bytes, planning);
    if mode == Mode::Apply {
        let fixes = std::mem::take(&mut outcome.fixes);
        let planned = match &fixes {
            Fixes::Planned(planned) => {
                planned.plan.rewrite.as_ref().map(|r| (&r.bytes, planned.plan.fixed_rules()))
            }
            _ => None,
        };
        match planned {
            Some((fixed, rules)) => {
                out.print_bytes(fixed);
                outcome.fixes = Fixes::Written { rules };
            }
            None => out.print_bytes(&bytes),
        }
    }
    let status = match &outcome.error {
        Some(failure) => {
            out.error(&failure.to_string());
            ExitStatus::Error
        }
        None => ExitStatus::Success,
    };
    Ok(Processed { files: vec![outcome], checked: 1, status, engine })
}

/// `apply --interactive`: plans every file, asks about each site, then writes each file with the fixes
/// that were accepted.
fn apply_interactively(args: &ApplyArgs, out: &Output) -> anyhow::Result<ExitStatus> {
    let mut processed = process(&args.common, Mode::Plan, args.unsafe_fixes, out)?;
    let selection = interactive::ask(&processed.engine, &processed.files, &mut std::io::stdin().lock(), out);
    for file in &mut processed.files {
        let Fixes::Planned(planned) = std::mem::take(&mut file.fixes) else { continue };
        let plan = pipeline::narrow(&processed.engine, &file.path, &planned, &selection);
        let written = plan.and_then(|plan| match &plan.rewrite {
            Some(rewrite) => write::replace(&file.path, &planned.bytes, &rewrite.bytes)
                .map(|()| plan.fixed_rules())
                .map_err(FileError::from),
            None => Ok(Vec::new()),
        });
        match written {
            Ok(rules) => file.fixes = Fixes::Written { rules },
            Err(error) => {
                let failure = Failure { path: render::display_path(&file.path), error };
                out.error(&failure.to_string());
                file.error = Some(failure);
                processed.status = ExitStatus::Error;
            }
        }
    }
    let status = report::apply(&processed.files, args, out);
    Ok(status.max(processed.status).unless_exit_zero(args.common.exit_zero))
}

/// `commit`: plans every file, asks about each site with `--interactive`, then commits on a new branch.
fn commit(args: &CommitArgs, out: &Output) -> anyhow::Result<ExitStatus> {
    if reads_stdin(&args.common)? {
        anyhow::bail!("`commit` commits files of a repository: it cannot take the source on stdin");
    }
    let first = args.common.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let repo = git::open(&first)?;
    let processed = process(&args.common, Mode::Plan, args.unsafe_fixes, out)?;
    let selection = match args.interactive {
        true => interactive::ask(&processed.engine, &processed.files, &mut std::io::stdin().lock(), out),
        false => Selection::all(),
    };
    let command = command_line();
    let options = git::Options {
        branch: args.branch.clone(),
        force: args.force,
        split: args.split,
        author: args.author.clone(),
        date: args.date.clone(),
        signoff: args.signoff,
        allow_dirty: args.allow_dirty,
        no_checkout: args.no_checkout,
        command: command.clone(),
    };
    let Some(committed) = git::commit(&repo, &processed.engine, &processed.files, &selection, &options)?
    else {
        out.note("nothing to fix: no branch or commit created");
        return Ok(processed.status);
    };
    let commits: Vec<(String, String)> = (committed.commits.iter())
        .map(|(oid, subject)| (oid.to_string()[..10].to_string(), subject.clone()))
        .collect();
    if !committed.up_to_date {
        // stdout lists what was committed, nothing when the branch already held it: a bot pushes on output.
        let listing: String = commits.iter().map(|(oid, subject)| format!("{oid} {subject}\n")).collect();
        out.print(&listing);
    }
    let status = processed.status;
    if let Some(file) = &args.pr_body {
        let reports = processed
            .files
            .iter()
            .map(|f| match committed.files.iter().find(|(path, _)| *path == f.path) {
                Some((path, plan)) => (plan.diagnostics(path), plan.changes()),
                None => (f.diagnostics.clone(), Vec::new()),
            })
            .collect::<Vec<_>>();
        write_pr_body(file, reports, &commits, args.common.root.as_deref())?;
    }
    let sites: usize =
        committed.files.iter().map(|(_, p)| p.rewrite.as_ref().map_or(0, |r| r.fixed.len())).sum();
    let checked_out = if args.no_checkout { "" } else { ", checked out" };
    let count = plural(committed.commits.len(), "commit");
    out.note(&match committed.up_to_date {
        true => {
            format!("branch {} is up to date ({count}{checked_out}): nothing committed", committed.branch)
        }
        false => format!(
            "committed {} in {} on branch {} ({count}{checked_out})",
            plural(sites, "site"),
            plural(committed.files.len(), "file"),
            committed.branch,
        ),
    });
    Ok(status)
}

/// The paths of `files`' diagnostics and failures relative to `base` (absolute outside it), for `--root`.
fn rebase(files: &mut [FileOutcome], base: &render::Base) {
    for file in files {
        base.rebase_all(&mut file.diagnostics);
        if let Some(failure) = &mut file.error {
            failure.path = base.rebase(&failure.path);
        }
    }
}

/// Writes the pull-request description of `reports`, listing `commits` (short id and subject) when given,
/// with paths relative to `root` when given.
fn write_pr_body(
    file: &std::path::Path,
    mut reports: Vec<(Vec<Diagnostic>, Vec<Change>)>,
    commits: &[(String, String)],
    root: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if let Some(root) = root {
        let base = render::Base::new(Some(root))?;
        reports.iter_mut().for_each(|(diagnostics, _)| base.rebase_all(diagnostics));
    }
    let reports: Vec<FileReport> =
        reports.iter().map(|(diagnostics, changes)| FileReport { diagnostics, changes }).collect();
    let body = render::pr_body::render(&reports, commits, &command_line());
    std::fs::write(file, body).with_context(|| format!("cannot write the PR body to {}", file.display()))
}

/// This process's command line, as a shell would need it typed, without `--pr-body FILE`: where this run
/// wrote its description is no part of what it did, and a path of this machine would make the commit
/// messages (and ids) differ from run to run.
fn command_line() -> String {
    let args = render::pr_body::without_pr_body(std::env::args().skip(1));
    render::pr_body::shell_command(std::iter::once("awaitfix".to_string()).chain(args))
}

/// `discover`: the pairs the project defines, sorted by misuse, and a transform YAML for them.
fn discover(args: &cli::DiscoverArgs, out: &Output) -> anyhow::Result<ExitStatus> {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let patterns: Vec<String> = match args.patterns.is_empty() {
        true => project::discover::DEFAULT_PATTERNS.iter().map(|p| p.to_string()).collect(),
        false => args.patterns.clone(),
    };
    if let Some(bad) = patterns.iter().find(|p| !p.contains("{}") || p.as_str() == "{}") {
        anyhow::bail!("--pattern {bad:?} must contain `{{}}` (the sync name) and something else");
    }
    let walked = walk::walk(&paths, &[]);
    let index = project::ProjectIndex::new(project::ModuleMap::discover(&paths));
    let pairs = project::discover::pairs(&index, &walked.files, &patterns);
    let counts = misuse::count(&index, &walked.files, &pairs);
    let mut ranked: Vec<_> = pairs.iter().zip(&counts).collect();
    ranked.sort_by_key(|(_, c)| std::cmp::Reverse(c.values().sum::<usize>()));
    let ordered: Vec<_> = ranked.iter().map(|(p, _)| (*p).clone()).collect();
    let yaml = project::discover::yaml(&ordered);
    if args.format == cli::DiscoverFormat::Yaml {
        out.print(&yaml);
        return Ok(ExitStatus::Success);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut text = String::new();
    for (pair, counts) in &ranked {
        let at = |hop: &project::Hop| {
            format!("{}:{}", render::display_path(hop.path.strip_prefix(&cwd).unwrap_or(&hop.path)), hop.line)
        };
        let misuse: Vec<String> = ["AWF001", "AWF002", "AWF003", "AWF005"]
            .iter()
            .map(|code| format!("{code} {}", counts.get(code).copied().unwrap_or(0)))
            .collect();
        text.push_str(&format!(
            "{}.{} -> {}  ({}, {})\n  {}\n",
            pair.sync_at.module,
            pair.sync,
            pair.async_name,
            at(&pair.sync_at),
            at(&pair.async_at),
            misuse.join(" · ")
        ));
    }
    if pairs.is_empty() {
        text.push_str("No sync/async pairs found.\n");
    } else {
        text.push_str(&format!(
            "\n# {} as a transform (awaitfix discover --format yaml > pairs.yaml):\n",
            plural(pairs.len(), "pair")
        ));
        text.push_str(&yaml);
    }
    out.print(&text);
    Ok(ExitStatus::Success)
}

/// `transforms verify`: the active transforms checked against the project under `paths`.
fn verify_transforms(
    paths: Vec<PathBuf>,
    specs: Vec<String>,
    config_file: Option<PathBuf>,
    out: &Output,
) -> anyhow::Result<ExitStatus> {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths };
    let config = configuration(config_file.as_deref(), &paths[0], out)?;
    let specs = match &config {
        Some(c) if specs.is_empty() => c.transforms.clone(),
        _ => specs,
    };
    let transforms = transform::load(&specs)?;
    let walked = walk::walk(&paths, &[]);
    let roots = config.as_ref().map_or(&[][..], |c| &c.roots[..]);
    let index = project::ProjectIndex::new(project::ModuleMap::configured(roots, &paths));
    let stale = project::stale::check(&index, &walked.files, &transforms);
    let mut text = String::new();
    for t in &transforms {
        let problems: Vec<_> = stale.iter().filter(|s| s.transform == t.id).collect();
        if problems.is_empty() {
            text.push_str(&format!("{}: ok ({})\n", t.id, plural(t.pairs.len(), "pair")));
        }
        for p in problems {
            text.push_str(&format!("{}: {}: {}\n", t.id, p.pair, p.message));
        }
    }
    out.print(&text);
    Ok(if stale.is_empty() { ExitStatus::Success } else { ExitStatus::Findings })
}

/// `transforms list|show|validate|test`.
fn transforms(command: TransformsCommand, out: &Output) -> anyhow::Result<ExitStatus> {
    match command {
        TransformsCommand::List { transforms, config } => {
            let config = configuration(config.as_deref(), std::path::Path::new("."), out)?;
            let specs = match &config {
                Some(c) if transforms.is_empty() => c.transforms.clone(),
                _ => transforms,
            };
            let mut text = String::new();
            for t in transform::load(&specs)? {
                text.push_str(&format!("{}  ({}, prefer {:?})\n", t.id, t.origin, t.prefer).to_lowercase());
                if !t.description.is_empty() {
                    text.push_str(&format!("  {}\n", t.description));
                }
                for p in &t.pairs {
                    let modules =
                        if p.modules.is_empty() { "any module".to_string() } else { p.modules.join(", ") };
                    text.push_str(&format!("  {} -> {}  (from {modules})\n", p.sync, p.async_name));
                }
            }
            out.print(&text);
        }
        TransformsCommand::Verify { paths, transforms, config } => {
            return verify_transforms(paths, transforms, config, out);
        }
        TransformsCommand::Show { id } => {
            let t = transform::load(&[id])?.remove(0);
            out.print(&t.text);
        }
        TransformsCommand::Validate { files } => {
            let mut errors = Vec::new();
            for file in &files {
                match transform::load_file(file) {
                    Ok(t) => out.note(&format!("{}: ok ({})", file.display(), plural(t.pairs.len(), "pair"))),
                    Err(e) => errors.extend(e),
                }
            }
            if !errors.is_empty() {
                return Err(transform::TransformErrors(errors).into());
            }
        }
        TransformsCommand::Test { files } => return test_transforms(&files, out),
    }
    Ok(ExitStatus::Success)
}

/// `transforms test`: runs the examples of each transform; `Findings` when one fails.
fn test_transforms(files: &[PathBuf], out: &Output) -> anyhow::Result<ExitStatus> {
    let specs: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut failed = 0;
    for t in transform::load(&specs)? {
        let failures = examples::run(&t)?;
        for f in &failures {
            out.print(&format!(
                "{}: example {} fails
  expected: {}
  actual:   {}
",
                t.origin,
                f.index + 1,
                f.expected.trim_end().replace('\n', "\n            "),
                f.actual.trim_end().replace('\n', "\n            ")
            ));
            if let Some(why) = &f.why {
                out.print(&format!("  why:      {why}\n"));
            }
        }
        failed += failures.len();
        out.note(&format!(
            "{}: {} of {} examples pass",
            t.origin,
            t.examples.len() - failures.len(),
            t.examples.len()
        ));
    }
    Ok(if failed > 0 { ExitStatus::Findings } else { ExitStatus::Success })
}
