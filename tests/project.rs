//! The project index on a tree of several packages (`tests/fixtures/project`): the awaited calls it condemns
//! are exactly the ones marked `# expect: AWF005`, and python3 agrees: every marked path raises the TypeError
//! when run, and every other awaited path runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use awaitfix::project::awaits::{self, ModuleFile};
use awaitfix::project::{ModuleMap, ProjectIndex};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project")
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// (file relative to the fixture, 1-based line) of every site the index finds in `app/`.
fn found() -> BTreeSet<(String, usize)> {
    let root = fixture();
    let map = ModuleMap::discover(std::slice::from_ref(&root));
    let index = ProjectIndex::new(map.clone());
    let mut files = Vec::new();
    python_files(&root.join("app"), &mut files);
    let mut found = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let tree = awaitfix::parse::parse(&text).unwrap();
        let (name, is_package) = map.module_of(&path).expect("every file of app/ is a module");
        let file = ModuleFile { name: &name, is_package, text: &text, tree: &tree };
        for site in awaits::find(&index, &file) {
            let line = text[..site.range.start].matches('\n').count() + 1;
            found.insert((path.strip_prefix(&root).unwrap().display().to_string(), line));
        }
    }
    found
}

/// The lines marked `# expect: AWF005`, as `found` gives them.
fn marked() -> BTreeSet<(String, usize)> {
    let mut files = Vec::new();
    python_files(&fixture().join("app"), &mut files);
    let mut marked = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let relative = path.strip_prefix(fixture()).unwrap().display().to_string();
        for (i, line) in text.lines().enumerate() {
            if line.contains("# expect: AWF005") {
                marked.insert((relative.clone(), i + 1));
            }
        }
    }
    marked
}

#[test]
fn the_index_finds_exactly_the_marked_sites() {
    assert_eq!(found(), marked());
}

/// Guards precision where it matters: each path the index condemns really raises at run time, and each it
/// leaves alone really runs.
#[test]
fn python_agrees_with_every_verdict() {
    let out = Command::new("python3")
        .arg("run.py")
        .current_dir(fixture())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "run.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let ran: BTreeMap<String, bool> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(name, verdict)| (name.to_string(), verdict == "raises"))
        .collect();

    // Each `async def path_*` of handlers.py spans the lines up to the next one.
    let handlers = std::fs::read_to_string(fixture().join("app/handlers.py")).unwrap();
    let starts: Vec<(usize, String)> = (handlers.lines().enumerate())
        .filter_map(|(i, l)| {
            l.strip_prefix("async def ").map(|rest| (i + 1, rest.split('(').next().unwrap().to_string()))
        })
        .collect();
    let flagged: BTreeSet<usize> =
        found().into_iter().filter(|(file, _)| file == "app/handlers.py").map(|(_, line)| line).collect();
    assert_eq!(ran.len(), starts.len(), "every path ran: {ran:?}");
    for (i, (start, name)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(usize::MAX, |(next, _)| *next);
        let is_flagged = flagged.iter().any(|line| (start..&end).contains(&line));
        assert_eq!(
            is_flagged, ran[name],
            "{name}: flagged {is_flagged}, but raising at run time is {}",
            ran[name]
        );
    }
}

fn write_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Guards against fixing the wrong way: a transform whose pair the code now defines the other way round
/// (the sync factory became `async def`) is reported, and so are modules it lists that are gone.
#[test]
fn transforms_verify_reports_a_stale_transform() {
    let stale = "\
id: stale
pairs:
  - sync: get_websocket_manager
    async: get_websocket_manager_async
    modules: [ws.manager]
  - sync: connect
    async: connect_async
    modules: [ws.gone]
  - sync: open_session
    async: open_session_async
";
    let dir = write_tree(&[
        ("ws/__init__.py", ""),
        (
            "ws/manager.py",
            "async def get_websocket_manager(ctx):\n    return ctx\n\n\ndef get_websocket_manager_async(ctx):\n    return ctx\n",
        ),
        (
            "app/session.py",
            "async def open_session():\n    pass\n\n\nasync def open_session_async():\n    pass\n",
        ),
        ("stale.yaml", stale),
    ]);
    let out = assert_cmd::Command::cargo_bin("awaitfix")
        .unwrap()
        .args(["transforms", "verify", ".", "--transform", "stale.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("transforms_verify_stale", String::from_utf8_lossy(&out.stdout));
    });

    // The same pairs, defined as the transform says, are fine.
    std::fs::write(
        dir.path().join("ws/manager.py"),
        "def get_websocket_manager(ctx):\n    return ctx\n\n\nasync def get_websocket_manager_async(ctx):\n    return ctx\n",
    )
    .unwrap();
    let fine = "id: fine\npairs:\n  - sync: get_websocket_manager\n    async: get_websocket_manager_async\n    modules: [ws.manager]\n";
    std::fs::write(dir.path().join("fine.yaml"), fine).unwrap();
    let out = assert_cmd::Command::cargo_bin("awaitfix")
        .unwrap()
        .args(["transforms", "verify", "--transform", "fine.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "fine: ok (1 pair)\n");
    assert_eq!(out.status.code(), Some(0));
}

/// `discover` on a project with pairs defined side by side, split over modules and re-exported by a package:
/// each pair once, sorted by misuse, and a transform YAML that `check` accepts and that finds the sites.
#[test]
fn discover_lists_the_pairs_and_writes_a_usable_transform() {
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/discover"), dir.path());
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("awaitfix")
            .unwrap()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, text) = run(&["discover"]);
    assert_eq!(code, Some(0));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("discover_text", text);
    });

    let (_, yaml) = run(&["discover", "--format", "yaml"]);
    std::fs::write(dir.path().join("pairs.yaml"), &yaml).unwrap();
    assert_eq!(run(&["transforms", "validate", "pairs.yaml"]).0, Some(0));
    let (code, found) = run(&["check", "--transform", "pairs.yaml", "--format", "json", "."]);
    assert_eq!(code, Some(1));
    let found: Vec<serde_json::Value> = serde_json::from_str(&found).unwrap();
    let codes: Vec<&str> = found.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["AWF001", "AWF001", "AWF001", "AWF001", "AWF002", "AWF003"],
        "the sites `discover` counted"
    );
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// AWF005 over a whole tree named by `AWAITFIX_TREE` (the benchmark corpus): every site with its chain, and
/// the time taken. `AWAITFIX_TREE=/path cargo test --release --test project -- --ignored --nocapture`.
#[test]
#[ignore = "needs a tree named by AWAITFIX_TREE"]
fn awf005_over_a_tree() {
    let root = PathBuf::from(std::env::var("AWAITFIX_TREE").expect("AWAITFIX_TREE names a folder"));
    let start = std::time::Instant::now();
    let mut files = Vec::new();
    python_files(&root, &mut files);
    files.sort();
    let map = ModuleMap::discover(std::slice::from_ref(&root));
    let index = ProjectIndex::new(map.clone());
    let mut sites = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        if !text.contains("await") {
            continue;
        }
        let tree = awaitfix::parse::parse(&text).unwrap();
        let Some((name, is_package)) = map.module_of(path) else { continue };
        let file = ModuleFile { name: &name, is_package, text: &text, tree: &tree };
        for site in awaits::find(&index, &file) {
            let line = text[..site.range.start].matches('\n').count() + 1;
            let chain: Vec<String> =
                site.resolved.chain.iter().map(|h| format!("{}:{}", h.module, h.name)).collect();
            println!(
                "{}:{line}: {} {:?} via {}",
                path.display(),
                site.callee,
                site.never,
                chain.join(" -> ")
            );
            sites += 1;
        }
    }
    println!("{sites} sites in {} files, {:?}", files.len(), start.elapsed());
}
