//! The rules' documentation for the editor: the text `awaitfix rule CODE` prints, from the registry, written
//! once per version as Markdown files in the user's cache folder, so that a diagnostic's code can link to a
//! page the editor opens (`codeDescription.href`, a `file:` URI). The project has no published site to link
//! to; a file needs no network and always matches the running version.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::Uri;

use crate::finding::Rule;

/// Where each rule's page was written; a rule whose page could not be written has no link.
#[derive(Default)]
pub struct RuleDocs {
    links: HashMap<&'static str, Uri>,
}

impl RuleDocs {
    /// Writes every rule's page under `$XDG_CACHE_HOME/awaitfix/<version>/rules/` (else `~/.cache/...`),
    /// where it is not there already with this text. Nothing is linked when no cache folder is known or a
    /// page cannot be written: a link is a convenience, never a reason to fail.
    pub fn write() -> Self {
        let Some(folder) = cache_folder() else { return Self::default() };
        Self::write_in(&folder.join("awaitfix").join(env!("CARGO_PKG_VERSION")).join("rules"))
    }

    /// Writes the pages in `folder`.
    fn write_in(folder: &Path) -> Self {
        if std::fs::create_dir_all(folder).is_err() {
            return Self::default();
        }
        let links = crate::rules::all()
            .filter_map(|rule| {
                let page = folder.join(format!("{}.md", rule.code()));
                let uri =
                    write_page(&page, &page_text(rule)).ok().and_then(|()| super::position::path_uri(&page));
                Some((rule.code(), uri?))
            })
            .collect();
        Self { links }
    }

    /// The page of the rule with `code`, when it was written.
    pub fn link(&self, code: &str) -> Option<&Uri> {
        self.links.get(code)
    }
}

/// The rule's documentation, as `awaitfix rule CODE` prints it.
pub fn page_text(rule: Rule) -> String {
    crate::render::rule::text(rule)
}

/// The user's cache folder: `$XDG_CACHE_HOME` when it is an absolute path (the XDG specification ignores a
/// relative one), else `$HOME/.cache`.
fn cache_folder() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    xdg.or_else(|| home().map(|h| h.join(".cache")))
}

/// Writes `text` to `page` unless it holds it already; through a temporary file renamed over it, so that an
/// editor (or another server starting at the same time) never reads half a page.
fn write_page(page: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(page).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    let temporary = page.with_extension(format!("md.{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, page));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_gets_a_page_with_its_docs_and_a_file_uri() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a b/rules");
        let docs = RuleDocs::write_in(&folder);
        for rule in crate::rules::all() {
            let page = folder.join(format!("{}.md", rule.code()));
            assert_eq!(std::fs::read_to_string(&page).unwrap(), page_text(rule));
            let link = docs.link(rule.code()).expect("linked").as_str().to_string();
            assert_eq!(super::super::position::uri_path(&link), Some(page), "{link}");
            assert!(link.contains("a%20b"), "{link}");
        }
        let names: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), crate::rules::all().count(), "no temporary file left: {names:?}");
    }

    #[test]
    fn a_folder_that_cannot_be_made_gives_no_links_and_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "").unwrap();
        let docs = RuleDocs::write_in(&file.join("rules"));
        assert!(docs.link("AWF001").is_none());
    }
}
