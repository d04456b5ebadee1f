//! The web app in a real browser: `tests/browser/app.test.mjs` drives the system's headless
//! Chromium (playwright-core from `tools/`) against the page that the real `kubecheck serve`
//! serves. It needs Chromium, Node.js with `tools/node_modules`, the built page in
//! `dist/web`, and clang and lld (it builds the C example plugin); when one is missing the
//! test is skipped (under `KUBECHECK_REQUIRE_ALL`, fails) and says how to get it.

use std::path::Path;
use std::process::Command;

use kubecheck_tests::{kubecheck_bin, present_or_skip, repo_root};

/// What the browser test needs and is not here, each with how to get it.
fn missing_prerequisites(root: &Path, chromium: &str) -> Vec<String> {
    let mut missing = Vec::new();
    if !Path::new(chromium).is_file() {
        missing.push(format!(
            "Chromium at {chromium}: `scripts/setup.sh --test` (or set CHROMIUM to its path)"
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("Node.js (`node`): `sudo apt-get install -y nodejs npm`".to_owned());
    }
    if !root.join("tools/node_modules/playwright-core").is_dir() {
        missing.push("tools/node_modules/playwright-core: `scripts/setup.sh`".to_owned());
    }
    let installed = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !installed("clang") || !installed("wasm-ld") {
        missing.push("clang and lld (the C example plugin): `scripts/setup.sh --test`".to_owned());
    }
    let page = root.join("dist/web");
    if !page.join("index.html").is_file() || !page.join("kubecheck-web_bg.wasm").is_file() {
        missing.push("the built web app in dist/web: `scripts/build-web.sh`".to_owned());
    }
    missing
}

#[test]
fn web_app_works_in_headless_chromium() {
    let root = repo_root();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let missing = missing_prerequisites(&root, &chromium);
    if !present_or_skip(
        missing.is_empty(),
        format_args!("missing:\n  - {}", missing.join("\n  - ")),
    ) {
        return;
    }
    let output = Command::new("node")
        .arg(root.join("tests/browser/app.test.mjs"))
        .env("KUBECHECK_BIN", kubecheck_bin())
        .env("CHROMIUM", &chromium)
        .current_dir(&root)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The steps and the paste and keystroke timings show with `--nocapture`.
    println!("{stdout}");
    assert!(
        output.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("browser: ok"),
        "browser test ended early:\n{stdout}\n{stderr}"
    );
}
