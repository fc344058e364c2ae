//! Per-file planning, the work each worker does: `cargo bench --bench plan`. Guards against regressions in
//! parsing, resolution and fix planning; `bench/run.sh` measures whole runs against other tools.

use std::path::Path;

use awaitfix::engine::Engine;
use awaitfix::plan::{Want, plan};
use awaitfix::selection::Selection;

fn main() {
    divan::main();
}

fn engine() -> Engine {
    Engine::new(awaitfix::transform::builtins().expect("built-ins validate"))
}

/// A module of `n` async functions, each awaiting the sync factory once.
fn module(n: usize) -> String {
    let mut text = String::from("from app.websocket_core.websocket_manager import get_websocket_manager\n\n");
    for i in 0..n {
        text.push_str(&format!(
            "\nasync def handler_{i}(ctx, message):\n    \"\"\"Handle {i}.\"\"\"\n    manager = await get_websocket_manager(user_context=ctx)\n    for part in message.split(','):\n        manager.send(part.strip())\n    return manager\n\n"
        ));
    }
    text
}

/// The example backend's route module: sixteen sites in every shape.
#[divan::bench]
fn routes_diff(bencher: divan::Bencher) {
    let engine = engine();
    let bytes = include_bytes!("../examples/backend/app/routes/websocket_routes.py");
    bencher.bench(|| {
        plan(&engine, Path::new("routes.py"), bytes, Want::Rewrite, &Selection::all()).expect("plans")
    });
}

/// `check` on modules of growing size: time should grow linearly with the bytes parsed.
#[divan::bench(args = [10, 100, 1000])]
fn module_check(bencher: divan::Bencher, functions: usize) {
    bench_module(bencher, functions, Want::Findings);
}

/// `diff` on the same modules: planning plus the rewrite, verified by re-parsing the statements it changed.
#[divan::bench(args = [10, 100, 1000])]
fn module_diff(bencher: divan::Bencher, functions: usize) {
    bench_module(bencher, functions, Want::Preview);
}

/// `apply` on the same modules: the whole file parsed, and the whole rewrite re-parsed.
#[divan::bench(args = [10, 100, 1000])]
fn module_apply(bencher: divan::Bencher, functions: usize) {
    bench_module(bencher, functions, Want::Rewrite);
}

/// Plans a module of `functions` async functions as `want` says, counting its bytes.
fn bench_module(bencher: divan::Bencher, functions: usize, want: Want) {
    let engine = engine();
    let text = module(functions);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| plan(&engine, Path::new("m.py"), text.as_bytes(), want, &Selection::all()).expect("plans"));
}

/// A large module that mentions the factory once, in its last statement: `check` parses that statement only.
#[divan::bench]
fn one_mention_check(bencher: divan::Bencher) {
    let engine = engine();
    let text = module(1000).replace("get_websocket_manager", "get_other_manager")
        + "\nNAME = \"get_websocket_manager\"\n";
    bencher.bench(|| {
        plan(&engine, Path::new("m.py"), text.as_bytes(), Want::Findings, &Selection::all()).expect("plans")
    });
}

/// One async function holding `sites` awaited sites: `diff` must cost the same per site at any count.
#[divan::bench(args = [1000, 4000])]
fn sites_one_function_diff(bencher: divan::Bencher, sites: usize) {
    let engine = engine();
    let text = String::from("from app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n")
        + &"    manager = await get_websocket_manager(ctx)\n".repeat(sites);
    bencher.counter(divan::counter::BytesCount::of_str(&text)).bench(|| {
        plan(&engine, Path::new("m.py"), text.as_bytes(), Want::Preview, &Selection::all()).expect("plans")
    });
}

/// A large module with one site in its last statement: `apply` plans it from that statement and checks the
/// rest a few statements at a time, never holding a tree of the whole file.
#[divan::bench]
fn one_site_big_file_apply(bencher: divan::Bencher) {
    let engine = engine();
    let text = module(1000).replace("get_websocket_manager", "get_other_manager")
        + "\nfrom app.ws import get_websocket_manager\n\n\nasync def last(ctx):\n    return await get_websocket_manager(ctx)\n";
    bencher.counter(divan::counter::BytesCount::of_str(&text)).bench(|| {
        plan(&engine, Path::new("m.py"), text.as_bytes(), Want::Rewrite, &Selection::all()).expect("plans")
    });
}
