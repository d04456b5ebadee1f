//! `kubecheck serve`: the web app at `/`, the JSON API v1 (`POST /v1/check`, with
//! `POST /api/check` as its older name, and `GET /v1/rules`), a validating admission
//! webhook (`POST /v1/admission`, see `admission.rs`), `GET /healthz`, `GET /readyz` and
//! `GET /metrics` (see `metrics.rs`). Errors are problem documents (RFC 9457).
//!
//! The page talks to nothing but its own files; the API is for scripts and CI systems
//! that would rather not install the binary next to every job; the webhook puts the same
//! verdicts at a cluster's door. Both check with the options and plugins of the config,
//! read as `kubecheck check` reads it (`checker.rs`). HTTPS with `--tls-cert`/`--tls-key`
//! (`tls.rs`); SIGTERM and SIGINT let requests in flight finish.
//!
//! Every client is untrusted, so everything a client can make the server hold is bounded:
//! connections (by a count that fits the open-file limit), the time to send headers, a
//! body or take a response, the checks running at once, each body and all bodies held
//! at once, the report. A
//! browser page of another site must not reach the API either: `Host` and `Origin` are
//! checked (DNS rebinding, cross-site requests) and only manifest content types are
//! accepted, so a form cannot post without a CORS preflight.

use std::borrow::Cow;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::uri::Authority;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use kubecheck_core::report::ReportError;
use kubecheck_core::{Options, RuleInfo, Source};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;

use crate::cli::ServeArgs;
use crate::commands::check;

mod admission;
mod checker;
mod metrics;
mod namespaces;
mod tls;

use admission::Policy;
use checker::Checker;
use metrics::{Decision, Metrics};
use namespaces::NamespaceLabels;

/// The built web app (`scripts/build-web.sh` writes `dist/web`), carried inside release
/// builds so that `kubecheck serve` works from any directory.
#[cfg(not(debug_assertions))]
#[derive(rust_embed::Embed)]
#[folder = "../dist/web/"]
#[allow_missing = true]
struct WebApp;

#[cfg(not(debug_assertions))]
fn web_file(path: &str) -> Option<Cow<'static, [u8]>> {
    WebApp::get(path).map(|file| file.data)
}

/// Debug builds read the page from the checkout on each request: a rebuilt page needs no
/// rebuilt binary, and a binary built before the page still finds it.
#[cfg(debug_assertions)]
fn web_file(path: &str) -> Option<Cow<'static, [u8]>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist/web");
    std::fs::read(dir.join(path)).ok().map(Cow::Owned)
}

/// The same policy as the page's `<meta>` tag, plus what only a header can say.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; \
     worker-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

const NOT_BUILT: &str = "the web app is not built: run scripts/build-web.sh (it writes dist/web; \
     a release build of kubecheck embeds it, so rebuild that afterwards); the API works without it";

/// Connections when `--max-connections` is not given (and the open-file limit allows).
const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Checks at once when `--max-checks` is not given, at most: one check of a `--max-body`
/// of dense risky manifests peaks at about 600 MB.
const DEFAULT_MAX_CHECKS: usize = 4;

/// Request bodies of `--max-body` that may be held at once, arriving or waiting for a
/// check. Counted in bytes received, so that slow senders hold only what they sent.
const BODIES_HELD: usize = 16;

/// File descriptors kept for everything but connections: stdio, the listener, the event
/// loop, the page's files that debug builds read from disk.
const RESERVED_FDS: usize = 32;

/// Waits after a failed `accept` (out of file descriptors, say): the first one, and the
/// longest one the doubling reaches.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(1));

/// Content types of `POST /v1/check`. Not `text/plain`, `multipart/form-data` or
/// `application/x-www-form-urlencoded`: a browser sends those cross-site without asking.
const MANIFEST_TYPES: &[&str] = &[
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "application/json",
];

/// Parses a size for `--max-body` and `--max-report`: bytes, or with a K, M or G suffix
/// (binary units; `KiB`, `MiB`, `GiB` are accepted as well).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => return Err(format!("unknown unit `{unit}`: use K, M or G")),
    };
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (e.g. 4M)"))?;
    number
        .checked_mul(1 << shift)
        .filter(|&size| size > 0)
        .ok_or_else(|| format!("`{text}` is not a size between 1 byte and the address space"))
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    // Plugins are compiled (in child processes, with deadlines) before anything listens:
    // one that does not load stops the server here.
    let checker = Checker::load(&args)?;
    let namespaces = NamespaceLabels::load(&args.namespace_files)?;
    // One thread serves static files and short checks; checks run on the blocking pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the server runtime")?;
    let code = runtime.block_on(serve(args, checker, namespaces));
    // Checks whose clients were cut off at the end of the shutdown grace time are not
    // waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

/// How long a connection waits for its client: `--header-timeout` and `--body-timeout`.
#[derive(Clone, Copy, Debug)]
struct Timeouts {
    header: Duration,
    body: Duration,
}

/// What the handlers share.
struct Api {
    checks: Arc<Semaphore>,
    /// How long a request waits for a check slot before it gets 503.
    queue_wait: Duration,
    /// Bytes of request bodies held at once, one permit a byte.
    body_bytes: Arc<Semaphore>,
    max_body: usize,
    max_report: usize,
    body_timeout: Duration,
    hosts: HostGuard,
    /// `https` with `--tls-cert`, else `http`: the scheme of the server's own origin.
    scheme: &'static str,
    metrics: Metrics,
    policy: Policy,
    /// The plugins, for both APIs, and the options of `/v1/check` (before a request's
    /// parameters), from the config and the flags.
    checker: Checker,
    /// Options of the admission checks.
    admission_options: Options,
    /// `--namespaces`: the Pod Security labels reviews are judged by.
    namespaces: NamespaceLabels,
    /// Set once a signal asks the server to stop: `/readyz` then says so.
    draining: AtomicBool,
    /// `--access-log`.
    access_log: bool,
}

async fn serve(args: ServeArgs, checker: Checker, namespaces: NamespaceLabels) -> Result<ExitCode> {
    if web_file("index.html").is_none() {
        eprintln!("kubecheck: warning: {NOT_BUILT}");
    }
    let listener = TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsAcceptor::from(tls::server_config(cert, key)?)),
        _ => None,
    };
    if tls.is_none() && !addr.ip().is_loopback() && !args.insecure_listen {
        bail!(
            "{addr} is not a loopback address: give --tls-cert and --tls-key, or say \
             --insecure-listen to serve plain HTTP on it"
        );
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let max_connections = connection_limit(args.max_connections);
    let max_checks = args.max_checks.map_or_else(
        || {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(DEFAULT_MAX_CHECKS)
        },
        |n| n as usize,
    );
    let timeouts = Timeouts {
        header: Duration::from_secs(args.header_timeout),
        body: Duration::from_secs(args.body_timeout),
    };
    let api = Arc::new(Api {
        checks: Arc::new(Semaphore::new(max_checks)),
        queue_wait: Duration::from_millis(args.queue_wait),
        body_bytes: Arc::new(Semaphore::new(
            args.max_body
                .saturating_mul(BODIES_HELD)
                .min(Semaphore::MAX_PERMITS),
        )),
        max_body: args.max_body,
        max_report: args.max_report,
        body_timeout: timeouts.body,
        hosts: HostGuard::new(addr, &args.allow_hosts),
        scheme,
        metrics: Metrics::default(),
        policy: admission_policy(&args),
        admission_options: admission_options(&args, &checker.options),
        checker,
        namespaces,
        draining: AtomicBool::new(false),
        access_log: args.access_log,
    });
    for plugin in api.checker.plugin_names() {
        eprintln!("kubecheck: plugin {plugin} loaded");
    }
    if api.namespaces.len() > 0 {
        eprintln!(
            "kubecheck: Pod Security labels of {} namespace(s) loaded",
            api.namespaces.len()
        );
    }
    // Tests read this line to learn the port when `--addr` asks for port 0.
    eprintln!(
        "kubecheck: serving the web app at {scheme}://{addr}/ (API: POST {scheme}://{addr}/v1/check, \
         admission: POST {scheme}://{addr}/v1/admission)"
    );
    let draining = Arc::clone(&api);
    let stop = async move {
        stop_signal().await;
        draining.draining.store(true, Ordering::SeqCst);
        eprintln!("kubecheck: stopping: finishing the requests in flight");
    };
    let grace = Duration::from_secs(args.shutdown_timeout);
    accept_loop(
        listener,
        router(api),
        max_connections,
        timeouts,
        tls,
        stop,
        grace,
    )
    .await
}

/// The admission flags as a policy.
fn admission_policy(args: &ServeArgs) -> Policy {
    let mut exempt_namespaces: std::collections::HashSet<String> =
        args.exempt_namespaces.iter().cloned().collect();
    exempt_namespaces.extend(
        args.own_namespace
            .iter()
            .filter(|ns| !ns.is_empty())
            .cloned(),
    );
    Policy {
        enforce_at: args.enforce_at,
        mode: args.admission_mode,
        namespace_modes: args.namespace_modes.iter().cloned().collect(),
        exempt_namespaces,
        exempt_users: args.exempt_users.iter().cloned().collect(),
        judged_subresources: args.admission_subresources.iter().cloned().collect(),
    }
}

/// Rules that judge an object against others of its input (the NetworkPolicies, Roles
/// of its cluster): a review carries one object, so they could only say "not judged".
const NEEDS_OTHER_OBJECTS: &[&str] = &[
    "network-policy-coverage-unknown",
    "namespace-without-default-deny",
    "unknown-role-reference",
];

/// The options of `/v1/check` (the config's and the flags') without the rules that need
/// other objects, with inline suppressions only if asked (and the config allows them).
fn admission_options(args: &ServeArgs, base: &Options) -> Options {
    let mut options = base.clone();
    options
        .disable
        .extend(NEEDS_OTHER_OBJECTS.iter().map(|&id| id.to_owned()));
    options.suppressions.ignore_inline |= !args.admission_inline_suppressions;
    options
}

/// SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl-C).
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut terminate), Ok(mut interrupt)) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
        // Without signal handlers the default actions stop the process, as before.
        _ => std::future::pending().await,
    }
}

/// `--max-connections`, or a default that leaves file descriptors for everything else.
/// An explicit number above what the open-file limit allows is kept (accept errors are
/// survived), with a warning.
fn connection_limit(requested: Option<u32>) -> usize {
    let budget = open_file_limit().map(|limit| limit.saturating_sub(RESERVED_FDS).max(1));
    match (requested, budget) {
        (Some(n), Some(budget)) if n as usize > budget => {
            eprintln!(
                "kubecheck: warning: --max-connections {n} is more than the open-file limit \
                 leaves room for ({budget}); beyond that, accepting fails and is retried"
            );
            n as usize
        }
        (Some(n), _) => n as usize,
        (None, budget) => budget.map_or(DEFAULT_MAX_CONNECTIONS, |budget| {
            DEFAULT_MAX_CONNECTIONS.min(budget)
        }),
    }
}

/// The soft `RLIMIT_NOFILE`, where there is one.
#[cfg(unix)]
fn open_file_limit() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and nothing else.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY)
        .then(|| usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<usize> {
    None
}

/// Accepts connections while fewer than `max_connections` are open, and serves each on
/// hyper's HTTP/1 server with the timeouts, behind TLS when given. (axum's own loop has
/// neither a connection limit nor a header timeout, and sleeps after an accept error with
/// tokio's timer.) Once `stop` resolves, no connection is accepted any more, and those
/// open get `grace` to finish their requests.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    max_connections: usize,
    timeouts: Timeouts,
    tls: Option<TlsAcceptor>,
    stop: impl Future<Output = ()>,
    grace: Duration,
) -> Result<ExitCode> {
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    // The header timeout runs from the start of a connection and again whenever a
    // kept-alive one waits for its next request: it is the idle timeout too.
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    let graceful = GracefulShutdown::new();
    let mut stop = pin!(stop);
    let mut backoff = ACCEPT_BACKOFF.0;
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => {
                slot.context("the connection limit was closed")?
            }
            () = &mut stop => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF.0;
                stream
            }
            // The client gave up before we took its connection: nothing to wait for.
            Err(error) if is_connection_error(&error) => continue,
            // Out of file descriptors or memory: wait for connections to close, and say
            // so once per episode.
            Err(error) => {
                if backoff == ACCEPT_BACKOFF.0 {
                    eprintln!("kubecheck: warning: cannot accept a connection ({error}); retrying");
                }
                drop(slot);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
                continue;
            }
        };
        let stream = WriteDeadline::new(stream, timeouts.body);
        let service = TowerToHyperService::new(app.clone());
        let watcher = graceful.watcher();
        let http = http.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            // Errors here are the client's (a timeout, a reset, bad HTTP or TLS): hyper
            // already answered what it could, and the connection is closed either way.
            match tls {
                None => {
                    let _ = watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await;
                }
                // The handshake is bounded like the headers that follow it.
                Some(tls) => {
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(timeouts.header, tls.accept(stream)).await
                    {
                        let _ = watcher
                            .watch(http.serve_connection(TokioIo::new(stream), service))
                            .await;
                    }
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "kubecheck: warning: requests still in flight after {} s (`--shutdown-timeout`) were cut off",
            grace.as_secs()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A connection whose writes fail once the client has taken nothing for `timeout`, so a
/// client that does not read its response cannot keep the connection forever.
struct WriteDeadline {
    stream: TcpStream,
    timeout: Duration,
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        Self {
            stream,
            timeout,
            stalled_since: None,
        }
    }

    fn deadline<T>(
        &mut self,
        cx: &mut TaskContext<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled_since = None;
            return poll;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.deadline(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.deadline(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.stream).poll_flush(cx);
        self.deadline(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.deadline(cx, poll)
    }
}

/// Which names a request may give in `Host`.
#[derive(Debug)]
struct HostGuard {
    port: u16,
    /// Accepted host names (lowercase, IPv6 in brackets); `None` accepts any.
    names: Option<Vec<String>>,
}

impl HostGuard {
    fn new(addr: SocketAddr, allowed: &[String]) -> Self {
        let mut names: Vec<String> = allowed.iter().map(|n| n.to_ascii_lowercase()).collect();
        if addr.ip().is_loopback() {
            let bound = match addr {
                SocketAddr::V4(v4) => v4.ip().to_string(),
                SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
            };
            names.extend([
                bound,
                "localhost".into(),
                "127.0.0.1".into(),
                "[::1]".into(),
            ]);
        }
        Self {
            port: addr.port(),
            names: (!names.is_empty()).then_some(names),
        }
    }

    /// Whether a `Host` header (or a request target's authority) names this server.
    fn accepts_host(&self, host: &str) -> bool {
        let Some(names) = &self.names else {
            return true;
        };
        let Ok(authority) = host.parse::<Authority>() else {
            return false;
        };
        // `user@host` is an authority but never a `Host`.
        !host.contains('@')
            && authority.port_u16().unwrap_or(80) == self.port
            && names
                .iter()
                .any(|name| name.eq_ignore_ascii_case(authority.host()))
    }
}

/// Whether `origin` (an `Origin` header) is the server's `scheme` and the host the
/// request went to.
fn same_origin(origin: &str, scheme: &str, host: &str) -> bool {
    let (Ok(origin), Ok(host)) = (origin.parse::<Uri>(), host.parse::<Authority>()) else {
        return false;
    };
    let Some(origin_authority) = origin.authority() else {
        return false;
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    origin.scheme_str() == Some(scheme)
        && matches!(origin.path(), "" | "/")
        && origin_authority.host().eq_ignore_ascii_case(host.host())
        && origin_authority.port_u16().unwrap_or(default_port)
            == host.port_u16().unwrap_or(default_port)
}

/// Refuses requests for another host (421: a DNS-rebinding page's requests carry its own
/// name) and requests from another site's page (403).
async fn guard(State(api): State<Arc<Api>>, request: Request, next: Next) -> Response {
    let misdirected = || {
        problem(
            StatusCode::MISDIRECTED_REQUEST,
            "a request needs one `Host` header, naming this server",
        )
    };
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().ok(),
        _ => None,
    };
    // An absolute-form request target names a host too: both must agree.
    let target = request.uri().authority().map(Authority::as_str);
    let host = match (host, target) {
        (Some(host), None) => host,
        (Some(host), Some(target)) if target.eq_ignore_ascii_case(host) => host,
        _ => return misdirected(),
    };
    if !api.hosts.accepts_host(host) {
        return problem(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server does not answer for `Host: {host}` \
                 (see `kubecheck serve --allow-host`)"
            ),
        );
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !same_origin(origin, api.scheme, host) {
            return problem(
                StatusCode::FORBIDDEN,
                "requests from other sites' pages are refused",
            );
        }
    }
    next.run(request).await
}

/// Endpoints by path, with the methods they answer; anything else is the page's files.
const ENDPOINTS: &[(&str, &str)] = &[
    ("/v1/check", "POST"),
    ("/api/check", "POST"),
    ("/v1/admission", "POST"),
    ("/v1/rules", "GET, HEAD"),
    ("/healthz", "GET, HEAD"),
    ("/readyz", "GET, HEAD"),
    ("/metrics", "GET, HEAD"),
];

fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/check", post(check))
        // The name of `/v1/check` before the API had a version; kept for its clients.
        .route("/api/check", post(check))
        .route("/v1/admission", post(admission))
        .route("/v1/rules", get(rules))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(asset)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&api),
            guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&api),
            measure,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(api)
}

/// Counts every answer, refusals of the guard included, by endpoint (the page's files
/// are one, `static`) and status, with the time to its head; with `--access-log`, one
/// JSON line on stderr for it.
async fn measure(State(api): State<Arc<Api>>, request: Request, next: Next) -> Response {
    let endpoint = ENDPOINTS
        .iter()
        .map(|(path, _)| *path)
        .find(|path| *path == request.uri().path())
        .unwrap_or("static");
    let method = request.method().clone();
    let start = Instant::now();
    let response = next.run(request).await;
    let took = start.elapsed();
    api.metrics
        .request(endpoint, response.status().as_u16(), took);
    if api.access_log {
        eprintln!(
            "{}",
            access_line(&method, endpoint, &response, took, SystemTime::now())
        );
    }
    response
}

/// What an admission answer adds to its access-log line: names, never contents.
#[derive(Clone, Debug)]
struct AdmissionNote {
    uid: String,
    what: String,
    decision: &'static str,
}

/// One access-log line: the method, the endpoint (not the path: a query or a page path
/// is the client's text), the status, the time, and for admission the review's uid, the
/// object's kind and name and the decision. No header, body or manifest content.
fn access_line(
    method: &Method,
    endpoint: &str,
    response: &Response,
    took: Duration,
    now: SystemTime,
) -> serde_json::Value {
    let mut line = serde_json::json!({
        "time": now.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
        "method": method.as_str(),
        "endpoint": endpoint,
        "status": response.status().as_u16(),
        "ms": took.as_secs_f64() * 1000.0,
    });
    if let Some(note) = response.extensions().get::<AdmissionNote>() {
        line["uid"] = note.uid.clone().into();
        line["object"] = note.what.clone().into();
        line["decision"] = note.decision.into();
    }
    line
}

async fn method_not_allowed(uri: Uri) -> Response {
    let allow = ENDPOINTS
        .iter()
        .find(|(path, _)| *path == uri.path())
        .map_or("GET, HEAD", |(_, methods)| *methods);
    let mut response = problem(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} answers {allow}", uri.path()),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// The rules, as `kubecheck rules --format json` lists them, and the plugins'.
async fn rules(State(api): State<Arc<Api>>) -> Response {
    axum::Json(&api.checker.rules).into_response()
}

/// Alive: the process answers.
async fn healthz() -> Response {
    plain("ok\n")
}

/// Ready for traffic until a signal asks the server to stop.
async fn readyz(State(api): State<Arc<Api>>) -> Response {
    if api.draining.load(Ordering::SeqCst) {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping");
    }
    plain("ok\n")
}

async fn metrics(State(api): State<Arc<Api>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        api.metrics.render(),
    )
        .into_response()
}

fn plain(text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn asset(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let path = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        path => path,
    };
    if path.split('/').any(|segment| segment == "..") {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    match web_file(path) {
        Some(data) => (
            [
                (header::CONTENT_TYPE, content_type(path)),
                // The file names do not change between builds: revalidate every time.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            data,
        )
            .into_response(),
        None if path == "index.html" => {
            (StatusCode::SERVICE_UNAVAILABLE, format!("{NOT_BUILT}\n")).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// MIME types of what the build writes; browsers refuse to stream-compile wasm served
/// as anything but `application/wasm`.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Query parameters of `POST /api/check`; the body is the manifests (YAML or JSON).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CheckQuery {
    /// The source name locations carry.
    name: Option<String>,
    /// `LEVEL[:VERSION]`, as `kubecheck check --pss`.
    pss: Option<String>,
    #[serde(rename = "k8s-version")]
    k8s_version: Option<String>,
    /// Comma-separated selectors, as the CLI flags.
    select: Option<String>,
    enable: Option<String>,
    disable: Option<String>,
    only: Option<String>,
}

async fn check(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    query: Result<Query<CheckQuery>, QueryRejection>,
    body: Body,
) -> Response {
    if !is_manifest_type(headers.get(header::CONTENT_TYPE)) {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "send the manifests as one of: {}",
                MANIFEST_TYPES.join(", ")
            ),
        );
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return bad_request(rejection.body_text()),
    };
    let options = match options(&api.checker.options, &api.checker.rules, &query) {
        Ok(options) => options,
        Err(message) => return bad_request(message),
    };
    // The body first, under the byte budget: a slow sender holds the bytes it sent and
    // its connection, not a check slot. Its share of the budget is held while the text
    // is, until the check ends.
    let (body, body_share) = match read_body(&api, &headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if body.is_empty() {
        return bad_request("the body is empty: send the manifests to check");
    }
    // Held until the check ends even if the client leaves: memory is bounded by
    // `--max-checks` times what one check may take.
    let permit = match check_slot(&api).await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    let name = query.name.unwrap_or_else(|| "request".to_owned());
    let source = match Source::from_bytes(name, &body) {
        Ok(source) => source,
        Err((name, error)) => {
            return bad_request(format!(
                "{name}:{}:{}: {}",
                error.pos.line, error.pos.column, error.message
            ))
        }
    };
    drop(body);
    let max_report = api.max_report;
    let counted = Arc::clone(&api);
    let checked = tokio::task::spawn_blocking(move || {
        let _held = (permit, body_share);
        let (report, calls) = counted.checker.check(vec![source], &options);
        counted.metrics.plugin_calls(&calls);
        counted.metrics.findings(&report.findings);
        serialize_capped(&report, max_report).map_err(|()| report.summary.findings)
    })
    .await;
    match checked {
        Ok(Ok(json)) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Ok(Err(findings)) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the report ({findings} findings) is larger than the server sends ({max_report} bytes, \
                 `--max-report`): check fewer manifests at a time or fewer rules (`only`)"
            ),
        ),
        Err(_) => problem(StatusCode::INTERNAL_SERVER_ERROR, "the check failed"),
    }
}

/// `POST /v1/admission`: an `AdmissionReview` in, one with the verdict out.
async fn admission(State(api): State<Arc<Api>>, headers: HeaderMap, body: Body) -> Response {
    if !is_json_type(headers.get(header::CONTENT_TYPE)) {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the AdmissionReview as application/json",
        );
    }
    let (body, body_share) = match read_body(&api, &headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let mut request = match admission::parse(&body) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    drop(body);
    let mode = match api.policy.plan(&request) {
        Ok(mode) => mode,
        Err(skip) => {
            api.metrics.decision(Decision {
                decision: "skip",
                mode: "none",
                reason: skip.label(),
                dry_run: request.dry_run,
            });
            return review(admission::allow(&request.uid), note(&request, "skip"));
        }
    };
    let Some(object) = request.object.take() else {
        return bad_request(format!(
            "a {} review without `request.object`",
            request.operation
        ));
    };
    let old_object = request
        .old_object
        .take()
        .filter(|_| request.operation == "UPDATE");
    let permit = match check_slot(&api).await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    let mut options = api.admission_options.clone();
    options.suppressions.today = Some(check::today());
    let namespace_name = request.namespace.clone();
    let counted = Arc::clone(&api);
    let checked = tokio::task::spawn_blocking(move || {
        let _held = (permit, body_share);
        let namespace = counted.namespaces.source(&namespace_name);
        let check_object = |object: &serde_json::Value| {
            let mut sources = vec![Source::new("object", object.to_string())];
            sources.extend(namespace.clone());
            let (report, calls) = counted.checker.check(sources, &options);
            counted.metrics.plugin_calls(&calls);
            let errors = report.errors.iter().map(error_line).collect::<Vec<_>>();
            // The namespace is context: its own findings are not the review's.
            let findings = report
                .findings
                .into_iter()
                .filter(|f| f.location.source != namespaces::NAMESPACE_SOURCE)
                .collect::<Vec<_>>();
            (findings, errors)
        };
        let (findings, errors) = check_object(&object);
        match old_object {
            Some(old) => {
                let (known, _) = check_object(&old);
                (admission::introduced(findings, &known), errors)
            }
            None => (findings, errors),
        }
    })
    .await;
    let Ok((findings, errors)) = checked else {
        return problem(StatusCode::INTERNAL_SERVER_ERROR, "the check failed");
    };
    let verdict = admission::judge(&api.policy, &request, mode, &findings, &errors);
    api.metrics.findings(&findings);
    api.metrics.decision(Decision {
        decision: verdict.decision,
        mode: mode.as_str(),
        reason: "judged",
        dry_run: request.dry_run,
    });
    review(verdict.response, note(&request, verdict.decision))
}

/// A report error as a review's message shows it: a plugin's failure names the plugin
/// (its file's path is the server's business).
fn error_line(error: &ReportError) -> String {
    match &error.plugin {
        Some(plugin) => format!("plugin `{plugin}`: {}", error.message),
        None => error.message.clone(),
    }
}

fn review(response: serde_json::Value, note: AdmissionNote) -> Response {
    let mut response = axum::Json(admission::review(response)).into_response();
    response.extensions_mut().insert(note);
    response
}

fn note(request: &admission::Request, decision: &'static str) -> AdmissionNote {
    AdmissionNote {
        uid: request.uid.clone(),
        what: request.what.clone(),
        decision,
    }
}

fn is_json_type(value: Option<&HeaderValue>) -> bool {
    value
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// A check slot, waited for at most `--queue-wait`: a burst (the API server sends a
/// Deployment's worth of reviews at once) queues briefly instead of failing, while
/// memory stays bounded by `--max-checks` checks and the bodies held.
async fn check_slot(api: &Api) -> Result<OwnedSemaphorePermit, Response> {
    let acquire = Arc::clone(&api.checks).acquire_owned();
    match tokio::time::timeout(api.queue_wait, acquire).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy("the server is running as many checks as it may")),
    }
}

/// 503 with `Retry-After`.
fn busy(reason: &str) -> Response {
    let mut response = problem(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("{reason}; try again shortly"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn is_manifest_type(value: Option<&HeaderValue>) -> bool {
    let Some(value) = value.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    MANIFEST_TYPES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(essence))
}

/// The request body, within `--max-body`, `--body-timeout` and the byte budget (whose
/// share it returns, to be held while the body is).
async fn read_body(
    api: &Api,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), Response> {
    let too_large = || {
        problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than the server accepts ({} bytes, `--max-body`)",
                api.max_body
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > api.max_body as u64) {
        return Err(too_large());
    }
    let mut body = Limited::new(body, api.max_body);
    let mut bytes = Vec::new();
    let mut held: Option<OwnedSemaphorePermit> = None;
    let read = async {
        while let Some(frame) = body.frame().await {
            let frame = match frame {
                Ok(frame) => frame,
                Err(error) if error.is::<LengthLimitError>() => return Err(too_large()),
                Err(_) => return Err(bad_request("the body could not be read")),
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let share = u32::try_from(data.len())
                .ok()
                .and_then(|n| Arc::clone(&api.body_bytes).try_acquire_many_owned(n).ok())
                .ok_or_else(|| busy("the server holds as many request bodies as it may"))?;
            match &mut held {
                Some(held) => held.merge(share),
                None => held = Some(share),
            }
            bytes.extend_from_slice(&data);
        }
        Ok(())
    };
    match tokio::time::timeout(api.body_timeout, read).await {
        Ok(Ok(())) => Ok((bytes, held)),
        Ok(Err(response)) => Err(response),
        Err(_) => {
            let mut response = problem(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the body did not arrive within {} s (`--body-timeout`)",
                    api.body_timeout.as_secs()
                ),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(response)
        }
    }
}

/// The report as JSON, or `Err` as soon as it passes `max` bytes.
fn serialize_capped(report: &kubecheck_core::Report, max: usize) -> Result<Vec<u8>, ()> {
    struct Capped {
        bytes: Vec<u8>,
        max: usize,
    }
    impl io::Write for Capped {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if self.bytes.len() + data.len() > self.max {
                return Err(io::Error::other("the report is too large"));
            }
            self.bytes.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut out = Capped {
        bytes: Vec::new(),
        max,
    };
    serde_json::to_writer(&mut out, report).map_err(|_| ())?;
    Ok(out.bytes)
}

/// `base` (the config's and the flags' options) with a request's parameters: selectors
/// added, `pss` and `k8s-version` replaced.
fn options(base: &Options, rules: &[RuleInfo], query: &CheckQuery) -> Result<Options, String> {
    let list = |value: &Option<String>| -> Vec<String> {
        value
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut options = base.clone();
    options.select.extend(list(&query.select));
    options.enable.extend(list(&query.enable));
    options.disable.extend(list(&query.disable));
    options.only.extend(list(&query.only));
    // A server runs for days: `until=` dates of suppressions are judged on today's.
    options.suppressions.today = Some(check::today());
    if let Some(pss) = &query.pss {
        options.pss = pss.parse()?;
    }
    if let Some(version) = &query.k8s_version {
        options.kubernetes_version =
            Some(kubecheck_core::options::parse_kubernetes_version(version)?);
    }
    let unknown = options.unknown_selectors(rules);
    if !unknown.is_empty() {
        return Err(kubecheck_core::options::unknown_selectors_message(&unknown));
    }
    Ok(options)
}

fn bad_request(detail: impl Into<String>) -> Response {
    problem(StatusCode::BAD_REQUEST, detail)
}

/// An API error as a problem document (RFC 9457): no type of its own (`about:blank`),
/// the status's reason as the title, and what went wrong in `detail`.
fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail.into(),
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{AdmissionMode, Cli, Command};

    fn serve_args(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let argv = ["kubecheck", "serve"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Serve(args) => Ok(args),
            _ => unreachable!("the serve subcommand"),
        }
    }

    #[test]
    fn flags_have_bounded_defaults() {
        let args = serve_args(&[]).expect("parses");
        assert_eq!(args.max_body, 4 << 20);
        assert_eq!(args.max_report, 64 << 20);
        assert_eq!((args.header_timeout, args.body_timeout), (10, 30));
        assert_eq!((args.max_connections, args.max_checks), (None, None));
        assert_eq!(args.queue_wait, 1000);
        let args = serve_args(&[
            "--max-body=512K",
            "--max-report",
            "1G",
            "--max-checks=3",
            "--max-connections=9",
            "--allow-host=a.example",
            "--allow-host=b.example",
        ])
        .expect("parses");
        assert_eq!((args.max_body, args.max_report), (512 << 10, 1 << 30));
        assert_eq!((args.max_checks, args.max_connections), (Some(3), Some(9)));
        assert_eq!(args.allow_hosts, ["a.example", "b.example"]);
        for bad in [
            &["--max-checks=0"][..],
            &["--max-connections=0"],
            &["--header-timeout=0"],
            &["--body-timeout=0"],
            &["--max-body=0"],
            &["--max-body=4T"],
        ] {
            assert!(serve_args(bad).is_err(), "{bad:?} is accepted");
        }
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("4MiB"), Ok(4 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        for bad in ["", "M", "0", "-1", "1.5M", "4 MB", "99999999999999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad:?} is a size");
        }
    }

    #[test]
    fn loopback_servers_answer_only_for_loopback_names_and_their_port() {
        let guard = HostGuard::new("127.0.0.1:8080".parse().unwrap(), &[]);
        for host in [
            "localhost:8080",
            "LOCALHOST:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
        ] {
            assert!(guard.accepts_host(host), "{host}");
        }
        for host in [
            "localhost",
            "localhost:80",
            "localhost:8081",
            "evil.example:8080",
            "localhost.:8080",
            "localhost.evil.example:8080",
            "127.0.0.2:8080",
            "evil@localhost:8080",
            "0x7f000001:8080",
            "2130706433:8080",
            "",
            ":8080",
        ] {
            assert!(!guard.accepts_host(host), "{host}");
        }
        let on_80 = HostGuard::new("[::1]:80".parse().unwrap(), &[]);
        assert!(on_80.accepts_host("localhost") && on_80.accepts_host("[::1]:80"));
        let named = HostGuard::new("127.0.0.1:8080".parse().unwrap(), &["Kc.Example".into()]);
        assert!(named.accepts_host("kc.example:8080") && named.accepts_host("localhost:8080"));
    }

    #[test]
    fn other_addresses_answer_for_any_host_unless_names_are_given() {
        let any = HostGuard::new("0.0.0.0:8080".parse().unwrap(), &[]);
        assert!(any.accepts_host("whatever.example:8080"));
        let named = HostGuard::new("0.0.0.0:8080".parse().unwrap(), &["kc.example".into()]);
        assert!(named.accepts_host("kc.example:8080"));
        assert!(!named.accepts_host("localhost:8080") && !named.accepts_host("kc.example:1"));
    }

    #[test]
    fn same_origin_is_the_scheme_and_the_same_host_and_port() {
        let same_origin = |origin, host| same_origin(origin, "http", host);
        assert!(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(same_origin("http://LocalHost:8080", "localhost:8080"));
        assert!(same_origin("http://localhost", "localhost:80"));
        for origin in [
            "null",
            "",
            "https://127.0.0.1:8080",
            "http://127.0.0.1:8081",
            "http://localhost:8080",
            "http://127.0.0.1:8080/page",
            "http://127.0.0.1",
        ] {
            assert!(!same_origin(origin, "127.0.0.1:8080"), "{origin}");
        }
        assert!(super::same_origin(
            "https://kc.example",
            "https",
            "kc.example:443"
        ));
        assert!(!super::same_origin(
            "http://kc.example:443",
            "https",
            "kc.example:443"
        ));
    }

    #[test]
    fn access_lines_name_the_request_not_its_content() {
        let response = review(
            serde_json::json!({ "uid": "u-1", "allowed": false, "status": { "message": "secret-ish" } }),
            AdmissionNote {
                uid: "u-1".into(),
                what: "Pod shop/p".into(),
                decision: "deny",
            },
        );
        let line = access_line(
            &Method::POST,
            "/v1/admission",
            &response,
            Duration::from_micros(1500),
            UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        );
        assert_eq!(
            line,
            serde_json::json!({ "time": 1_700_000_000.0, "method": "POST",
                "endpoint": "/v1/admission", "status": 200, "ms": 1.5, "uid": "u-1",
                "object": "Pod shop/p", "decision": "deny" })
        );
        let plain = access_line(
            &Method::GET,
            "static",
            &plain("ok\n"),
            Duration::ZERO,
            UNIX_EPOCH,
        );
        assert!(plain.get("uid").is_none() && plain["endpoint"] == "static");
    }

    #[test]
    fn admission_and_tls_flags() {
        let args = serve_args(&[]).expect("parses");
        assert_eq!(args.admission_mode, AdmissionMode::Enforce);
        assert_eq!(args.enforce_at, kubecheck_core::Severity::High);
        assert_eq!(args.exempt_namespaces, ["kube-system"]);
        assert_eq!(args.admission_subresources, ["ephemeralcontainers"]);
        let args = serve_args(&[
            "--admission-subresource=scale",
            "--tls-cert=c.pem",
            "--tls-key=k.pem",
            "--admission-mode=warn",
            "--enforce-at=critical",
            "--namespace-mode=legacy=audit",
            "--exempt-namespace=infra",
            "--own-namespace=kubecheck",
            "--exempt-user=admin",
        ])
        .expect("parses");
        let policy = admission_policy(&args);
        assert_eq!(policy.mode, AdmissionMode::Warn);
        assert_eq!(policy.enforce_at, kubecheck_core::Severity::Critical);
        assert_eq!(policy.namespace_modes["legacy"], AdmissionMode::Audit);
        assert!(policy.exempt_namespaces.contains("infra"));
        assert!(policy.exempt_namespaces.contains("kubecheck"));
        assert!(!policy.exempt_namespaces.contains("kube-system"));
        assert!(policy.exempt_users.contains("admin"));
        assert_eq!(
            policy.judged_subresources,
            std::collections::HashSet::from(["scale".to_owned()])
        );
        for bad in [
            &["--tls-cert=c.pem"][..],
            &["--tls-key=k.pem"],
            &["--namespace-mode=legacy"],
            &["--namespace-mode==warn"],
            &["--namespace-mode=a=block"],
            &["--enforce-at=severe"],
        ] {
            assert!(serve_args(bad).is_err(), "{bad:?} is accepted");
        }
    }

    #[test]
    fn rule_flags_add_to_the_base_options_and_requests_add_to_them() {
        let args = serve_args(&[
            "--config=policy.yaml",
            "--disable=latest-image-tag,host-namespaces",
            "--pss=baseline",
        ])
        .expect("parses");
        assert_eq!(args.config, Some(std::path::PathBuf::from("policy.yaml")));
        assert_eq!(args.rules.disable, ["latest-image-tag", "host-namespaces"]);
        let base = Options {
            disable: args.rules.disable.clone(),
            pss: args.pss,
            ..Options::default()
        };
        let admission = admission_options(&args, &base);
        assert!(admission.disable.iter().any(|r| r == "host-namespaces"));
        assert!(admission
            .disable
            .iter()
            .any(|r| r == "unknown-role-reference"));
        assert!(admission.suppressions.ignore_inline);
        let rules = kubecheck_core::builtin_rules();
        let query = CheckQuery {
            disable: Some("privileged-container".into()),
            ..CheckQuery::default()
        };
        let request = options(&base, &rules, &query).expect("known rules");
        assert_eq!(
            request.disable,
            [
                "latest-image-tag",
                "host-namespaces",
                "privileged-container"
            ]
        );
        assert_eq!(request.pss, args.pss);
        assert!(request.suppressions.today.is_some());
        let unknown = CheckQuery {
            only: Some("edge".into()),
            ..CheckQuery::default()
        };
        assert!(options(&base, &rules, &unknown).is_err());
    }

    #[test]
    fn only_manifest_types_are_accepted() {
        let accepts = |value: &str| is_manifest_type(Some(&HeaderValue::from_str(value).unwrap()));
        for value in [
            "application/yaml",
            "Application/YAML; charset=utf-8",
            "text/x-yaml",
            "application/json",
        ] {
            assert!(accepts(value), "{value}");
        }
        for value in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/yaml, text/plain",
            "",
        ] {
            assert!(!accepts(value), "{value}");
        }
        assert!(!is_manifest_type(None));
    }

    #[test]
    fn reports_past_the_cap_are_refused() {
        let report = kubecheck_core::check(
            vec![Source::new("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a}]\n")],
            &Options::default(),
        );
        let full = serde_json::to_vec(&report).unwrap();
        assert_eq!(serialize_capped(&report, full.len()), Ok(full.clone()));
        assert_eq!(serialize_capped(&report, full.len() - 1), Err(()));
    }
}
