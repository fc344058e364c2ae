//! Rules: match sites in a parsed file and plan their fixes (DESIGN §2).
//! Consumes the decoded text, its tree and the active transforms; produces `Finding`s in source order.
//! Queries are compiled once per process and shared by every thread.

mod awf001;
mod intent;
mod suppression;

use std::sync::OnceLock;

use tree_sitter::{Query, Tree};

use crate::finding::Finding;
use crate::parse::language;
use crate::transform::{Pair, Prefer, Transform};

/// The compiled queries of every rule.
pub(crate) struct Queries {
    awaited_call: Query,
    intent: Query,
}

/// The process-wide compiled queries; the `.scm` files are part of the binary.
pub(crate) fn queries() -> &'static Queries {
    static QUERIES: OnceLock<Queries> = OnceLock::new();
    QUERIES.get_or_init(|| {
        let compile = |name: &str, source: &str| {
            Query::new(&language(), source).unwrap_or_else(|e| panic!("bundled query {name} is invalid: {e}"))
        };
        Queries {
            awaited_call: compile("awaited_call.scm", include_str!("awaited_call.scm")),
            intent: compile("intent.scm", include_str!("intent.scm")),
        }
    })
}

/// What the rules need to know about one file.
pub struct FileContext<'a> {
    /// The file's path as given; relative imports are resolved from its folders.
    pub path: &'a std::path::Path,
    pub text: &'a str,
    pub tree: &'a Tree,
    pub transforms: &'a [Transform],
    /// `prefer` per transform, already resolved for this file's path (same order as `transforms`).
    pub prefer: &'a [Prefer],
}

impl FileContext<'_> {
    /// The transform and pair whose sync name is `name` and that accept it, if any.
    fn pairs(&self) -> impl Iterator<Item = (usize, &Pair)> {
        self.transforms.iter().enumerate().flat_map(|(i, t)| t.pairs.iter().map(move |p| (i, p)))
    }
}

/// All findings in a file, in source order.
pub fn check(file: &FileContext) -> Vec<Finding> {
    let mut findings = awf001::check(file);
    findings.sort_by_key(|f| (f.range.start, f.rule));
    findings
}
