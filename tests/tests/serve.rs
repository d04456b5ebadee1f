//! `kubecheck serve` over real HTTP: the page with its MIME types and security headers,
//! the JSON API, and the server under attack — idle and slow connections, big and
//! concurrent requests, other sites' pages (issue 9, items 4, 11 and 15). Every server
//! runs on loopback with resource limits, and every wait is bounded.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use kubecheck_tests::server::{request_head, HttpResponse, ServeProcess};
use kubecheck_tests::{built_page, kubecheck_bin, risky_deployments};

/// The longest any single wait in these tests lasts; far above what a passing run needs.
const PATIENCE: Duration = Duration::from_secs(60);

/// How long a connection may outlive a 1-second timeout before the test calls it open:
/// generous for a loaded machine, and short of hyper's own 30-second header timeout, so
/// the flags are what is tested.
const CLOSE_WITHIN: Duration = Duration::from_secs(20);

type Server = ServeProcess;

/// Resource limits for the server process.
#[derive(Default, Clone, Copy)]
struct Limits {
    open_files: Option<u64>,
    address_space: Option<u64>,
}

/// Starts the server on a free port with default settings.
fn start() -> Server {
    start_with(&[], Limits::default())
}

/// Starts the server on a free port, from a directory outside the repository, with
/// `args` and `limits`.
fn start_with(args: &[&str], limits: Limits) -> Server {
    let mut command = Command::new(kubecheck_bin());
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .current_dir(std::env::temp_dir());
    // SAFETY: only setrlimit(2), which is async-signal-safe, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            for (resource, value) in [
                (libc::RLIMIT_NOFILE, limits.open_files),
                (libc::RLIMIT_AS, limits.address_space),
            ] {
                if let Some(value) = value {
                    let limit = libc::rlimit {
                        rlim_cur: value,
                        rlim_max: value,
                    };
                    if libc::setrlimit(resource, &limit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
            }
            Ok(())
        });
    }
    ServeProcess::spawn(&mut command, "http")
}

type Response = HttpResponse;

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.addr).expect("connects");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("a read timeout");
    stream
        .set_write_timeout(Some(PATIENCE))
        .expect("a write timeout");
    stream
}

/// Sends one request with `Host` set to the server's address, and reads the answer.
fn request(server: &Server, method: &str, path: &str, body: &[u8]) -> Response {
    request_with(server, method, path, &[], body)
}

/// The manifest content type the API wants.
const YAML: (&str, &str) = ("Content-Type", "application/yaml");

/// A request with extra headers (a `Host` among them replaces the default one).
fn request_with(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = connect(server);
    let head = request_head(method, path, &server.addr, headers, body.len());
    stream.write_all(head.as_bytes()).expect("request is sent");
    stream.write_all(body).expect("body is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response is read");
    Response::parse(&raw)
}

/// The API with the manifest content type.
fn check(server: &Server, path: &str, body: &[u8]) -> Response {
    request_with(server, "POST", path, &[YAML], body)
}

/// Waits until the server closes `stream` (EOF or a reset), or `CLOSE_WITHIN` passes;
/// whatever it sent before closing is returned.
fn wait_for_close(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let start = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("a read timeout");
    while start.elapsed() < CLOSE_WITHIN {
        match stream.read(&mut buf) {
            Ok(0) => return Some(received),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some(received),
        }
    }
    None
}

const PRIVILEGED_POD: &[u8] = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      privileged: true\n";

#[test]
fn serves_the_page_with_its_types_and_policy() {
    if built_page().is_none() {
        return;
    }
    let server = start();
    let page = request(&server, "GET", "/", b"");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page
        .header("content-security-policy")
        .expect("a CSP header");
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    assert!(String::from_utf8_lossy(&page.body).contains("Content-Security-Policy"));

    let wasm = request(&server, "GET", "/kubecheck-web_bg.wasm", b"");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(&wasm.body[..4], b"\0asm");
    let js = request(&server, "GET", "/kubecheck-web.js", b"");
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    assert_eq!(request(&server, "GET", "/nope.txt", b"").status, 404);
    assert_eq!(request(&server, "GET", "/../Cargo.toml", b"").status, 404);
    assert_eq!(request(&server, "DELETE", "/", b"").status, 405);
}

#[test]
fn api_checks_the_body_with_options_from_the_query() {
    let server = start();
    let pod = PRIVILEGED_POD;
    let response = check(&server, "/api/check?name=pod.yaml", pod);
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

    let only = check(&server, "/api/check?only=privileged-container", pod);
    let report: serde_json::Value = serde_json::from_slice(&only.body).expect("a JSON report");
    assert_eq!(report["summary"]["findings"], 1);

    let unknown = check(&server, "/api/check?disable=no-such-rule", pod);
    assert_eq!(unknown.status, 400);
    assert!(String::from_utf8_lossy(&unknown.body).contains("no-such-rule"));
    let binary = check(&server, "/api/check", b"kind: Pod\n\xff\xfe");
    assert_eq!(binary.status, 400);
    assert!(String::from_utf8_lossy(&binary.body).contains("not UTF-8"));
}

/// Issue 9, item 4: idle connections used to exhaust the file descriptors, and axum's
/// accept loop then slept on a timer the runtime did not have: a panic, and no server.
/// With the open-file limit at 64, more idle connections than that must leave the server
/// running and answering — with the default connection limit (lowered to fit the file
/// limit) and with one set too high, where `accept` fails with EMFILE and backs off.
#[test]
fn idle_connections_past_the_open_file_limit_do_not_stop_the_server() {
    let limits = Limits {
        open_files: Some(64),
        ..Limits::default()
    };
    for args in [
        &[][..],
        &["--max-connections", "1000", "--header-timeout", "1"][..],
    ] {
        let mut server = start_with(args, limits);
        // A server that dies half-way refuses the rest: the check below reports it.
        let idle: Vec<TcpStream> = (0..150)
            .filter_map(|_| TcpStream::connect(&server.addr).ok())
            .collect();
        // Give the server time to take them all (a pause, not a measurement).
        thread::sleep(Duration::from_secs(1));
        assert!(server.is_running(), "with {args:?}: the server died");
        if args.is_empty() {
            drop(idle);
            let page = request(&server, "GET", "/nope.txt", b"");
            assert_eq!(page.status, 404, "with {args:?}");
        } else {
            // The idle connections stay open: the header timeout closes them and the
            // server gets its descriptors back while the attacker still holds its end.
            let page = request(&server, "GET", "/nope.txt", b"");
            assert_eq!(page.status, 404, "with {args:?}");
            drop(idle);
        }
        assert!(server.is_running(), "with {args:?}: the server died");
    }
}

/// Issue 9, item 11: a connection that sends nothing, or its headers a byte at a time,
/// is closed once the header timeout has passed.
#[test]
fn idle_and_slow_header_connections_are_closed() {
    let server = start_with(&["--header-timeout", "1"], Limits::default());

    let mut idle = connect(&server);
    assert!(
        wait_for_close(&mut idle).is_some(),
        "an idle connection stays open"
    );

    let mut slow = connect(&server);
    slow.write_all(format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Slow: ", server.addr).as_bytes())
        .expect("the start of the headers is sent");
    slow.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("a read timeout");
    let start = Instant::now();
    let mut closed = false;
    let mut buf = [0; 512];
    while start.elapsed() < CLOSE_WITHIN && !closed {
        closed = slow.write_all(b"a").is_err()
            || match slow.read(&mut buf) {
                Ok(_) => true,
                Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            };
    }
    assert!(closed, "a connection sending its headers slowly stays open");

    // A kept-alive connection that goes quiet after a request is closed as well.
    let mut kept = connect(&server);
    write!(
        kept,
        "GET /nope.txt HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .expect("sent");
    let rest = wait_for_close(&mut kept).expect("an idle kept-alive connection stays open");
    assert_eq!(Response::parse(&rest).status, 404);
}

/// Issue 9, item 11: a body that does not arrive in time gets 408 and the connection is
/// closed.
#[test]
fn slow_bodies_are_cut_off() {
    let server = start_with(&["--body-timeout", "1"], Limits::default());
    let mut stream = connect(&server);
    write!(
        stream,
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/yaml\r\nContent-Length: 1000\r\n\r\nkind: Pod\n",
        server.addr
    )
    .expect("sent");
    let answer = wait_for_close(&mut stream).expect("a connection with a stalled body stays open");
    let response = Response::parse(&answer);
    assert_eq!(response.status, 408, "{}", response.text());
    assert!(response.text().contains("--body-timeout"));
}

/// Issue 9, item 11: checks beyond `--max-checks` get 503 with `Retry-After` at once,
/// instead of piling up; the check that holds the slot still finishes.
#[test]
fn checks_beyond_the_limit_get_503() {
    let server = start_with(&["--max-checks", "1"], Limits::default());
    // About 7 s of checking in a debug build: long enough to be seen busy.
    let big = risky_deployments(1 << 20);
    let busy = thread::scope(|scope| {
        let long = scope.spawn(|| loop {
            // A small check below may hold the slot just when this one asks: retry.
            let response = check(&server, "/api/check?only=privileged-container", &big);
            if response.status != 503 {
                return response;
            }
        });
        let start = Instant::now();
        let mut busy = None;
        while busy.is_none() && !long.is_finished() && start.elapsed() < PATIENCE {
            let response = check(&server, "/api/check", PRIVILEGED_POD);
            if response.status == 503 {
                busy = Some(response);
            }
            thread::sleep(Duration::from_millis(20));
        }
        let long = long.join().expect("the long check");
        assert_eq!(long.status, 200, "{}", long.text());
        busy.expect("no request was refused while the only check slot was taken")
    });
    assert_eq!(busy.header("retry-after"), Some("1"));
    let error: serde_json::Value = serde_json::from_slice(&busy.body).expect("a JSON error");
    assert!(error["detail"]
        .as_str()
        .expect("a message")
        .contains("checks"));
    assert_eq!(check(&server, "/api/check", PRIVILEGED_POD).status, 200);
}

/// Issue 9, item 11: request bodies held at once are bounded in bytes (16 × `--max-body`),
/// counted as they arrive: past that, 503. Slow senders hold only their connection and
/// what they sent, not a check slot.
#[test]
fn bodies_held_at_once_are_bounded() {
    let server = start_with(
        &["--max-body", "64K", "--max-checks", "1"],
        Limits::default(),
    );
    // 24 bodies of 60,000 bytes, each one byte short of complete, against a budget of
    // 16 × 64 KiB: at most 17 fit, so at least 7 senders must be refused.
    let part = vec![b'#'; 60_000];
    let mut stalled: Vec<TcpStream> = (0..24)
        .map(|_| {
            let mut stream = connect(&server);
            write!(
                stream,
                "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\n\r\n",
                server.addr,
                part.len() + 1
            )
            .expect("sent");
            stream.write_all(&part).expect("sent");
            stream
                .set_read_timeout(Some(Duration::from_millis(100)))
                .expect("a read timeout");
            stream
        })
        .collect();
    let mut refused = 0;
    let mut answered = vec![false; stalled.len()];
    let start = Instant::now();
    while refused < 7 && start.elapsed() < PATIENCE {
        for (stream, answered) in stalled.iter_mut().zip(&mut answered) {
            let mut buf = [0; 512];
            if *answered || !matches!(stream.read(&mut buf), Ok(n) if n > 0) {
                continue;
            }
            *answered = true;
            let text = String::from_utf8_lossy(&buf);
            assert!(text.starts_with("HTTP/1.1 503"), "{text}");
            assert!(text.contains("bodies"), "{text}");
            refused += 1;
        }
    }
    assert!(refused >= 7, "{refused} of 24 senders were refused");
    // Those held take no check slot: a small check still runs.
    assert_eq!(check(&server, "/api/check", PRIVILEGED_POD).status, 200);
    drop(stalled);
    // Their bytes are given back when they go.
    let full = vec![b'#'; 64 << 10];
    let start = Instant::now();
    let answer = loop {
        let response = check(&server, "/api/check", &full);
        if response.status != 503 || start.elapsed() > PATIENCE {
            break response;
        }
        thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(answer.status, 200, "{}", answer.text());
}

/// Issue 9, item 11: three concurrent 16 MiB requests of risky Deployments drove the
/// server to 9 GB. Now bodies above `--max-body` (4 MiB by default) get 413, whether
/// they announce their length or not, and the server stays small. The server runs with
/// 2 GiB of address space, so the old behaviour fails the test rather than the machine.
#[test]
fn big_bodies_get_413_and_memory_stays_bounded() {
    let mut server = start_with(
        &[],
        Limits {
            address_space: Some(2 << 30),
            ..Limits::default()
        },
    );
    let body = std::sync::Arc::new(risky_deployments(16 << 20));
    let senders: Vec<_> = (0..3)
        .map(|_| {
            let mut stream = connect(&server);
            let addr = server.addr.clone();
            let body = std::sync::Arc::clone(&body);
            thread::spawn(move || {
                write!(
                    stream,
                    "POST /api/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/yaml\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .expect("the head is sent");
                let mut reader = stream.try_clone().expect("a second handle");
                // The server may answer before it has the body, and close: a failed write
                // is expected.
                let writer = thread::spawn(move || {
                    let _ = stream.write_all(&body);
                });
                let mut raw = Vec::new();
                let _ = reader.read_to_end(&mut raw);
                let _ = writer.join();
                raw
            })
        })
        .collect();
    for sender in senders {
        let raw = sender.join().expect("the sender thread");
        let response = Response::parse(&raw);
        assert_eq!(response.status, 413, "{}", response.text());
        assert!(response.text().contains("--max-body"));
    }

    // Without a length: chunked, 5 MiB in 1 MiB chunks.
    let mut stream = connect(&server);
    write!(
        stream,
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/yaml\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    )
    .expect("sent");
    let mut reader = stream.try_clone().expect("a second handle");
    let chunks = body[..5 << 20].to_vec();
    let writer = thread::spawn(move || {
        for chunk in chunks.chunks(1 << 20) {
            if write!(stream, "{:x}\r\n", chunk.len()).is_err()
                || stream.write_all(chunk).is_err()
                || stream.write_all(b"\r\n").is_err()
            {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    });
    let mut raw = Vec::new();
    let _ = reader.read_to_end(&mut raw);
    let _ = writer.join();
    assert_eq!(Response::parse(&raw).status, 413);

    assert!(server.is_running(), "the server died");
    assert_eq!(check(&server, "/api/check", PRIVILEGED_POD).status, 200);
    let peak = server.peak_rss_kib();
    assert!(peak < 512 << 10, "the server peaked at {peak} KiB");
}

/// Issue 9, item 11: a report larger than `--max-report` is not sent (nor built in full
/// as JSON): 422 with the reason.
#[test]
fn oversized_reports_get_422() {
    let server = start_with(&["--max-report", "20K"], Limits::default());
    let body = risky_deployments(20 << 10);
    let response = check(&server, "/api/check", &body);
    assert_eq!(response.status, 422, "{}", response.text());
    let error: serde_json::Value = serde_json::from_slice(&response.body).expect("a JSON error");
    assert!(error["detail"]
        .as_str()
        .expect("a message")
        .contains("--max-report"));
    assert_eq!(check(&server, "/api/check", PRIVILEGED_POD).status, 200);
}

/// Issue 9, item 15: a page of another site must not reach the API — neither through
/// DNS rebinding (its requests name its own host), nor by posting cross-site (a foreign
/// `Origin`, or a form's content type, which browsers send without a preflight).
#[test]
fn other_sites_pages_cannot_use_the_api() {
    let server = start();
    let port = server.port().to_owned();
    let api = |headers: &[(&str, &str)]| {
        request_with(&server, "POST", "/api/check", headers, PRIVILEGED_POD)
    };

    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(api(&[YAML, ("Host", &host)]).status, 200, "Host: {host}");
    }
    for host in [
        format!("rebind.example:{port}"),
        format!("127.0.0.1.nip.example:{port}"),
        "127.0.0.1".to_owned(),
        "localhost:1".to_owned(),
        String::new(),
    ] {
        let response = api(&[YAML, ("Host", &host)]);
        assert_eq!(response.status, 421, "Host: {host}: {}", response.text());
        let page = request_with(&server, "GET", "/", &[("Host", &host)], b"");
        assert_eq!(page.status, 421, "the page with Host: {host}");
    }
    let absolute = request_with(
        &server,
        "POST",
        &format!("http://rebind.example:{port}/api/check"),
        &[YAML],
        PRIVILEGED_POD,
    );
    assert_eq!(
        absolute.status, 421,
        "an absolute-form target of another host"
    );

    let own = format!("http://{}", server.addr);
    assert_eq!(api(&[YAML, ("Origin", &own)]).status, 200);
    for origin in [
        "http://evil.example",
        "https://evil.example",
        "null",
        &format!("https://{}", server.addr),
        &format!("http://localhost:{port}"),
    ] {
        let response = api(&[YAML, ("Origin", origin)]);
        assert_eq!(
            response.status,
            403,
            "Origin: {origin}: {}",
            response.text()
        );
    }

    for content_type in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "text/plain; charset=utf-8",
        "application/octet-stream",
    ] {
        let response = api(&[("Content-Type", content_type)]);
        assert_eq!(response.status, 415, "Content-Type: {content_type}");
        assert!(response.text().contains("application/yaml"));
    }
    assert_eq!(api(&[]).status, 415, "no Content-Type");
    for content_type in [
        "application/yaml",
        "text/yaml; charset=utf-8",
        "application/x-yaml",
    ] {
        assert_eq!(
            api(&[("Content-Type", content_type)]).status,
            200,
            "{content_type}"
        );
    }
    let json = br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "a:1", "securityContext": {"privileged": true}}]}}"#;
    let response = request_with(
        &server,
        "POST",
        "/api/check?only=privileged-container",
        &[("Content-Type", "application/json")],
        json,
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

/// `--allow-host` adds names; the loopback ones stay.
#[test]
fn allow_host_adds_a_name() {
    let server = start_with(&["--allow-host", "kubecheck.internal"], Limits::default());
    let port = server.port().to_owned();
    for host in [
        format!("kubecheck.internal:{port}"),
        format!("localhost:{port}"),
    ] {
        let response = request_with(&server, "GET", "/nope.txt", &[("Host", &host)], b"");
        assert_eq!(response.status, 404, "Host: {host}");
    }
    let other = request_with(
        &server,
        "GET",
        "/nope.txt",
        &[("Host", "other.internal")],
        b"",
    );
    assert_eq!(other.status, 421);
}

/// Issue 9, item 11: a client that never reads its response cannot keep its connection:
/// once the response has waited `--body-timeout` for it, the connection is closed and its
/// slot goes to the next client (here the only slot, `--max-connections 1`).
#[test]
fn clients_that_do_not_read_their_response_are_cut_off() {
    let server = start_with(
        &["--max-connections", "1", "--body-timeout", "1"],
        Limits::default(),
    );
    let mut reluctant = connect(&server);
    // A small receive buffer, so that a few megabytes of report fill what is in flight.
    let size: libc::c_int = 4096;
    // SAFETY: setsockopt(2) on the open socket with a pointer to a live c_int.
    let set = unsafe {
        use std::os::fd::AsRawFd;
        libc::setsockopt(
            reluctant.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(set, 0, "SO_RCVBUF is set");
    // About 10 MB of report.
    let body = risky_deployments(300 << 10);
    write!(
        reluctant,
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        body.len()
    )
    .expect("sent");
    reluctant.write_all(&body).expect("sent");
    // Never read from `reluctant`; the next client gets the slot all the same.
    let next = request(&server, "GET", "/nope.txt", b"");
    assert_eq!(next.status, 404);
    drop(reluctant);
}
