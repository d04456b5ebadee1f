//! Hostile and broken input through the real binary: every case ends with a clear,
//! located error (or a documented, bounded result), exit code 2 where nothing could be
//! checked, and never a panic, a hang or unbounded memory.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use kubecheck_tests::{cap_address_space, kubecheck_bin, present_or_skip, run_group_within};
use serde_json::Value;

/// A run that takes longer than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Peak memory allowed for the small inputs below.
const SMALL_RSS_BYTES: u64 = 200 << 20;

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    /// Measured by GNU time when it is installed.
    max_rss_bytes: Option<u64>,
}

impl Run {
    /// Asserts that the peak memory of the run stayed below `limit` bytes. Without GNU
    /// time nothing was measured: that bound is skipped (or fails under
    /// `KUBECHECK_REQUIRE_ALL`), the rest of the test still runs.
    fn assert_peak_below(&self, limit: u64, input: impl std::fmt::Display) {
        let Some(peak) = self.max_rss_bytes else {
            present_or_skip(
                false,
                format_args!(
                    "peak memory not checked: {GNU_TIME} is missing (`scripts/setup.sh --test` installs GNU time)"
                ),
            );
            return;
        };
        assert!(peak < limit, "{} MB peak for {input}", peak >> 20);
    }

    fn report(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}); stderr:\n{}",
                self.stderr
            )
        })
    }
}

/// GNU time measures the peak memory of exactly the checked process. (`wait4` on our own
/// child would not: Linux carries the spawning test process's peak over `exec`.)
const GNU_TIME: &str = "/usr/bin/time";

/// Runs `kubecheck check --format json ARGS` (under GNU time when it is installed), feeding
/// `stdin`; kills it after [`TIMEOUT`] and fails.
fn check(args: &[&str], stdin: &[u8]) -> Run {
    check_as("json", args, stdin)
}

fn check_as(format: &str, args: &[&str], stdin: &[u8]) -> Run {
    check_capped(format, args, stdin, None)
}

/// [`check_as`] with the address space of the checked process capped at `cap` bytes, for
/// attacks that would otherwise take the machine's memory before the timeout.
fn check_capped(format: &str, args: &[&str], stdin: &[u8], cap: Option<u64>) -> Run {
    let measured_by_gnu_time = Path::new(GNU_TIME).is_file();
    let rss_file = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut command = if measured_by_gnu_time {
        let mut time = Command::new(GNU_TIME);
        time.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(rss_file.path())
            .arg(kubecheck_bin());
        time
    } else {
        Command::new(kubecheck_bin())
    };
    command
        .args(["check", "--format", format])
        .args(args)
        .env("NO_COLOR", "1");
    if let Some(bytes) = cap {
        cap_address_space(&mut command, bytes);
    }
    let input = stdin.to_vec();
    // Its own process group, so a hang is killed along with GNU time.
    let (status, stdout, stderr) = run_group_within(
        &mut command,
        move |mut pipe| {
            let _ = pipe.write_all(&input);
        },
        TIMEOUT,
    );
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    let measured = if measured_by_gnu_time {
        std::fs::read_to_string(rss_file.path()).expect("GNU time output")
    } else {
        String::new()
    };
    assert!(
        !measured.contains("terminated by signal"),
        "kubecheck {args:?} was killed: {measured}; stderr:\n{stderr}"
    );
    let code = status
        .code()
        .unwrap_or_else(|| panic!("kubecheck {args:?} was killed: {status}; stderr:\n{stderr}"));
    assert!(
        !stderr.contains("panicked"),
        "kubecheck {args:?} panicked:\n{stderr}"
    );
    assert!(
        [0, 1, 2].contains(&code),
        "kubecheck {args:?} exited with {code}; stderr:\n{stderr}"
    );
    // `%M` is the peak resident set in kilobytes, on the last line.
    let max_rss_bytes = measured_by_gnu_time.then(|| {
        let kilobytes: u64 = measured
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected GNU time output: {measured:?}"));
        kilobytes * 1024
    });
    Run {
        code,
        stdout,
        stderr,
        max_rss_bytes,
    }
}

fn check_stdin(input: &[u8]) -> Run {
    let run = check(&["-"], input);
    run.assert_peak_below(
        SMALL_RSS_BYTES,
        format_args!("a {} byte input", input.len()),
    );
    run
}

/// The report's only error, asserting nothing else could be checked.
fn single_error(run: &Run) -> Value {
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    let report = run.report();
    assert_eq!(report["summary"]["resources"], 0, "{report}");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{report}");
    let error = errors[0].clone();
    assert!(error["line"].as_u64().unwrap() >= 1, "{error}");
    assert!(error["column"].as_u64().unwrap() >= 1, "{error}");
    error
}

fn message(error: &Value) -> &str {
    error["message"].as_str().expect("an error message")
}

#[test]
fn empty_input_is_an_error() {
    for input in ["", "\n\n", "# only a comment\n", "---\n---\n", "   \n\t\n"] {
        let error = single_error(&check_stdin(input.as_bytes()));
        assert!(
            message(&error).contains("no YAML documents"),
            "{input:?}: {error}"
        );
        assert_eq!(
            (error["line"].as_u64(), error["column"].as_u64()),
            (Some(1), Some(1))
        );
    }
}

#[test]
fn invalid_utf8_names_the_offset_and_position() {
    let error = single_error(&check_stdin(
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: \xff}\n",
    ));
    assert!(message(&error).contains("not UTF-8"), "{error}");
    assert!(message(&error).contains("offset 42"), "{error}");
    assert_eq!(error["line"], 3);
    assert_eq!(error["column"], 18);
    assert_eq!(error["source"], "<stdin>");
}

#[test]
fn binary_garbage_is_an_error() {
    // A fixed pseudo-random byte string (xorshift), so failures reproduce.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let garbage: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let error = single_error(&check_stdin(&garbage));
    assert!(message(&error).contains("not UTF-8"), "{error}");

    // Control characters are valid UTF-8 but not YAML.
    let controls: Vec<u8> = (0u8..32).cycle().take(4096).collect();
    let run = check_stdin(&controls);
    assert_eq!(run.code, 2);
    let report = run.report();
    assert_eq!(report["summary"]["resources"], 0);
    assert!(
        report["summary"]["errors"].as_u64().unwrap() >= 1,
        "{report}"
    );
}

#[test]
fn tabs_in_indentation_are_located() {
    let error = single_error(&check_stdin(
        b"apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n",
    ));
    assert!(message(&error).contains("tab"), "{error}");
    assert_eq!(error["line"], 4);
}

#[test]
fn tabs_inside_values_are_fine() {
    let run = check_stdin(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  x: \"a\\tb\"\n  y: a\tb\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.report()["summary"]["resources"], 1);
}

#[test]
fn a_bare_scalar_document_is_not_an_object() {
    for (input, kind) in [
        ("hello\n", "string"),
        ("42\n", "integer"),
        ("- a\n- b\n", "list"),
    ] {
        let error = single_error(&check_stdin(input.as_bytes()));
        assert!(message(&error).contains(kind), "{input:?}: {error}");
        assert!(
            message(&error).contains("not a Kubernetes object"),
            "{error}"
        );
        assert_eq!(error["document"], 0);
    }
}

#[test]
fn documents_without_api_version_or_kind_are_reported() {
    let cases = [
        (
            "metadata: {name: x}\n",
            "`apiVersion` and `kind` are missing",
        ),
        ("apiVersion: v1\nmetadata: {name: x}\n", "`kind` is missing"),
        (
            "kind: Pod\nmetadata: {name: x}\n",
            "`apiVersion` is missing",
        ),
    ];
    for (input, expected) in cases {
        let error = single_error(&check_stdin(input.as_bytes()));
        assert!(message(&error).contains(expected), "{input:?}: {error}");
    }
    // The other documents of the stream are still checked.
    let mixed = "metadata: {name: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx:1.27, securityContext: {privileged: true}}\n";
    let run = check_stdin(mixed.as_bytes());
    assert_eq!(run.code, 2);
    let report = run.report();
    assert_eq!(report["summary"]["resources"], 1);
    assert_eq!(report["errors"][0]["document"], 0);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "privileged-container" && f["location"]["line"] == 8));
}

#[test]
fn duplicate_keys_are_findings_with_both_lines() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: d}\nspec:\n  hostNetwork: false\n  containers: [{name: a, image: nginx:1.27}]\n  hostNetwork: false\n";
    let run = check(&["--only", "duplicate-key", "-"], input.as_bytes());
    assert_eq!(run.code, 0, "a medium finding is below --fail-on high");
    let report = run.report();
    assert_eq!(report["summary"]["errors"], 0);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "duplicate-key");
    assert_eq!(finding["location"]["line"], 7);
    assert_eq!(finding["location"]["path"], "/spec/hostNetwork");
    let text = finding["message"].as_str().unwrap();
    assert!(text.contains('5') && text.contains('7'), "{text}");
}

#[test]
fn deep_nesting_is_refused_with_a_location() {
    let depth = 10_000;
    let block_seq = format!("{}x\n", "- ".repeat(depth));
    // Block mappings need one indent per level; one space each keeps the file at 50 MB.
    let block_map: String = (0..depth)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let flow_seq = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    let flow_map = format!("{}1{}\n", "{a: ".repeat(depth), "}".repeat(depth));
    for (name, input) in [
        ("block sequence", block_seq),
        ("block mapping", block_map),
        ("flow sequence", flow_seq),
        ("flow mapping", flow_map),
    ] {
        let run = check(&["-"], input.as_bytes());
        let error = single_error(&run);
        let text = message(&error);
        assert!(
            text.contains("nesting deeper than") || text.contains("recursion limit"),
            "{name}: {error}"
        );
        run.assert_peak_below(1 << 30, name);
    }
}

#[test]
fn alias_bombs_are_bounded() {
    // "Billion laughs": nine levels of nine aliases each would expand to 387 million nodes.
    let mut lines = vec![
        "apiVersion: v1".to_owned(),
        "kind: ConfigMap".to_owned(),
        "metadata: {name: lol}".to_owned(),
        "data:".to_owned(),
        "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_owned(),
    ];
    let names: Vec<char> = "abcdefghi".chars().collect();
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        lines.push(format!("  {}: &{} [{refs}]", pair[1], pair[1]));
    }
    let bomb = lines.join("\n") + "\n";
    let run = check(&["-"], bomb.as_bytes());
    let error = single_error(&run);
    assert!(message(&error).contains("alias"), "{error}");
    assert!(error["line"].as_u64().unwrap() > 5, "{error}");
    run.assert_peak_below(SMALL_RSS_BYTES, "an alias bomb");

    // A few aliases, as Helm output has them, are fine.
    let small = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: &l {app: x}}\ndata: {a: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y, labels: *l}\n";
    let run = check_stdin(small.as_bytes());
    assert_eq!(
        run.code, 2,
        "the alias crosses documents, which YAML forbids"
    );
    let run = check_stdin(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {app: x}\n  annotations: *l\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Few nodes, many bytes: 99,000 aliases of one 1 MiB scalar in a 1.4 MB file once took
/// 13 GB in 30 s. Aliases now pay for the bytes they copy, and the document with the bomb
/// fails alone.
#[test]
fn aliases_of_a_large_scalar_are_bounded_by_bytes() {
    let big = "x".repeat(1 << 20);
    let aliases = vec!["*big"; 99_000].join(", ");
    let input = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  a: &big {big}\n  b: [{aliases}]\n---\n{PRIVILEGED_POD}"
    );
    // The cap keeps a regression from taking the machine down before the timeout.
    let run = check_capped("json", &["-"], input.as_bytes(), Some(4 << 30));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.report();
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(message(&errors[0]).contains("alias"), "{report}");
    assert_eq!(errors[0]["document"], 0, "{report}");
    assert_eq!(errors[0]["line"], 6, "{report}");
    assert_eq!(report["summary"]["resources"], 1, "{report}");
    let rules: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["rule"])
        .collect();
    assert!(rules.contains(&&"privileged-container".into()), "{rules:?}");
    run.assert_peak_below(
        SMALL_RSS_BYTES,
        format_args!("a {} byte input", input.len()),
    );
}

const PRIVILEGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27, securityContext: {privileged: true}}]\n";

/// Explicit tags are read as the API server's decoder (sigs.k8s.io/yaml over go-yaml v2)
/// reads them: `!!bool "true"` is true there, so a privileged Pod written that way once
/// passed. A tag that does not fit its value refuses its document, as the API server does.
#[test]
fn explicit_tags_are_read_as_the_api_server_reads_them() {
    let pod = |name: &str, context: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext:\n      {context}\n")
    };
    let input = [
        pod("quoted-bool", "privileged: !!bool \"true\""),
        pod("yes-bool", "privileged: !!bool 'yes'"),
        // `privileged`, base64: the decoder's key is the decoded text.
        pod("binary-key", "!!binary cHJpdmlsZWdlZA==: true"),
        pod("refused", "privileged: !!bool \"maybe\""),
        pod("str", "privileged: !!str true"),
    ]
    .join("---\n");
    let run = check(&["--only", "privileged-container", "-"], input.as_bytes());
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.report();
    let named: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["quoted-bool", "yes-bool", "binary-key"], "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["document"], 3);
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        // Three documents of nine lines and a `---` each before it; its ninth line.
        (Some(3 * 10 + 9), Some(19))
    );
    assert!(
        message(&errors[0]).contains("cannot decode !!str `maybe` as a !!bool"),
        "{report}"
    );
}

/// Minified JSON puts every flow collection on one line. Positions there were found by
/// counting characters from the line start each time: 3 MB on one line took 89 s in a
/// release build (minutes in debug). Columns count characters, so the pods carry some.
#[test]
fn a_large_single_line_json_is_checked_in_linear_time() {
    let mut items = Vec::new();
    let mut len = 0;
    while len < 2 << 20 {
        let pod = format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{}","annotations":{{"note":"café ✓"}}}},"spec":{{"containers":[{{"name":"a","image":"nginx:1.27","securityContext":{{"privileged":true}}}}]}}}}"#,
            items.len()
        );
        len += pod.len() + 1;
        items.push(pod);
    }
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        items.join(",")
    );
    let run = check(&["--only", "privileged-container", "-"], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.report();
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), items.len());
    assert!(findings.iter().all(|f| f["location"]["line"] == 1));
    let last_column = findings
        .iter()
        .map(|f| f["location"]["column"].as_u64().unwrap())
        .max()
        .unwrap();
    let offset = text.rfind(r#""privileged":true"#).unwrap() + r#""privileged":"#.len();
    assert_eq!(last_column, text[..offset].chars().count() as u64 + 1);
}

#[test]
fn a_very_long_line_is_fine() {
    let value = "x".repeat(4 << 20);
    let input = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: long}}\ndata: {{big: {value}}}\n"
    );
    let run = check_stdin(input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A 50 MB file shaped like the largest real inputs: big ConfigMaps (dashboards, CRD
/// schemas) with a workload between them. Checked once, within a generous memory bound.
#[test]
fn a_50_mb_file_is_checked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let dashboard_line = "      {\"type\": \"timeseries\", \"title\": \"requests per second\", \"targets\": [{\"expr\": \"sum(rate(http_requests_total[5m])) by (code)\"}]},\n";
    let mut text = String::with_capacity(51 << 20);
    let mut configmaps = 0;
    while text.len() < 50 << 20 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboard-{configmaps}\n  namespace: monitoring\ndata:\n  dashboard.json: |\n"
        ));
        for _ in 0..8_000 {
            text.push_str(dashboard_line);
        }
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web-{configmaps}}}\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        securityContext: {{privileged: true}}\n"
        ));
        configmaps += 1;
    }
    std::fs::write(&path, &text).unwrap();
    let run = check(&[path.to_str().unwrap()], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.report();
    assert_eq!(report["summary"]["resources"], 2 * configmaps);
    let privileged = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .count();
    assert_eq!(privileged, configmaps);
    run.assert_peak_below(1 << 30, "a 50 MB file");
}

/// Many small objects cost the most memory per byte (a spanned tree plus typed
/// Kubernetes views per object): 5 MB of Deployments, with a bound that catches a
/// super-linear blow-up. README "Limits" has the measured ratio.
#[test]
fn many_small_documents_use_memory_linear_in_the_input() {
    let (text, count) = risky_deployments(5 << 20);
    let run = check(&["--only", "privileged-container", "-"], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.report()["summary"]["findings"], count);
    run.assert_peak_below(400 << 20, format_args!("{count} Deployments (5 MB)"));
}

#[test]
fn a_broken_document_does_not_hide_the_others() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: nginx:1.27, securityContext: {privileged: true}}]\n---\nkey: \"unterminated\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: b, image: nginx:1.27, securityContext: {privileged: true}}]\n";
    let run = check_stdin(input.as_bytes());
    assert_eq!(run.code, 2);
    let report = run.report();
    assert_eq!(report["summary"]["resources"], 2, "{report}");
    assert_eq!(report["errors"][0]["document"], 1);
    assert!(report["errors"][0]["line"].as_u64().unwrap() >= 7);
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .map(|f| f["location"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5, 13]);
}

/// Copies of the risky example Deployment, `size` bytes in all, and how many.
fn risky_deployments(size: usize) -> (String, usize) {
    let deployment = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests/risky-deployment.yaml"),
    )
    .unwrap();
    let mut text = String::new();
    let mut count = 0;
    while text.len() < size {
        text.push_str("---\n");
        text.push_str(&deployment.replace(
            "name: log-agent\n  namespace",
            &format!("name: log-agent-{count}\n  namespace"),
        ));
        count += 1;
    }
    (text, count)
}

/// Tens of thousands of findings in one large file, as text: each snippet line is found
/// through an index (a scan per finding once took minutes here and hit the timeout).
#[test]
fn text_output_of_many_findings_in_a_large_file_finishes() {
    let (text, count) = risky_deployments(2 << 20);
    let run = check_as("text", &["-"], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let output = String::from_utf8(run.stdout).unwrap();
    assert_eq!(
        output.matches("critical privileged-container").count(),
        count
    );
    assert!(
        output.contains(&format!("{count} resources")),
        "{}",
        &output[output.len() - 200..]
    );
}

/// 20,000 Pods and 20,000 NetworkPolicies in one namespace, no policy selecting any
/// pod: every workload was tested against every policy of its namespace (about 150 s
/// of CPU in a debug build, so [`TIMEOUT`] failed it); indexed, it is a few seconds.
#[test]
fn pods_times_network_policies_is_not_quadratic() {
    const N: usize = 20_000;
    let mut text = String::with_capacity(N * 300);
    for i in 0..N {
        text.push_str(&format!(
            "---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}, namespace: ns, labels: {{app: a{i}, tier: web}}}}, spec: {{containers: [{{name: a, image: b}}]}}}}\n---\n{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: n{i}, namespace: ns}}, spec: {{podSelector: {{matchLabels: {{app: zz{i}, tier: web}}}}}}}}\n"
        ));
    }
    let run = check(
        &["--only", "workload-ingress-not-isolated", "-"],
        text.as_bytes(),
    );
    assert_eq!(run.report()["summary"]["findings"], N, "{}", run.stderr);
}

/// One ConfigMap whose `data` repeats `k: v` 1.5 million times (10 MB): 1,499,999
/// findings took 2.3 GB (240 times the input) and aborted under a 2 GiB address space.
/// A mapping lists 20 duplicates and counts the rest in one finding.
#[test]
fn many_duplicate_keys_in_one_mapping_are_bounded() {
    const KEYS: usize = 1_500_000;
    let mut text = String::with_capacity(KEYS * 7 + 100);
    text.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n");
    for _ in 0..KEYS {
        text.push_str("  k: v\n");
    }
    let run = check_capped("json", &["-"], text.as_bytes(), Some(2 << 30));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 21);
    let more = format!("{} more duplicate keys in this mapping", KEYS - 21);
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().starts_with(&more)),
        "{findings:#?}"
    );
    // Measured 887 MB peak (debug build), all of it the parsed tree and the parser's
    // record of each duplicate; 2.3 GB before the cap.
    run.assert_peak_below(1200 << 20, "1.5 million duplicate keys (10 MB)");
}
