//! Per-file errors: why one file could not be checked or rewritten. Each is data that every renderer receives
//! (the text output prints it on stderr, SARIF as a tool notification, GitHub as an annotation); any one of
//! them makes the exit code 2, and the run goes on with the other files.

use thiserror::Error;

use crate::source::{DecodeError, ReadError};
use crate::write::WriteError;

/// Why one file could not be checked or rewritten. The message names neither the file nor the position.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file could not be read, or is not one to read (not a regular file, too large).
    #[error("{0}")]
    Read(ReadError),
    /// A NUL byte: not Python source.
    #[error("binary file (contains a NUL byte); skipped")]
    Binary,
    /// The bytes are not text in the encoding the file declares.
    #[error("{0}; skipped")]
    Decode(#[from] DecodeError),
    /// Brackets or blocks nest deeper than the parser can follow.
    #[error("{0}")]
    NestingLimit(String),
    /// tree-sitter gave up on the file.
    #[error("the parser gave up; skipped")]
    Unparsable,
    /// The file does not parse cleanly; nothing is planned in it.
    #[error("syntax error ({what}); file not checked or changed")]
    Syntax {
        /// 1-based line and character column of the first error.
        line: usize,
        column: usize,
        what: String,
    },
    /// A notebook's cell does not parse cleanly; nothing is planned in the notebook.
    #[error("syntax error ({what}); notebook not checked or changed")]
    CellSyntax {
        /// The cell's 1-based number, and the 1-based line (in the cell) and character column of the error.
        cell: usize,
        line: usize,
        column: usize,
        what: String,
    },
    /// A notebook that is not valid notebook JSON, or that this mode does not rewrite.
    #[error("{0}")]
    Notebook(String),
    /// The rewrite failed its re-parse check (a bug in a fix): the file is left unchanged.
    #[error("{0}")]
    Verify(&'static str),
    /// The rewrite has a character the file's encoding cannot hold.
    #[error("the rewrite cannot be encoded in the file's encoding; file left unchanged")]
    Encode,
    /// The rewrite could not be written.
    #[error("{0}")]
    Write(#[from] WriteError),
}

impl FileError {
    /// Where in the file the error is, when that helps: 1-based line and character column.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            FileError::Syntax { line, column, .. } | FileError::CellSyntax { line, column, .. } => {
                Some((*line, *column))
            }
            _ => None,
        }
    }

    /// The notebook cell the error is in (its `position` counts lines in that cell).
    pub fn cell(&self) -> Option<usize> {
        match self {
            FileError::CellSyntax { cell, .. } => Some(*cell),
            _ => None,
        }
    }

    /// A short stable name of the kind of failure, for tools (`syntax`, `write`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            FileError::Read(_) => "read",
            FileError::Binary => "binary",
            FileError::Decode(_) => "decode",
            FileError::Unparsable | FileError::Syntax { .. } | FileError::CellSyntax { .. } => "syntax",
            FileError::Notebook(_) => "notebook",
            FileError::NestingLimit(_) => "limit",
            FileError::Verify(_) => "verify",
            FileError::Encode => "encode",
            FileError::Write(_) => "write",
        }
    }
}

impl From<ReadError> for FileError {
    /// What reading found about the bytes is said as for bytes read otherwise (binary, not decodable).
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Decode(DecodeError::Binary) => FileError::Binary,
            ReadError::Decode(decode) => FileError::Decode(decode),
            other => FileError::Read(other),
        }
    }
}

/// A file's error with the file, as renderers show it.
#[derive(Debug)]
pub struct Failure {
    /// The path as shown to users.
    pub path: String,
    pub error: FileError,
}

impl std::fmt::Display for Failure {
    /// `path:line:col: message`, or `path: message` without a position.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(cell), Some((line, column))) = (self.error.cell(), self.error.position()) {
            return write!(f, "{}:cell {cell}:{line}:{column}: {}", self.path, self.error);
        }
        match self.error.position() {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.path, self.error),
            None => write!(f, "{}: {}", self.path, self.error),
        }
    }
}
