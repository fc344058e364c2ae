//! `diff` output as the patch tools read it: for every file shape, `awaitfix diff | git apply` and
//! `patch -p1` on fresh copies give exactly the bytes `awaitfix apply` writes.

use std::path::Path;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

/// A file whose site is close enough to line 1 for line 1 to be in the hunk: as context with the sync fix,
/// changed (the import) with `--prefer async`.
fn site_file(prefix: &[u8], middle: &[u8]) -> Vec<u8> {
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(b"from app.ws import get_websocket_manager\n");
    bytes.extend_from_slice(middle);
    bytes.extend_from_slice(b"async def handler(ctx):\n    manager = await get_websocket_manager(ctx)\n");
    bytes.extend_from_slice(b"    return manager\n");
    bytes
}

fn awaitfix(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out =
        Command::cargo_bin("awaitfix").unwrap().current_dir(dir).env("NO_COLOR", "1").args(args).output();
    out.unwrap().stdout
}

/// Writes `files` (path, bytes; a `->` in the path makes `link -> target` a symlink) into a new folder.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        if let Some((link, target)) = path.split_once(" -> ") {
            std::os::unix::fs::symlink(target, dir.path().join(link)).unwrap();
            continue;
        }
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn run(dir: &Path, program: &str, args: &[&str], input: &[u8]) {
    let mut child = Process::new(program).args(args).current_dir(dir).stdin(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
    assert!(child.wait().unwrap().success(), "{program} {args:?} rejected the diff");
}

/// Every file of `dir` (links as links) with its bytes, to compare two trees.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "orig"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            match std::fs::read_link(&p) {
                Ok(target) => (name, format!("-> {}", target.display()).into_bytes()),
                Err(_) => (name, std::fs::read(&p).unwrap()),
            }
        })
        .collect();
    files.sort();
    files
}

/// Checks that the diff of `files` applies with `git apply` and with `patch -p1`, each giving `apply`'s
/// result, with the sync and the async fix; `paths` are the paths named on the command line.
fn assert_diff_applies(files: &[(&str, &[u8])], paths: &[&str]) {
    for prefer in ["sync", "async"] {
        assert_diff_applies_with(files, &[&["--prefer", prefer], paths].concat());
    }
}

fn assert_diff_applies_with(files: &[(&str, &[u8])], args: &[&str]) {
    let applied = tree(files);
    let patch = awaitfix(applied.path(), &[&["diff"], args].concat());
    assert!(!patch.is_empty(), "a site to fix");
    awaitfix(applied.path(), &[&["apply"], args].concat());
    let expected = snapshot(applied.path());
    assert_ne!(expected, snapshot(tree(files).path()), "apply changed something");
    let with_git = tree(files);
    run(with_git.path(), "git", &["apply", "--unsafe-paths", "-"], &patch);
    assert_eq!(snapshot(with_git.path()), expected, "git apply:\n{}", String::from_utf8_lossy(&patch));
    let with_patch = tree(files);
    run(with_patch.path(), "patch", &["-p1", "--quiet", "--batch"], &patch);
    assert_eq!(snapshot(with_patch.path()), expected, "patch -p1:\n{}", String::from_utf8_lossy(&patch));
}

/// The BOM belongs to line 1: a hunk that shows line 1 without it does not match the file.
#[test]
fn diff_of_a_file_with_a_bom_applies() {
    let bytes = site_file(b"\xEF\xBB\xBF", b"");
    assert_diff_applies(&[("a.py", &bytes)], &[]);
}

/// A latin-1 file's lines must appear as its own bytes, not re-encoded as UTF-8.
#[test]
fn diff_of_a_latin1_file_applies() {
    let bytes = site_file(b"# -*- coding: latin-1 -*-\n", b"NAME = 'caf\xe9'\n");
    assert_diff_applies(&[("a.py", &bytes)], &[]);
}

/// A file reached through a symlink is changed where the link points: the patch must name the target.
#[test]
fn diff_of_a_file_behind_a_symlink_applies() {
    let bytes = site_file(b"", b"");
    assert_diff_applies(&[("real.py", &bytes), ("link.py -> real.py", b"")], &["link.py"]);
}

/// CRLF endings and a file without a final newline go through unchanged.
#[test]
fn diff_of_crlf_and_unterminated_files_applies() {
    let crlf = String::from_utf8(site_file(b"", b"")).unwrap().replace('\n', "\r\n");
    let mut unterminated = site_file(b"", b"");
    unterminated.pop();
    assert_diff_applies(&[("a.py", crlf.as_bytes()), ("b.py", &unterminated)], &[]);
}
