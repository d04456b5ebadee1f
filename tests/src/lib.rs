//! Helpers for the workspace tests in `tests/tests/`: where the binary, the repository and
//! the shared corpora are. The binary is built by the README's test command before the
//! tests run (`cargo build -p kubecheck`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `kubecheck` binary next to the test executable (`target/<profile>/kubecheck`).
pub fn kubecheck_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("KUBECHECK_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let bin = profile_dir.join(format!("kubecheck{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: build it first with `cargo build -p kubecheck` (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// `../shared/corpus` next to the repository, or `$KUBECHECK_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("KUBECHECK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    assert!(
        dir.join("real").is_dir() && dir.join("psa").is_dir(),
        "corpus not found at {} (set KUBECHECK_CORPUS to the folder holding `real/` and `psa/`)",
        dir.display()
    );
    dir
}

/// Runs `kubecheck` with `args` and `stdin`, from the repository root.
pub fn run_kubecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(kubecheck_bin())
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("kubecheck runs");
    writer.join().expect("stdin writer");
    output
}

/// Parses stdout as the JSON report.
pub fn json_report(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}
