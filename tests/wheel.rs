//! The Python wheel (pyproject.toml, built by maturin) installs a working `awaitfix` command and
//! `python -m awaitfix` into a fresh virtualenv, and the pre-commit mirror installs it from a local folder of
//! wheels for a real `pre-commit run --all-files`. Needs `maturin` and `pre-commit` on PATH: `scripts/test`
//! provides them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const SOURCE: &str =
    "from m import get_websocket_manager\nasync def f():\n    return await get_websocket_manager()\n";

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// Runs `cmd` and returns its output; panics with everything it printed if it does not exit `expected`.
fn run(cmd: &mut Command, expected: i32) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert_eq!(
        out.status.code(),
        Some(expected),
        "{cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn the_wheel(dir: &Path) -> PathBuf {
    let wheels: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "expected one wheel in {}: {wheels:?}", dir.display());
    wheels.into_iter().next().unwrap()
}

#[test]
fn wheel_installs_a_working_command() {
    let maturin = on_path("maturin").expect(
        "maturin not found: run the tests through scripts/test, which installs tests/requirements.txt",
    );

    // A dev build: no optimisation, cached in its own target folder after the first run. Its own folder,
    // because a build without the dev-dependencies' features would otherwise replace target/debug/awaitfix
    // while other tests run it. The plain `linux` tag and no auditwheel: the wheel only has to install here,
    // not on PyPI.
    let wheels = tempfile::tempdir().unwrap();
    run(
        Command::new(maturin)
            .args(["build", "--locked", "--quiet"])
            .args(["--compatibility", "linux", "--auditwheel", "skip"])
            .arg("--out")
            .arg(wheels.path())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("target/wheel")),
        0,
    );
    let wheel = the_wheel(wheels.path());

    // A virtualenv without pip of its own (seeding one takes several seconds): the pip of the python3 on PATH
    // (the test virtualenv's, under scripts/test) installs into it, from the wheel alone.
    let venv = tempfile::tempdir().unwrap();
    run(Command::new("python3").args(["-m", "venv", "--without-pip"]).arg(venv.path()), 0);
    let python = venv.path().join("bin/python");
    run(
        Command::new("python3")
            .args(["-m", "pip", "--python"])
            .arg(&python)
            .args(["install", "--quiet", "--no-index", "--no-cache-dir", "--disable-pip-version-check"])
            .arg(&wheel),
        0,
    );
    let awaitfix = venv.path().join("bin/awaitfix");

    let out = run(Command::new(&awaitfix).arg("--version"), 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), concat!("awaitfix ", env!("CARGO_PKG_VERSION")));

    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("a.py"), SOURCE).unwrap();
    let out = run(Command::new(&awaitfix).arg("check").arg(project.path()).env("NO_COLOR", "1"), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("a.py:3:12: AWF001"), "{stdout}");

    python_m_runs_the_binary(&python, project.path());
    pre_commit_mirror_installs_the_wheel(wheels.path());
}

/// `python -m awaitfix` (python/awaitfix/__main__.py) runs the installed binary with the same arguments and
/// exits with its code: 0 for `--version`, 1 for findings, 2 for a usage error.
fn python_m_runs_the_binary(python: &Path, project: &Path) {
    let out = run(Command::new(python).args(["-m", "awaitfix", "--version"]), 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), concat!("awaitfix ", env!("CARGO_PKG_VERSION")));

    let out =
        run(Command::new(python).args(["-m", "awaitfix", "check"]).arg(project).env("NO_COLOR", "1"), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("a.py:3:12: AWF001"), "{stdout}");

    let out = run(Command::new(python).args(["-m", "awaitfix", "check", "--no-such-option"]), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-option"));

    // The package also finds the binary for tools that run it themselves.
    let code = "import awaitfix, os; print(os.path.realpath(awaitfix.find_awaitfix_bin()))";
    let out = run(Command::new(python).args(["-c", code]), 0);
    let found = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let installed = python.parent().unwrap().join("awaitfix").canonicalize().unwrap();
    assert_eq!(found, installed);
}

/// The pre-commit mirror (`scripts/pre-commit-mirror`) installs the prebuilt wheel, with no Rust build: a
/// project's `.pre-commit-config.yaml` points at a mirror repository, and pip takes the wheel just built from
/// a local folder (`PIP_FIND_LINKS`, no index), as it would from the package index. The check hook fails on a
/// site, the fix hook rewrites it, and the next `pre-commit run --all-files` passes.
fn pre_commit_mirror_installs_the_wheel(wheels: &Path) {
    let pre_commit = on_path("pre-commit").expect(
        "pre-commit not found: run the tests through scripts/test, which installs tests/requirements.txt",
    );
    // The mirror package is built with setuptools; it comes from the index once, then from the folder.
    run(
        Command::new("python3")
            .args(["-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--dest"])
            .arg(wheels)
            .arg("setuptools>=61"),
        0,
    );
    let mirror = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pre-commit-mirror");
    run(Command::new("python3").arg(script).arg(mirror.path()).arg("--commit").envs(GIT_IDENTITY), 0);
    let hooks = std::fs::read_to_string(mirror.path().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("id: awaitfix-fix"), "{hooks}");

    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("a.py"), SOURCE).unwrap();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: v{}\n    hooks:\n      - id: awaitfix\n      - id: awaitfix-fix\n",
        mirror.path().display(),
        env!("CARGO_PKG_VERSION")
    );
    std::fs::write(project.path().join(".pre-commit-config.yaml"), config).unwrap();
    run(Command::new("git").args(["init", "--quiet"]).current_dir(project.path()), 0);
    run(Command::new("git").args(["add", "a.py", ".pre-commit-config.yaml"]).current_dir(project.path()), 0);

    let home = tempfile::tempdir().unwrap();
    let pre_commit = |args: &[&str], expected: i32| {
        let out = run(
            Command::new(&pre_commit)
                .args(args)
                .args(["--color", "never"])
                .current_dir(project.path())
                .env("PRE_COMMIT_HOME", home.path())
                .env("PIP_FIND_LINKS", wheels)
                .env("PIP_NO_INDEX", "1")
                .env("PATH", without_cargo())
                .envs(GIT_IDENTITY),
            expected,
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The install time README.md records (the target: under 30 s); printed with `-- --nocapture`.
    let start = Instant::now();
    pre_commit(&["install-hooks"], 0);
    eprintln!("pre-commit install-hooks from the mirror: {:.1} s", start.elapsed().as_secs_f64());

    let first = pre_commit(&["run", "--all-files"], 1);
    assert!(first.contains("a.py:3:12: AWF001"), "{first}");
    assert!(first.contains("files were modified by this hook"), "{first}");
    let fixed = std::fs::read_to_string(project.path().join("a.py")).unwrap();
    assert_eq!(fixed, SOURCE.replace("await get_websocket_manager", "get_websocket_manager"));
    let second = pre_commit(&["run", "--all-files"], 0);
    assert_eq!(second.matches("Passed").count(), 2, "{second}");
}

const GIT_IDENTITY: [(&str, &str); 4] = [
    ("GIT_AUTHOR_NAME", "awaitfix"),
    ("GIT_AUTHOR_EMAIL", "awaitfix@example.com"),
    ("GIT_COMMITTER_NAME", "awaitfix"),
    ("GIT_COMMITTER_EMAIL", "awaitfix@example.com"),
];

/// PATH without the folders that hold `cargo` or `rustc`: the mirror must install without a Rust toolchain.
fn without_cargo() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept =
        std::env::split_paths(&path).filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists());
    std::env::join_paths(kept).unwrap()
}
