//! Helpers shared by the integration tests.

use std::io::Write;
use std::process::{Command, Stdio};

/// Asserts that CPython compiles `source` (a stricter check than tree-sitter: `await` outside `async def` fails).
pub fn python_compiles(name: &str, source: &str) {
    let mut child = Command::new("python3")
        .args(["-c", "import sys; compile(sys.stdin.read(), sys.argv[1], 'exec')", name])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name}: python3 rejects the result:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
