//! A bounded run of the rewrite fuzzer (`scripts/fuzz_rewrites.py`): a few hundred mutants of CPython's own
//! standard library files, with pair calls planted in their async functions, rewritten by `apply` in both
//! modes and judged by the fuzzer's AST oracle. `--strict` fails on any failure outside the shapes known to
//! be handled wrongly (the script's `PENDING`, empty today), and when such a shape occurred and no longer
//! fails. Seeded, so a
//! failure reproduces with the same command; long runs use the script directly (README, "Testing").

use std::process::Command;

#[test]
fn bounded_fuzz_run_finds_no_new_failure() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("python3")
        .arg(format!("{root}/scripts/fuzz_rewrites.py"))
        .args(["--count", "300", "--seed", "1", "--strict", "--awaitfix", env!("CARGO_BIN_EXE_awaitfix")])
        .output()
        .expect("python3 runs");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the fuzzer found failures:\n{report}");
    assert!(report.contains("300 mutants from"), "the fuzzer did not run its mutants:\n{report}");
}
