//! Output: the only code that knows about the terminal — colour, quiet and verbose, stdout and stderr, and
//! the progress bar.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use anstream::AutoStream;
pub use anstream::ColorChoice;
use anstyle::{AnsiColor, Style};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// Where and how results are printed.
pub struct Output {
    choice: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
}

impl Output {
    /// Prints with colour as `choice` says (`Auto`: on a terminal, unless `NO_COLOR` and the like say no;
    /// also off a terminal when `FORCE_COLOR` is set, as CI logs that render colour ask, and `NO_COLOR` is not).
    pub fn new(choice: ColorChoice, quiet: bool, verbose: bool) -> Self {
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let choice = match choice {
            ColorChoice::Auto if set("FORCE_COLOR") && !set("NO_COLOR") => ColorChoice::Always,
            other => other,
        };
        Self { choice, quiet, verbose }
    }

    /// Writes `text` to stdout, styles stripped unless colour is on.
    pub fn print(&self, text: &str) {
        let mut out = AutoStream::new(std::io::stdout().lock(), self.choice);
        // A closed pipe (`awaitfix diff | head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes());
    }

    /// Writes bytes to stdout as they are (a source file's own encoding).
    pub fn print_bytes(&self, bytes: &[u8]) {
        // A closed pipe is not an error worth reporting.
        let _ = std::io::stdout().lock().write_all(bytes);
    }

    /// Writes a diff to stdout: coloured when colour is on, else as it is (without a pass to strip styles).
    pub fn print_diff(&self, diff: &crate::render::diff::FileDiff) {
        let colored = match self.choice {
            ColorChoice::Never => false,
            ColorChoice::Auto => AutoStream::choice(&std::io::stdout()) != ColorChoice::Never,
            _ => true,
        };
        // Bytes, not text: the file's lines are written in its own encoding.
        let styled;
        let bytes = match colored {
            true => {
                styled = diff.styled();
                &styled
            }
            false => &diff.bytes,
        };
        // A closed pipe (`awaitfix diff | head`) is not an error worth reporting.
        let _ = std::io::stdout().lock().write_all(bytes);
    }

    /// A one-line error on stderr.
    pub fn error(&self, message: &str) {
        self.stderr(&format!("{ERROR}error{ERROR:#}: {message}\n"));
    }

    /// A one-line warning on stderr.
    pub fn warning(&self, message: &str) {
        self.stderr(&format!("{WARNING}warning{WARNING:#}: {message}\n"));
    }

    /// A note on stderr, hidden by `-q`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            self.stderr(&format!("{message}\n"));
        }
    }

    /// A progress bar over `files` files on stderr, drawn only when `wanted` (no `--no-progress`), not
    /// `-q`, stderr is a terminal and the `CI` variable is unset; and even then only once the run has taken a
    /// moment, so that quick runs print nothing extra.
    pub fn progress(&self, files: usize, wanted: bool) -> Progress {
        let shown =
            wanted && !self.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = shown.then(|| {
            let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} files, {msg}")
                .expect("the template is valid");
            bar.set_style(style.progress_chars("=> "));
            bar
        });
        Progress { bar, sites: AtomicUsize::new(0), start: Instant::now(), drawing: AtomicBool::new(false) }
    }

    /// Writes `text` to stderr as it is (styles stripped unless colour is on): prompts and what they show,
    /// which must stay out of stdout's machine-readable output.
    pub fn prompt(&self, text: &str) {
        self.stderr(text);
    }

    fn stderr(&self, text: &str) {
        let mut err = AutoStream::new(std::io::stderr().lock(), self.choice);
        let _ = err.write_all(text.as_bytes());
    }
}

/// Files scanned and sites found so far; safe to update from the worker threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    sites: AtomicUsize,
    start: Instant,
    drawing: AtomicBool,
}

/// How long a run goes before its progress is drawn.
const PROGRESS_DELAY: Duration = Duration::from_millis(300);

impl Progress {
    /// Counts one file done, with the open sites found in it.
    pub fn file_done(&self, sites: usize) {
        let Some(bar) = &self.bar else { return };
        let total = self.sites.fetch_add(sites, Ordering::Relaxed) + sites;
        if !self.drawing.load(Ordering::Relaxed) && self.start.elapsed() >= PROGRESS_DELAY {
            self.drawing.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if sites > 0 || bar.position() == 0 {
            bar.set_message(format!("{} found", crate::render::text::plural(total, "site")));
        }
        bar.inc(1);
    }

    /// Removes the bar, before anything else is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
