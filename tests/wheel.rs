//! The Python wheel (pyproject.toml, built by maturin) installs a working `awaitfix` command into a fresh
//! virtualenv. Needs `maturin` on PATH: `scripts/test` provides it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
}
