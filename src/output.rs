//! Output: the only code that knows about the terminal — colour, quiet and verbose, stdout and stderr.

use std::io::Write;

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};

use crate::cli::Color;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// Where and how results are printed.
pub struct Output {
    choice: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
}

impl Output {
    pub fn new(color: Color, quiet: bool, verbose: bool) -> Self {
        let choice = match color {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        };
        Self { choice, quiet, verbose }
    }

    /// Writes `text` to stdout, styles stripped unless colour is on.
    pub fn print(&self, text: &str) {
        let mut out = AutoStream::new(std::io::stdout().lock(), self.choice);
        // A closed pipe (`awaitfix diff | head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes());
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

    fn stderr(&self, text: &str) {
        let mut err = AutoStream::new(std::io::stderr().lock(), self.choice);
        let _ = err.write_all(text.as_bytes());
    }
}
