//! Transform errors: one per problem, each pointing at `path:line:col`, with a hint on how to fix it.

use std::fmt;

/// One problem in one transform file; `line` 0 when it is about the file as a whole.
#[derive(Debug, Clone)]
pub struct TransformError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl TransformError {
    pub(crate) fn new(path: &str, line: usize, column: usize, message: String) -> Self {
        Self { path: path.to_string(), line, column, message, hint: None }
    }

    pub(crate) fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_string());
        self
    }

    /// A YAML or schema error from serde, positioned where the parser stopped.
    pub(crate) fn from_yaml(path: &str, e: &serde_norway::Error) -> Self {
        let yaml = YamlError::of(e, "see the transform format in the README");
        Self::new(path, yaml.line, yaml.column, yaml.message).hint(yaml.hint)
    }
}

impl fmt::Display for TransformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            // Line 0: the problem is the file as a whole (it cannot be read), not a place in it.
            0 => write!(f, "{}: {}", self.path, self.message)?,
            _ => write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransformError {}

/// Every problem found while loading transforms; displayed one per line.
#[derive(Debug)]
pub struct TransformErrors(pub Vec<TransformError>);

impl TransformErrors {
    /// `Ok` when `errors` is empty.
    pub(crate) fn check(errors: Vec<TransformError>) -> Result<(), Self> {
        if errors.is_empty() { Ok(()) } else { Err(Self(errors)) }
    }
}

impl fmt::Display for TransformErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for TransformErrors {}

impl From<Vec<TransformError>> for TransformErrors {
    fn from(v: Vec<TransformError>) -> Self {
        Self(v)
    }
}

/// 1-based line and column (in characters) of the first place `value` stands as a YAML scalar value,
/// i.e. after `: ` or `- `; else of its first occurrence; else 1:1.
pub(crate) fn locate(text: &str, value: &str) -> (usize, usize) {
    if value.is_empty() {
        return (1, 1);
    }
    let mut fallback = None;
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(value).map(|p| p + from) {
            let column = line[..pos].chars().count() + 1;
            let before = line[..pos].trim_end_matches(['"', '\'']);
            if before.ends_with(": ")
                || before.ends_with("- ")
                || before.ends_with('[')
                || before.ends_with(", ")
            {
                return (i + 1, column);
            }
            fallback.get_or_insert((i + 1, column));
            from = pos + value.len();
        }
    }
    fallback.unwrap_or((1, 1))
}

/// A serde YAML error taken apart: where the parser stopped, the message without the position serde_norway
/// appends, and a hint (`other` when the error is not about a key). Shared by transform and configuration
/// files.
pub(crate) struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: &'static str,
}

impl YamlError {
    pub(crate) fn of(e: &serde_norway::Error, other: &'static str) -> Self {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let text = e.to_string();
        // serde_norway appends " at line L column C"; the position is already in front.
        let message = text.rfind(" at line ").map_or(text.as_str(), |i| &text[..i]).to_string();
        let hint = if message.contains("unknown field") {
            "remove the key or fix its spelling"
        } else if message.contains("missing field") {
            "add the key"
        } else {
            other
        };
        Self { line, column, message, hint }
    }
}
