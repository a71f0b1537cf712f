//! The AWS emulator (moto 5.2.5 in server mode), started on a free loopback port for one test and
//! stopped when the test drops it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_lambda::config::Credentials;

/// The account moto answers with.
pub const ACCOUNT: &str = "123456789012";

pub struct Emulator {
    /// The server this value started (and stops); `None` when attached to one started elsewhere.
    child: Option<Child>,
    pub endpoint: String,
}

impl Emulator {
    /// Starts moto; panics with what to do if it is not installed.
    pub fn start() -> Emulator {
        let server = moto_server();
        let port = free_port();
        let log = std::env::temp_dir().join(format!("mfn-tui-moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create the emulator log");
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let mut emulator = Emulator {
            child: Some(child),
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        emulator.wait_ready(port, Some(&log));
        emulator
    }

    /// Uses an emulator already running at `endpoint` (left running when dropped).
    pub fn attach(endpoint: &str) -> Emulator {
        let mut emulator = Emulator {
            child: None,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
        };
        let port = emulator.port();
        emulator.wait_ready(port, None);
        emulator
    }

    fn wait_ready(&mut self, port: u16, log: Option<&std::path::Path>) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!(
                    "moto exited ({status}) before it was ready; its log: {}",
                    log.and_then(|l| std::fs::read_to_string(l).ok())
                        .unwrap_or_default()
                );
            }
            if http(port, "GET", "/moto-api/", &[], "").is_ok_and(|r| r.starts_with("HTTP/1.1 200"))
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("moto did not answer on port {port} within 30 s");
    }

    pub fn port(&self) -> u16 {
        self.endpoint.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// An SDK configuration for `region` pointing at the emulator, with throwaway credentials.
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        sdk_config(&self.endpoint, region).await
    }

    /// A call in the Query protocol of a service the project has no SDK crate for (IAM, SQS).
    /// moto routes by the credential scope of the Authorization header and checks no signature.
    pub fn query(&self, service: &str, region: &str, body: &str) -> String {
        self.query_as("test", service, region, body)
    }

    /// [`Emulator::query`] as the holder of `access_key` (another account's, once assumed).
    pub fn query_as(&self, access_key: &str, service: &str, region: &str, body: &str) -> String {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let response = http(
            self.port(),
            "POST",
            "/",
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body,
        )
        .expect("query call to the emulator");
        assert!(
            response.starts_with("HTTP/1.1 200"),
            "{service} call failed: {response}"
        );
        response
    }

    /// Creates the IAM role functions are created with, and returns its ARN.
    pub fn create_lambda_role(&self) -> String {
        self.create_lambda_role_as("test", ACCOUNT)
    }

    /// Creates the functions' role in `account`, as the holder of `access_key` there.
    pub fn create_lambda_role_as(&self, access_key: &str, account: &str) -> String {
        let policy = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        self.query_as(
            access_key,
            "iam",
            "us-east-1",
            &format!(
                "Action=CreateRole&Version=2010-05-08&RoleName=mfn-lambda&AssumeRolePolicyDocument={policy}"
            ),
        );
        format!("arn:aws:iam::{account}:role/mfn-lambda")
    }

    /// Creates an SQS queue and returns its ARN.
    pub fn create_queue(&self, region: &str, name: &str) -> String {
        self.query(
            "sqs",
            region,
            &format!("Action=CreateQueue&Version=2012-11-05&QueueName={name}"),
        );
        format!("arn:aws:sqs:{region}:{ACCOUNT}:{name}")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An SDK configuration for `region` at `endpoint` (the emulator, or a proxy in front of it).
pub async fn sdk_config(endpoint: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await
}

/// Where moto's server is: `MFN_MOTO_SERVER`, or the project's `.venv-moto` (`MFN_MOTO_VENV`).
fn moto_server() -> PathBuf {
    if let Some(p) = std::env::var_os("MFN_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = std::env::var_os("MFN_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto"));
    let server = venv.join("bin").join("moto_server");
    assert!(
        server.exists(),
        "the emulator is not installed at {}: run ./scripts/test, which installs moto[server]==5.2.5 there",
        server.display()
    );
    server
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A minimal HTTP/1.1 exchange on loopback; returns the whole response.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}
