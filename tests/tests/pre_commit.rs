//! `.pre-commit-hooks.yaml` as a pre-commit user meets it: `pre-commit try-repo` with
//! this checkout as the hook repository, in a fresh git repository with staged
//! manifests, and `kubecheck` on the PATH. pre-commit comes from PyPI into a virtualenv
//! that `scripts/setup.sh --test` makes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use kubecheck_tests::{kubecheck_bin, output_within, present_or_skip, repo_root};

fn pre_commit() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // target/<profile>/deps/<test> -> target/pre-commit-venv
    let target = exe.parent()?.parent()?.parent()?;
    let bin = target.join("pre-commit-venv/bin/pre-commit");
    bin.is_file().then_some(bin)
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `pre-commit try-repo <this checkout> kubecheck` on the staged files of `repo`.
fn run_hook(pre_commit: &Path, repo: &Path, home: &Path, bin_dir: &Path) -> Output {
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(pre_commit);
    command
        .arg("try-repo")
        .arg(repo_root().canonicalize().expect("checkout"))
        .arg("kubecheck")
        .current_dir(repo)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1");
    output_within(&mut command, b"", Duration::from_secs(300))
}

#[test]
fn the_hook_fails_on_a_risky_staged_manifest_and_passes_on_a_clean_one() {
    let Some(pre_commit) = pre_commit() else {
        present_or_skip(
            false,
            "pre-commit is not installed: run scripts/setup.sh --test (it makes target/pre-commit-venv)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let home = dir.path().join("pre-commit-home");
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(kubecheck_bin(), bin_dir.join("kubecheck")).unwrap();
    git(&repo, &["init", "--quiet"]);

    let risky =
        std::fs::read_to_string(repo_root().join("examples/manifests/risky-deployment.yaml"))
            .unwrap();
    std::fs::write(repo.join("risky.yaml"), risky).unwrap();
    git(&repo, &["add", "risky.yaml"]);
    let failed = run_hook(&pre_commit, &repo, &home, &bin_dir);
    let shown = String::from_utf8_lossy(&failed.stdout);
    let log = std::fs::read_to_string(home.join("pre-commit.log")).unwrap_or_default();
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{shown}\npre-commit.log:\n{log}"
    );
    assert!(
        shown.contains("kubecheck") && shown.contains("Failed"),
        "{shown}"
    );
    assert!(shown.contains("privileged-container"), "{shown}");

    git(&repo, &["rm", "--quiet", "--cached", "risky.yaml"]);
    std::fs::remove_file(repo.join("risky.yaml")).unwrap();
    std::fs::write(
        repo.join("config.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: info\n",
    )
    .unwrap();
    git(&repo, &["add", "config.yaml"]);
    let passed = run_hook(&pre_commit, &repo, &home, &bin_dir);
    let shown = String::from_utf8_lossy(&passed.stdout);
    assert_eq!(passed.status.code(), Some(0), "{shown}");
    assert!(shown.contains("Passed"), "{shown}");
}
