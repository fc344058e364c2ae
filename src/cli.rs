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
    /// Write the fixes in place. Exit 0: done; 2: error.
    Apply(ApplyArgs),
    /// List, show or validate transforms.
    #[command(subcommand)]
    Transforms(TransformsCommand),
}

/// Options shared by the commands that read Python files.
#[derive(Debug, Args)]
pub struct Common {
    /// Files or directories; directories are walked respecting .gitignore. Default: `.`.
    pub paths: Vec<PathBuf>,

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

    /// Worker threads. Default: the number of cores.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,

    /// Show a summary of changed lines per file instead of the diff.
    #[arg(long)]
    pub stat: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Subcommand)]
pub enum TransformsCommand {
    /// List the active transforms and their pairs.
    List {
        /// A built-in id or YAML file (repeatable). Default: the built-in set.
        #[arg(long = "transform", value_name = "ID|FILE")]
        transforms: Vec<String>,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: CODE message` and a summary.
    Text,
    /// A JSON array of findings.
    Json,
}
