//! Writing: replaces a file's content only if it still holds the bytes it was read with, keeping what makes
//! it the same file to its owner: mode, owner and group, extended attributes, hard links.
//! The new content goes to a temporary file in the same folder (flushed to disk, given the original's mode,
//! owner and attributes) that is swapped with the target (the target of a symlink, so the link stays a link).
//! A file with several hard links, or whose owner this user cannot give a new file, is written in place.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("changed on disk since it was read; not overwritten (run again)")]
    Changed,
    #[error(
        "read-only (mode {0:04o}); not rewritten: a file without write permission is left as it is (make it \
         writable to fix it)"
    )]
    ReadOnly(u32),
    #[error("cannot keep extended attribute `{0}` ({1}); not rewritten")]
    Attribute(String, std::io::Error),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// The temporary files of `replace` are named `.awaitfix-XXXXXX.tmp` (six letters or digits).
const TEMP_PREFIX: &str = ".awaitfix-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// Replaces the content of `path` with `new`, if it still equals `original`.
pub fn replace(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    replace_checked(path, original, new, &mut || {})
}

/// `replace`, calling `before_swap` at the last moment before the new content takes the file's place: the
/// window in which a concurrent edit can still happen (tests use it to make one).
fn replace_checked(
    path: &Path,
    original: &[u8],
    new: &[u8],
    before_swap: &mut dyn FnMut(),
) -> Result<(), WriteError> {
    let target: PathBuf = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    remove_stale_temps(dir);
    let mut file = File::open(&target)?;
    let read_meta = file.metadata()?;
    if !holds(&mut file, original)? {
        return Err(WriteError::Changed);
    }
    if read_meta.permissions().readonly() {
        return Err(WriteError::ReadOnly(mode(&read_meta)));
    }
    if links(&read_meta) > 1 {
        // A rename would split the links: the other names would keep the old code. Every name is to see the
        // fix, as an editor saving the file would do.
        before_swap();
        return write_in_place(&target, &mut file, &read_meta, original, new);
    }
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .rand_bytes(TEMP_RANDOM)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(new)?;
    temp.as_file().set_permissions(read_meta.permissions())?;
    if !keep_owner(temp.as_file(), &read_meta) {
        // Only the owner's own process, or root, can give a new file that owner: write in place instead.
        drop(temp);
        before_swap();
        return write_in_place(&target, &mut file, &read_meta, original, new);
    }
    copy_attributes(&file, temp.as_file())?;
    temp.as_file().sync_all()?;
    before_swap();
    // Checked last, right before the swap; the swap then hands back what it replaced, checked again.
    if !same_file(&std::fs::metadata(&target)?, &file.metadata()?, &read_meta) || !holds(&mut file, original)?
    {
        return Err(WriteError::Changed);
    }
    swap(temp, &target, &mut file, &read_meta, original)?;
    if let Ok(dir) = File::open(dir) {
        // Makes the rename itself durable; a failure here leaves the new content in place anyway.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Whether `file` (read from its start) holds exactly `expected`.
fn holds(file: &mut File, expected: &[u8]) -> std::io::Result<bool> {
    file.rewind()?;
    let mut now = Vec::with_capacity(expected.len() + 1);
    // One byte more than expected tells a longer file from an equal one without reading all of it.
    file.take(expected.len() as u64 + 1).read_to_end(&mut now)?;
    Ok(now == expected)
}

/// Whether the path's file (`now`) is still the file that was read (`read`), unchanged since (`held`, the
/// open handle's metadata now, must agree as well).
#[cfg(unix)]
fn same_file(now: &std::fs::Metadata, held: &std::fs::Metadata, read: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let key = |m: &std::fs::Metadata| (m.dev(), m.ino(), m.len(), m.mtime(), m.mtime_nsec());
    key(now) == key(read) && key(held) == key(read)
}

#[cfg(not(unix))]
fn same_file(now: &std::fs::Metadata, _held: &std::fs::Metadata, read: &std::fs::Metadata) -> bool {
    now.len() == read.len() && now.modified().ok() == read.modified().ok()
}

/// Puts `temp` in `target`'s place. On Linux the two are exchanged atomically, so that what was replaced is
/// still at hand: if it is not the file that was read, still holding `original`, it is put back. Elsewhere
/// `temp` is renamed over `target`; an edit written into the replaced file meanwhile is then put back.
fn swap(
    temp: tempfile::NamedTempFile,
    target: &Path,
    held: &mut File,
    read_meta: &std::fs::Metadata,
    original: &[u8],
) -> Result<(), WriteError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        let exchange = || renameat_with(CWD, temp.path(), CWD, target, RenameFlags::EXCHANGE);
        if exchange().is_ok() {
            // `temp`'s path now names the replaced file; dropping `temp` removes it.
            let replaced = std::fs::symlink_metadata(temp.path())?;
            if !same_file(&replaced, &held.metadata()?, read_meta) || !holds(held, original)? {
                exchange().map_err(std::io::Error::from)?;
                return Err(WriteError::Changed);
            }
            return Ok(());
        }
    }
    let _ = read_meta;
    temp.persist(target).map_err(|e| WriteError::Io(e.error))?;
    if !holds(held, original)? {
        // Saved into the old file after the last check: its bytes are the user's, and go back in place.
        held.rewind()?;
        let mut edited = Vec::new();
        held.read_to_end(&mut edited)?;
        std::fs::write(target, edited)?;
        return Err(WriteError::Changed);
    }
    Ok(())
}

/// Writes `new` into the target itself, keeping its inode (links, owner, attributes); checked once more
/// through `held` right before.
fn write_in_place(
    target: &Path,
    held: &mut File,
    read_meta: &std::fs::Metadata,
    original: &[u8],
    new: &[u8],
) -> Result<(), WriteError> {
    let mut out = std::fs::OpenOptions::new().write(true).open(target)?;
    if !same_file(&out.metadata()?, &held.metadata()?, read_meta) || !holds(held, original)? {
        return Err(WriteError::Changed);
    }
    out.write_all(new)?;
    out.set_len(new.len() as u64)?;
    out.sync_all()?;
    Ok(())
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(_meta: &std::fs::Metadata) -> u32 {
    0o444
}

#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Gives `temp` the owner and group of the file read; `false` when this user may not.
#[cfg(unix)]
fn keep_owner(temp: &File, read_meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let now = match temp.metadata() {
        Ok(now) => now,
        Err(_) => return false,
    };
    if (now.uid(), now.gid()) == (read_meta.uid(), read_meta.gid()) {
        return true;
    }
    std::os::unix::fs::fchown(temp, Some(read_meta.uid()), Some(read_meta.gid())).is_ok()
}

#[cfg(not(unix))]
fn keep_owner(_temp: &File, _read_meta: &std::fs::Metadata) -> bool {
    true
}

/// Copies the extended attributes of `from` to `to`. Those of the `user` namespace must be kept; the others
/// (security labels, ACLs) are kept when this process may set them.
#[cfg(target_os = "linux")]
fn copy_attributes(from: &File, to: &File) -> Result<(), WriteError> {
    use rustix::fs::{XattrFlags, fgetxattr, flistxattr, flistxattr_query, fsetxattr};
    let unsupported = |e: rustix::io::Errno| e == rustix::io::Errno::NOTSUP;
    let size = match flistxattr_query(from) {
        Ok(0) => return Ok(()),
        Ok(size) => size,
        Err(e) if unsupported(e) => return Ok(()),
        Err(e) => return Err(std::io::Error::from(e).into()),
    };
    let mut names = vec![0; size];
    let len = flistxattr(from, &mut names[..]).map_err(std::io::Error::from)?;
    for name in names[..len].split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let shown = String::from_utf8_lossy(name).into_owned();
        let required = name.starts_with(b"user.");
        let mut value = vec![0; 64 * 1024];
        let copied = fgetxattr(from, name, &mut value[..])
            .and_then(|len| fsetxattr(to, name, &value[..len], XattrFlags::empty()));
        match copied {
            Err(e) if required => return Err(WriteError::Attribute(shown, e.into())),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn copy_attributes(_from: &File, _to: &File) -> Result<(), WriteError> {
    Ok(())
}

/// The time this run started: temporary files of ours older than it are left over from a killed run.
fn run_start() -> std::time::SystemTime {
    static START: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::SystemTime::now)
}

/// How much older than this run a temporary file must be to be taken for a killed run's. A file's time
/// comes from the kernel's coarse clock, a few milliseconds behind the clock `run_start` reads: a temporary
/// file this run's other workers create while the folder is being cleaned can look older than the run.
const STALE_MARGIN: std::time::Duration = std::time::Duration::from_secs(2);

/// Removes, once per folder and run, the temporary files a killed run left in `dir`: regular files named
/// exactly like ours and last modified well before this run started (this run's and a concurrent run's are
/// newer).
fn remove_stale_temps(dir: &Path) {
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let start = run_start();
    {
        let Ok(mut cleaned) = CLEANED.lock() else { return };
        if cleaned.iter().any(|d| d == dir) {
            return;
        }
        cleaned.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_temp_name(name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_file() && meta.modified().is_ok_and(|m| m + STALE_MARGIN < start) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `name` is one of our temporary files' names: `.awaitfix-` six letters or digits `.tmp`.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX).and_then(|rest| rest.strip_suffix(TEMP_SUFFIX)).is_some_and(|random| {
        random.len() == TEMP_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
    })
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

    /// An editor saving the file after the content check and before the swap, in place or by a rename of its
    /// own, must not lose the edit.
    #[test]
    fn an_edit_saved_right_before_the_swap_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        let saves: [&dyn Fn(&Path); 2] = [&|p| std::fs::write(p, "edited in place").unwrap(), &|p| {
            std::fs::write(p.with_extension("swp"), "edited in place").unwrap();
            std::fs::rename(p.with_extension("swp"), p).unwrap();
        }];
        for save in saves {
            std::fs::write(&path, "as read").unwrap();
            let err = replace_checked(&path, b"as read", b"rewritten", &mut || save(&path)).unwrap_err();
            assert!(matches!(err, WriteError::Changed), "{err}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited in place");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
        }
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

    /// Run as root, a rewrite must not hand the file to root: its owner could no longer write it.
    #[cfg(unix)]
    #[test]
    fn keeps_owner_group_and_user_attributes() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        // Only root may give a file away; another user checks that its own ownership is kept.
        let owner = match std::os::unix::fs::chown(&path, Some(1234), Some(5678)) {
            Ok(()) => (1234, 5678),
            Err(_) => std::fs::metadata(&path).map(|m| (m.uid(), m.gid())).unwrap(),
        };
        #[cfg(target_os = "linux")]
        let attribute =
            rustix::fs::setxattr(&path, "user.origin", b"vendor", rustix::fs::XattrFlags::empty());
        replace(&path, b"old", b"new").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), owner);
        #[cfg(target_os = "linux")]
        if attribute.is_ok() {
            let mut value = [0; 16];
            let len = rustix::fs::getxattr(&path, "user.origin", &mut value[..]).unwrap();
            assert_eq!(&value[..len], b"vendor");
        }
    }

    /// A file with several names is one file: every name sees the fix.
    #[cfg(unix)]
    #[test]
    fn hard_links_stay_one_file() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old content").unwrap();
        std::fs::hard_link(&path, dir.path().join("b.py")).unwrap();
        replace(&path, b"old content", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("b.py")).unwrap(), "new");
        assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
        let err = replace(&path, b"old content", b"newer").unwrap_err();
        assert!(matches!(err, WriteError::Changed), "checked like any other file: {err}");
    }

    /// A read-only file says "do not edit me" (generated, vendored), whoever runs the tool.
    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = replace(&path, b"old", b"new").unwrap_err();
        assert!(err.to_string().starts_with("read-only (mode 0444); not rewritten"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
    }

    /// Another worker of the same run creates its temporary file while the folder is being cleaned, with a
    /// time from the kernel's coarse clock, a little before the run's start as `SystemTime` reads it: it is
    /// not a killed run's. (Removing it made that worker's swap fail with "No such file or directory".)
    #[test]
    fn a_temporary_file_of_this_run_is_not_taken_for_a_killed_runs() {
        let start = run_start();
        let dir = tempfile::tempdir().unwrap();
        let racing = dir.path().join(".awaitfix-Qq1w2e.tmp");
        File::create(&racing).unwrap().set_modified(start - std::time::Duration::from_millis(5)).unwrap();
        std::fs::write(dir.path().join("a.py"), "old").unwrap();
        replace(&dir.path().join("a.py"), b"old", b"new").unwrap();
        assert!(racing.exists(), "a temporary file of this run's time was removed");
    }

    /// A killed run leaves its temporary file behind; the next write in that folder removes it, and only it.
    #[test]
    fn temporary_files_left_by_a_killed_run_are_removed() {
        run_start();
        let dir = tempfile::tempdir().unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let old = |name: &str| {
            let file = File::create(dir.path().join(name)).unwrap();
            file.set_modified(hour_ago).unwrap();
        };
        old(".awaitfix-Ab3xY9.tmp");
        old(".awaitfix-Ab3xY9.tmp.bak");
        old(".awaitfix-toolong.tmp");
        old("awaitfix-Ab3xY9.tmp");
        std::fs::write(dir.path().join(".awaitfix-Zz9aB1.tmp"), "a running write's").unwrap();
        std::fs::write(dir.path().join("a.py"), "old").unwrap();
        replace(&dir.path().join("a.py"), b"old", b"new").unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".awaitfix-Ab3xY9.tmp.bak",
                ".awaitfix-Zz9aB1.tmp",
                ".awaitfix-toolong.tmp",
                "a.py",
                "awaitfix-Ab3xY9.tmp"
            ]
        );
    }
}
