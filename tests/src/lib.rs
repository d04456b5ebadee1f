//! Helpers for the workspace tests in `tests/tests/`: the `kubecheck` binary, the
//! repository, and the prerequisites that plain `cargo test` on a fresh clone lacks (the
//! shared corpora, the wasm builds, the built page, system tools).
//!
//! A test whose prerequisite is missing is skipped with a message naming what provides
//! it. `scripts/test.sh` sets `KUBECHECK_REQUIRE_ALL=1`, and then a missing prerequisite
//! fails the test instead: CI must never pass by running less.

pub mod server;

use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `target/<profile>/`, where the test executable runs from (`…/deps/<test>`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// The `kubecheck` binary of this build (or `$KUBECHECK_BIN`).
///
/// `CARGO_BIN_EXE_kubecheck` exists only in the tests of the package that owns the binary,
/// and `cargo test -p kubecheck-tests` would not build it at all. So the first call in each
/// test process runs `cargo build -p kubecheck` with this test's profile and target
/// directory: a no-op when the binary is current, a rebuild when a source changed. Cargo's
/// lock on the target directory orders test processes that build at the same time.
pub fn kubecheck_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("KUBECHECK_BIN") {
        Some(path) => PathBuf::from(path),
        None => build_kubecheck(),
    })
    .clone()
}

fn build_kubecheck() -> PathBuf {
    let profile_dir = profile_dir();
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") => "dev",
        Some(name) => name,
        None => panic!("no profile in {}", profile_dir.display()),
    };
    let target_dir = profile_dir.parent().expect("target/<profile>");
    // Several checkouts (git worktrees) may share one target directory, and each build,
    // even one with nothing to do, links its own binary to `target/<profile>/kubecheck`.
    // Under this lock (every checkout's test processes take it) the build and a copy of
    // its binary named for this checkout are one step; the tests run the copy.
    std::fs::create_dir_all(&profile_dir).expect("profile dir");
    let lock = std::fs::File::create(profile_dir.join(".kubecheck-build.lock")).expect("lock file");
    // SAFETY: flock on a file descriptor this function owns; released when `lock` drops.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) };
    assert_eq!(locked, 0, "flock: {}", std::io::Error::last_os_error());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--package",
            "kubecheck",
            "--profile",
            profile,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(repo_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "`cargo build -p kubecheck` failed");
    let bin = profile_dir.join(format!("kubecheck{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "cargo built no {}", bin.display());
    // Written aside, then renamed: a test process of this checkout may be running the
    // previous copy.
    let tag = checkout_tag();
    let own = profile_dir.join(format!("kubecheck-{tag}{}", std::env::consts::EXE_SUFFIX));
    let aside = profile_dir.join(format!("kubecheck-{tag}.{}.tmp", std::process::id()));
    std::fs::copy(&bin, &aside).expect("copy the built kubecheck");
    std::fs::rename(&aside, &own).expect("rename the copy of kubecheck");
    drop(lock);
    own
}

/// A short name for this checkout's path: FNV-1a, enough to tell worktrees apart.
fn checkout_tag() -> String {
    let hash = repo_root()
        .display()
        .to_string()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// Whether a prerequisite is `present`. When it is not, prints that the calling test is
/// skipped and `why` (which names the command or setting that provides it), and returns
/// false for the test to return early — or, under `KUBECHECK_REQUIRE_ALL=1`, fails.
pub fn present_or_skip(present: bool, why: impl Display) -> bool {
    if present {
        return true;
    }
    if std::env::var_os("KUBECHECK_REQUIRE_ALL").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{why} (KUBECHECK_REQUIRE_ALL is set: missing prerequisites fail)");
    }
    let test = std::thread::current();
    let test = test.name().unwrap_or("a test");
    // Once per test and reason, straight to the stream past the test harness's capture:
    // a skip must show, and a bound checked in a loop must not repeat it.
    static SHOWN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let line = format!("SKIPPED {test}: {why}");
    if SHOWN
        .lock()
        .map_or(true, |mut shown| shown.insert(line.clone()))
    {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
    false
}

/// `$KUBECHECK_CORPUS/<corpus>` or `../shared/corpus/<corpus>` next to the repository
/// (`real` or `psa`), when it is there.
pub fn corpus(corpus: &str) -> Option<PathBuf> {
    let root = std::env::var_os("KUBECHECK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    let dir = root.join(corpus);
    present_or_skip(
        dir.is_dir(),
        format_args!(
            "the `{corpus}` corpus is not at {}: set KUBECHECK_CORPUS to the folder holding `real/` and `psa/` (without it, `shared/corpus/` next to the checkout, as in CI)",
            dir.display()
        ),
    )
    .then_some(dir)
}

/// A plugin that `scripts/build-plugins.sh` built into `target/plugins/`, when it is there.
/// The core wasm (`kubecheck-builtin.wasm`) is also what `kubecheck --engine wasm` embeds.
pub fn built_plugin(file_name: &str) -> Option<PathBuf> {
    let path = profile_dir()
        .parent()
        .expect("target/<profile>")
        .join("plugins")
        .join(file_name);
    present_or_skip(
        path.is_file(),
        format_args!(
            "{} is missing: run scripts/build-plugins.sh",
            path.display()
        ),
    )
    .then_some(path)
}

/// The web app bundled into `dist/web/`, when it is there.
pub fn built_page() -> Option<PathBuf> {
    let dir = repo_root().join("dist/web");
    present_or_skip(
        dir.join("index.html").is_file() && dir.join("kubecheck-web_bg.wasm").is_file(),
        format_args!(
            "{} has no built page: run scripts/build-web.sh",
            dir.display()
        ),
    )
    .then_some(dir)
}

/// Runs `kubecheck` with `args` and `stdin`, from the repository root.
pub fn run_kubecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(kubecheck_bin())
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("kubecheck runs");
    writer.join().expect("stdin writer");
    output
}

/// Parses stdout as the JSON report.
pub fn json_report(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Runs `command` (arguments, folder and environment set by the caller) with `stdin`,
/// its output going to files so that a chatty process cannot block on a full pipe. A run
/// longer than `limit` is a hang: the process is killed and the test fails.
pub fn output_within(command: &mut Command, stdin: &[u8], limit: Duration) -> Output {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let stdout_path = out_dir.path().join("stdout");
    let stderr_path = out_dir.path().join("stderr");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("kubecheck starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let _ = pipe.write_all(stdin);
    drop(pipe);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: std::fs::read(&stdout_path).expect("stdout"),
        stderr: std::fs::read(&stderr_path).expect("stderr"),
    }
}

/// Caps the address space of the process `command` starts, for attacks that would
/// otherwise take the machine's memory before a test's time limit.
pub fn cap_address_space(command: &mut Command, bytes: u64) -> &mut Command {
    use std::os::unix::process::CommandExt;
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit(2) is async-signal-safe and touches no memory of ours.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        })
    }
}

/// Runs `command` in a process group of its own, `feed` writing its stdin while its
/// output is read through pipes. A run longer than `limit` is a hang: the whole group is
/// killed (a wrapper such as GNU time with it) and the test fails.
pub fn run_group_within(
    command: &mut Command,
    feed: impl FnOnce(ChildStdin) + Send + 'static,
    limit: Duration,
) -> (ExitStatus, Vec<u8>, Vec<u8>) {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let mut child = command
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck starts");
    let stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || feed(stdin));
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr is piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for kubecheck") {
            break status;
        }
        if started.elapsed() > limit {
            // SAFETY: kill(2) with a negative pid signals our child's process group.
            unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
            let _ = child.wait();
            panic!("{command:?} hung: killed after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    writer.join().expect("stdin writer");
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    (status, stdout, stderr)
}

/// Risky Deployments (privileged, `hostPID`, an untagged image: ten findings each), as
/// many as fit in `bytes`: request bodies that cost the server real work.
pub fn risky_deployments(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes);
    for i in 0.. {
        let deployment = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n      - name: app\n        image: nginx\n        securityContext:\n          privileged: true\n---\n"
        );
        if out.len() + deployment.len() > bytes {
            break;
        }
        out.extend_from_slice(deployment.as_bytes());
    }
    out
}

/// Workloads per namespace in [`cluster`].
pub const CLUSTER_WORKLOADS_PER_NAMESPACE: usize = 10;

/// A generated cluster of `workloads` Deployments (about 1 KB of block YAML each, a
/// different risk in each of five) with what grows with them: per workload a
/// ServiceAccount, a Service and a NetworkPolicy; per namespace of
/// [`CLUSTER_WORKLOADS_PER_NAMESPACE`] workloads a default-deny policy, a Secret, two
/// Roles and their RoleBindings; per ten namespaces a ClusterRole and its
/// ClusterRoleBinding. The input of the scaling benchmarks (`core/benches/scale.rs`,
/// `scripts/bench-scale.sh`): the per-object rules, the secrets scan, RBAC paths and
/// NetworkPolicy reachability all have work that grows with it.
pub fn cluster(workloads: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(workloads * 2_400);
    let namespaces = workloads.div_ceil(CLUSTER_WORKLOADS_PER_NAMESPACE);
    for ns in 0..namespaces {
        let _ = write!(
            out,
            "\
apiVersion: v1
kind: Namespace
metadata:
  name: ns-{ns}
  labels:
    team: team-{team}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ns-{ns}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: ns-{ns}
type: Opaque
stringData:
  username: app
  password: hunter2-{ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ns-{ns}
rules:
- apiGroups: [\"\"]
  resources: [configmaps, services]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: ns-{ns}
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, create, update, patch]
- apiGroups: [\"\"]
  resources: [secrets, pods/exec]
  verbs: [get, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: readers
  namespace: ns-{ns}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}}
subjects:
- {{kind: ServiceAccount, name: app-{first}, namespace: ns-{ns}}}
- {{kind: Group, name: team-{team}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployers
  namespace: ns-{ns}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}}
subjects:
- {{kind: ServiceAccount, name: app-{second}, namespace: ns-{ns}}}
---
",
            team = ns % 7,
            first = ns * CLUSTER_WORKLOADS_PER_NAMESPACE,
            second = ns * CLUSTER_WORKLOADS_PER_NAMESPACE + 1,
        );
        if ns % 10 == 0 {
            let _ = write!(
                out,
                "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-reader-{ns}
rules:
- apiGroups: [\"\"]
  resources: [nodes, namespaces]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: node-readers-{ns}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader-{ns}}}
subjects:
- {{kind: ServiceAccount, name: app-{sa}, namespace: ns-{ns}}}
---
",
                sa = ns * CLUSTER_WORKLOADS_PER_NAMESPACE + 2,
            );
        }
    }
    for i in 0..workloads {
        let ns = i / CLUSTER_WORKLOADS_PER_NAMESPACE;
        let tier = ["web", "api", "db"][i % 3];
        // One risk in each of five workloads; the others are hardened.
        let (image, privileged, host_volume, env) = match i % 5 {
            0 => ("nginx:latest", "false", "", ""),
            1 => ("registry.example.com/app:1.4.2", "true", "", ""),
            2 => (
                "registry.example.com/app:1.4.2",
                "false",
                "\n      - name: docker\n        hostPath: {path: /var/run/docker.sock}",
                "",
            ),
            3 => (
                "registry.example.com/app:1.4.2",
                "false",
                "",
                "\n        - name: API_TOKEN\n          value: ghp_8xKq2Lm9Vb3Nc7Wd1Ye5Rf0Tg4Hj6Uk2Ia8S",
            ),
            _ => ("registry.example.com/app:1.4.2", "false", "", ""),
        };
        let _ = write!(
            out,
            "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-{i}
  namespace: ns-{ns}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: ns-{ns}
  labels: {{app: app-{i}, tier: {tier}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}, tier: {tier}}}
    spec:
      serviceAccountName: app-{i}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
      - name: app
        image: {image}
        ports:
        - {{name: http, containerPort: 8080}}
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {{name: db, key: password}}{env}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        securityContext:
          privileged: {privileged}
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {{drop: [ALL]}}
        volumeMounts:
        - {{name: tmp, mountPath: /tmp}}
      volumes:
      - name: tmp
        emptyDir: {{}}{host_volume}
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: ns-{ns}
spec:
  selector: {{app: app-{i}}}
  ports:
  - {{name: http, port: 80, targetPort: http}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: app-{i}
  namespace: ns-{ns}
spec:
  podSelector:
    matchLabels: {{app: app-{i}}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector:
        matchExpressions: [{{key: tier, operator: In, values: [web, api]}}]
    - namespaceSelector:
        matchLabels: {{team: team-{team}}}
    ports: [{{port: http}}]
  egress:
  - to:
    - podSelector: {{matchLabels: {{tier: db}}}}
---
",
            team = (ns + 1) % 7,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cluster_grows_with_its_workloads() {
        let documents = |n| super::cluster(n).matches("\n---\n").count();
        // Per workload four documents; per namespace seven, and two per ten namespaces.
        assert_eq!(documents(10), 10 * 4 + 7 + 2);
        assert_eq!(documents(1_000), 1_000 * 4 + 100 * 7 + 10 * 2);
        let workload = super::cluster(1_000).len() / 1_000;
        assert!(
            (1_500..3_000).contains(&workload),
            "{workload} bytes per workload"
        );
    }
}
