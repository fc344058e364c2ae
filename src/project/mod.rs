//! Project-wide analysis: the modules of the scanned tree, what their top-level names are, and whether
//! awaiting a call of one can work. `modules` maps names to files, `exports` reads one module's top level,
//! `returns` what a function hands back, `index` follows names across modules, `awaitable` judges a target,
//! `awaits` finds the awaited calls it condemns and `sites` reports them as AWF005 findings.

pub mod awaitable;
pub mod awaits;
pub mod discover;
pub mod exports;
pub mod importers;
pub mod index;
pub(crate) mod lexical;
pub mod modules;
pub mod returns;
pub mod stale;

pub use awaitable::{Awaitability, awaitability};
pub use index::{Hop, ProjectIndex, Resolved, Target};
pub use modules::ModuleMap;

/// A dotted name written with spaces or line continuations around its dots, as one word.
pub(crate) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

/// Whether `text` is a dotted name: identifiers joined by dots.
pub(crate) fn is_dotted(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c == '_' || c.is_alphanumeric()))
}

/// A project of `files` (path, text) in a temporary folder, with its index, for tests.
#[cfg(test)]
pub(crate) fn test_project(files: &[(&str, &str)]) -> (tempfile::TempDir, ProjectIndex) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (file, text) in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("the folder is made");
        std::fs::write(path, text).expect("the file is written");
    }
    let index = ProjectIndex::new(ModuleMap::new([dir.path().to_path_buf()]));
    (dir, index)
}
