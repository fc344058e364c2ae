//! The command line (DESIGN §1): parsed by clap into plain values that `run` consumes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find and fix Python code that awaits a synchronous function of a sync/async pair.
#[derive(Debug, Parser)]
#[command(name = "awaitfix", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Print findings, diffs and errors only: no summaries.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Also list intentional and suppressed sites.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report findings. Exit 0: none; 1: findings; 2: error.
    Check(CheckArgs),
    /// Show a unified diff of every fix; writes nothing. Exit 0: nothing to change; 1: changes shown; 2: error.
    Diff(DiffArgs),
    /// Write the fixes in place. Exit 0: no site left; 1: sites left to review; 2: error.
    Apply(ApplyArgs),
    /// Commit the fixes on a new branch from HEAD and check it out. Exit 0: done, or nothing to fix; 2: error.
    Commit(CommitArgs),
    /// List, show or validate transforms.
    #[command(subcommand)]
    Transforms(TransformsCommand),
    /// List the sync/async pairs the project defines, with their misuse, and a transform for them.
    Discover(DiscoverArgs),
    /// Explain a rule (`awaitfix rule AWF001`), or every rule with `--all`.
    Rule(RuleArgs),
    /// Run the Language Server over stdin/stdout: diagnostics and code actions for open Python files.
    Server,
    /// Print a shell completion script: `awaitfix completions bash > ~/.local/share/bash-completion/completions/awaitfix`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Options shared by the commands that read Python files.
#[derive(Debug, Args)]
pub struct Common {
    /// Files or directories; directories are walked respecting .gitignore. Default: `.`.
    pub paths: Vec<PathBuf>,

    /// The file name of the source read from stdin (PATH `-`): it names the findings and the diff, and
    /// decides the configuration, per-path settings and module name. Default: `-`.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Also read the paths listed in FILE (`-`: stdin), one per line or NUL-separated (`git ls-files -z`);
    /// an empty list checks nothing.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Machine outputs (SARIF, JSON, JSON Lines, GitHub annotations, the PR body) give paths relative to
    /// DIR; a file outside DIR keeps its absolute path. Default: SARIF relative to the git repository's
    /// root, the others as given on the command line.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// A built-in transform id or a transform YAML file (repeatable). Default: the built-in set.
    #[arg(long = "transform", value_name = "ID|FILE")]
    pub transforms: Vec<String>,

    /// Skip paths matching this gitignore-style glob (repeatable); applies to named files too.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// How to fix an awaited sync call: drop the `await`, or await the async twin (imports fixed). Wins over
    /// the configuration and the transforms; inside a plain `def` the sync form is always used.
    #[arg(long, value_enum)]
    pub prefer: Option<crate::transform::Prefer>,

    /// Configuration file (`pyproject.toml` with `[tool.awaitfix]`, or YAML). Default: found from the first
    /// PATH upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Report and fix only these rules: codes or prefixes (`AWF001`, `AWF00`), or `ALL`; comma-separated or
    /// repeated. Replaces the configuration's `select`. Default: all rules.
    #[arg(long, value_name = "RULES")]
    pub select: Vec<String>,

    /// Also these rules, on top of `select`.
    #[arg(long, value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Leave these rules out (added to the configuration's `ignore`).
    #[arg(long, value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Also run the project-wide rule AWF005: awaited calls of any synchronous function of the project,
    /// followed across modules (same as `project = true` in the configuration).
    #[arg(long)]
    pub project: bool,

    /// Worker threads. Default: the number of cores.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Never show the progress bar (it is shown only on a terminal, outside CI, for runs longer than a
    /// moment).
    #[arg(long)]
    pub no_progress: bool,

    /// Exit 0 even when sites are found or left (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Print the number of open findings per rule instead of each finding (text format).
    #[arg(long)]
    pub statistics: bool,

    /// Print the files that would be checked (after the walk and the excludes), and nothing else.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,

    /// Print the settings in effect (configuration file, transforms, prefer, excludes, roots, project).
    #[arg(long)]
    pub show_settings: bool,

    /// Not a `check` option (`ruff check --fix` habit): said so, pointing at `apply`.
    #[arg(long, hide = true)]
    pub fix: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,

    /// Show a summary of changed lines per file instead of the diff.
    #[arg(long)]
    pub stat: bool,

    /// Also write a Markdown pull-request description of the fixes to FILE.
    #[arg(long, value_name = "FILE")]
    pub pr_body: Option<PathBuf>,

    /// Also make the unsafe fixes, which may change behaviour beyond the bug they fix (AWF005's drop of
    /// the `await`, marked `[~]` by `check`).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub common: Common,

    /// Show each site's fix and ask whether to apply it (y/n/a/q), reading answers from stdin.
    #[arg(long, short)]
    pub interactive: bool,

    /// List the fixes made, per file and rule (as ruff's `--show-fixes`).
    #[arg(long)]
    pub show_fixes: bool,

    /// Exit 1 when a file was rewritten, even if no site is left (as pyupgrade does, for hooks that must
    /// stop the commit to show what changed).
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,

    /// Also make the unsafe fixes, which may change behaviour beyond the bug they fix (AWF005's drop of
    /// the `await`, marked `[~]` by `check`).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct CommitArgs {
    #[command(flatten)]
    pub common: Common,

    /// The branch to create. Default: `awaitfix/<transform id>`.
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    /// Replace the branch if it exists.
    #[arg(long)]
    pub force: bool,

    /// One commit, one per transform, or one per top-level directory.
    #[arg(long, value_enum, default_value_t = Split::Single)]
    pub split: Split,

    /// The commits' author, `Name <email>`. Default: git's configuration.
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,

    /// The author and committer date of the commits: RFC 3339 (`2024-05-06T07:08:09+02:00`) or
    /// `@SECONDS` (also `@SECONDS +HHMM`), as git's `--date`. Wins over `GIT_*_DATE` and
    /// `SOURCE_DATE_EPOCH`. Default: those, else the date of HEAD's commit.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Add a `Signed-off-by` line of the committer.
    #[arg(long, short)]
    pub signoff: bool,

    /// Go on even if files to change have uncommitted changes: the commits hold only the fixes, and the
    /// changes stay in the work tree and index. Untracked files are left alone.
    #[arg(long)]
    pub allow_dirty: bool,

    /// Only create the branch and its commits; leave HEAD, the index and the work tree as they are.
    #[arg(long)]
    pub no_checkout: bool,

    /// Also write a Markdown pull-request description of the commits to FILE.
    #[arg(long, value_name = "FILE")]
    pub pr_body: Option<PathBuf>,

    /// Show each site's fix and ask whether to commit it (y/n/a/q), reading answers from stdin.
    #[arg(long, short)]
    pub interactive: bool,

    /// Also make the unsafe fixes, which may change behaviour beyond the bug they fix (AWF005's drop of
    /// the `await`, marked `[~]` by `check`).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Files or folders of the project (default `.`).
    pub paths: Vec<PathBuf>,
    /// A naming pattern of the async twin, `{}` standing for the sync name (repeatable). Default:
    /// `{}_async`, `async_{}`, `a{}`.
    #[arg(long = "pattern", value_name = "PATTERN")]
    pub patterns: Vec<String>,
    /// `text`: each pair with its misuse, then the transform; `yaml`: the transform alone, for `--transform`.
    #[arg(long, value_enum, default_value_t = DiscoverFormat::Text)]
    pub format: DiscoverFormat,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's code (`AWF001`, any case).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub code: Option<String>,
    /// Explain every rule.
    #[arg(long)]
    pub all: bool,
    /// `text`: Markdown, as `ruff rule` prints it; `json`: the rule's fields (an array with `--all`).
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub format: RuleFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    Text,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum TransformsCommand {
    /// List the active transforms and their pairs.
    List {
        /// A built-in id or YAML file (repeatable). Default: the configured ones, else the built-in set.
        #[arg(long = "transform", value_name = "ID|FILE")]
        transforms: Vec<String>,
        /// A configuration file. Default: found from the working directory upward.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print a transform's YAML.
    Show {
        /// A built-in id or YAML file.
        id: String,
    },
    /// Check transform files; exit 2 with `file:line:col: message` per problem.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run the `examples` of transforms (ids or files); exit 1 if one fails.
    Test {
        #[arg(required = true, value_name = "ID|FILE")]
        files: Vec<PathBuf>,
    },
    /// Check the active transforms against the project under PATHS: a pair defined the other way round
    /// (`sync` as `async def`, or the reverse), a listed module that is missing or does not export the name,
    /// a pair defined nowhere. Exit 1 when a transform is stale.
    Verify {
        /// Files or folders of the project (default `.`).
        paths: Vec<PathBuf>,
        /// A built-in id or YAML file (repeatable). Default: the configured ones, else the built-in set.
        #[arg(long = "transform", value_name = "ID|FILE")]
        transforms: Vec<String>,
        /// A configuration file. Default: found from the first PATH upward.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// How fixes are grouped into commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    /// One commit.
    Single,
    /// One commit per transform.
    Transform,
    /// One commit per top-level directory of the repository.
    Directory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for anstream::ColorChoice {
    fn from(color: Color) -> Self {
        match color {
            Color::Auto => Self::Auto,
            Color::Always => Self::Always,
            Color::Never => Self::Never,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: CODE message` and a summary.
    Text,
    /// A JSON array of findings.
    Json,
    /// JSON Lines: a finding a line, then a line per file that could not be checked.
    JsonLines,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per open finding.
    Github,
}
