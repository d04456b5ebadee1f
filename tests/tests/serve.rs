//! `kubecheck serve` over real HTTP: the page with its MIME types and security headers,
//! and the JSON API.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use kubecheck_tests::{kubecheck_bin, repo_root};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on a free port, from a directory outside the repository.
fn start() -> Server {
    let mut child = Command::new(kubecheck_bin())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck serve starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("kubecheck serve printed its address")
            .expect("stderr is text");
        if let Some(rest) = line.split("serving the web app at http://").nth(1) {
            break rest.split('/').next().expect("host:port").to_owned();
        }
    };
    Server { child, addr }
}

struct Response {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

fn request(server: &Server, method: &str, path: &str, body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(&server.addr).expect("connects");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        body.len()
    )
    .expect("request is sent");
    stream.write_all(body).expect("body is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response is read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = headers[9..12].parse().expect("a status code");
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[test]
fn serves_the_page_with_its_types_and_policy() {
    assert!(
        repo_root().join("dist/web/index.html").is_file(),
        "dist/web is missing: run scripts/build-web.sh first"
    );
    let server = start();
    let page = request(&server, "GET", "/", b"");
    assert_eq!(page.status, 200);
    assert_eq!(
        header(&page, "content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = header(&page, "content-security-policy").expect("a CSP header");
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    assert!(String::from_utf8_lossy(&page.body).contains("Content-Security-Policy"));

    let wasm = request(&server, "GET", "/kubecheck-web_bg.wasm", b"");
    assert_eq!(wasm.status, 200);
    assert_eq!(header(&wasm, "content-type"), Some("application/wasm"));
    assert_eq!(&wasm.body[..4], b"\0asm");
    let js = request(&server, "GET", "/kubecheck-web.js", b"");
    assert_eq!(
        header(&js, "content-type"),
        Some("text/javascript; charset=utf-8")
    );

    assert_eq!(request(&server, "GET", "/nope.txt", b"").status, 404);
    assert_eq!(request(&server, "GET", "/../Cargo.toml", b"").status, 404);
    assert_eq!(request(&server, "DELETE", "/", b"").status, 405);
}

#[test]
fn api_checks_the_body_with_options_from_the_query() {
    let server = start();
    let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      privileged: true\n";
    let response = request(&server, "POST", "/api/check?name=pod.yaml", pod);
    assert_eq!(response.status, 200);
    let report: serde_json::Value = serde_json::from_slice(&response.body).expect("a JSON report");
    assert_eq!(report["version"], 1);
    let privileged = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "privileged-container")
        .expect("the privileged container is found");
    assert_eq!(privileged["location"]["source"], "pod.yaml");
    assert_eq!(privileged["location"]["line"], 11);

    let only = request(&server, "POST", "/api/check?only=privileged-container", pod);
    let report: serde_json::Value = serde_json::from_slice(&only.body).expect("a JSON report");
    assert_eq!(report["summary"]["findings"], 1);

    let unknown = request(&server, "POST", "/api/check?disable=no-such-rule", pod);
    assert_eq!(unknown.status, 400);
    assert!(String::from_utf8_lossy(&unknown.body).contains("no-such-rule"));
    let binary = request(&server, "POST", "/api/check", b"kind: Pod\n\xff\xfe");
    assert_eq!(binary.status, 400);
    assert!(String::from_utf8_lossy(&binary.body).contains("not UTF-8"));
}
