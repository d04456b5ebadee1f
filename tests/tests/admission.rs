//! `kubecheck serve` as a validating admission webhook over HTTPS (issue 17): real
//! `AdmissionReview` documents of Pods, Deployments and CronJobs, with and without
//! violations, UPDATEs, DELETE, dry runs and broken reviews, posted to a server the test
//! starts with certificates it makes; the certificate reloaded while the server runs; a
//! graceful shutdown with a request in flight; the v1 API's problem documents and
//! cross-site refusals. Every server runs on loopback, and every wait is bounded.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use kubecheck_tests::server::{request_head, HttpResponse, ServeProcess};
use kubecheck_tests::{kubecheck_bin, risky_deployments};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{json, Value};

/// The longest any single wait in these tests lasts; far above what a passing run needs.
const PATIENCE: Duration = Duration::from_secs(60);

/// A certificate authority made for one test, and server certificates it signs.
struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    fn new() -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "kubecheck test CA");
        let key = KeyPair::generate().expect("a CA key");
        let cert = params.self_signed(&key).expect("the CA certificate");
        Ca { cert, key }
    }

    /// A certificate for `localhost` and 127.0.0.1, as PEM (certificate, key), and its DER.
    fn issue(&self, common_name: &str) -> (String, String, CertificateDer<'static>) {
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        let key = KeyPair::generate().expect("a server key");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("a server certificate");
        (cert.pem(), key.serialize_pem(), cert.der().clone())
    }

    fn client_config(&self) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(self.cert.der().clone())
            .expect("the CA as a root");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }
}

/// Writes `text` to `path` the way the kubelet and cert-manager do: aside, then renamed.
fn replace_file(path: &Path, text: &str) {
    let aside = path.with_extension("new");
    std::fs::write(&aside, text).expect("write the new file");
    std::fs::rename(&aside, path).expect("rename it into place");
}

struct Server {
    process: ServeProcess,
    client: Arc<rustls::ClientConfig>,
    _dir: tempfile::TempDir,
    cert_path: PathBuf,
    key_path: PathBuf,
}

/// Starts `kubecheck serve` over HTTPS on a free loopback port with a certificate `ca`
/// issued, and `args`.
fn start(ca: &Ca, args: &[&str]) -> Server {
    start_with_files(ca, args, &[])
}

/// `kubecheck serve` run in a folder of its own (with its own plugin compile cache and
/// cache key) that holds `files` (name, content).
fn serve_in(dir: &Path, files: &[(&str, &[u8])]) -> Command {
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("a file for the server");
    }
    let mut command = Command::new(kubecheck_bin());
    command
        .arg("serve")
        .env_remove("POD_NAMESPACE")
        .env("KUBECHECK_CACHE_DIR", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .current_dir(dir);
    command
}

/// As [`start`], from a folder that holds `files` (a `.kubecheck.yaml`, plugins).
fn start_with_files(ca: &Ca, args: &[&str], files: &[(&str, &[u8])]) -> Server {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (cert, key, _) = ca.issue("first");
    let cert_path = dir.path().join("tls.crt");
    let key_path = dir.path().join("tls.key");
    std::fs::write(&cert_path, cert).expect("cert file");
    std::fs::write(&key_path, key).expect("key file");
    let process = ServeProcess::spawn(
        serve_in(dir.path(), files)
            .args(["--addr", "127.0.0.1:0", "--tls-cert"])
            .arg(&cert_path)
            .arg("--tls-key")
            .arg(&key_path)
            .args(args),
        "https",
    );
    Server {
        process,
        client: ca.client_config(),
        _dir: dir,
        cert_path,
        key_path,
    }
}

type Response = HttpResponse;

/// A TLS connection to the server, and the certificate it presented.
fn connect(
    server: &Server,
) -> (
    rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
    CertificateDer<'static>,
) {
    let tcp = TcpStream::connect(&server.process.addr).expect("connects");
    tcp.set_read_timeout(Some(PATIENCE))
        .expect("a read timeout");
    tcp.set_write_timeout(Some(PATIENCE))
        .expect("a write timeout");
    let name = ServerName::try_from("localhost").expect("a server name");
    let connection =
        rustls::ClientConnection::new(Arc::clone(&server.client), name).expect("a TLS client");
    let mut stream = rustls::StreamOwned::new(connection, tcp);
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .expect("the TLS handshake");
    }
    let presented = stream
        .conn
        .peer_certificates()
        .and_then(|chain| chain.first())
        .expect("a server certificate")
        .clone()
        .into_owned();
    (stream, presented)
}

/// Sends one request (with `Host` set to the server's address unless `headers` has one)
/// over a new TLS connection and reads the answer.
fn request(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let (mut stream, _) = connect(server);
    let head = request_head(method, path, &server.process.addr, headers, body.len());
    stream.write_all(head.as_bytes()).expect("the head is sent");
    // The server may answer before it has the body (413), and close.
    let _ = stream.write_all(body);
    HttpResponse::parse(&read_answer(&mut stream))
}

/// Everything the server sends until it closes. Read without writing (unlike rustls'
/// `Read` for a stream, which first sends what is pending): after an early answer the
/// rest of a body cannot be sent, and the answer must still be read.
fn read_answer(stream: &mut rustls::StreamOwned<rustls::ClientConnection, TcpStream>) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0; 16 << 10];
    loop {
        match stream.conn.reader().read(&mut buf) {
            Ok(0) => return raw,
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                continue;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            // Closed without close_notify: what came before is the answer.
            Err(_) => return raw,
        }
        match stream.conn.read_tls(&mut stream.sock) {
            Ok(0) | Err(_) => return raw,
            Ok(_) => {
                if let Err(e) = stream.conn.process_new_packets() {
                    panic!("bad TLS from the server: {e}");
                }
            }
        }
    }
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn post_review(server: &Server, review: &Value) -> Response {
    request(
        server,
        "POST",
        "/v1/admission",
        &[JSON],
        review.to_string().as_bytes(),
    )
}

/// Posts a review and returns its `response`, checking the envelope and the uid.
fn admit(server: &Server, review: &Value) -> Value {
    let answer = post_review(server, review);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let answer = answer.json();
    assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(answer["kind"], "AdmissionReview");
    assert_eq!(answer["response"]["uid"], review["request"]["uid"]);
    answer["response"].clone()
}

/// A pod spec that passes every default rule.
fn hardened_pod_spec() -> Value {
    json!({
        "automountServiceAccountToken": false,
        "securityContext": { "runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001,
            "seccompProfile": { "type": "RuntimeDefault" } },
        "containers": [{
            "name": "web",
            "image": format!("ghcr.io/example/web:1.0@sha256:{}", "a".repeat(64)),
            "securityContext": { "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true, "capabilities": { "drop": ["ALL"] } },
            "resources": { "requests": { "cpu": "100m", "memory": "64Mi" },
                "limits": { "cpu": "200m", "memory": "128Mi" } }
        }]
    })
}

/// The same spec with a privileged container (critical) sharing the host's PIDs (high).
fn risky_pod_spec() -> Value {
    let mut spec = hardened_pod_spec();
    spec["hostPID"] = json!(true);
    spec["containers"][0]["securityContext"]["privileged"] = json!(true);
    spec
}

/// `kind` (`Pod`, `Deployment` or `CronJob`) named `name` in `shop` around `spec`.
fn object(kind: &str, name: &str, spec: Value) -> Value {
    let metadata = json!({ "name": name, "namespace": "shop", "labels": { "app": name } });
    match kind {
        "Pod" => json!({ "apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec }),
        "Deployment" => json!({ "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata, "spec": { "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } }, "spec": spec } } }),
        "CronJob" => {
            let mut spec = spec;
            spec["restartPolicy"] = json!("Never");
            json!({ "apiVersion": "batch/v1", "kind": "CronJob", "metadata": metadata,
                "spec": { "schedule": "*/5 * * * *",
                "jobTemplate": { "spec": { "template": { "spec": spec } } } } })
        }
        _ => unreachable!("a kind of these tests"),
    }
}

/// A review of `operation` on `object` (and `old`), as the API server sends it.
fn review(operation: &str, object: &Value, old: Option<&Value>) -> Value {
    let kind = object["kind"].as_str().expect("a kind");
    let (group, version) = match object["apiVersion"].as_str().expect("an apiVersion") {
        "v1" => ("", "v1"),
        other => other.split_once('/').expect("group/version"),
    };
    let resource = format!("{}s", kind.to_ascii_lowercase());
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("705ab4f5-6393-11e8-b7cc-{:012x}", rand_suffix(object, operation)),
            "kind": { "group": group, "version": version, "kind": kind },
            "resource": { "group": group, "version": version, "resource": resource },
            "requestKind": { "group": group, "version": version, "kind": kind },
            "requestResource": { "group": group, "version": version, "resource": resource },
            "name": object["metadata"]["name"],
            "namespace": object["metadata"]["namespace"],
            "operation": operation,
            "userInfo": { "username": "jane", "groups": ["system:authenticated"] },
            "object": if operation == "DELETE" { Value::Null } else { object.clone() },
            "oldObject": old.cloned().unwrap_or(Value::Null),
            "dryRun": false,
            "options": { "apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions" }
        }
    })
}

/// A uid part that differs between the reviews of one test (no randomness needed).
fn rand_suffix(object: &Value, operation: &str) -> u64 {
    object
        .to_string()
        .bytes()
        .chain(operation.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
        & 0xffff_ffff_ffff
}

fn warnings(response: &Value) -> Vec<String> {
    response["warnings"]
        .as_array()
        .map(|warnings| {
            warnings
                .iter()
                .map(|w| w.as_str().expect("a string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn workloads_with_violations_are_denied_and_hardened_ones_allowed() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    for kind in ["Pod", "Deployment", "CronJob"] {
        let clean = admit(
            &server,
            &review("CREATE", &object(kind, "web", hardened_pod_spec()), None),
        );
        assert_eq!(clean["allowed"], true, "{kind}: {clean}");
        assert!(clean.get("status").is_none(), "{kind}: {clean}");
        assert!(warnings(&clean).is_empty(), "{kind}: {clean}");

        let risky = admit(
            &server,
            &review("CREATE", &object(kind, "web", risky_pod_spec()), None),
        );
        assert_eq!(risky["allowed"], false, "{kind}: {risky}");
        assert_eq!(risky["status"]["code"], 403, "{kind}");
        let message = risky["status"]["message"].as_str().expect("a message");
        assert!(
            message.starts_with(&format!("kubecheck denied {kind} shop/web: 2 findings")),
            "{message}"
        );
        let lines: Vec<&str> = message.lines().skip(1).collect();
        assert_eq!(lines.len(), 2, "{message}");
        assert!(
            lines[0].starts_with("critical privileged-container: "),
            "{message}"
        );
        assert!(lines[1].starts_with("high host-namespaces: "), "{message}");
        assert!(
            risky["auditAnnotations"]["findings"]
                .as_str()
                .expect("an audit annotation")
                .contains("privileged-container (critical)"),
            "{risky}"
        );
    }
}

#[test]
fn findings_below_the_threshold_and_other_modes_warn() {
    let ca = Ca::new();
    let server = start(
        &ca,
        &[
            "--enforce-at",
            "critical",
            "--namespace-mode",
            "legacy=warn",
            "--namespace-mode",
            "quiet=audit",
        ],
    );
    // hostPID is high: below `critical`, a warning.
    let mut spec = hardened_pod_spec();
    spec["hostPID"] = json!(true);
    spec["containers"][0]["image"] = json!(format!("registry.example/{}:1", "x".repeat(150)));
    let response = admit(&server, &review("CREATE", &object("Pod", "p", spec), None));
    assert_eq!(response["allowed"], true, "{response}");
    let warned = warnings(&response);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("kubecheck high host-namespaces: ")),
        "{warned:?}"
    );
    for warning in &warned {
        assert!(warning.chars().count() <= 120, "{warning}");
    }
    assert!(
        warned.iter().any(|w| w.ends_with('…')),
        "a long warning is cut: {warned:?}"
    );

    let mut risky = object("Pod", "p", risky_pod_spec());
    risky["metadata"]["namespace"] = json!("legacy");
    let mut legacy = review("CREATE", &risky, None);
    legacy["request"]["namespace"] = json!("legacy");
    let response = admit(&server, &legacy);
    assert_eq!(response["allowed"], true, "warn mode: {response}");
    assert!(
        warnings(&response)
            .iter()
            .any(|w| w.starts_with("kubecheck critical privileged-container")),
        "{response}"
    );

    let mut quiet = legacy.clone();
    quiet["request"]["namespace"] = json!("quiet");
    let response = admit(&server, &quiet);
    assert_eq!(response["allowed"], true, "audit mode: {response}");
    assert!(response.get("warnings").is_none(), "{response}");
    assert!(response["auditAnnotations"]["findings"]
        .as_str()
        .expect("an audit annotation")
        .contains("privileged-container"));
}

#[test]
fn updates_are_judged_on_what_they_introduce() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    let clean = object("Deployment", "web", hardened_pod_spec());
    let risky = object("Deployment", "web", risky_pod_spec());

    let introduces = admit(&server, &review("UPDATE", &risky, Some(&clean)));
    assert_eq!(introduces["allowed"], false, "{introduces}");
    assert!(introduces["status"]["message"]
        .as_str()
        .expect("a message")
        .contains("privileged-container"));

    // Already risky before; the update only changes a label.
    let mut relabelled = risky.clone();
    relabelled["metadata"]["labels"]["tier"] = json!("front");
    let unchanged = admit(&server, &review("UPDATE", &relabelled, Some(&risky)));
    assert_eq!(unchanged["allowed"], true, "{unchanged}");
    assert!(unchanged.get("auditAnnotations").is_none(), "{unchanged}");

    // A fix is never refused.
    let fixes = admit(&server, &review("UPDATE", &clean, Some(&risky)));
    assert_eq!(fixes["allowed"], true, "{fixes}");
}

#[test]
fn deletes_subresources_exempt_namespaces_and_users_are_allowed_unchecked() {
    let ca = Ca::new();
    let server = start(
        &ca,
        &[
            "--own-namespace",
            "kubecheck",
            "--exempt-user",
            "system:serviceaccount:flux-system:kustomize-controller",
        ],
    );
    let risky = object("Pod", "p", risky_pod_spec());

    let delete = admit(&server, &review("DELETE", &risky, Some(&risky)));
    assert_eq!(delete, json!({ "uid": delete["uid"], "allowed": true }));
    let connect = admit(&server, &review("CONNECT", &risky, None));
    assert_eq!(connect["allowed"], true);

    let mut status = review("UPDATE", &risky, Some(&risky));
    status["request"]["subResource"] = json!("status");
    assert_eq!(admit(&server, &status)["allowed"], true);

    for namespace in ["kube-system", "kubecheck"] {
        let mut exempt = review("CREATE", &risky, None);
        exempt["request"]["namespace"] = json!(namespace);
        assert_eq!(admit(&server, &exempt)["allowed"], true, "{namespace}");
    }
    let mut flux = review("CREATE", &risky, None);
    flux["request"]["userInfo"]["username"] =
        json!("system:serviceaccount:flux-system:kustomize-controller");
    assert_eq!(admit(&server, &flux)["allowed"], true);

    // Anyone else, anywhere else, is judged.
    assert_eq!(
        admit(&server, &review("CREATE", &risky, None))["allowed"],
        false
    );
}

#[test]
fn dry_runs_are_judged_alike_and_counted_apart() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    let mut dry = review("CREATE", &object("Pod", "p", risky_pod_spec()), None);
    dry["request"]["dryRun"] = json!(true);
    let response = admit(&server, &dry);
    assert_eq!(response["allowed"], false, "{response}");
    admit(
        &server,
        &review("CREATE", &object("Pod", "p", hardened_pod_spec()), None),
    );

    let metrics = request(&server, "GET", "/metrics", &[], b"");
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")));
    let text = String::from_utf8_lossy(&metrics.body);
    for line in [
        "kubecheck_admission_decisions_total{decision=\"deny\",mode=\"enforce\",reason=\"judged\",dry_run=\"true\"} 1",
        "kubecheck_admission_decisions_total{decision=\"allow\",mode=\"enforce\",reason=\"judged\",dry_run=\"false\"} 1",
        "kubecheck_findings_total{rule=\"privileged-container\",severity=\"critical\"} 1",
        "kubecheck_http_requests_total{endpoint=\"/v1/admission\",code=\"200\"} 2",
        "kubecheck_http_request_duration_seconds_count{endpoint=\"/v1/admission\"} 2",
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
    }
}

/// The problem document of a refused request, checked for its shape.
fn problem(response: &Response, status: u16) -> String {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json")
    );
    let document = response.json();
    assert_eq!(document["status"], status);
    assert_eq!(document["type"], "about:blank");
    assert!(document["title"].as_str().is_some_and(|t| !t.is_empty()));
    document["detail"].as_str().expect("a detail").to_owned()
}

#[test]
fn broken_reviews_get_problem_documents() {
    let ca = Ca::new();
    let server = start(&ca, &["--max-body", "64K"]);
    let post = |body: &[u8]| request(&server, "POST", "/v1/admission", &[JSON], body);

    assert!(problem(&post(b"{\"apiVersion\": "), 400).contains("not JSON"));
    assert!(problem(&post(b"\xff\xfe\x00"), 400).contains("not JSON"));
    let mut old_version = review("CREATE", &object("Pod", "p", risky_pod_spec()), None);
    old_version["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let detail = problem(&post(old_version.to_string().as_bytes()), 400);
    assert!(detail.contains("admission.k8s.io/v1beta1"), "{detail}");
    let mut no_uid = review("CREATE", &object("Pod", "p", risky_pod_spec()), None);
    no_uid["request"]
        .as_object_mut()
        .expect("a request")
        .remove("uid");
    assert!(problem(&post(no_uid.to_string().as_bytes()), 400).contains("uid"));
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    problem(&post(deep.as_bytes()), 400);

    let mut big = review("CREATE", &object("Pod", "p", hardened_pod_spec()), None);
    big["request"]["object"]["metadata"]["annotations"] = json!({ "filler": "x".repeat(70 << 10) });
    assert!(problem(&post(big.to_string().as_bytes()), 413).contains("--max-body"));

    let yaml = request(
        &server,
        "POST",
        "/v1/admission",
        &[("Content-Type", "application/yaml")],
        b"{}",
    );
    assert!(problem(&yaml, 415).contains("application/json"));
    let get = request(&server, "GET", "/v1/admission", &[], b"");
    assert_eq!(problem(&get, 405), "/v1/admission answers POST");
    assert_eq!(get.header("allow"), Some("post"));

    // Valid JSON (serde_json reads 128 levels) that the core will not read (100 levels):
    // not judged, so not allowed in silence.
    let mut nested = json!("deep");
    for _ in 0..110 {
        nested = json!({ "a": nested });
    }
    let mut pod = object("Pod", "p", hardened_pod_spec());
    pod["spec"]["extra"] = nested;
    let unread = admit(&server, &review("CREATE", &pod, None));
    assert_eq!(unread["allowed"], false, "{unread}");
    let message = unread["status"]["message"].as_str().expect("a message");
    assert!(message.contains("could not be checked"), "{message}");

    // The server is still there.
    let clean = review("CREATE", &object("Pod", "p", hardened_pod_spec()), None);
    assert_eq!(admit(&server, &clean)["allowed"], true);
}

#[test]
fn api_v1_checks_lists_rules_and_reports_health() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    let yaml = ("Content-Type", "application/yaml");
    let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      privileged: true\n";
    for path in ["/v1/check", "/api/check"] {
        let response = request(
            &server,
            "POST",
            &format!("{path}?only=privileged-container"),
            &[yaml],
            pod,
        );
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.json()["summary"]["findings"], 1, "{path}");
    }
    let unknown = request(&server, "POST", "/v1/check?colour=red", &[yaml], pod);
    assert!(problem(&unknown, 400).contains("colour"));
    let selector = request(&server, "POST", "/v1/check?only=no-such-rule", &[yaml], pod);
    assert!(problem(&selector, 400).contains("no-such-rule"));
    let empty = request(&server, "POST", "/v1/check", &[yaml], b"");
    assert!(problem(&empty, 400).contains("empty"));
    let form = request(
        &server,
        "POST",
        "/v1/check",
        &[("Content-Type", "text/plain")],
        pod,
    );
    assert!(problem(&form, 415).contains("application/yaml"));

    let rules = request(&server, "GET", "/v1/rules", &[], b"");
    assert_eq!(rules.status, 200);
    let rules = rules.json();
    let ids: Vec<&str> = rules
        .as_array()
        .expect("a list")
        .iter()
        .map(|rule| rule["id"].as_str().expect("an id"))
        .collect();
    assert!(
        ids.contains(&"privileged-container") && ids.len() > 50,
        "{ids:?}"
    );

    for path in ["/healthz", "/readyz"] {
        let response = request(&server, "GET", path, &[], b"");
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, &b"ok\n"[..]),
            "{path}"
        );
    }
}

/// Issue 17: a page on another site must not drive the API of a server on this machine.
#[test]
fn cross_origin_posts_are_refused() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    let yaml = ("Content-Type", "application/yaml");
    let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: a}]\n";
    let own = format!("https://{}", server.process.addr);
    let same = request(&server, "POST", "/v1/check", &[yaml, ("Origin", &own)], pod);
    assert_eq!(same.status, 200);
    for origin in [
        "https://evil.example",
        "null",
        &format!("http://{}", server.process.addr),
    ] {
        let refused = request(
            &server,
            "POST",
            "/v1/check",
            &[yaml, ("Origin", origin)],
            pod,
        );
        assert!(problem(&refused, 403).contains("other sites"), "{origin}");
        let review = review("CREATE", &object("Pod", "p", risky_pod_spec()), None);
        let refused = request(
            &server,
            "POST",
            "/v1/admission",
            &[JSON, ("Origin", origin)],
            review.to_string().as_bytes(),
        );
        assert_eq!(refused.status, 403, "{origin}");
    }
    let rebound = request(
        &server,
        "POST",
        "/v1/check",
        &[yaml, ("Host", "rebind.example")],
        pod,
    );
    problem(&rebound, 421);
}

/// cert-manager rotates the certificate in place: the next handshake presents the new
/// one, without a restart; a broken pair leaves the last good one in use.
#[test]
fn a_replaced_certificate_is_used_without_a_restart() {
    let ca = Ca::new();
    let mut server = start(&ca, &[]);
    let (_, first) = connect(&server);
    let (cert, key, second) = ca.issue("second");
    assert_ne!(first, second);
    replace_file(&server.key_path, &key);
    replace_file(&server.cert_path, &cert);
    let start = Instant::now();
    let presented = loop {
        let (_, presented) = connect(&server);
        if presented == second || start.elapsed() > PATIENCE {
            break presented;
        }
        thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(presented, second, "the old certificate is still presented");

    replace_file(&server.cert_path, "not a certificate\n");
    let (_, presented) = connect(&server);
    assert_eq!(presented, second, "a broken file replaced the good pair");
    let clean = review("CREATE", &object("Pod", "p", hardened_pod_spec()), None);
    assert_eq!(admit(&server, &clean)["allowed"], true);
    assert!(
        server.process.child.try_wait().expect("waitable").is_none(),
        "the server died"
    );
}

/// SIGTERM stops new connections at once and lets the request in flight finish.
#[test]
fn sigterm_finishes_the_request_in_flight() {
    let ca = Ca::new();
    let mut server = start(&ca, &["--max-checks", "1"]);
    let body = risky_deployments(1 << 20);
    let review = review("CREATE", &object("Pod", "p", hardened_pod_spec()), None);
    thread::scope(|scope| {
        let long = scope.spawn(|| loop {
            // A probe below may hold the slot just when this one asks: retry.
            let response = request(
                &server,
                "POST",
                "/v1/check?only=privileged-container",
                &[("Content-Type", "application/yaml")],
                &body,
            );
            if response.status != 503 {
                return response;
            }
        });
        // The only check slot taken means the long request is being checked.
        let start = Instant::now();
        loop {
            assert!(
                !long.is_finished(),
                "the long check ended before it was seen"
            );
            assert!(
                start.elapsed() < PATIENCE,
                "the long check never took the slot"
            );
            if post_review(&server, &review).status == 503 {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: kill(2) on the server this test started.
        let sent = unsafe { libc::kill(server.process.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM is sent");
        let start = Instant::now();
        while TcpStream::connect(&server.process.addr).is_ok() {
            assert!(
                start.elapsed() < PATIENCE,
                "new connections are still accepted"
            );
            thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !long.is_finished(),
            "the check ended before the listener closed"
        );
        let long = long.join().expect("the long request");
        assert_eq!(long.status, 200, "{}", String::from_utf8_lossy(&long.body));
        let findings = long.json()["summary"]["findings"]
            .as_u64()
            .expect("a count");
        assert!(findings > 1000, "{findings} findings");
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.process.child.try_wait().expect("waitable") {
            break status;
        }
        assert!(start.elapsed() < PATIENCE, "the server did not exit");
        thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn plain_http_on_other_addresses_needs_insecure_listen() {
    let output = Command::new(kubecheck_bin())
        .args(["serve", "--addr", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .output()
        .expect("kubecheck runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--insecure-listen"), "{stderr}");
}

/// A plugin's WAT source (a path in the repository) as a module.
fn plugin_wasm(wat: &str) -> Vec<u8> {
    wat::parse_file(kubecheck_tests::repo_root().join(wat)).unwrap_or_else(|e| panic!("{wat}: {e}"))
}

/// A `.kubecheck.yaml` that runs the plugin at `path`, pinned to `wasm`'s sha256.
fn plugin_config(path: &str, wasm: &[u8]) -> String {
    use sha2::Digest;
    let sha256: String = sha2::Sha256::digest(wasm)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("plugins:\n  - path: {path}\n    sha256: {sha256}\n")
}

/// A Service of `type: LoadBalancer` in `namespace`: the example plugin's finding
/// outside `edge`.
fn load_balancer(namespace: &str) -> Value {
    json!({ "apiVersion": "v1", "kind": "Service",
        "metadata": { "name": "front", "namespace": namespace },
        "spec": { "type": "LoadBalancer", "selector": { "app": "web" },
            "ports": [{ "port": 443, "targetPort": 8443 }] } })
}

fn metrics_text(server: &Server) -> String {
    let metrics = request(server, "GET", "/metrics", &[], b"");
    assert_eq!(metrics.status, 200);
    String::from_utf8_lossy(&metrics.body).into_owned()
}

fn assert_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.lines().any(|l| l == *line), "no `{line}` in\n{text}");
    }
}

/// The config's plugin, compiled once at start, runs in both APIs: its finding is in
/// `/v1/check`'s report and denies an admission review, and the metrics count its calls.
#[test]
fn a_config_plugin_reports_in_check_and_denies_in_admission() {
    let ca = Ca::new();
    let wasm = plugin_wasm("examples/plugins/wat-edge-lb/plugin.wat");
    let config = plugin_config("edge.wasm", &wasm);
    let server = start_with_files(
        &ca,
        &[],
        &[(".kubecheck.yaml", config.as_bytes()), ("edge.wasm", &wasm)],
    );
    let service = load_balancer("shop");

    let checked = request(
        &server,
        "POST",
        "/v1/check",
        &[JSON],
        service.to_string().as_bytes(),
    );
    assert_eq!(checked.status, 200);
    let report = checked.json();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("a rule"))
        .collect();
    assert!(rules.contains(&"edge/load-balancer-service"), "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");

    let denied = admit(&server, &review("CREATE", &service, None));
    assert_eq!(denied["allowed"], false, "{denied}");
    let message = denied["status"]["message"].as_str().expect("a message");
    assert!(
        message.contains("\nhigh edge/load-balancer-service: "),
        "{message}"
    );
    // Where the plugin has nothing to say, nothing else denies: the denial was its.
    let allowed = admit(&server, &review("CREATE", &load_balancer("edge"), None));
    assert_eq!(allowed["allowed"], true, "{allowed}");

    let listed = request(&server, "GET", "/v1/rules", &[], b"").json();
    assert!(
        listed
            .as_array()
            .expect("a list")
            .iter()
            .any(|rule| rule["id"] == "edge/load-balancer-service"),
        "the plugin's rule is not listed"
    );
    assert_lines(
        &metrics_text(&server),
        &[
            "kubecheck_plugin_calls_total{plugin=\"edge\",outcome=\"ok\"} 3",
            "kubecheck_plugin_call_duration_seconds_count{plugin=\"edge\"} 3",
            "kubecheck_findings_total{rule=\"edge/load-balancer-service\",severity=\"high\"} 2",
        ],
    );
}

/// A plugin that fails in a request is an error of the report, as for `check`; an
/// admission review it could not judge is denied in `enforce` mode (fail closed) and
/// warned of in `warn` mode.
#[test]
fn a_plugin_failing_in_a_request_denies_in_enforce_mode_and_is_counted() {
    let ca = Ca::new();
    let wasm = plugin_wasm("tests/fixtures/hostile/unreachable.wat");
    let config = plugin_config("unreachable.wasm", &wasm);
    let server = start_with_files(
        &ca,
        &["--namespace-mode", "legacy=warn"],
        &[
            (".kubecheck.yaml", config.as_bytes()),
            ("unreachable.wasm", &wasm),
        ],
    );
    let pod = object("Pod", "p", hardened_pod_spec());

    let denied = admit(&server, &review("CREATE", &pod, None));
    assert_eq!(denied["allowed"], false, "{denied}");
    let message = denied["status"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("kubecheck denied Pod shop/p: it could not be checked\n"),
        "{message}"
    );
    assert!(
        message.contains("error: plugin `unreachable`: trap: "),
        "{message}"
    );

    let mut legacy = review("CREATE", &pod, None);
    legacy["request"]["namespace"] = json!("legacy");
    let warned = admit(&server, &legacy);
    assert_eq!(warned["allowed"], true, "{warned}");
    assert!(
        warnings(&warned)
            .iter()
            .any(|w| w.starts_with("kubecheck could not check: plugin `unreachable`: trap")),
        "{warned}"
    );

    let checked = request(
        &server,
        "POST",
        "/v1/check",
        &[JSON],
        pod.to_string().as_bytes(),
    );
    assert_eq!(checked.status, 200);
    let report = checked.json();
    let error = &report["errors"][0];
    assert_eq!(error["plugin"], "unreachable", "{report}");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("trap: ")),
        "{report}"
    );
    assert_lines(
        &metrics_text(&server),
        &["kubecheck_plugin_calls_total{plugin=\"unreachable\",outcome=\"trap\"} 3"],
    );
}

/// Rule selection and severities of the config apply to both APIs, and the command
/// line's selectors add to the config's, as for `kubecheck check`.
#[test]
fn the_config_and_flags_select_rules_and_severities_as_for_check() {
    let ca = Ca::new();
    let config = "disable: [privileged-container]\nseverity:\n  host-namespaces: medium\n";
    let risky = review("CREATE", &object("Pod", "p", risky_pod_spec()), None);

    let server = start_with_files(&ca, &[], &[(".kubecheck.yaml", config.as_bytes())]);
    let response = admit(&server, &risky);
    assert_eq!(response["allowed"], true, "{response}");
    let warned = warnings(&response);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("kubecheck medium host-namespaces: ")),
        "{warned:?}"
    );
    assert!(
        !response.to_string().contains("privileged-container"),
        "{response}"
    );
    let pod = object("Pod", "p", risky_pod_spec());
    let report = request(
        &server,
        "POST",
        "/v1/check",
        &[JSON],
        pod.to_string().as_bytes(),
    )
    .json();
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| f["rule"] != "privileged-container"),
        "{report}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "host-namespaces" && f["severity"] == "medium"),
        "{report}"
    );
    drop(server);

    // The same file by another name, and one more rule off on the command line.
    let server = start_with_files(
        &ca,
        &["--config", "policy.yaml", "--disable", "host-namespaces"],
        &[("policy.yaml", config.as_bytes())],
    );
    let response = admit(&server, &risky);
    assert_eq!(response["allowed"], true, "{response}");
    assert!(
        !response.to_string().contains("host-namespaces"),
        "{response}"
    );
}

/// A plugin named in the config that does not load stops the server before it listens,
/// with the reason: serving without it would allow what it denies.
#[test]
fn a_plugin_that_does_not_load_stops_the_server_at_start() {
    let edge = plugin_wasm("examples/plugins/wat-edge-lb/plugin.wat");
    let wasi = plugin_wasm("tests/fixtures/hostile/wasi-imports.wat");
    let mispinned = plugin_config("edge.wasm", b"other bytes");
    let forbidden = plugin_config("wasi.wasm", &wasi);
    for (config, files, reason) in [
        (mispinned, ("edge.wasm", &edge), "sha256 mismatch"),
        (forbidden, ("wasi.wasm", &wasi), "forbidden import"),
    ] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let output = kubecheck_tests::output_within(
            serve_in(
                dir.path(),
                &[(".kubecheck.yaml", config.as_bytes()), (files.0, files.1)],
            )
            .args(["--addr", "127.0.0.1:0"]),
            b"",
            PATIENCE,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("not starting: the config's plugins must all load: plugin `"),
            "{stderr}"
        );
        assert!(stderr.contains(reason), "{stderr}");
        assert!(!stderr.contains("serving"), "{stderr}");
    }
}

/// The namespaces of `--namespaces`: `shop` enforces `baseline`, `lab` is privileged,
/// `bare` has no Pod Security label.
const NAMESPACES: &str = "apiVersion: v1
kind: NamespaceList
items:
- metadata:
    name: shop
    labels:
      pod-security.kubernetes.io/enforce: baseline
      team: web
- metadata:
    name: lab
    labels:
      pod-security.kubernetes.io/enforce: privileged
- metadata:
    name: bare
";

/// `object` moved to `namespace`.
fn in_namespace(mut object: Value, namespace: &str) -> Value {
    object["metadata"]["namespace"] = json!(namespace);
    object
}

fn audited(response: &Value) -> String {
    response["auditAnnotations"]["findings"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A Deployment whose pods share the host's network: Pod Security Admission creates the
/// Deployment but rejects each of its pods in a `baseline` namespace, and only there.
#[test]
fn namespaces_given_at_start_judge_workloads_by_their_pod_security_labels() {
    let ca = Ca::new();
    let mut spec = hardened_pod_spec();
    spec["hostNetwork"] = json!(true);
    let deployment = object("Deployment", "web", spec);
    let server = start_with_files(
        &ca,
        &["--namespaces", "namespaces.yaml"],
        &[("namespaces.yaml", NAMESPACES.as_bytes())],
    );
    let shop = admit(&server, &review("CREATE", &deployment, None));
    assert!(
        audited(&shop).contains("admission-rejected-workload (medium)"),
        "{shop}"
    );
    assert!(
        warnings(&shop).iter().any(|w| w.starts_with(
            "kubecheck medium admission-rejected-workload: the pods of Deployment `web` would be rejected in namespace `shop`"
        )),
        "{shop}"
    );
    // The namespace is context: a finding of its own (no `enforce` label, in `bare`) is
    // not the review's.
    for namespace in ["lab", "bare", "unknown"] {
        let moved = in_namespace(deployment.clone(), namespace);
        let response = admit(&server, &review("CREATE", &moved, None));
        let text = response.to_string();
        assert!(!text.contains("admission-rejected-workload"), "{text}");
        assert!(!text.contains("namespace-without-pod-security"), "{text}");
        assert!(
            audited(&response).contains("host-namespaces (high)"),
            "{text}"
        );
    }
    // An object that names no namespace is in the review's, as the API server makes it.
    let mut unnamed = deployment.clone();
    unnamed["metadata"]
        .as_object_mut()
        .expect("metadata")
        .remove("namespace");
    let mut unnamed_review = review("CREATE", &unnamed, None);
    unnamed_review["request"]["namespace"] = json!("shop");
    let response = admit(&server, &unnamed_review);
    assert!(
        audited(&response).contains("admission-rejected-workload"),
        "{response}"
    );
    // An UPDATE that keeps the violation introduces nothing.
    let mut replicas = deployment.clone();
    replicas["spec"]["replicas"] = json!(3);
    let update = admit(&server, &review("UPDATE", &replicas, Some(&deployment)));
    assert_eq!(update["allowed"], true, "{update}");
    assert!(
        !update.to_string().contains("admission-rejected"),
        "{update}"
    );
    drop(server);

    // Without the namespaces, the preview has nothing to judge by.
    let server = start(&ca, &[]);
    let response = admit(&server, &review("CREATE", &deployment, None));
    assert!(
        !response.to_string().contains("admission-rejected-workload"),
        "{response}"
    );
}

/// A namespaces file the server cannot use stops it at start, naming the file.
#[test]
fn a_namespaces_file_without_namespaces_stops_the_server_at_start() {
    for (text, reason) in [
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
            "no `v1` Namespace",
        ),
        ("kind: [unclosed\n", "namespaces.yaml: "),
    ] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let output = kubecheck_tests::output_within(
            serve_in(dir.path(), &[("namespaces.yaml", text.as_bytes())]).args([
                "--addr",
                "127.0.0.1:0",
                "--namespaces",
                "namespaces.yaml",
            ]),
            b"",
            PATIENCE,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--namespaces namespaces.yaml"), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(!stderr.contains("serving"), "{stderr}");
    }
}

/// `kubectl debug` adds a container to a running pod by an UPDATE of its
/// `ephemeralcontainers` subresource: a privileged one is denied, a plain one allowed,
/// and `status` updates stay unchecked.
#[test]
fn ephemeral_containers_added_to_a_pod_are_judged() {
    let ca = Ca::new();
    let server = start(&ca, &[]);
    let pod = object("Pod", "p", hardened_pod_spec());
    let debugged = |security_context: Value| {
        let mut pod = pod.clone();
        pod["spec"]["ephemeralContainers"] = json!([{
            "name": "debugger", "image": "busybox:1.37", "targetContainerName": "web",
            "securityContext": security_context }]);
        let mut review = review(
            "UPDATE",
            &pod,
            Some(&object("Pod", "p", hardened_pod_spec())),
        );
        review["request"]["subResource"] = json!("ephemeralcontainers");
        review
    };
    let privileged = admit(&server, &debugged(json!({ "privileged": true })));
    assert_eq!(privileged["allowed"], false, "{privileged}");
    let message = privileged["status"]["message"].as_str().expect("a message");
    assert!(
        message.contains("critical privileged-container: ephemeral container `debugger`"),
        "{message}"
    );
    let plain = admit(
        &server,
        &debugged(json!({ "allowPrivilegeEscalation": false })),
    );
    assert_eq!(plain["allowed"], true, "{plain}");

    let mut status = debugged(json!({ "privileged": true }));
    status["request"]["subResource"] = json!("status");
    let response = admit(&server, &status);
    assert_eq!(response["allowed"], true, "{response}");
    assert!(response.get("warnings").is_none(), "{response}");
    drop(server);

    // Giving `--admission-subresource` replaces the default.
    let server = start(&ca, &["--admission-subresource", "scale"]);
    let response = admit(&server, &debugged(json!({ "privileged": true })));
    assert_eq!(response["allowed"], true, "{response}");
}
