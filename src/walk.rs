//! Walking: the PATHS of the command line in, the Python files to read out, sorted, plus the problems met.
//! Directories are walked with `ignore` (`.gitignore`, `.ignore`, hidden files); a file named explicitly is
//! always read. `--exclude` globs (gitignore syntax, relative to the working directory) apply to both.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Something on the way that is not a readable Python file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
    /// Errors make the exit code 2; warnings are only reported.
    pub is_error: bool,
}

/// The result of walking.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files to read, sorted and without duplicates.
    pub files: Vec<PathBuf>,
    pub problems: Vec<Problem>,
}

/// Whether a walked file is Python source: a module, or a stub (`.pyi`, which may hold code too).
pub(crate) fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

/// The paths of a `--files-from` list: NUL-separated when the list holds a NUL (`git ls-files -z`, whose
/// paths may hold newlines, so then only NUL separates), else one a line with trailing whitespace (a `\r`)
/// trimmed.
/// Empty entries are skipped. A path is taken byte for byte where paths are bytes (Unix).
pub fn file_list(bytes: &[u8]) -> anyhow::Result<Vec<PathBuf>> {
    let entries: Vec<&[u8]> = match bytes.contains(&0) {
        true => bytes.split(|&b| b == 0).collect(),
        false => bytes.split(|&b| b == b'\n').map(<[u8]>::trim_ascii_end).collect(),
    };
    entries.into_iter().filter(|e| !e.is_empty()).map(path_from_bytes).collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> anyhow::Result<PathBuf> {
    Ok(PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let text = std::str::from_utf8(bytes).map_err(|_| anyhow::anyhow!("a path is not UTF-8"))?;
    Ok(PathBuf::from(text))
}

/// Compiles exclude globs (gitignore syntax) relative to `root`.
pub fn excludes(root: &Path, globs: &[String]) -> anyhow::Result<Gitignore> {
    let root = std::path::absolute(root)?;
    let mut builder = GitignoreBuilder::new(&root);
    for glob in globs {
        builder.add_line(None, glob).map_err(|e| anyhow::anyhow!("exclude {glob}: {e}"))?;
    }
    Ok(builder.build()?)
}

/// Whether one of the exclude sets matches `path` or a folder above it; a path outside a set's root is not
/// excluded by it. (An `extend-include` set is matched the same way.)
pub fn is_excluded(excludes: &[Gitignore], path: &Path, is_dir: bool) -> bool {
    if excludes.iter().all(Gitignore::is_empty) {
        return false;
    }
    let Ok(absolute) = std::path::absolute(path) else { return false };
    excludes.iter().any(|gi| {
        absolute.strip_prefix(gi.path()).is_ok_and(|relative| {
            !relative.as_os_str().is_empty() && gi.matched_path_or_any_parents(relative, is_dir).is_ignore()
        })
    })
}

/// Walks `paths`, leaving out what `excludes` match; the files come out sorted.
pub fn walk(paths: &[PathBuf], excludes: &[Gitignore]) -> Walked {
    walk_including(paths, excludes, &[])
}

/// Walks `paths` as `walk` does, reading in folders the files that `includes` match (`extend-include`,
/// gitignore syntax such as `*.ipynb`) besides Python modules and stubs.
pub fn walk_including(paths: &[PathBuf], excludes: &[Gitignore], includes: &[Gitignore]) -> Walked {
    let mut walked = Walked::default();
    let mut dirs = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => dirs.push(path.clone()),
            // Opening a FIFO blocks, and a device reads without end: refused before either happens.
            Ok(meta) if !meta.is_file() && !is_excluded(excludes, path, false) => {
                walked.problems.push(Problem {
                    path: path.clone(),
                    message: crate::source::ReadError::NotAFile(crate::source::file_kind(&meta.file_type()))
                        .to_string(),
                    is_error: true,
                })
            }
            Ok(meta) => {
                if meta.is_file() && !is_excluded(excludes, path, false) {
                    walked.files.push(path.clone());
                }
            }
            Err(e) => walked.problems.push(Problem {
                path: path.clone(),
                message: crate::source::describe_io(path, &e),
                is_error: true,
            }),
        }
    }
    // Only symlinks, or paths given twice (`a.py ./a.py`, a folder and a file in it), can reach one file by
    // two paths.
    let mut maybe_twice = paths.len() > 1;
    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = WalkBuilder::new(first);
        for dir in rest {
            builder.add(dir);
        }
        let filter = excludes.to_vec();
        // Each folder's entries in name order give the files in path order, so the sort below finds them
        // sorted already, as one run: comparing paths component by component costs more than the walk.
        builder.sort_by_file_name(|a, b| a.cmp(b));
        builder.follow_links(true).require_git(false).filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !is_excluded(&filter, entry.path(), is_dir)
        });
        for entry in builder.build() {
            match entry {
                Ok(entry)
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && (is_python(entry.path()) || is_excluded(includes, entry.path(), false)) =>
                {
                    maybe_twice |= entry.path_is_symlink();
                    walked.files.push(entry.into_path());
                }
                Ok(entry) => maybe_twice |= entry.path_is_symlink(),
                Err(err) => walked.problems.extend(problem(&err)),
            }
        }
    }
    walked.files.sort();
    walked.files.dedup();
    if maybe_twice {
        dedup_same_file(&mut walked.files);
    }
    walked
}

/// Keeps the first path of each file reached twice (through a symlinked folder, or named as `a.py` and
/// `./a.py`), so that no file is reported or written twice.
fn dedup_same_file(files: &mut Vec<PathBuf>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|path| match file_id(path) {
        Some(id) => seen.insert(id),
        None => true,
    });
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// Turns a walker error into a one-line problem; a broken link that is not a Python file is not one.
fn problem(err: &ignore::Error) -> Option<Problem> {
    let mut path = None;
    let mut err = err;
    loop {
        match err {
            ignore::Error::WithPath { path: p, err: inner } => {
                path.get_or_insert_with(|| p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => err = inner,
            ignore::Error::Loop { ancestor, child } => {
                return Some(Problem {
                    path: child.clone(),
                    message: format!("symlink loop (points back to {}); not followed", ancestor.display()),
                    is_error: false,
                });
            }
            ignore::Error::Io(io) => {
                let path = path?;
                if io.kind() == std::io::ErrorKind::NotFound && !is_python(&path) {
                    return None;
                }
                let message = crate::source::describe_io(&path, io);
                return Some(Problem { path, message, is_error: true });
            }
            other => {
                return Some(Problem {
                    path: path.unwrap_or_default(),
                    message: other.to_string(),
                    is_error: true,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_and_stubs_are_python() {
        assert!(is_python(Path::new("pkg/a.py")) && is_python(Path::new("pkg/a.pyi")));
        assert!(!is_python(Path::new("pkg/a.pyc")) && !is_python(Path::new("pkg/py")));
    }

    #[test]
    fn a_file_list_is_split_on_nul_when_it_holds_one_else_on_newlines() {
        let paths = |b: &[u8]| file_list(b).unwrap();
        assert_eq!(paths(b"a.py\r\n\nb c.py \n"), [PathBuf::from("a.py"), PathBuf::from("b c.py")]);
        assert_eq!(paths(b"a\nb.py\0c.py\0\0"), [PathBuf::from("a\nb.py"), PathBuf::from("c.py")]);
        assert!(paths(b"").is_empty() && paths(b"\0").is_empty());
    }

    #[test]
    fn excludes_match_files_and_their_folders() {
        let ex = [excludes(Path::new("."), &["gen/".into(), "*_pb2.py".into()]).unwrap()];
        assert!(is_excluded(&ex, Path::new("gen/a/x.py"), false));
        assert!(is_excluded(&ex, Path::new("./pkg/x_pb2.py"), false));
        assert!(!is_excluded(&ex, Path::new("pkg/x.py"), false));
        assert!(!is_excluded(&ex, Path::new("/elsewhere/gen/x.py"), false), "outside the root");
    }
}
