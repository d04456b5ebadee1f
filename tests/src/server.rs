//! A `kubecheck serve` child for the HTTP (`serve.rs`) and HTTPS (`admission.rs`) tests:
//! started on a free port, its address read from its start-up line, killed when dropped;
//! and the bits of HTTP/1.1 those tests write and read by hand (a client library would
//! hide the exact bytes some tests are about: early answers, slow bodies, bad hosts).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::thread;

/// A running `kubecheck serve`.
pub struct ServeProcess {
    pub child: Child,
    /// `127.0.0.1:PORT`, as the server printed it.
    pub addr: String,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServeProcess {
    /// Spawns `command` (`kubecheck serve … --addr 127.0.0.1:0`) and waits for the line
    /// that says where it serves over `scheme` (`http` or `https`). Its stderr is drained
    /// from then on, so that warnings never block the server on a full pipe.
    pub fn spawn(command: &mut Command, scheme: &str) -> ServeProcess {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubecheck serve starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let marker = format!("serving the web app at {scheme}://");
        let addr = loop {
            let line = lines
                .next()
                .expect("kubecheck serve printed its address")
                .expect("stderr is text");
            if let Some(rest) = line.split(&marker).nth(1) {
                break rest.split('/').next().expect("host:port").to_owned();
            }
        };
        thread::spawn(move || lines.for_each(drop));
        ServeProcess { child, addr }
    }

    pub fn port(&self) -> &str {
        self.addr.rsplit(':').next().expect("host:port")
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the child can be waited for")
            .is_none()
    }

    /// Peak resident memory of the server so far, in KiB (Linux).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmHWM line")
    }
}

/// The head of a one-shot request: `Host` is `addr` unless `headers` has one, then the
/// headers, `Connection: close` and the body's length.
pub fn request_head(
    method: &str,
    path: &str,
    addr: &str,
    headers: &[(&str, &str)],
    body_len: usize,
) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Connection: close\r\nContent-Length: {body_len}\r\n\r\n"
    ));
    head
}

/// An answer as read off the wire.
pub struct HttpResponse {
    pub status: u16,
    /// The header block, lower-cased.
    pub headers: String,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn parse(raw: &[u8]) -> HttpResponse {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("a header block in {:?}", String::from_utf8_lossy(raw)));
        let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        HttpResponse {
            status: headers[9..12].parse().expect("a status code"),
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}
