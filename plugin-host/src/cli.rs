//! The command line, declared with clap: each `///` is the help text.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "kubecheck", version = crate::builtin_wasm::VERSION, about = "Security checks for Kubernetes manifests", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests (files, folders, or `-` for stdin) and report findings.
    Check(CheckArgs),
    /// Apply the findings' automatic fixes: print a diff, edit files (`--write`), or
    /// fix stdin to stdout (`-`).
    Fix(FixArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print the documentation of a rule.
    Explain(ExplainArgs),
    /// Inspect or precompile WebAssembly rule plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Serve the web app at `/`, the JSON API (`POST /v1/check`, `GET /v1/rules`), a
    /// validating admission webhook (`POST /v1/admission`), health checks and metrics.
    Serve(ServeArgs),
    /// Show which workloads reach which under the NetworkPolicies of the input.
    Netpol(crate::commands::netpol::NetpolArgs),
    /// Ask the RBAC objects of the manifests who can do what, offline.
    #[command(subcommand)]
    Access(AccessCommand),
}

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Subjects (and the workloads running as them) that can do VERB on RESOURCE, with
    /// the binding and rule that allow it.
    WhoCan {
        /// A verb: `get`, `create`, `escalate`…
        verb: String,
        /// As `kubectl auth can-i` takes it: `pods`, `pods/exec`, `deployments.apps`.
        resource: String,
        /// Only grants that apply in this namespace.
        #[arg(short = 'n', long)]
        namespace: Option<String>,
        #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
        format: AccessFormat,
        /// Manifest files or folders, joined as one cluster.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// What SUBJECT can do: `User:NAME`, `Group:NAME`, `ServiceAccount:NS:NAME` or
    /// `system:serviceaccount:NS:NAME`.
    Of {
        subject: String,
        #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
        format: AccessFormat,
        /// Manifest files or folders, joined as one cluster.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`HOST:PORT`; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Also accept this name in the `Host` header (repeatable). On a loopback address only
    /// `localhost`, `127.0.0.1` and `[::1]` with the server's port are accepted, against DNS
    /// rebinding; on another address any `Host` is, unless names are given here.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Most connections open at once; further ones wait until one closes
    /// [default: 256, lowered to fit the open-file limit].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
    /// Most checks running at once; a request beyond them waits `--queue-wait`, then gets
    /// 503 with `Retry-After` [default: the number of CPUs, at most 4].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_checks: Option<u32>,
    /// Milliseconds a request waits for a check slot before it gets 503 (0: at once).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub queue_wait: u64,
    /// Write one JSON line per request to stderr: time, method, endpoint, status,
    /// milliseconds, and for admission the review's uid, the object's kind and name and the
    /// decision. Never a header, a body or manifest content.
    #[arg(long)]
    pub access_log: bool,
    /// Largest request body the API accepts, in bytes or with a K, M or G suffix (KiB, MiB,
    /// GiB); a larger one gets 413.
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = crate::commands::serve::parse_size)]
    pub max_body: usize,
    /// Largest JSON report the API answers with (SIZE as for `--max-body`); a larger one
    /// gets 422.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = crate::commands::serve::parse_size)]
    pub max_report: usize,
    /// Seconds a client has to complete the TLS handshake and send a request's headers;
    /// also how long an idle connection is kept open.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds a client has to send a request body; also how long a response waits for
    /// the client to read it.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,
    /// PEM certificate chain (leaf first): serve HTTPS (TLS 1.2 and 1.3) instead of HTTP.
    /// The files are read again whenever they change, without a restart.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Listen on an address other than loopback without TLS (on a trusted network only:
    /// admission reviews carry whole objects, Secrets included).
    #[arg(long)]
    pub insecure_listen: bool,
    /// Seconds requests in flight get to finish after SIGTERM or SIGINT; connections still
    /// open then are closed.
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    pub shutdown_timeout: u64,
    /// Admission: how findings count. `enforce` denies a request with a finding at or above
    /// `--enforce-at` and warns of the others, `warn` allows and warns of all, `audit`
    /// allows and only records them (audit annotation, metrics).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = AdmissionMode::Enforce)]
    pub admission_mode: AdmissionMode,
    /// Admission: the lowest severity that denies in `enforce` mode.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub enforce_at: kubecheck_core::Severity,
    /// Admission: judge this namespace's requests in another mode, e.g. `legacy=warn`
    /// (repeatable).
    #[arg(long = "namespace-mode", value_name = "NS=MODE", value_parser = parse_namespace_mode)]
    pub namespace_modes: Vec<(String, AdmissionMode)>,
    /// Admission: allow this namespace's requests unchecked (repeatable; giving one
    /// replaces the default).
    #[arg(
        long = "exempt-namespace",
        value_name = "NS",
        default_value = "kube-system"
    )]
    pub exempt_namespaces: Vec<String>,
    /// Admission: the namespace the webhook runs in, exempt too, so that a broken policy
    /// cannot keep its own pods from starting.
    #[arg(long, value_name = "NS", env = "POD_NAMESPACE")]
    pub own_namespace: Option<String>,
    /// Admission: judge requests for this subresource too (repeatable; giving one replaces
    /// the default). `ephemeralcontainers` is how `kubectl debug` adds a container to a
    /// running pod, privileged if asked: left unjudged, it would go round every rule.
    /// Other subresources (`status`, `scale`, `exec`…) are allowed unchecked.
    #[arg(
        long = "admission-subresource",
        value_name = "NAME",
        default_value = "ephemeralcontainers"
    )]
    pub admission_subresources: Vec<String>,
    /// Admission: allow this user's requests unchecked, e.g.
    /// `system:serviceaccount:flux-system:kustomize-controller` (repeatable).
    #[arg(long = "exempt-user", value_name = "USER")]
    pub exempt_users: Vec<String>,
    /// Admission: YAML or JSON files of Namespace objects (e.g. `kubectl get namespaces -o
    /// yaml`) whose `pod-security.kubernetes.io/*` labels a review in that namespace is
    /// judged by, as Pod Security Admission would: a workload whose pods its namespace's
    /// level rejects is reported by `admission-rejected-workload` (repeatable).
    #[arg(long = "namespaces", value_name = "FILE")]
    pub namespace_files: Vec<PathBuf>,
    /// Admission: let `kubecheck.io/ignore` annotations on the object suppress findings.
    /// Off by default: whoever may create an object could otherwise exempt it.
    #[arg(long)]
    pub admission_inline_suppressions: bool,
    /// Config file, as for `check`: rule selection, severities, exemptions, suppression
    /// switches and pinned plugins (compiled once at start) apply to `/v1/check` and
    /// `/v1/admission` [default: .kubecheck.yaml in the current directory, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleSelection,
    /// Pod Security Standards level and policy version, as for `check`; `/v1/check`'s
    /// `pss` parameter wins for its request.
    #[arg(
        long,
        value_name = "LEVEL[:VERSION]",
        default_value = "restricted:latest"
    )]
    pub pss: kubecheck_core::pss::PssTarget,
    /// The Kubernetes version the manifests are for, as for `check` (wins over the
    /// config's `k8sVersion`).
    #[arg(long = "k8s-version", value_name = "1.N", value_parser = kubecheck_core::options::parse_kubernetes_version)]
    pub k8s_version: Option<(u32, u32)>,
}

/// How `kubecheck serve` answers admission reviews with findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdmissionMode {
    Enforce,
    Warn,
    Audit,
}

impl AdmissionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AdmissionMode::Enforce => "enforce",
            AdmissionMode::Warn => "warn",
            AdmissionMode::Audit => "audit",
        }
    }
}

fn parse_namespace_mode(text: &str) -> Result<(String, AdmissionMode), String> {
    let (namespace, mode) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NS=MODE (e.g. `legacy=warn`)"))?;
    if namespace.is_empty() {
        return Err(format!("`{text}` names no namespace"));
    }
    let mode = AdmissionMode::from_str(mode, true)?;
    Ok((namespace.to_owned(), mode))
}

/// Which rules run, for `check`, `fix` and `serve`; each adds to the config's lists.
/// A selector is a rule id, a category, a plugin name, `all`, or a standard: `pss`,
/// `pss:baseline`, `pss:restricted`, `cis`, `cis:ITEM` (`cis:5.2.11`, or `cis:5.2.*`
/// for a section) or `nsa`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RuleSelection {
    /// Run the rules these selectors match instead of the default set, rules off by
    /// default included, e.g. `--select cis:5.1.*` (repeatable, comma-separated; the
    /// other flags then apply to this set). A selector: a rule id, a category, a plugin
    /// name, `all`, `pss[:baseline|restricted]`, `cis[:ITEM]` (`cis:5.2.*`) or `nsa`.
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Turn rules off by default on (repeatable, comma-separated).
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub enable: Vec<String>,
    /// Turn rules off; wins over the others (repeatable, comma-separated).
    #[arg(
        long,
        visible_alias = "skip",
        value_name = "SELECTOR",
        value_delimiter = ','
    )]
    pub disable: Vec<String>,
    /// Run only the rules these selectors match, of those that would run (repeatable,
    /// comma-separated).
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub only: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (folders recursively: *.yaml, *.yml, *.json); `-` reads
    /// stdin, as does no path (and no `--helm` or `--kustomize`) when stdin is not a
    /// terminal.
    pub paths: Vec<PathBuf>,
    /// Also check a Helm chart (a folder, a packaged chart or a reference `helm` knows), as
    /// `helm template` renders it; `helm` must be on the PATH. Findings name the template
    /// file, at the line in its rendered output.
    #[arg(long, value_name = "CHART")]
    pub helm: Option<PathBuf>,
    /// Values files for `--helm` (repeatable), passed on as `helm template --values`.
    #[arg(long = "values", value_name = "FILE", requires = "helm")]
    pub helm_values: Vec<PathBuf>,
    /// Also check a Kustomize folder, as `kustomize build` (or else `kubectl kustomize`)
    /// renders it.
    #[arg(long, value_name = "DIR")]
    pub kustomize: Option<PathBuf>,
    /// Output format: `text`, `json` (the report, docs/report.md), `sarif`, `github`
    /// (Actions annotations), `junit` (XML test results) or `gitlab` (Code Quality)
    /// [default: the config's `format`, else text].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Exit with code 1 when a finding has at least this severity [default: the config's
    /// `failOn`, else high].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Suppression annotations without a reason (`kubecheck.io/ignore: rule # reason`)
    /// do not count.
    #[arg(long)]
    pub require_reason: bool,
    /// Ignore every `kubecheck.io/ignore` annotation: only the config's exemptions count.
    /// Other tools' suppression annotations are ignored too.
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// Ignore other tools' suppression annotations (kube-linter, Polaris, Checkov,
    /// kube-score, Kubescape, Datree), which otherwise silence the equivalent rules.
    #[arg(long)]
    pub no_foreign_suppressions: bool,
    #[command(flatten)]
    pub rules: RuleSelection,
    /// Pod Security Standards level and policy version to check against: `baseline` or
    /// `restricted`, optionally `:v1.N` or `:latest` (e.g. `baseline:v1.25`).
    #[arg(
        long,
        value_name = "LEVEL[:VERSION]",
        default_value = "restricted:latest"
    )]
    pub pss: kubecheck_core::pss::PssTarget,
    /// The Kubernetes version the manifests are for (`1.N`, e.g. `1.24`); rules whose verdict
    /// depends on it (seccomp annotations, removed and deprecated APIs, end of life) use it.
    /// Default: `k8sVersion` in the config, else the newest release in kubecheck's data.
    #[arg(long = "k8s-version", value_name = "1.N", value_parser = kubecheck_core::options::parse_kubernetes_version)]
    pub k8s_version: Option<(u32, u32)>,
    /// How the cross-object rules (bindings reaching workloads, policies selecting pods)
    /// group the input into clusters: `path` (each path argument is one), `dir` (each
    /// folder with manifests is one) or `input` (everything is one). The config's
    /// `contexts:` folders are clusters of their own in every mode.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = crate::inputs::ContextMode::Path)]
    pub context: crate::inputs::ContextMode,
    /// Config file [default: .kubecheck.yaml in the current directory, if present].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run a WebAssembly rule plugin, unpinned (repeatable); prints its sha256 to pin in the config.
    #[arg(long = "plugin", value_name = "FILE")]
    pub plugins: Vec<PathBuf>,
    /// Load `--plugin` files ending in `.cwasm` as precompiled native code (made by
    /// `kubecheck plugin compile` of this build, for this user); without it they are refused.
    #[arg(long)]
    pub allow_precompiled: bool,
    /// Where the built-in rules run: natively, or from the bundled core wasm in the plugin sandbox.
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    pub engine: Engine,
    /// Colour the text output: `auto` on a terminal that shows colour unless `NO_COLOR`
    /// is set (`CLICOLOR_FORCE` forces it), `always` or `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Report only findings that are not in this earlier JSON report (`--format json`);
    /// the known ones are listed as suppressed (`by: baseline`). Matched by rule, file,
    /// resource and JSON pointer, so moved lines still match.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Also write this run's JSON report to FILE, for `--baseline` later (every finding,
    /// also those a `--baseline` given now already knows).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Largest file or stdin read, in bytes; a larger input is reported as an error and
    /// not checked [default: 64 MiB].
    #[arg(long, value_name = "BYTES", default_value_t = crate::inputs::DEFAULT_MAX_INPUT_BYTES, hide_default_value = true)]
    pub max_input_bytes: u64,
    /// Threads that parse and check files, documents, rules and plugins side by side;
    /// `1` checks one thing after another. The report is the same for every N
    /// [default: the available cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
}

/// Exit codes: 0 no finding left (after the fixes, or in the diff: once it is applied),
/// 1 findings left (no fix, an unsafe fix without `--unsafe`, or one the layout does not
/// allow), 2 usage, input, parse, plugin or write errors.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// Files or folders to fix (folders recursively: *.yaml, *.yml, *.json); `-` reads
    /// stdin and writes the fixed stream to stdout.
    #[arg(default_value = "-")]
    pub paths: Vec<PathBuf>,
    /// Edit the files in place (each atomically: a temporary file in the same folder,
    /// then renamed over it) instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// Also apply fixes marked unsafe: they may change what the workload does
    /// (`kubecheck rules` shows each rule's).
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    #[command(flatten)]
    pub rules: RuleSelection,
    /// Pod Security Standards level and policy version, as for `check`.
    #[arg(
        long,
        value_name = "LEVEL[:VERSION]",
        default_value = "restricted:latest"
    )]
    pub pss: kubecheck_core::pss::PssTarget,
    /// The Kubernetes version the manifests are for, as for `check`.
    #[arg(long = "k8s-version", value_name = "1.N", value_parser = kubecheck_core::options::parse_kubernetes_version)]
    pub k8s_version: Option<(u32, u32)>,
    /// How the cross-object rules group the input into clusters, as for `check`.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = crate::inputs::ContextMode::Path)]
    pub context: crate::inputs::ContextMode,
    /// Config file [default: .kubecheck.yaml in the current directory, if present].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run a WebAssembly rule plugin, unpinned (repeatable); its fixes are applied too.
    #[arg(long = "plugin", value_name = "FILE")]
    pub plugins: Vec<PathBuf>,
    /// Load `--plugin` files ending in `.cwasm` as precompiled native code, as for `check`.
    #[arg(long)]
    pub allow_precompiled: bool,
    /// Colour the diff: `auto`, `always` or `never`, as for `check`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Largest file or stdin read, in bytes [default: 64 MiB].
    #[arg(long, value_name = "BYTES", default_value_t = crate::inputs::DEFAULT_MAX_INPUT_BYTES, hide_default_value = true)]
    pub max_input_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    Native,
    Wasm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request's lines.
    Github,
    /// JUnit XML test results (Jenkins, GitLab, Azure Pipelines, CircleCI).
    Junit,
    /// GitLab Code Quality report.
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    /// The rules reference, as in docs/rules.md.
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Print a plugin's metadata, imports, exports and sha256.
    Inspect(PluginInspectArgs),
    /// Compile a plugin ahead of time into a `.cwasm` for this build of kubecheck.
    Compile(PluginCompileArgs),
    /// Measure a plugin: compilation (cold and from the cache), instantiation, calls.
    Bench(PluginBenchArgs),
}

#[derive(Debug, clap::Args)]
pub struct PluginBenchArgs {
    /// The plugin `.wasm`.
    pub file: PathBuf,
    /// Manifests (files or folders) to time a real call on.
    pub paths: Vec<PathBuf>,
    /// Calls per measurement; the median is printed.
    #[arg(long, default_value_t = 50)]
    pub iterations: u32,
}

#[derive(Debug, clap::Args)]
pub struct PluginInspectArgs {
    /// The plugin (`.wasm`, or a `.cwasm` from `kubecheck plugin compile`).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct PluginCompileArgs {
    /// The plugin `.wasm`.
    pub file: PathBuf,
    /// Where to write the `.cwasm`.
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. `privileged-container`.
    pub rule: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn access_who_can_takes_verb_resource_namespace_and_paths() {
        let cli = Cli::try_parse_from([
            "kubecheck",
            "access",
            "who-can",
            "create",
            "pods/exec",
            "-n",
            "shop",
            "a/",
            "b.yaml",
        ])
        .unwrap();
        let Command::Access(AccessCommand::WhoCan {
            verb,
            resource,
            namespace,
            paths,
            ..
        }) = cli.command
        else {
            panic!("not access who-can")
        };
        assert_eq!((verb.as_str(), resource.as_str()), ("create", "pods/exec"));
        assert_eq!(namespace.as_deref(), Some("shop"));
        assert_eq!(paths.len(), 2);
        // Without paths there is nothing to ask.
        assert!(Cli::try_parse_from(["kubecheck", "access", "of", "User:jane"]).is_err());
    }

    #[test]
    fn jobs_is_a_positive_thread_count() {
        let jobs = |args: &[&str]| {
            let cli = Cli::try_parse_from(["kubecheck", "check"].iter().chain(args))?;
            let Command::Check(check) = cli.command else {
                panic!("not check")
            };
            Ok::<_, clap::Error>(check.jobs.map(NonZeroUsize::get))
        };
        assert_eq!(jobs(&[]).unwrap(), None);
        assert_eq!(jobs(&["-j", "1"]).unwrap(), Some(1));
        assert_eq!(jobs(&["--jobs", "4"]).unwrap(), Some(4));
        assert!(jobs(&["-j", "0"]).is_err());
        assert!(jobs(&["--jobs", "many"]).is_err());
    }

    #[test]
    fn k8s_version_is_major_dot_minor() {
        let version = |v: &str| {
            let Command::Check(check) =
                Cli::try_parse_from(["kubecheck", "check", "--k8s-version", v])?.command
            else {
                panic!("not check")
            };
            Ok::<_, clap::Error>(check.k8s_version)
        };
        assert_eq!(version("1.24").unwrap(), Some((1, 24)));
        assert_eq!(version("v1.30.2").unwrap(), Some((1, 30)));
        assert!(version("1").is_err());
        assert!(version("latest").is_err());
    }

    #[test]
    fn pss_takes_a_level_and_an_optional_version() {
        use kubecheck_core::pss::{PssLevel, PssTarget, LATEST_MINOR};
        let pss = |args: &[&str]| {
            let cli = Cli::try_parse_from(["kubecheck", "check"].iter().chain(args))?;
            let Command::Check(check) = cli.command else {
                panic!("not check")
            };
            Ok::<PssTarget, clap::Error>(check.pss)
        };
        assert_eq!(pss(&[]).unwrap(), PssTarget::default());
        let baseline = pss(&["--pss", "baseline:v1.25"]).unwrap();
        assert_eq!((baseline.level, baseline.minor), (PssLevel::Baseline, 25));
        let latest = pss(&["--pss", "restricted"]).unwrap();
        assert_eq!(latest.minor, LATEST_MINOR);
        assert!(pss(&["--pss", "privileged"]).is_err());
        assert!(pss(&["--pss", "baseline:1.25"]).is_err());
    }

    #[test]
    fn selectors_split_on_commas() {
        let cli = Cli::parse_from([
            "kubecheck",
            "check",
            "--disable",
            "a,b",
            "--disable",
            "c",
            "x.yaml",
        ]);
        let Command::Check(args) = cli.command else {
            panic!("not check")
        };
        assert_eq!(args.rules.disable, ["a", "b", "c"]);
        // One set of rule flags for check, fix and serve; fix's `--skip` is `--disable`.
        for command in ["check", "fix", "serve"] {
            let cli = Cli::parse_from([
                "kubecheck",
                command,
                "--select",
                "cis:5.1.*,nsa",
                "--skip",
                "rbac",
                "--only",
                "pss:restricted",
            ]);
            let rules = match cli.command {
                Command::Check(args) => args.rules,
                Command::Fix(args) => args.rules,
                Command::Serve(args) => args.rules,
                _ => panic!("not {command}"),
            };
            assert_eq!(rules.select, ["cis:5.1.*", "nsa"]);
            assert_eq!(
                (rules.disable, rules.only),
                (vec!["rbac".to_owned()], vec!["pss:restricted".to_owned()])
            );
        }
        assert_eq!(args.fail_on, None);
        assert_eq!(args.engine, Engine::Native);
    }

    #[test]
    fn color_is_auto_always_or_never() {
        let color = |args: &[&str]| {
            let Command::Check(check) = Cli::parse_from(args).command else {
                panic!("not check")
            };
            check.color
        };
        assert_eq!(color(&["kubecheck", "check"]), ColorWhen::Auto);
        assert_eq!(
            color(&["kubecheck", "check", "--color", "always"]),
            ColorWhen::Always
        );
        assert_eq!(
            color(&["kubecheck", "check", "--color=never"]),
            ColorWhen::Never
        );
        assert!(Cli::try_parse_from(["kubecheck", "check", "--color", "yes"]).is_err());
    }

    #[test]
    fn engine_is_native_or_wasm() {
        let cli = Cli::parse_from(["kubecheck", "check", "--engine", "wasm", "x.yaml"]);
        let Command::Check(args) = cli.command else {
            panic!("not check")
        };
        assert_eq!(args.engine, Engine::Wasm);
        assert!(Cli::try_parse_from(["kubecheck", "check", "--engine", "js"]).is_err());
    }

    #[test]
    fn max_input_bytes_defaults_to_64_mib() {
        let max = |args: &[&str]| {
            let Command::Check(check) = Cli::parse_from(args).command else {
                panic!("not check")
            };
            check.max_input_bytes
        };
        assert_eq!(max(&["kubecheck", "check"]), 64 << 20);
        assert_eq!(
            max(&["kubecheck", "check", "--max-input-bytes", "4096"]),
            4096
        );
        assert!(Cli::try_parse_from(["kubecheck", "check", "--max-input-bytes", "-1"]).is_err());
    }

    #[test]
    fn plugins_repeat() {
        let cli = Cli::parse_from([
            "kubecheck",
            "check",
            "--plugin",
            "a.wasm",
            "--plugin",
            "b.wasm",
        ]);
        let Command::Check(args) = cli.command else {
            panic!("not check")
        };
        assert_eq!(
            args.plugins,
            [PathBuf::from("a.wasm"), PathBuf::from("b.wasm")]
        );
        let cli = Cli::parse_from(["kubecheck", "plugin", "compile", "a.wasm", "-o", "a.cwasm"]);
        assert!(matches!(
            cli.command,
            Command::Plugin(PluginCommand::Compile(_))
        ));
    }
}
