//! `kubecheck serve`: the web app at `/` and the JSON API at `POST /api/check`.
//!
//! The page talks to nothing but its own files; the API is for scripts and CI systems
//! that would rather not install the binary next to every job.

use std::borrow::Cow;
use std::process::ExitCode;

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use kubecheck_core::{Options, Source};
use serde::Deserialize;

use crate::cli::ServeArgs;

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
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Largest manifest body the API accepts.
const MAX_BODY: usize = 16 * 1024 * 1024;

const NOT_BUILT: &str = "the web app is not built: run scripts/build-web.sh (it writes dist/web; \
     a release build of kubecheck embeds it, so rebuild that afterwards); POST /api/check works without it";

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    // One thread serves static files and short checks; checks run on the blocking pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<ExitCode> {
    if web_file("index.html").is_none() {
        eprintln!("kubecheck: warning: {NOT_BUILT}");
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    // Tests read this line to learn the port when `--addr` asks for port 0.
    eprintln!(
        "kubecheck: serving the web app at http://{addr}/ (API: POST http://{addr}/api/check)"
    );
    axum::serve(listener, router())
        .await
        .context("the server stopped")?;
    Ok(ExitCode::SUCCESS)
}

fn router() -> Router {
    Router::new()
        .route("/api/check", post(check))
        .fallback(asset)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(security_headers))
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
    enable: Option<String>,
    disable: Option<String>,
    only: Option<String>,
}

async fn check(Query(query): Query<CheckQuery>, body: Bytes) -> Response {
    let options = match options(&query) {
        Ok(options) => options,
        Err(message) => return bad_request(message),
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
    match tokio::task::spawn_blocking(move || kubecheck_core::check(vec![source], &options)).await {
        Ok(report) => Json(report).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "error": "the check failed" })),
        )
            .into_response(),
    }
}

fn options(query: &CheckQuery) -> Result<Options, String> {
    let list = |value: &Option<String>| -> Vec<String> {
        value
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut options = Options {
        enable: list(&query.enable),
        disable: list(&query.disable),
        only: list(&query.only),
        ..Options::default()
    };
    if let Some(pss) = &query.pss {
        options.pss = pss.parse()?;
    }
    if let Some(version) = &query.k8s_version {
        options.kubernetes_version =
            Some(kubecheck_core::options::parse_kubernetes_version(version)?);
    }
    let unknown = options.unknown_selectors(&kubecheck_core::builtin_rules());
    if !unknown.is_empty() {
        return Err(format!("unknown rule selectors: {}", unknown.join(", ")));
    }
    Ok(options)
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}
