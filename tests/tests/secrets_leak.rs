//! No output prints a detected secret in full (issue 14, item 1). The secrets corpus
//! (`core/tests/fixtures/secrets-corpus/positives.yaml`, one true positive per detector)
//! goes through every output the tool has for an input: `check` in every `--format`
//! (text, JSON, SARIF, GitHub, JUnit, GitLab) with every rule on, the `--write-baseline`
//! file, the diff `fix` prints, and the server's `/api/check`. No line of `secrets.txt`
//! (a PEM key by the lines of its body), nor the base64 of a one-line secret, may appear;
//! the masked form (`prefix…[sha256:…]`) must be in the text and JSON reports, the diff
//! and the server's answer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use kubecheck_tests::{kubecheck_bin, output_within};

const HANG: Duration = Duration::from_secs(120);

fn corpus(file: &str) -> String {
    // This test's own checkout (the helpers' repository root is that of whichever
    // checkout built them, in a shared target directory).
    let path: PathBuf = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/secrets-corpus")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every form of every secret that must not be printed.
fn forbidden() -> Vec<String> {
    use base64::Engine as _;
    let mut forms = Vec::new();
    for line in corpus("secrets.txt").lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        forms.push(line.to_owned());
        forms.push(base64::engine::general_purpose::STANDARD.encode(line));
    }
    forms
}

fn leaks(what: &str, output: &str, forbidden: &[String]) -> Vec<String> {
    forbidden
        .iter()
        .filter(|secret| output.contains(secret.as_str()))
        .map(|secret| format!("{what}: {secret}"))
        .collect()
}

#[test]
fn no_output_format_prints_a_secret_of_the_corpus() {
    let manifest = corpus("positives.yaml");
    let forbidden = forbidden();
    let dir = tempfile::tempdir().unwrap();
    let mut leaked = Vec::new();
    let baseline = dir.path().join("baseline.json");
    for format in ["text", "json", "sarif", "github", "junit", "gitlab"] {
        let output = output_within(
            Command::new(kubecheck_bin())
                .args(["check", "--format", format, "--enable", "secret-as-env-var"])
                .arg("--write-baseline")
                .arg(&baseline)
                .arg("-")
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .env("KUBECHECK_CACHE_DIR", dir.path().join("cache")),
            manifest.as_bytes(),
            HANG,
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {output:?}");
        let all = String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned();
        leaked.extend(leaks(format, &all, &forbidden));
        let written = std::fs::read_to_string(&baseline).expect("the baseline is written");
        leaked.extend(leaks(
            &format!("{format} --write-baseline"),
            &written,
            &forbidden,
        ));
        // Text masks the secrets in its snippets, JSON lists their masked forms; the
        // others quote no source.
        if matches!(format, "text" | "json") {
            assert!(
                all.contains("…[sha256:"),
                "{format} shows masked secrets:\n{all}"
            );
        }
        for rule in [
            "secrets-in-env",
            "secret-in-config-map",
            "secret-in-command-line",
            "secret-in-metadata",
            "secret-values-in-manifest",
            "secret-in-custom-resource",
        ] {
            assert!(all.contains(rule), "{format} reports `{rule}`");
        }
    }
    // `fix` prints a diff of the manifests: its context lines quote them.
    let file = dir.path().join("positives.yaml");
    std::fs::write(&file, &manifest).unwrap();
    let fix = output_within(
        Command::new(kubecheck_bin())
            .args(["fix", "--unsafe"])
            .arg(&file)
            .env("NO_COLOR", "1")
            .env("KUBECHECK_CACHE_DIR", dir.path().join("cache")),
        b"",
        HANG,
    );
    let diff = String::from_utf8_lossy(&[fix.stdout, fix.stderr].concat()).into_owned();
    assert!(
        diff.contains("@@") && diff.contains("…[sha256:"),
        "fix prints a diff with masked secrets:\n{diff}"
    );
    leaked.extend(leaks("fix (diff)", &diff, &forbidden));
    leaked.extend(leaks(
        "serve /api/check",
        &served_report(&manifest),
        &forbidden,
    ));
    assert!(leaked.is_empty(), "secrets printed: {leaked:#?}");
}

/// The report `kubecheck serve` answers for `manifest`.
fn served_report(manifest: &str) -> String {
    let mut child = Command::new(kubecheck_bin())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
    let addr = loop {
        let line = lines.next().expect("the address is printed").expect("text");
        if let Some(rest) = line.split("serving the web app at http://").nth(1) {
            break rest.split('/').next().expect("host:port").to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let mut stream = TcpStream::connect(&addr).expect("connects");
    stream.set_read_timeout(Some(HANG)).expect("a read timeout");
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/yaml\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        manifest.len()
    );
    stream.write_all(head.as_bytes()).expect("request is sent");
    stream.write_all(manifest.as_bytes()).expect("body is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response is read");
    let _ = child.kill();
    let _ = child.wait();
    let response = String::from_utf8_lossy(&raw).into_owned();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("…[sha256:"), "{response}");
    response
}
