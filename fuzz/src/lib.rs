//! What the fuzz targets share: a whole run from sources to every output format, and a
//! small YAML grammar for structure-aware inputs.

use arbitrary::Arbitrary;
use kubecheck_core::rules::RawFinding;
use kubecheck_core::{builtin_rules, Input, Options, Report, Session, Source};

/// Every rule on, an allow-list set and a fixed date: as much of the core as one run
/// reaches.
pub fn options() -> Options {
    let mut options = Options {
        enable: vec!["all".into()],
        allowed_registries: vec!["registry.example.com".into()],
        ..Options::default()
    };
    options.suppressions.today = Some("2026-12-03".into());
    options
}

/// Checks `input` with the built-in rules plus `extra` findings (a plugin's), and renders
/// the report in every format the CLI writes.
pub fn check_and_render(input: &Input, extra: Vec<RawFinding>, rules: &[kubecheck_core::RuleInfo]) {
    let options = options();
    let session = Session::new(input, &options);
    let mut findings = session.run_builtin();
    findings.extend(extra);
    let mut all_rules = builtin_rules();
    all_rules.extend_from_slice(rules);
    let report = session.report(findings, &all_rules, Vec::new());
    render(&report, input, &all_rules);
}

fn render(report: &Report, input: &Input, rules: &[kubecheck_core::RuleInfo]) {
    use kubecheck_core::output;
    let mut out = Vec::new();
    output::write_text(&mut out, report, &input.sources, true).expect("text into memory");
    output::write_github(&mut out, report).expect("github into memory");
    output::write_junit(&mut out, report).expect("junit into memory");
    output::escape::to_writer_pretty_log_safe(&mut out, report).expect("json into memory");
    output::escape::to_writer_pretty_log_safe(&mut out, &output::sarif(report, rules))
        .expect("sarif into memory");
    output::escape::to_writer_pretty_log_safe(&mut out, &output::gitlab(report))
        .expect("gitlab into memory");
}

/// Sources in, one run out.
pub fn check_sources(sources: Vec<Source>) {
    let input = Input::parse(sources);
    check_and_render(&input, Vec::new(), &[]);
}

/// A YAML stream of documents built from a grammar: Kubernetes keys and values most of
/// the time, so the rules see objects they act on, and YAML's harder corners (anchors,
/// aliases, flow style, block scalars, tags, duplicate keys, odd indentation) now and then.
#[derive(Arbitrary, Debug)]
pub struct Stream {
    pub documents: Vec<Document>,
}

#[derive(Arbitrary, Debug)]
pub struct Document {
    pub kind: Kind,
    pub body: Vec<(Key, Node)>,
    /// A `---` marker before it, and `...` after it.
    pub explicit_start: bool,
    pub explicit_end: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Kind {
    Pod,
    Deployment,
    DaemonSet,
    CronJob,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    NetworkPolicy,
    Service,
    Secret,
    ConfigMap,
    Namespace,
    ServiceAccount,
    Ingress,
    List,
    Other,
}

#[derive(Arbitrary, Debug)]
pub enum Node {
    Scalar(ScalarValue, Style),
    Map(Vec<(Key, Node)>, bool),
    Seq(Vec<Node>, bool),
    Anchored(u8, Box<Node>),
    Alias(u8),
    Tagged(Tag, Box<Node>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Tag {
    Str,
    Int,
    Bool,
    Binary,
    Custom,
}

#[derive(Arbitrary, Debug)]
pub enum Key {
    Known(KnownKey),
    Free(String),
    /// `<<`, the merge key.
    Merge,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum KnownKey {
    ApiVersion,
    Kind,
    Metadata,
    Name,
    Namespace,
    Labels,
    Annotations,
    Spec,
    Template,
    JobTemplate,
    Selector,
    MatchLabels,
    PodSelector,
    NamespaceSelector,
    Containers,
    InitContainers,
    Image,
    SecurityContext,
    Privileged,
    RunAsUser,
    RunAsNonRoot,
    Capabilities,
    Add,
    Drop,
    HostPid,
    HostNetwork,
    Volumes,
    HostPath,
    Path,
    Env,
    Value,
    ValueFrom,
    SecretKeyRef,
    Key,
    Data,
    StringData,
    Rules,
    Verbs,
    Resources,
    ApiGroups,
    Subjects,
    RoleRef,
    Ingress,
    Egress,
    From,
    To,
    Ports,
    Port,
    Items,
    ServiceAccountName,
    Type,
    Limits,
    Requests,
}

impl KnownKey {
    fn text(self) -> &'static str {
        use KnownKey::*;
        match self {
            ApiVersion => "apiVersion",
            Kind => "kind",
            Metadata => "metadata",
            Name => "name",
            Namespace => "namespace",
            Labels => "labels",
            Annotations => "annotations",
            Spec => "spec",
            Template => "template",
            JobTemplate => "jobTemplate",
            Selector => "selector",
            MatchLabels => "matchLabels",
            PodSelector => "podSelector",
            NamespaceSelector => "namespaceSelector",
            Containers => "containers",
            InitContainers => "initContainers",
            Image => "image",
            SecurityContext => "securityContext",
            Privileged => "privileged",
            RunAsUser => "runAsUser",
            RunAsNonRoot => "runAsNonRoot",
            Capabilities => "capabilities",
            Add => "add",
            Drop => "drop",
            HostPid => "hostPID",
            HostNetwork => "hostNetwork",
            Volumes => "volumes",
            HostPath => "hostPath",
            Path => "path",
            Env => "env",
            Value => "value",
            ValueFrom => "valueFrom",
            SecretKeyRef => "secretKeyRef",
            Key => "key",
            Data => "data",
            StringData => "stringData",
            Rules => "rules",
            Verbs => "verbs",
            Resources => "resources",
            ApiGroups => "apiGroups",
            Subjects => "subjects",
            RoleRef => "roleRef",
            Ingress => "ingress",
            Egress => "egress",
            From => "from",
            To => "to",
            Ports => "ports",
            Port => "port",
            Items => "items",
            ServiceAccountName => "serviceAccountName",
            Type => "type",
            Limits => "limits",
            Requests => "requests",
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum ScalarValue {
    True,
    False,
    Null,
    Int(i64),
    Float(f64),
    Wildcard,
    Image(u8),
    HostPathRoot,
    Secretish,
    Capability(u8),
    Verb(u8),
    Text(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Kind {
    fn header(self) -> (&'static str, &'static str) {
        use Kind::*;
        match self {
            Pod => ("v1", "Pod"),
            Deployment => ("apps/v1", "Deployment"),
            DaemonSet => ("apps/v1", "DaemonSet"),
            CronJob => ("batch/v1", "CronJob"),
            Role => ("rbac.authorization.k8s.io/v1", "Role"),
            ClusterRole => ("rbac.authorization.k8s.io/v1", "ClusterRole"),
            RoleBinding => ("rbac.authorization.k8s.io/v1", "RoleBinding"),
            ClusterRoleBinding => ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
            NetworkPolicy => ("networking.k8s.io/v1", "NetworkPolicy"),
            Service => ("v1", "Service"),
            Secret => ("v1", "Secret"),
            ConfigMap => ("v1", "ConfigMap"),
            Namespace => ("v1", "Namespace"),
            ServiceAccount => ("v1", "ServiceAccount"),
            Ingress => ("networking.k8s.io/v1", "Ingress"),
            List => ("v1", "List"),
            Other => ("example.com/v1", "Widget"),
        }
    }
}

/// Deeper trees than this are cut short: depth limits have their own unit tests, and
/// shallow trees keep the fuzzer fast.
const MAX_NESTING: usize = 12;

impl Stream {
    /// The stream as YAML text.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        for doc in &self.documents {
            if doc.explicit_start || !out.is_empty() {
                out.push_str("---\n");
            }
            let (api_version, kind) = doc.kind.header();
            out.push_str(&format!("apiVersion: {api_version}\nkind: {kind}\n"));
            for (key, node) in &doc.body {
                write_entry(&mut out, key, node, 0, 0);
            }
            if doc.explicit_end {
                out.push_str("...\n");
            }
        }
        out
    }
}

fn key_text(key: &Key) -> String {
    match key {
        Key::Known(k) => k.text().to_owned(),
        Key::Free(s) => quote_double(s),
        Key::Merge => "<<".to_owned(),
    }
}

fn quote_double(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn scalar_text(value: &ScalarValue, style: Style, indent: usize) -> String {
    const IMAGES: [&str; 5] = [
        "nginx",
        "nginx:latest",
        "registry.example.com/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "docker.io/library/redis:7",
        "ghcr.io/acme/tool",
    ];
    const CAPABILITIES: [&str; 4] = ["SYS_ADMIN", "NET_RAW", "ALL", "NET_BIND_SERVICE"];
    const VERBS: [&str; 5] = ["*", "get", "create", "escalate", "impersonate"];
    let raw = match value {
        ScalarValue::True => "true".to_owned(),
        ScalarValue::False => "false".to_owned(),
        ScalarValue::Null => "null".to_owned(),
        ScalarValue::Int(i) => i.to_string(),
        ScalarValue::Float(f) => f.to_string(),
        ScalarValue::Wildcard => "*".to_owned(),
        ScalarValue::Image(i) => IMAGES[*i as usize % IMAGES.len()].to_owned(),
        ScalarValue::HostPathRoot => "/var/run/docker.sock".to_owned(),
        ScalarValue::Secretish => "AKIAIOSFODNN7EXAMPLE".to_owned(),
        ScalarValue::Capability(i) => CAPABILITIES[*i as usize % CAPABILITIES.len()].to_owned(),
        ScalarValue::Verb(i) => VERBS[*i as usize % VERBS.len()].to_owned(),
        ScalarValue::Text(s) => s.clone(),
    };
    match style {
        Style::Plain if is_plain_safe(&raw) => raw,
        Style::Plain | Style::DoubleQuoted => quote_double(&raw),
        Style::SingleQuoted => format!("'{}'", raw.replace('\'', "''").replace('\n', "\n\n")),
        Style::Literal | Style::Folded => {
            let marker = if matches!(style, Style::Literal) {
                '|'
            } else {
                '>'
            };
            let pad = " ".repeat(indent + 2);
            let mut block = format!("{marker}-\n");
            for line in raw.split('\n') {
                block.push_str(&pad);
                block.push_str(line);
                block.push('\n');
            }
            block.pop();
            block
        }
    }
}

/// Text that reads back as itself when written plain: anything else is quoted, so the
/// grammar stays mostly valid YAML and the fuzzer's time goes to the checker.
fn is_plain_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@*".contains(c))
        && !s.starts_with(['-', ':', '*', '@', '.'])
        && !s.contains(": ")
        && !s.ends_with(':')
}

fn write_entry(out: &mut String, key: &Key, node: &Node, indent: usize, depth: usize) {
    out.push_str(&" ".repeat(indent));
    out.push_str(&key_text(key));
    out.push(':');
    write_value(out, node, indent, depth);
}

/// Writes `node` after a key or a `-` at `indent`, ending with a line break.
fn write_value(out: &mut String, node: &Node, indent: usize, depth: usize) {
    match node {
        _ if depth >= MAX_NESTING => out.push_str(" null\n"),
        Node::Scalar(value, style) => {
            out.push(' ');
            out.push_str(&scalar_text(value, *style, indent));
            out.push('\n');
        }
        Node::Map(entries, flow) if *flow || entries.is_empty() => {
            out.push(' ');
            write_flow(out, node, depth);
            out.push('\n');
        }
        Node::Seq(items, flow) if *flow || items.is_empty() => {
            out.push(' ');
            write_flow(out, node, depth);
            out.push('\n');
        }
        Node::Map(entries, _) => {
            out.push('\n');
            for (key, value) in entries {
                write_entry(out, key, value, indent + 2, depth + 1);
            }
        }
        Node::Seq(items, _) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                write_value(out, item, indent + 2, depth + 1);
            }
        }
        Node::Anchored(anchor, inner) => {
            out.push_str(&format!(" &a{anchor}"));
            write_value(out, inner, indent, depth + 1);
        }
        Node::Alias(anchor) => out.push_str(&format!(" *a{anchor}\n")),
        Node::Tagged(tag, inner) => {
            let tag = match tag {
                Tag::Str => "!!str",
                Tag::Int => "!!int",
                Tag::Bool => "!!bool",
                Tag::Binary => "!!binary",
                Tag::Custom => "!widget",
            };
            out.push(' ');
            out.push_str(tag);
            write_value(out, inner, indent, depth + 1);
        }
    }
}

fn write_flow(out: &mut String, node: &Node, depth: usize) {
    match node {
        _ if depth >= MAX_NESTING => out.push_str("null"),
        Node::Scalar(value, _) => out.push_str(&scalar_text(value, Style::DoubleQuoted, 0)),
        Node::Map(entries, _) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&key_text(key));
                out.push_str(": ");
                write_flow(out, value, depth + 1);
            }
            out.push('}');
        }
        Node::Seq(items, _) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, item, depth + 1);
            }
            out.push(']');
        }
        Node::Anchored(anchor, inner) => {
            out.push_str(&format!("&a{anchor} "));
            write_flow(out, inner, depth + 1);
        }
        Node::Alias(anchor) => out.push_str(&format!("*a{anchor}")),
        Node::Tagged(_, inner) => {
            out.push_str("!!str ");
            write_flow(out, inner, depth + 1);
        }
    }
}

/// Text built a line at a time from the pieces the quick YAML scan
/// (`core/src/yaml/quick_scan.rs`) decides on: indentation, keys, dashes, quotes,
/// escapes, comments, block scalar headers, trailing blanks. Most such texts sit at the
/// edge of the scan's subset, where it must agree with saphyr or leave the document to it.
#[derive(Arbitrary, Debug)]
pub struct Lines {
    pub lines: Vec<LineOfPieces>,
    /// Whether the text ends with a line break.
    pub final_break: bool,
}

#[derive(Arbitrary, Debug)]
pub struct LineOfPieces {
    pub indent: u8,
    pub pieces: Vec<Piece>,
    pub trailing_blanks: u8,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Piece {
    Word(u8),
    KeyIndicator,
    Dash,
    Space,
    DoubleQuote,
    SingleQuote,
    Escape(u8),
    Comment,
    BlockHeader(u8),
    Flow(u8),
    Indicator(u8),
    Unicode(u8),
}

impl Piece {
    fn text(self) -> &'static str {
        const WORDS: &[&str] = &[
            "a", "b", "key", "name", "1", "-1", "0x1F", "yes", "null", "~", "true", "1e3", "x y",
            "a:b", "a#b", "--flag", "<<", "é", "v1", ".5", "...", "---", "''", "-",
        ];
        const ESCAPES: &[&str] = &[
            "\\\\", "\\\"", "\\n", "\\t", "\\ ", "\\/", "\\0", "\\x41", "\\u00e9", "\\U0001F600",
            "\\uD800", "\\x4", "\\q", "\\N", "\\_", "\\L", "\\P", "\\e", "\\",
        ];
        const HEADERS: &[&str] = &["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|#", "| #c"];
        const FLOWS: &[&str] = &["[]", "{}", "[ ]", "[a]", "{a: 1}", "[", "]", "{", "}", ","];
        const INDICATORS: &[&str] = &["&a ", "*a", "!t ", "? ", "%", "@", "`", "!!str ", "\t", "\r"];
        const UNICODE: &[&str] = &["ü", "\u{85}", "\u{a0}", "\u{feff}", "\u{2028}", "日本", "\u{fffe}"];
        fn pick(list: &'static [&'static str], n: u8) -> &'static str {
            list[n as usize % list.len()]
        }
        match self {
            Piece::Word(n) => pick(WORDS, n),
            Piece::KeyIndicator => ":",
            Piece::Dash => "-",
            Piece::Space => " ",
            Piece::DoubleQuote => "\"",
            Piece::SingleQuote => "'",
            Piece::Escape(n) => pick(ESCAPES, n),
            Piece::Comment => " #",
            Piece::BlockHeader(n) => pick(HEADERS, n),
            Piece::Flow(n) => pick(FLOWS, n),
            Piece::Indicator(n) => pick(INDICATORS, n),
            Piece::Unicode(n) => pick(UNICODE, n),
        }
    }
}

impl Lines {
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            text.extend(std::iter::repeat_n(' ', usize::from(line.indent % 9)));
            for piece in &line.pieces {
                text.push_str(piece.text());
            }
            text.extend(std::iter::repeat_n(' ', usize::from(line.trailing_blanks % 3)));
            if i + 1 < self.lines.len() || self.final_break {
                text.push('\n');
            }
        }
        text
    }
}

/// Panics where the quick scan and saphyr give different documents for `text`.
pub fn assert_quick_scan_agrees(text: &str) {
    use kubecheck_core::yaml::{parse_documents, parse_documents_with_saphyr};
    let quick = parse_documents(text);
    let reference = parse_documents_with_saphyr(text);
    // Compared as printed: a `.nan` is not equal to itself.
    assert_eq!(format!("{quick:?}"), format!("{reference:?}"), "{text:?}");
}
