//! `check --jobs N` reports exactly what `--jobs 1` does: files, documents, rules and
//! plugins run side by side, and their results are joined in input order.

use kubecheck_tests::{built_plugin, corpus, run_kubecheck};

/// The same check with one thread and with four (more than this machine's cores, so
/// every part is split), compared byte for byte.
fn assert_same_output_sequential_and_parallel(args: &[&str]) {
    let run = |jobs: &str| {
        let mut all = vec!["check", "--jobs", jobs, "--color", "never"];
        all.extend_from_slice(args);
        run_kubecheck(&all, None)
    };
    let sequential = run("1");
    let parallel = run("4");
    let stderr = String::from_utf8_lossy(&parallel.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !sequential.stdout.is_empty(),
        "no output for {args:?}: {stderr}"
    );
    assert_eq!(sequential.status.code(), parallel.status.code(), "{args:?}");
    assert!(
        sequential.stdout == parallel.stdout,
        "{args:?}: --jobs 4 differs from --jobs 1 at byte {}",
        sequential
            .stdout
            .iter()
            .zip(&parallel.stdout)
            .position(|(a, b)| a != b)
            .unwrap_or(sequential.stdout.len().min(parallel.stdout.len()))
    );
    assert_eq!(sequential.stderr, parallel.stderr, "{args:?}");
}

#[test]
fn real_corpus_reports_are_the_same_for_any_number_of_jobs_in_every_format() {
    let Some(real) = corpus("real") else { return };
    let real = real.to_str().unwrap();
    for format in ["text", "json", "sarif", "github", "junit", "gitlab"] {
        assert_same_output_sequential_and_parallel(&["--format", format, real]);
    }
}

#[test]
fn plugins_side_by_side_report_as_one_after_another() {
    let Some(allowed) = built_plugin("allowed-registries.wasm") else {
        return;
    };
    assert_same_output_sequential_and_parallel(&[
        "--format",
        "json",
        "--plugin",
        "examples/plugins/wat-edge-lb/plugin.wasm",
        "--plugin",
        allowed.to_str().unwrap(),
        "--enable",
        "all",
        "examples/manifests",
    ]);
}
