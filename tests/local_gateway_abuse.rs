//! The local gateway against hostile clients, over raw TCP to a real fleet whose handler records
//! every invocation: a body it cannot read whole (malformed chunks, cut short, over 10 MB,
//! stalled) never runs the function, slow and idle connections are closed, connections beyond
//! the limit wait their turn, and after running out of descriptors the gateway answers again.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mfn_tui::fleet::Fleet;
use mfn_tui::fleet::local::LocalFleet;
use mfn_tui::fleet::local::gateway::GatewaySettings;
use support::http::send;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("abuse", name)
}

/// A service under `root/services` whose function appends each body it gets to
/// `root/invocations`, on `POST /record`; the services' directory.
fn recording_service(root: &Path) -> PathBuf {
    let dir = root.join("services/recorder");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("serverless.yml"),
        format!(
            "service: recorder\nprovider:\n  name: aws\n  runtime: python3.11\nfunctions:\n  record:\n    handler: handler.record\n    environment:\n      RECORD: {}\n    events:\n      - httpApi: POST /record\n",
            root.join("invocations").display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("handler.py"),
        "import json, os\n\n\ndef record(event, context):\n    with open(os.environ['RECORD'], 'a') as f:\n        f.write(json.dumps(event.get('body')) + '\\n')\n    return {'statusCode': 200, 'body': 'recorded'}\n",
    )
    .unwrap();
    root.join("services")
}

/// The bodies the function was invoked with, in order.
fn invocations(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join("invocations"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The recording service served with `settings` (its port ignored: any free one); the fleet
/// and the gateway's `host:port`.
async fn serve(root: &Path, settings: GatewaySettings) -> (Arc<LocalFleet>, String) {
    let services = recording_service(root);
    let fleet = support::local::open_clean(&services, &root.join("state"));
    fleet
        .start_gateway(&GatewaySettings {
            port: 0,
            ..settings
        })
        .await;
    let base = fleet.context().endpoint.expect("the gateway runs");
    (fleet, base.trim_start_matches("http://").to_owned())
}

fn settings() -> GatewaySettings {
    support::local::gateway_on(0)
}

/// Writes `request` to the gateway at `host` (closing the sending half when `close_write`) and
/// reads until the server closes; what came back, possibly nothing.
fn exchange(host: &str, request: &[u8], close_write: bool) -> String {
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may close while a large request is still being written: that is its answer.
    let _ = stream.write_all(request);
    if close_write {
        let _ = stream.shutdown(Shutdown::Write);
    }
    read_all(&mut stream)
}

/// What the server sent until it closed (a reset ends the read too).
fn read_all(stream: &mut TcpStream) -> String {
    read_until_closed(stream).0
}

/// What the server sent, and whether it closed the connection (rather than the client's
/// patience running out first).
fn read_until_closed(stream: &mut TcpStream) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => {
                break !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    };
    (String::from_utf8_lossy(&got).into_owned(), closed)
}

/// The status code of a raw response, if there is one.
fn status(response: &str) -> Option<u16> {
    response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|s| s.parse().ok())
}

/// Blocking work off the runtime, so the gateway keeps running beside it.
async fn off<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// A good request after the bad ones: answered, and the only invocation.
async fn only_the_good_request_ran(root: &Path, host: &str) {
    let base = format!("http://{host}");
    let answer = off(move || send(&base, "POST", "/record", &[], "good")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, "recorded");
    assert_eq!(
        invocations(root),
        ["\"good\""],
        "the function ran only for the good request"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_chunked_body_is_a_400_and_runs_nothing() {
    let root = scratch("chunks");
    let (_fleet, host) = serve(&root, settings()).await;
    let h = host.clone();
    let response = off(move || {
        exchange(
            &h,
            b"POST /record HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            false,
        )
    })
    .await;
    assert_eq!(status(&response), Some(400), "{response}");
    assert!(
        response.contains("{\"message\":\"Bad Request: the body could not be read"),
        "{response}"
    );
    only_the_good_request_ran(&root, &host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_cut_short_by_the_client_runs_nothing() {
    let root = scratch("short");
    let (_fleet, host) = serve(&root, settings()).await;
    let h = host.clone();
    // 10 of the 1,000 bytes announced, then the client stops sending.
    let response = off(move || {
        exchange(
            &h,
            b"POST /record HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789",
            true,
        )
    })
    .await;
    // The connection still reads, so the answer arrives.
    assert_eq!(status(&response), Some(400), "{response}");
    only_the_good_request_ran(&root, &host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_10_mb_is_a_413_from_its_length_or_as_it_streams_and_runs_nothing() {
    let root = scratch("large");
    let (_fleet, host) = serve(&root, settings()).await;
    let h = host.clone();
    let announced = off(move || {
        exchange(
            &h,
            b"POST /record HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n",
            false,
        )
    })
    .await;
    assert_eq!(status(&announced), Some(413), "{announced}");
    assert!(
        announced.contains("{\"message\":\"Request Entity Too Large\"}"),
        "{announced}"
    );

    // 11 chunks of 1 MB, no length announced.
    let h = host.clone();
    let streamed = off(move || {
        let mut request =
            b"POST /record HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..11 {
            request.extend_from_slice(b"100000\r\n");
            request.extend(std::iter::repeat_n(b'x', 0x100000));
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
        exchange(&h, &request, false)
    })
    .await;
    // The gateway stops reading at the limit; the answer arrives unless the client's unread
    // bytes reset the connection first. Either way nothing ran.
    if let Some(code) = status(&streamed) {
        assert_eq!(code, 413, "{streamed}");
    }
    only_the_good_request_ran(&root, &host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_body_times_out_with_a_408_and_runs_nothing() {
    let root = scratch("stalled");
    let quick = GatewaySettings {
        body_timeout: Duration::from_millis(500),
        ..settings()
    };
    let (_fleet, host) = serve(&root, quick).await;
    let h = host.clone();
    // 10 of 1,000 bytes, and the connection kept open.
    let response = off(move || {
        exchange(
            &h,
            b"POST /record HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789",
            false,
        )
    })
    .await;
    assert_eq!(status(&response), Some(408), "{response}");
    only_the_good_request_ran(&root, &host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_half_sent_head_and_an_idle_connection_are_closed_by_the_gateway() {
    let root = scratch("slow-head");
    let quick = GatewaySettings {
        header_timeout: Duration::from_millis(500),
        ..settings()
    };
    let (_fleet, host) = serve(&root, quick).await;
    let h = host.clone();
    let (half, idle) = off(move || {
        let mut half = TcpStream::connect(&h).unwrap();
        half.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        half.write_all(b"POST /record HTTP/1.1\r\nHost: x\r\nContent-Le")
            .unwrap();
        // A kept-alive connection after one answer, then silence.
        let mut idle = TcpStream::connect(&h).unwrap();
        idle.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        idle.write_all(b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        (read_until_closed(&mut half), read_until_closed(&mut idle))
    })
    .await;
    let ((half, half_closed), (idle, idle_closed)) = (half, idle);
    assert!(half_closed, "the gateway closed the half-sent request");
    assert!(status(&half).is_none(), "no request, so no answer: {half}");
    assert!(idle_closed, "the gateway closed the idle connection");
    assert_eq!(status(&idle), Some(404), "{idle}");
    assert_eq!(idle.matches("HTTP/1.1 ").count(), 1, "{idle}");
    only_the_good_request_ran(&root, &host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_past_the_limit_wait_and_are_answered_once_the_idle_ones_close() {
    let root = scratch("limit");
    let few = GatewaySettings {
        connections: 4,
        header_timeout: Duration::from_secs(120),
        ..settings()
    };
    let (_fleet, host) = serve(&root, few).await;
    let h = host.clone();
    let (waiting, answered) = off(move || {
        let idle: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(&h).unwrap()).collect();
        // A request past the limit: connected (the kernel queues it) but not served yet.
        let mut late = TcpStream::connect(&h).unwrap();
        late.write_all(b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        late.set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut first = [0u8; 1];
        let waiting = matches!(
            late.read(&mut first),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        );
        drop(idle);
        late.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        (waiting, read_all(&mut late))
    })
    .await;
    assert!(
        waiting,
        "while the idle connections hold every slot, it waits"
    );
    assert_eq!(status(&answered), Some(404), "{answered}");
    only_the_good_request_ran(&root, &host).await;
}

/// `mfn-tui --local DIR serve` run by `sh` with at most `fds` open descriptors.
fn serve_with_few_descriptors(root: &Path, services: &Path, fds: u32) -> Child {
    let config = support::local::config_on_a_free_port(root);
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {fds} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_mfn-tui"))
        .arg("--local")
        .arg(services)
        .args(["serve", "--config"])
        .arg(&config)
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CONFIG_HOME", root)
        .env("MFN_TUI_LOG_FILE", root.join("mfn-tui.log"))
        .env("USER", "tester")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Stops a child this test started and waits for it.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        // SAFETY: signalling a child this test started.
        unsafe {
            libc::kill(self.0.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn after_running_out_of_descriptors_the_gateway_answers_again_once_connections_close() {
    let root = scratch("emfile");
    let services = recording_service(&root);
    let mut child = serve_with_few_descriptors(&root, &services, 64);
    let stdout = child.stdout.take().unwrap();
    let served = Stopped(child);
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(at) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            url.get_or_insert(at.trim_end_matches('/').to_owned());
        }
        if line.contains("ready: logs follow") {
            break;
        }
    }
    let url = url.expect("serve printed its address");
    let host = url.trim_start_matches("http://").to_owned();

    // More connections than the process has descriptors (and fewer than its accept queue
    // holds): accepting them fails with EMFILE.
    let crowd: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&host).unwrap())
        .collect();
    let log = root.join("mfn-tui.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("cannot accept a connection")
    {
        assert!(
            Instant::now() < deadline,
            "the gateway never ran out of descriptors"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(crowd);

    // The gateway answers again (with the old loop, the port was closed for good).
    let answer = send(&url, "GET", "/nothing", &[], "");
    assert_eq!(answer.status, 404, "{answer:?}");
    // Its function runs again too, once the gateway has closed enough of the crowd for the
    // environment's own descriptors.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = send(&url, "POST", "/record", &[], "after");
        if answer.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "{answer:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(invocations(&root), ["\"after\""]);
    drop(served);
}
