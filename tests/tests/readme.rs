//! The README's `console` blocks run against the real binary (trycmd), so the tour shows
//! what `kubecheck` prints today. In them `? N` under a command is its exit code and a
//! line `...` stands for lines left out.

use kubecheck_tests::{kubecheck_bin, repo_root};

#[test]
fn readme_console_blocks_print_what_the_binary_prints() {
    // The blocks' paths are relative to the repository root.
    std::env::set_current_dir(repo_root()).expect("the repository root");
    let home = tempfile::tempdir().expect("a temporary directory");
    trycmd::TestCases::new()
        .register_bin("kubecheck", kubecheck_bin())
        // Plain text as in the README; the plugin's compile cache and key in a throwaway place.
        .env("NO_COLOR", "1")
        .env(
            "XDG_CACHE_HOME",
            home.path().join("cache").display().to_string(),
        )
        .env(
            "XDG_CONFIG_HOME",
            home.path().join("config").display().to_string(),
        )
        .case("README.md")
        .run();
}
