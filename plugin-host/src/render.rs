//! Rendered inputs: `check --helm CHART` runs `helm template`, `--kustomize DIR` runs
//! `kustomize build` (or `kubectl kustomize`), and the output is checked as manifests.
//!
//! The tool runs as a child process with its arguments as given, never through a shell;
//! user paths come after `--`, so none is read as a flag. Its output is read up to
//! `--max-input-bytes` and it gets [`RENDER_TIMEOUT`] to finish, or it is killed.
//!
//! Helm marks each rendered document with the template it came from (`# Source:
//! web/templates/deployment.yaml`, the chart's name first). The documents of one template
//! become one source, named by that template's file (the chart's folder as given in place
//! of its name), so a finding names the template to change. Its lines count in that
//! template's rendered output, as `helm template CHART --show-only templates/x.yaml`
//! prints it: a template has no line-for-line relation to what it renders.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use kubecheck_core::Source;

use crate::read_limit::{read_to_limit, ReadError};

/// How long `helm template` or `kustomize build` may take; a chart that pulls
/// dependencies from a slow registry is the usual reason to reach it.
pub const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// The most of a failing tool's stderr quoted in the error.
const MAX_STDERR_BYTES: u64 = 16 << 10;

/// `helm template` of `chart` with `values` files, one source per template.
pub fn helm(chart: &Path, values: &[PathBuf], max_bytes: u64) -> Result<Vec<Source>> {
    let mut args: Vec<OsString> = vec!["template".into()];
    for file in values {
        let mut arg = OsString::from("--values=");
        arg.push(file);
        args.push(arg);
    }
    args.push("--".into());
    args.push(chart.into());
    let label = format!("helm template {}", chart.display());
    let text = run("helm", &args, &label, max_bytes).map_err(|error| match error {
        RunError::NotFound => anyhow::anyhow!(
            "`--helm` runs `helm template`, and `helm` is not on the PATH: install Helm \
             (https://helm.sh/docs/intro/install/), or render the chart yourself: \
             `helm template {} | kubecheck check -`",
            chart.display()
        ),
        RunError::Other(error) => error,
    })?;
    Ok(split_by_template(&text, chart, &label))
}

/// `kustomize build DIR`, or `kubectl kustomize DIR` when only `kubectl` is installed.
pub fn kustomize(dir: &Path, max_bytes: u64) -> Result<Source> {
    let tools: [(&str, &[&str]); 2] = [("kustomize", &["build"]), ("kubectl", &["kustomize"])];
    for (tool, command) in tools {
        let mut args: Vec<OsString> = command.iter().map(OsString::from).collect();
        args.push("--".into());
        args.push(dir.into());
        let label = format!("{tool} {} {}", command.join(" "), dir.display());
        match run(tool, &args, &label, max_bytes) {
            Ok(text) => return Ok(Source::new(label, text)),
            Err(RunError::NotFound) => continue,
            Err(RunError::Other(error)) => return Err(error),
        }
    }
    bail!(
        "`--kustomize` runs `kustomize build` or `kubectl kustomize`, and neither `kustomize` \
         nor `kubectl` is on the PATH: install one (Debian: `apt-get install kubernetes-client`), \
         or build it yourself: `kustomize build {} | kubecheck check -`",
        dir.display()
    )
}

enum RunError {
    /// The program is not on the PATH.
    NotFound,
    Other(anyhow::Error),
}

/// Runs `program` with `args`, its stdout read up to `max_bytes`, within
/// [`RENDER_TIMEOUT`]; a failure names `label` (the command as a user would type it).
fn run(program: &str, args: &[OsString], label: &str, max_bytes: u64) -> Result<String, RunError> {
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(RunError::NotFound)
        }
        Err(error) => {
            return Err(RunError::Other(
                anyhow::Error::new(error).context(format!("`{label}`: cannot start")),
            ))
        }
    };
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    // Both pipes are drained at once: a tool blocked writing one would never exit.
    let out = std::thread::spawn(move || {
        let mut stdout = stdout;
        let read = read_to_limit(&mut stdout, max_bytes);
        // Past the limit the rest is dropped, so the tool can finish (or time out).
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        read
    });
    let err = std::thread::spawn(move || {
        let mut quoted = Vec::new();
        let mut stderr = stderr;
        let _ = stderr
            .by_ref()
            .take(MAX_STDERR_BYTES)
            .read_to_end(&mut quoted);
        // The rest is read and dropped, so the tool is not stopped by a full pipe.
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        String::from_utf8_lossy(&quoted).into_owned()
    });
    let status = wait_with_timeout(&mut child, RENDER_TIMEOUT);
    let fail = |message: String| RunError::Other(anyhow::anyhow!("`{label}` {message}"));
    let Some(status) = status.map_err(|e| RunError::Other(e.into()))? else {
        return Err(fail(format!(
            "did not finish within {} s: killed",
            RENDER_TIMEOUT.as_secs()
        )));
    };
    let stdout = out.join().expect("reader thread");
    let stderr = err.join().expect("reader thread");
    if !status.success() {
        return Err(fail(format!("failed ({status}): {}", stderr.trim())));
    }
    match stdout {
        Ok(bytes) => {
            String::from_utf8(bytes).map_err(|_| fail("printed text that is not UTF-8".into()))
        }
        Err(ReadError::TooLarge { limit }) => Err(fail(format!(
            "printed more than {} (raise it with `--max-input-bytes`)",
            crate::read_limit::Bytes(limit)
        ))),
        Err(error) => Err(fail(format!("output unreadable: {error}"))),
    }
}

/// The child's exit status, or `None` once `timeout` passed (the child is then killed).
fn wait_with_timeout(
    child: &mut Child,
    timeout: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() >= timeout {
            // Killing also closes the pipes, which ends the reader threads.
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `helm template` output as one source per template (in order of first appearance),
/// each the `---`-separated documents of that template with their `# Source:` lines.
/// Documents before any `# Source:` line are named `label`.
pub fn split_by_template(rendered: &str, chart: &Path, label: &str) -> Vec<Source> {
    let mut sources: Vec<Source> = Vec::new();
    for document in documents(rendered) {
        let name = document
            .lines()
            .take_while(|line| line.is_empty() || line.starts_with('#') || *line == "---")
            .find_map(|line| line.strip_prefix("# Source: "))
            .map_or_else(
                || label.to_owned(),
                |template| template_path(template, chart),
            );
        match sources.iter_mut().find(|s| s.name == name) {
            Some(source) => source.text.push_str(document),
            None => sources.push(Source::new(name, document)),
        }
    }
    sources.retain(|source| {
        !source
            .text
            .trim_matches(|c| c == '-' || c == '\n')
            .is_empty()
    });
    sources
}

/// The documents of a YAML stream, each from its `---` line to the next.
fn documents(stream: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = vec![0];
    let mut offset = 0;
    for line in stream.split_inclusive('\n') {
        if offset > 0 && line.trim_end() == "---" {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(stream.len());
    starts.windows(2).map(|w| &stream[w[0]..w[1]]).collect()
}

/// A template path as Helm prints it (`web/templates/deployment.yaml`) with the chart's
/// folder in place of the chart's name, so it names the file; as printed when `chart`
/// is not a folder (a packaged or remote chart).
fn template_path(printed: &str, chart: &Path) -> String {
    let printed = printed.trim();
    match printed.split_once('/') {
        Some((_, inside)) if chart.is_dir() => chart.join(inside).display().to_string(),
        _ => printed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENDERED: &str = "---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n# Source: web/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web-extra\n";

    #[test]
    fn each_template_is_one_source_with_its_documents_in_order() {
        let sources =
            split_by_template(RENDERED, Path::new("no-such-chart.tgz"), "helm template x");
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "web/templates/serviceaccount.yaml",
                "web/templates/deployment.yaml"
            ]
        );
        assert_eq!(
            sources[0].text,
            "---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web-extra\n"
        );
    }

    #[test]
    fn a_chart_folder_replaces_the_chart_name_and_unmarked_documents_keep_the_label() {
        let chart = std::env::temp_dir();
        let sources = split_by_template(
            "kind: Namespace\n---\n# Source: web/charts/db/templates/a.yaml\nkind: Pod\n",
            &chart,
            "helm template x",
        );
        assert_eq!(sources[0].name, "helm template x");
        assert_eq!(
            sources[1].name,
            chart
                .join("charts/db/templates/a.yaml")
                .display()
                .to_string()
        );
    }
}
