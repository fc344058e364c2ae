//! Edits and fixes: the values a rule plans and `fix::apply` carries out.
//! Pure data; byte offsets index the decoded source text (see `source`).

use std::ops::Range;

/// Replace the bytes `start..end` of the source with `content`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    start: usize,
    end: usize,
    content: Box<str>,
}

impl Edit {
    /// Removes `range`.
    pub fn deletion(range: Range<usize>) -> Self {
        Self::replacement(range, "")
    }

    /// Replaces `range` with `content`.
    pub fn replacement(range: Range<usize>, content: &str) -> Self {
        debug_assert!(range.start <= range.end);
        Self { start: range.start, end: range.end, content: content.into() }
    }

    /// Inserts `content` before byte `at`.
    pub fn insertion(at: usize, content: &str) -> Self {
        Self::replacement(at..at, content)
    }

    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn content(&self) -> &str {
        &self.content
    }
}

/// What applying a fix promises, ordered from the least to the most: a fix applies where its applicability is
/// at least the one required (`Fix::applies`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Shown to guide a human; never applied.
    DisplayOnly,
    /// Likely right but may change behaviour; shown, applied only on request.
    Unsafe,
    /// Keeps the program's meaning apart from removing the bug; applied by `apply`.
    Safe,
}

/// Sorted, non-overlapping edits that together fix one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    edits: Vec<Edit>,
    applicability: Applicability,
}

impl Fix {
    /// A safe fix. Edits are sorted here; they must not overlap.
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Safe)
    }

    pub fn new(mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort();
        debug_assert!(edits.windows(2).all(|w| w[0].end <= w[1].start), "overlapping edits in one fix");
        Self { edits, applicability }
    }

    /// The same edits with what `applicability` promises.
    pub fn with_applicability(self, applicability: Applicability) -> Self {
        Self { applicability, ..self }
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    pub fn applicability(&self) -> Applicability {
        self.applicability
    }

    /// Whether the fix may be applied where `required` is asked for: it promises at least that much.
    pub fn applies(&self, required: Applicability) -> bool {
        self.applicability >= required
    }

    /// The smallest range covering every edit.
    pub fn span(&self) -> Range<usize> {
        let start = self.edits.first().map_or(0, Edit::start);
        let end = self.edits.iter().map(Edit::end).max().unwrap_or(start);
        start..end
    }
}
