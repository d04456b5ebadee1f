//! Where a check's memory and time go (issue 19): phase by phase, the peak heap above
//! the phase's start, what the phase leaves held, and its time, counted by a global
//! allocator; or the CPU time of one small check, as an admission review makes it.
//!
//! ```sh
//! cargo run --release -p kubecheck-core --example check_profile -- deployments 10000
//! cargo run --release -p kubecheck-core --example check_profile -- path ../shared/corpus/real
//! cargo run --release -p kubecheck-core --example check_profile -- single 10000
//! cargo run --release -p kubecheck-core --example check_profile -- report ../shared/corpus/real json
//! ```
//!
//! `report DIR json|sarif|text` prints the report instead: the outputs compared byte
//! for byte before and after a change to the model.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use kubecheck_core::{builtin_rules, Input, Options, Session, Source};

/// The system allocator, counting the bytes held now and the most held since the last
/// [`reset_peak`].
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The highest [`PEAK`] of any phase.
static RUN_PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(held, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let held = HELD.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(held, Relaxed);
        } else {
            HELD.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A Deployment as teams write them (about 1 KB): hardened, with the metadata the API
/// server adds; the same object as the admission bench's (`tests/benches/serve.rs`).
fn deployment(i: usize) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront-{i}
  namespace: shop
  uid: 0d2c1f7e-5f5a-4c5e-9d55-0f1c7d1e2b3a
  generation: 1
  labels:
    app: storefront
    team: shop
  annotations:
    deployment.kubernetes.io/revision: "1"
spec:
  replicas: 3
  selector:
    matchLabels:
      app: storefront
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
  template:
    metadata:
      labels:
        app: storefront
    spec:
      serviceAccountName: storefront
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: web
        image: ghcr.io/example/storefront:2.4.1
        ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        env:
        - name: LOG_LEVEL
          value: info
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          privileged: false
          capabilities:
            drop: ["ALL"]
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: 500m
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
        volumeMounts:
        - name: tmp
          mountPath: /tmp
      volumes:
      - name: tmp
        emptyDir:
          sizeLimit: 64Mi
---
"#
    )
}

fn read_dir(dir: &Path, sources: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_dir(&path, sources);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            let bytes = std::fs::read(&path).expect("a readable file");
            if let Ok(source) = Source::from_bytes(path.display().to_string(), &bytes) {
                sources.push(source);
            }
        }
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Runs `phase`, printing its peak above the heap held at its start, what it leaves
/// held, and its time.
fn phase<T>(name: &str, run: impl FnOnce() -> T) -> T {
    let before = HELD.load(Relaxed);
    PEAK.store(before, Relaxed);
    let start = Instant::now();
    let result = run();
    let elapsed = start.elapsed();
    let after = HELD.load(Relaxed);
    RUN_PEAK.fetch_max(PEAK.load(Relaxed), Relaxed);
    println!(
        "{name:<22} peak +{:>9.1} MB   held after {:>9.1} MB   {:>8.1} ms",
        mb(PEAK.load(Relaxed) - before),
        mb(after),
        elapsed.as_secs_f64() * 1e3
    );
    result
}

/// Bytes written, nothing kept.
struct Sink(usize);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `n` checks of one Deployment, each from its text to its JSON report, as the server
/// makes them; prints the time of one.
fn single_checks(n: usize) {
    let text = deployment(0);
    let options = Options::default();
    let rules = builtin_rules();
    let start = Instant::now();
    let mut written = 0;
    for _ in 0..n {
        let input = Input::parse(vec![Source::new("review", text.as_str())]);
        let session = Session::new(&input, &options);
        let report = session.report(session.run_builtin(), &rules, Vec::new());
        let mut sink = Sink(0);
        serde_json::to_writer(&mut sink, &report).expect("a sink takes anything");
        written += sink.0;
    }
    let each = start.elapsed().as_secs_f64() / n as f64;
    println!(
        "{n} checks of one {}-byte Deployment: {:.1} µs each ({} report bytes each)",
        text.len(),
        each * 1e6,
        written / n
    );
}

fn print_report(dir: &Path, format: &str) {
    let mut sources = Vec::new();
    read_dir(dir, &mut sources);
    let rules = builtin_rules();
    let input = Input::parse(sources);
    let options = Options::default();
    let session = Session::new(&input, &options);
    let report = session.report(session.run_builtin(), &rules, Vec::new());
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        "json" => serde_json::to_writer_pretty(&mut out, &report).expect("stdout takes it"),
        "sarif" => {
            let sarif = kubecheck_core::output::sarif(&report, &rules);
            serde_json::to_writer_pretty(&mut out, &sarif).expect("stdout takes it")
        }
        "text" => kubecheck_core::output::write_text(&mut out, &report, &input.sources, false)
            .expect("stdout takes it"),
        _ => panic!("format: json, sarif or text"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sources = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["deployments", n] => {
            let n: usize = n.parse().expect("a number of Deployments");
            let mut text: String = (0..n).map(deployment).collect();
            // As a file is read: no spare capacity counted as the check's.
            text.shrink_to_fit();
            vec![Source::new("deployments.yaml", text)]
        }
        ["path", dir] => {
            let mut sources = Vec::new();
            read_dir(Path::new(dir), &mut sources);
            sources
        }
        ["report", dir, format] => {
            print_report(Path::new(dir), format);
            return;
        }
        ["single", n] => {
            single_checks(n.parse().expect("a number of checks"));
            return;
        }
        _ => panic!(
            "usage: check_profile deployments N | path DIR | single N | report DIR json|sarif|text"
        ),
    };
    let input_bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    println!(
        "input: {} sources, {:.1} MB; heap before the check {:.1} MB",
        sources.len(),
        mb(input_bytes),
        mb(HELD.load(Relaxed))
    );
    let options = Options::default();
    let rules = builtin_rules();
    let input = phase("parse", || Input::parse(sources));
    let session = phase("objects + typed views", || Session::new(&input, &options));
    let raw = phase("rules", || session.run_builtin());
    let findings = raw.len();
    let report = phase("report", || session.report(raw, &rules, Vec::new()));
    phase("json", || {
        serde_json::to_writer_pretty(Sink(0), &report).expect("a sink takes anything")
    });
    phase("sarif", || {
        let sarif = kubecheck_core::output::sarif(&report, &rules);
        serde_json::to_writer_pretty(Sink(0), &sarif).expect("a sink takes anything")
    });
    phase("text", || {
        kubecheck_core::output::write_text(&mut Sink(0), &report, &input.sources, false)
            .expect("a sink takes anything")
    });
    println!(
        "{} objects, {} raw findings, {} reported; peak heap {:.1} MB, {:.1}× the input",
        session.objects.len(),
        findings,
        report.findings.len(),
        mb(RUN_PEAK.load(Relaxed)),
        RUN_PEAK.load(Relaxed) as f64 / input_bytes as f64
    );
}
