//! End to end: the example backend runs under python3, fails with the TypeError before `apply`, passes after,
//! and the test module that asserts the TypeError on purpose is left byte for byte as it was.

use std::path::Path;
use std::process::Command;

mod support;
use support::copy_tree;

const TYPE_ERROR: &str =
    "TypeError: object _UnifiedWebSocketManagerImplementation can't be used in 'await' expression";

/// Runs the backend's unit tests; returns whether they passed and what they printed.
fn python_tests(dir: &Path) -> (bool, String) {
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests", "-t", "."])
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn awaitfix(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("awaitfix").unwrap().args(args).current_dir(dir).output().unwrap()
}

/// Copies a package, checks that its tests fail with the TypeError once per open finding, applies the fixes
/// with `args`, and checks that its tests then pass, that the file asserting the TypeError is untouched and
/// that nothing is left to fix.
fn runs_after_apply(package: &str, args: &[&str]) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(package);
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&source, dir.path());
    let contract = "tests/test_factory_contract.py";
    let contract_before = std::fs::read(dir.path().join(contract)).unwrap();

    let (passed, log) = python_tests(dir.path());
    assert!(!passed, "{package} must fail before the fix:\n{log}");
    let failures = log.matches(TYPE_ERROR).count();
    let check = awaitfix(dir.path(), &[&["check", "--format", "json"], args].concat());
    let findings: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let open = findings.as_array().unwrap().iter().filter(|f| f["status"] == "open").count();
    assert!(failures >= 12, "a dozen real call paths fail with the TypeError:\n{log}");
    assert_eq!(failures, open, "each failing call path is one site found:\n{log}");

    let apply = awaitfix(dir.path(), &[&["apply"], args].concat());
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    // Importing every module (the tests import them all) raises no NameError or ImportError, and every call
    // path now works.
    let (passed, log) = python_tests(dir.path());
    assert!(passed, "{package} must pass after `apply {}`:\n{log}", args.join(" "));
    assert!(
        !log.contains("TypeError") && !log.contains("NameError") && !log.contains("ImportError"),
        "{log}"
    );
    assert_eq!(
        std::fs::read(dir.path().join(contract)).unwrap(),
        contract_before,
        "intentional file untouched"
    );
    assert_eq!(awaitfix(dir.path(), &[&["check"], args].concat()).status.code(), Some(0));
    let again = awaitfix(dir.path(), &[&["diff"], args].concat());
    assert_eq!(
        again.status.code(),
        Some(0),
        "a second run changes nothing: {}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn example_backend_sync_fix() {
    runs_after_apply("examples/backend", &[]);
}

#[test]
fn example_backend_async_fix() {
    runs_after_apply("examples/backend", &["--prefer", "async"]);
}

#[test]
fn import_layouts_sync_fix() {
    runs_after_apply("tests/fixtures/e2e_imports", &[]);
}

#[test]
fn import_layouts_async_fix() {
    runs_after_apply("tests/fixtures/e2e_imports", &["--prefer", "async"]);
}

/// A second pair, defined by a user's transform file, fixed end to end: `connect` (sync, in `db.sync_api`) and
/// `connect_async` (a coroutine function in `db.aio`), with imports moved to the async module.
#[test]
fn user_transform_pair_runs_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        ("db/__init__.py", ""),
        (
            "db/sync_api.py",
            "class Connection:\n    def query(self):\n        return 42\n\n\ndef connect():\n    return Connection()\n",
        ),
        (
            "db/aio.py",
            "from db.sync_api import Connection\n\n\nasync def connect_async():\n    return Connection()\n",
        ),
        (
            "service.py",
            "import asyncio\n\nfrom db.sync_api import connect\n\n\nasync def answer():\n    conn = await connect()\n    return conn.query()\n\n\ndef main():\n    return asyncio.run(answer())\n",
        ),
        (
            "db.yaml",
            "id: db-connect\npairs:\n  - sync: connect\n    async: connect_async\n    modules: [db.sync_api]\n    async_module: db.aio\nprefer: async\nexamples:\n  - before: |\n      from db.sync_api import connect\n      c = await connect()\n    after: |\n      from db.aio import connect_async\n      c = await connect_async()\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let run = || {
        Command::new("python3")
            .args(["-c", "import service; print(service.main())"])
            .current_dir(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap()
    };
    let before = run();
    assert!(String::from_utf8_lossy(&before.stderr).contains("can't be used in 'await' expression"));
    let test = awaitfix(dir.path(), &["transforms", "test", "db.yaml"]);
    assert_eq!(test.status.code(), Some(0), "{}", String::from_utf8_lossy(&test.stdout));
    let apply = awaitfix(dir.path(), &["apply", "--transform", "db.yaml", "service.py"]);
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    let after = run();
    assert_eq!(String::from_utf8_lossy(&after.stdout), "42\n", "{}", String::from_utf8_lossy(&after.stderr));
    let service = std::fs::read_to_string(dir.path().join("service.py")).unwrap();
    assert!(
        service.contains("from db.aio import connect_async\n") && !service.contains("db.sync_api"),
        "{service}"
    );
}
