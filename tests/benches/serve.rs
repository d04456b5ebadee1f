//! Load on `kubecheck serve`'s admission webhook (issue 17): `POST /v1/admission` with a
//! typical Deployment, over HTTPS with kept-alive connections as the API server uses
//! them, from 1, 16 and 256 concurrent clients, without a plugin and then with the WAT
//! example plugin (`examples/plugins/wat-edge-lb`, pinned in a config: called on every
//! review). Prints throughput, p50/p99/max latency, answers other than 200, and the
//! server's memory.
//!
//! ```sh
//! cargo bench -p kubecheck-tests --bench serve              # release build of kubecheck
//! KUBECHECK_BENCH_SECS=10 cargo bench -p kubecheck-tests --bench serve
//! ```
//!
//! Traffic goes to 127.0.0.1 only, to a server this program starts and stops; each level
//! runs for `KUBECHECK_BENCH_SECS` seconds (default 5, at most 60).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use kubecheck_tests::server::ServeProcess;
use kubecheck_tests::{kubecheck_bin, repo_root};
use rcgen::{CertificateParams, KeyPair};
use rustls::pki_types::ServerName;

const LEVELS: [usize; 3] = [1, 16, 256];

/// A Deployment as teams write them: hardened, with one low finding (no digest) and the
/// metadata the API server adds.
fn review() -> Vec<u8> {
    let object = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": "storefront", "namespace": "shop", "uid": "0d2c1f7e-5f5a-4c5e-9d55-0f1c7d1e2b3a",
            "generation": 1, "creationTimestamp": null,
            "labels": { "app": "storefront", "team": "shop" },
            "annotations": { "deployment.kubernetes.io/revision": "1" } },
        "spec": {
            "replicas": 3, "selector": { "matchLabels": { "app": "storefront" } },
            "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": "25%" } },
            "template": {
                "metadata": { "labels": { "app": "storefront" } },
                "spec": {
                    "serviceAccountName": "storefront", "automountServiceAccountToken": false,
                    "securityContext": { "runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001,
                        "fsGroup": 10001, "seccompProfile": { "type": "RuntimeDefault" } },
                    "containers": [{
                        "name": "web", "image": "ghcr.io/example/storefront:2.4.1",
                        "ports": [{ "name": "http", "containerPort": 8080, "protocol": "TCP" }],
                        "env": [{ "name": "LOG_LEVEL", "value": "info" }],
                        "securityContext": { "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                            "privileged": false, "capabilities": { "drop": ["ALL"] } },
                        "resources": { "requests": { "cpu": "100m", "memory": "128Mi" },
                            "limits": { "cpu": "500m", "memory": "256Mi" } },
                        "readinessProbe": { "httpGet": { "path": "/healthz", "port": "http" } },
                        "volumeMounts": [{ "name": "tmp", "mountPath": "/tmp" }]
                    }],
                    "volumes": [{ "name": "tmp", "emptyDir": { "sizeLimit": "64Mi" } }]
                }
            }
        }
    });
    serde_json::json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind": { "group": "apps", "version": "v1", "kind": "Deployment" },
            "resource": { "group": "apps", "version": "v1", "resource": "deployments" },
            "name": "storefront", "namespace": "shop", "operation": "CREATE",
            "userInfo": { "username": "jane", "groups": ["system:authenticated"] },
            "object": object, "oldObject": null, "dryRun": false,
            "options": { "apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions" }
        }
    })
    .to_string()
    .into_bytes()
}

type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

fn connect(addr: &str, config: &Arc<rustls::ClientConfig>) -> BufReader<Tls> {
    let tcp = TcpStream::connect(addr).expect("connects");
    tcp.set_nodelay(true).expect("nodelay");
    tcp.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    let name = ServerName::try_from("localhost").expect("a name");
    let connection = rustls::ClientConnection::new(Arc::clone(config), name).expect("TLS");
    BufReader::new(rustls::StreamOwned::new(connection, tcp))
}

/// One request on a kept-alive connection; the status, or `None` if the connection broke.
fn exchange(stream: &mut BufReader<Tls>, head: &[u8], body: &[u8]) -> Option<u16> {
    let tls = stream.get_mut();
    tls.write_all(head).ok()?;
    tls.write_all(body).ok()?;
    tls.flush().ok()?;
    let mut line = String::new();
    stream.read_line(&mut line).ok()?;
    let status = line.get(9..12)?.parse().ok()?;
    let mut length = 0;
    loop {
        line.clear();
        stream.read_line(&mut line).ok()?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut answer = vec![0; length];
    stream.read_exact(&mut answer).ok()?;
    Some(status)
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would run this as a test:
    // only the former measures.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let secs: u64 = std::env::var("KUBECHECK_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .clamp(1, 60);
    let dir = tempfile::tempdir().expect("a temp dir");
    let key = KeyPair::generate().expect("a key");
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .self_signed(&key)
        .expect("a certificate");
    std::fs::write(dir.path().join("tls.crt"), cert.pem()).expect("cert file");
    std::fs::write(dir.path().join("tls.key"), key.serialize_pem()).expect("key file");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.der().clone()).expect("a root");
    let config = Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth(),
    );
    // Named with `--config`, so that the server without a plugin does not read it.
    let plugin = wat::parse_file(repo_root().join("examples/plugins/wat-edge-lb/plugin.wat"))
        .expect("the WAT example assembles");
    let sha256: String = <sha2::Sha256 as sha2::Digest>::digest(&plugin)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    std::fs::write(dir.path().join("edge.wasm"), &plugin).expect("plugin file");
    std::fs::write(
        dir.path().join("plugin.yaml"),
        format!("plugins:\n  - path: edge.wasm\n    sha256: {sha256}\n"),
    )
    .expect("config file");

    let body = review();
    println!(
        "kubecheck serve ({}), POST /v1/admission, {} bytes, HTTPS kept alive, {secs} s per level",
        kubecheck_bin().display(),
        body.len()
    );
    bench("no plugin", dir.path(), &[], &config, &body, secs);
    bench(
        "with the WAT example plugin (edge), called on every review",
        dir.path(),
        &["--config", "plugin.yaml"],
        &config,
        &body,
        secs,
    );
}

/// Starts a server in `dir` with `args`, runs every level against it, prints a table.
fn bench(
    label: &str,
    dir: &std::path::Path,
    args: &[&str],
    config: &Arc<rustls::ClientConfig>,
    body: &[u8],
    secs: u64,
) {
    let server = ServeProcess::spawn(
        Command::new(kubecheck_bin())
            .args(["serve", "--addr", "127.0.0.1:0", "--max-connections", "512"])
            .arg("--tls-cert")
            .arg(dir.join("tls.crt"))
            .arg("--tls-key")
            .arg(dir.join("tls.key"))
            .args(args)
            .current_dir(dir)
            .env("KUBECHECK_CACHE_DIR", dir.join("cache"))
            .env("XDG_CONFIG_HOME", dir.join("config")),
        "https",
    );
    let (addr, pid) = (server.addr.clone(), server.child.id());

    let body = Arc::new(body.to_vec());
    let head = Arc::new(
        format!(
            "POST /v1/admission HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes(),
    );
    println!("\n{label}");
    println!(
        "{:>8} {:>10} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "clients", "req/s", "p50 ms", "p99 ms", "max ms", "not 200", "RSS MiB"
    );
    for clients in LEVELS {
        // Connections (and their handshakes) are made before the clock starts.
        let streams: Vec<_> = (0..clients).map(|_| connect(&addr, config)).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let peak_rss = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sampler = {
            let stop = Arc::clone(&stop);
            let peak_rss = Arc::clone(&peak_rss);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak_rss.fetch_max(memory_kib(pid, "VmRSS:"), Ordering::Relaxed);
                    thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let start = Instant::now();
        let deadline = start + Duration::from_secs(secs);
        let workers: Vec<_> = streams
            .into_iter()
            .map(|mut stream| {
                let (head, body) = (Arc::clone(&head), Arc::clone(&body));
                thread::spawn(move || {
                    let mut latencies = Vec::new();
                    let mut failed = 0u64;
                    while Instant::now() < deadline {
                        let sent = Instant::now();
                        match exchange(&mut stream, &head, &body) {
                            Some(200) => latencies.push(sent.elapsed()),
                            Some(_) => failed += 1,
                            None => {
                                failed += 1;
                                break;
                            }
                        }
                    }
                    (latencies, failed)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let mut failed = 0;
        for worker in workers {
            let (mine, my_failed) = worker.join().expect("a client thread");
            latencies.extend(mine);
            failed += my_failed;
        }
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        sampler.join().expect("the sampler");
        latencies.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        if latencies.is_empty() {
            println!("{clients:>8} no successful request ({failed} failed)");
            continue;
        }
        println!(
            "{clients:>8} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9} {:>11.1}",
            latencies.len() as f64 / elapsed.as_secs_f64(),
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
            ms(*latencies.last().expect("not empty")),
            failed,
            peak_rss.load(Ordering::Relaxed) as f64 / 1024.0,
        );
    }
    println!(
        "server peak RSS over the run (VmHWM): {:.1} MiB",
        memory_kib(pid, "VmHWM:") as f64 / 1024.0
    );
}
