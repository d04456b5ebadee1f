//! `kubecheck fix`: check, apply the fixes of the findings (safe ones unless `--unsafe`)
//! as text edits, check again, until nothing more changes; then print a unified diff,
//! write the files in place (`--write`), or write the fixed stdin to stdout (`-`).
//!
//! The edits come from the core (`kubecheck_core::fix`), the same machinery the report's
//! fixes and the web page use; a document whose fixed text does not read back as the
//! wanted value is left as it was and its findings are listed as left.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use kubecheck_core::fix::{self, Applicability};
use kubecheck_core::redact::mask_source;
use kubecheck_core::report::{Finding, ReportError};
use kubecheck_core::{Input, Report, RuleInfo, Session, Source};
use serde_json::Value as Json;

use crate::cli::{CheckArgs, Engine, FailOn, FixArgs, Format};
use crate::commands::check;
use crate::plugin::{self, PluginRuntime};
use crate::{config, inputs};

/// Check, fix, check again: at most this many rounds (a fix can make another finding,
/// e.g. a new `securityContext` that a second rule then completes).
const MAX_ROUNDS: usize = 4;

pub fn run(args: FixArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let stdin = args.paths.iter().any(|p| p == Path::new("-"));
    if stdin && args.paths.len() > 1 {
        bail!("`-` (stdin) must be the only path");
    }
    if stdin && args.write {
        bail!("`--write` needs files: with `-` the fixed input goes to stdout");
    }
    let check_args = as_check_args(&args);
    let config = config::load(args.config.as_deref())?;
    let options = check::options(&check_args, config.as_ref().map(|(_, c)| c));
    let configured = check::plugins(&check_args, config.as_ref())?;
    let runtime = match configured.is_empty() {
        true => None,
        false => Some(PluginRuntime::new()?),
    };
    let plugins = runtime
        .as_ref()
        .map(|r| plugin::load(r, &configured))
        .unwrap_or_default();
    let mut rules = kubecheck_core::builtin_rules();
    rules.extend(plugins.rules());
    let unknown: Vec<String> = options
        .unknown_selectors(&rules)
        .into_iter()
        .filter(|s| !plugins.names_failed_plugin(s))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{}",
            kubecheck_core::options::unknown_selectors_message(&unknown)
        );
    }
    let config_file = config.as_ref().map(|(path, _)| path.as_path());
    let mut loaded = inputs::load_with(&args.paths, args.max_input_bytes, config_file);
    let roots = check::context_roots(config.as_ref())?;
    inputs::assign_contexts(&mut loaded.sources, args.context, &roots);
    let unreadable: Vec<ReportError> = loaded
        .unreadable
        .into_iter()
        .map(|(source, e)| ReportError {
            source,
            document: None,
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
            plugin: None,
        })
        .collect();
    let run_check = |sources: &[Source]| -> Report {
        let input = Input::parse(sources.to_vec());
        let session = Session::new(&input, &options);
        let findings = session.run_builtin();
        let plugin_run = plugin::run(&plugins, &session);
        plugin::report(&session, findings, &rules, plugin_run, unreadable.clone())
    };

    let original: Vec<Source> = loaded.sources;
    let mut sources = original.clone();
    let first = run_check(&sources);
    let mut report = first.clone();
    let mut refused: HashMap<String, Vec<usize>> = HashMap::new();
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        let patches = patches_by_source(&report, args.unsafe_fixes);
        let mut changed = false;
        for source in &mut sources {
            let Some(documents) = patches.get(&source.name) else {
                continue;
            };
            let documents: Vec<(usize, Vec<Json>)> =
                documents.iter().map(|(d, ops)| (*d, ops.clone())).collect();
            let fixed = fix::fix_source(&source.text, &documents);
            if !fixed.refused.is_empty() {
                refused
                    .entry(source.name.clone())
                    .or_default()
                    .extend(fixed.refused);
            }
            if fixed.text != source.text {
                source.text = fixed.text;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        rounds += 1;
        report = run_check(&sources);
    }

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut write_errors = 0;
    let changed: Vec<(&Source, &Source)> = original
        .iter()
        .zip(&sources)
        .filter(|(before, after)| before.text != after.text)
        .collect();
    if stdin {
        if let Some(source) = sources.first() {
            out.write_all(source.text.as_bytes())?;
        }
    } else if args.write {
        for (before, after) in &changed {
            if let Err(error) = write_in_place(Path::new(&before.name), &before.text, &after.text) {
                write_errors += 1;
                let message = format!("{error:#}");
                eprintln!(
                    "kubecheck: error: {}",
                    kubecheck_core::output::escape(&message)
                );
            }
        }
    } else {
        let color = check::color_enabled(args.color);
        for (before, after) in &changed {
            // A diff quotes the manifests: their secrets are masked as in the text
            // report, a secret alike on both sides, so unchanged lines still pair up.
            let (masked_before, masked_after) = (
                mask_source(&before.text, &before.name, &first.redactions),
                mask_source(&after.text, &after.name, &report.redactions),
            );
            write_diff(&mut out, &before.name, &masked_before, &masked_after, color)?;
        }
    }
    out.flush()?;
    drop(out);

    let summary = Summary::new(&first, &report, &refused, &args, &rules);
    let verb = match (args.write, stdin) {
        (true, _) => "fixed",
        (false, true) => "fixed in the output",
        (false, false) => "fixed by the diff",
    };
    let mut err = std::io::stderr().lock();
    summary.write(&mut err, verb, changed.len(), rounds, started)?;
    if !report.errors.is_empty() || write_errors > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(match report.findings.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
}

/// The `check` options `fix` shares.
fn as_check_args(args: &FixArgs) -> CheckArgs {
    CheckArgs {
        paths: args.paths.clone(),
        helm: None,
        helm_values: Vec::new(),
        kustomize: None,
        format: Some(Format::Text),
        fail_on: Some(FailOn::Never),
        require_reason: false,
        no_inline_suppressions: false,
        no_foreign_suppressions: false,
        rules: args.rules.clone(),
        pss: args.pss,
        k8s_version: args.k8s_version,
        context: args.context,
        config: args.config.clone(),
        plugins: args.plugins.clone(),
        allow_precompiled: args.allow_precompiled,
        engine: Engine::Native,
        color: args.color,
        baseline: None,
        write_baseline: None,
        max_input_bytes: args.max_input_bytes,
        jobs: None,
    }
}

/// The report patches to apply, per source and document, in the findings' order.
fn patches_by_source(
    report: &Report,
    unsafe_fixes: bool,
) -> HashMap<String, BTreeMap<usize, Vec<Json>>> {
    let mut patches: HashMap<String, BTreeMap<usize, Vec<Json>>> = HashMap::new();
    for finding in &report.findings {
        let Some(fix) = finding.fix.as_ref().filter(|f| applies(f, unsafe_fixes)) else {
            continue;
        };
        patches
            .entry(finding.location.source.clone())
            .or_default()
            .entry(finding.location.document)
            .or_default()
            .extend(fix.patch.iter().cloned());
    }
    patches
}

fn applies(fix: &kubecheck_core::report::Fix, unsafe_fixes: bool) -> bool {
    !fix.edits.is_empty() && (unsafe_fixes || fix.applicability == Applicability::Safe)
}

/// Writes `text` over `path` atomically: a temporary file in the same folder with the
/// file's permissions, flushed to disk, then renamed over it. The file must still hold
/// what was read (`read`); a byte-order mark it had is kept.
fn write_in_place(path: &Path, read: &str, text: &str) -> Result<()> {
    // Through a symbolic link: the file it names is replaced, the link stays.
    let path = std::fs::canonicalize(path).with_context(|| format!("{}", path.display()))?;
    let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom = bytes.starts_with(BOM);
    if &bytes[if bom { BOM.len() } else { 0 }..] != read.as_bytes() {
        bail!("{}: changed since it was read; not written", path.display());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&path)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".kubecheck-fix-")
        .tempfile_in(dir)
        .with_context(|| format!("{}: temporary file", dir.display()))?;
    if bom {
        temp.write_all(BOM)?;
    }
    temp.write_all(text.as_bytes())?;
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    // On any error before this, dropping `temp` removes it: the file is untouched.
    temp.persist(&path)
        .with_context(|| format!("{}: replacing it", path.display()))?;
    Ok(())
}

fn write_diff(
    out: &mut impl Write,
    name: &str,
    before: &str,
    after: &str,
    color: bool,
) -> Result<()> {
    let name = kubecheck_core::output::escape(name);
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string();
    for line in text.split_inclusive('\n') {
        let style = match line.as_bytes().first() {
            _ if !color => "",
            Some(b'+') if line.starts_with("+++") => "\x1b[1m",
            Some(b'-') if line.starts_with("---") => "\x1b[1m",
            Some(b'+') => "\x1b[32m",
            Some(b'-') => "\x1b[31m",
            Some(b'@') => "\x1b[36m",
            _ => "",
        };
        // The manifests' own bytes, control characters escaped as in every other output.
        let shown = kubecheck_core::output::escape(line.trim_end_matches(['\n', '\r']));
        let end = &line[line.trim_end_matches(['\n', '\r']).len()..];
        match style {
            "" => write!(out, "{shown}{end}")?,
            _ => write!(out, "{style}{shown}\x1b[0m{end}")?,
        }
    }
    Ok(())
}

/// What was fixed and what is left, per rule.
struct Summary {
    fixed: BTreeMap<String, usize>,
    new: BTreeMap<String, usize>,
    left: BTreeMap<(String, &'static str), usize>,
    left_total: usize,
}

impl Summary {
    fn new(
        first: &Report,
        last: &Report,
        refused: &HashMap<String, Vec<usize>>,
        args: &FixArgs,
        rules: &[RuleInfo],
    ) -> Summary {
        let count = |findings: &[Finding]| {
            let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
            for f in findings {
                *by_rule.entry(f.rule.clone()).or_default() += 1;
            }
            by_rule
        };
        let (before, after) = (count(&first.findings), count(&last.findings));
        let mut fixed = BTreeMap::new();
        let mut new = BTreeMap::new();
        for rule in before.keys().chain(after.keys()) {
            let (b, a) = (
                before.get(rule).copied().unwrap_or(0),
                after.get(rule).copied().unwrap_or(0),
            );
            if b > a {
                fixed.insert(rule.clone(), b - a);
            } else if a > b {
                new.insert(rule.clone(), a - b);
            }
        }
        let mut left = BTreeMap::new();
        for f in &last.findings {
            let reason = match &f.fix {
                None => match rules.iter().find(|r| r.id == f.rule).and_then(|r| r.fix) {
                    Some(_) => "no automatic fix for this case",
                    None => "the rule has no automatic fix",
                },
                Some(fix) if fix.edits.is_empty() => "the layout allows no text edit",
                Some(fix) if !args.unsafe_fixes && fix.applicability == Applicability::Unsafe => {
                    "unsafe fix: review it, then apply with --unsafe"
                }
                Some(_)
                    if refused
                        .get(&f.location.source)
                        .is_some_and(|docs| docs.contains(&f.location.document)) =>
                {
                    "the fixed text did not read back as the fix: left as it was"
                }
                Some(_) => "the fix did not resolve it",
            };
            *left.entry((f.rule.clone(), reason)).or_default() += 1;
        }
        Summary {
            fixed,
            new,
            left,
            left_total: last.findings.len(),
        }
    }

    fn write(
        &self,
        out: &mut impl Write,
        verb: &str,
        files: usize,
        rounds: usize,
        started: Instant,
    ) -> Result<()> {
        let total: usize = self.fixed.values().sum();
        writeln!(
            out,
            "kubecheck fix: {total} finding{} {verb} in {files} file{} ({rounds} round{}, {:.2}s)",
            plural(total),
            plural(files),
            plural(rounds),
            started.elapsed().as_secs_f64()
        )?;
        for (rule, n) in &self.fixed {
            writeln!(out, "  fixed  {n:>5}  {rule}")?;
        }
        for (rule, n) in &self.new {
            writeln!(
                out,
                "  new    {n:>5}  {rule} (made by a fix: please report it)"
            )?;
        }
        if self.left_total > 0 {
            writeln!(
                out,
                "{} finding{} left:",
                self.left_total,
                plural(self.left_total)
            )?;
        }
        for ((rule, reason), n) in &self.left {
            writeln!(out, "  left   {n:>5}  {rule}: {reason}")?;
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
