//! Writing: replaces a file's content atomically, only if it still holds the bytes it was read with.
//! A temporary file in the same folder is written, flushed to disk, given the original permissions and
//! renamed over the target (the target of a symlink, so the link stays a link).

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("changed on disk since it was read; not overwritten (run again)")]
    Changed,
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// Replaces the content of `path` with `new`, if it still equals `original`.
pub fn replace(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let target: PathBuf = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut temp = tempfile::Builder::new().prefix(".awaitfix-").suffix(".tmp").tempfile_in(dir)?;
    temp.write_all(new)?;
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    // Checked last, right before the rename, to leave the smallest window for a concurrent change.
    if std::fs::read(&target)? != original {
        return Err(WriteError::Changed);
    }
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    if let Ok(dir) = std::fs::File::open(dir) {
        // Makes the rename itself durable; a failure here leaves the new content in place anyway.
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_file_changed_since_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "new on disk").unwrap();
        let err = replace(&path, b"as read", b"rewritten").unwrap_err();
        assert!(matches!(err, WriteError::Changed));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new on disk");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        replace(&link, b"old", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o751);
    }
}
