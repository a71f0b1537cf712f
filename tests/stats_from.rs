//! `mfn-tui stats --from FILE`: the `stats` document from exported, tailed or saved logs, plain or
//! gzip, from a file or standard input, with no AWS call at all. Logs are generated with known
//! figures and read back by the built binary.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use support::report_log::{Invocation, Layout, line, report_message, write_log};

/// 2026-11-28T10:00:00Z.
const T0: i64 = 1_795_860_000_000;
const ORDERS: &str = "shop-prod-orders";
const USERS: &str = "shop-prod-users";

/// A scratch directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-stats-from-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with no AWS credentials, no region, no shared AWS files and no user config.
fn mfn(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mfn-tui"));
    for (var, _) in std::env::vars() {
        if var.starts_with("AWS_") {
            cmd.env_remove(var);
        }
    }
    cmd.env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("MFN_TUI_LOG_FILE", dir.join("mfn-tui.log"));
    cmd
}

/// Runs `mfn-tui ARGS` with `stdin` on standard input; the exit code, stdout and stderr.
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    let mut child = mfn(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mfn-tui");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("run mfn-tui");
    writer.join().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `stats --json ARGS`, which must succeed; its document.
fn stats_json(dir: &Path, args: &[&str], stdin: &[u8]) -> Value {
    let mut all = vec!["stats", "--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all, stdin);
    assert_eq!(code, Some(0), "{all:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn entry<'a>(doc: &'a Value, list: &str, name: &str) -> &'a Value {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}: {doc}"))
}

/// 200 invocations of `function`, one a minute from `T0`: one in ten cold (250 ms init), four
/// timeouts, four errors, one in five reported in the JSON log format.
fn month_of(function: &str) -> Vec<Invocation> {
    (0..200)
        .map(|i| Invocation {
            function: function.to_owned(),
            time_ms: T0 + i64::from(i) * 60_000,
            duration_ms: 10.0 + f64::from(i) * 0.5,
            init_ms: (i % 10 == 0).then_some(250.0),
            status: match i % 50 {
                7 => Some("timeout"),
                13 => Some("error"),
                _ => None,
            },
            json: i % 5 == 3,
        })
        .collect()
}

/// The warm invocations' durations ranked just below and just above their middle.
fn warm_middle(invocations: &[Invocation]) -> (f64, f64) {
    let mut warm: Vec<f64> = invocations
        .iter()
        .filter(|i| i.init_ms.is_none())
        .map(|i| i.duration_ms)
        .collect();
    warm.sort_by(f64::total_cmp);
    let mid = warm.len() / 2;
    (warm[mid - 2], warm[mid + 1])
}

fn log(layout: Layout, invocations: &[Invocation]) -> Vec<u8> {
    let mut out = Vec::new();
    write_log(&mut out, layout, invocations.iter().cloned()).unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// The figures every layout must agree on.
fn figures(e: &Value) -> [Value; 8] {
    [
        "invocations",
        "cold_starts",
        "cold_start_pct",
        "warm",
        "cold",
        "timeouts",
        "errors",
        "max_memory_used_mb",
    ]
    .map(|k| e[k].clone())
}

#[test]
fn an_export_gives_the_stats_document_with_its_fields_and_the_records_figures() {
    let dir = scratch("export");
    let month = month_of(ORDERS);
    let file = write(&dir, "000000", &log(Layout::Export, &month));
    let doc = stats_json(&dir, &["--from", &file, "--function", ORDERS], b"");

    let f = entry(&doc, "functions", ORDERS);
    let mut fields: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    // The names README's "For scripts" gives `stats --json`.
    assert_eq!(
        fields,
        [
            "cold",
            "cold_start_pct",
            "cold_starts",
            "errors",
            "init",
            "invocations",
            "max_memory_used_mb",
            "memory_mb",
            "metrics",
            "name",
            "region",
            "service",
            "stage",
            "timeouts",
            "warm",
        ]
    );
    // An export has no CloudWatch metrics: the field is there, and null.
    assert!(
        f["metrics"].is_null(),
        "metrics from an export: {}",
        f["metrics"]
    );
    assert_eq!(f["invocations"], 200);
    assert_eq!(f["cold_starts"], 20);
    assert_eq!(f["cold_start_pct"], 10.0);
    assert_eq!(
        (f["timeouts"].clone(), f["errors"].clone()),
        (4.into(), 4.into())
    );
    assert_eq!(
        (f["memory_mb"].clone(), f["max_memory_used_mb"].clone()),
        (512.into(), 100.into())
    );
    // The histogram's p50 is within its 1% of the true middle.
    let p50 = f["warm"]["p50_ms"].as_f64().unwrap();
    let (below, above) = warm_middle(&month);
    assert!(
        below * 0.99 <= p50 && p50 <= above * 1.01,
        "warm p50 {p50}, the middle {below}..{above}"
    );
    assert!((f["init"]["p50_ms"].as_f64().unwrap() - 250.0).abs() < 2.5);
    // Grouped by the naming convention, as discovered functions without tags are.
    assert_eq!(
        (f["service"].clone(), f["stage"].clone()),
        ("shop".into(), "prod".into())
    );
    assert_eq!(entry(&doc, "services", "shop")["invocations"], 200);
    // The window is the records' own span.
    assert_eq!(doc["window"]["start_ms"], T0);
    assert_eq!(doc["window"]["end_ms"], T0 + 199 * 60_000 + 1);
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn every_line_layout_gives_the_same_figures() {
    let dir = scratch("layouts");
    let month = month_of(ORDERS);
    let export = stats_json(
        &dir,
        &[
            "--from",
            &write(&dir, "export", &log(Layout::Export, &month)),
            "--function",
            ORDERS,
        ],
        b"",
    );
    let expected = figures(entry(&export, "functions", ORDERS));
    for layout in [
        Layout::TailDetailed,
        Layout::TailShort,
        Layout::Saved,
        Layout::LogsJson,
        Layout::Bare,
    ] {
        let file = write(&dir, &format!("{layout:?}"), &log(layout, &month));
        let doc = stats_json(&dir, &["--from", &file, "--function", ORDERS], b"");
        assert_eq!(
            figures(entry(&doc, "functions", ORDERS)),
            expected,
            "{layout:?}"
        );
        assert_eq!(doc["errors"], serde_json::json!([]), "{layout:?}");
    }
}

#[test]
fn gzip_is_recognised_by_its_bytes_not_by_its_name() {
    let dir = scratch("gzip");
    let plain = log(Layout::Export, &month_of(ORDERS));
    let from_plain = stats_json(&dir, &["--from", &write(&dir, "plain.gz", &plain)], b"");
    let from_gzip = stats_json(
        &dir,
        &["--from", &write(&dir, "export.log", &gzip(&plain))],
        b"",
    );
    assert_eq!(
        entry(&from_gzip, "functions", "(unnamed)")["invocations"],
        200
    );
    assert_eq!(from_gzip, from_plain);
    // An export's stream files, concatenated, read as one.
    let two = [gzip(&plain), gzip(&plain)].concat();
    let doc = stats_json(&dir, &["--from", &write(&dir, "both", &two)], b"");
    assert_eq!(entry(&doc, "functions", "(unnamed)")["invocations"], 400);
}

#[test]
fn standard_input_is_read_plain_or_gzip() {
    let dir = scratch("stdin");
    let plain = log(Layout::Saved, &month_of(ORDERS));
    let from_file = stats_json(&dir, &["--from", &write(&dir, "saved.log", &plain)], b"");
    assert_eq!(stats_json(&dir, &["--from", "-"], &plain), from_file);
    assert_eq!(stats_json(&dir, &["--from", "-"], &gzip(&plain)), from_file);
}

#[test]
fn lines_that_name_their_function_keep_it_and_the_rest_is_one_unnamed_entry() {
    let dir = scratch("attribution");
    let mut mixed = log(Layout::Saved, &month_of(ORDERS));
    mixed.extend(log(Layout::LogsJson, &month_of(USERS)[..50]));
    // Records that name no function: an export's lines.
    mixed.extend(log(Layout::Export, &month_of("anything")[..30]));
    let file = write(&dir, "mixed.log", &mixed);

    let doc = stats_json(&dir, &["--from", &file], b"");
    assert_eq!(entry(&doc, "functions", ORDERS)["invocations"], 200);
    assert_eq!(entry(&doc, "functions", USERS)["invocations"], 50);
    let unnamed = entry(&doc, "functions", "(unnamed)");
    assert_eq!(unnamed["invocations"], 30);
    assert_eq!(unnamed["service"], "(ungrouped)");
    assert_eq!(entry(&doc, "services", "shop")["invocations"], 250);

    // --function names what the lines do not, and only that.
    let doc = stats_json(&dir, &["--from", &file, "--function", USERS], b"");
    assert_eq!(entry(&doc, "functions", ORDERS)["invocations"], 200);
    assert_eq!(entry(&doc, "functions", USERS)["invocations"], 80);
    assert_eq!(doc["functions"].as_array().unwrap().len(), 2);

    // Names pick functions or services, as `stats NAMES` does.
    let doc = stats_json(&dir, &["--from", &file, ORDERS], b"");
    assert_eq!(doc["functions"].as_array().unwrap().len(), 1);
    let doc = stats_json(&dir, &["--from", &file, "shop"], b"");
    assert_eq!(doc["functions"].as_array().unwrap().len(), 2);
    let (code, _, stderr) = run(&dir, &["stats", "--from", &file, "payments"], b"");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("`payments`") && stderr.contains(ORDERS),
        "{stderr}"
    );
}

#[test]
fn start_end_and_since_narrow_the_window() {
    let dir = scratch("window");
    let month = month_of(ORDERS);
    let file = write(&dir, "export", &log(Layout::Export, &month));
    // Minutes 10 to 19: ten invocations, one of them cold.
    let (start, end) = ((T0 + 600_000).to_string(), (T0 + 1_200_000).to_string());
    let doc = stats_json(
        &dir,
        &["--from", &file, "--start", &start, "--end", &end],
        b"",
    );
    let f = entry(&doc, "functions", "(unnamed)");
    assert_eq!(
        (f["invocations"].clone(), f["cold_starts"].clone()),
        (10.into(), 1.into())
    );
    assert_eq!(
        doc["window"],
        serde_json::json!({"start_ms": T0 + 600_000, "end_ms": T0 + 1_200_000})
    );
    // An end alone keeps everything before it.
    let doc = stats_json(
        &dir,
        &["--from", &file, "--end", "2026-11-28T10:10:00Z"],
        b"",
    );
    assert_eq!(entry(&doc, "functions", "(unnamed)")["invocations"], 10);
    assert_eq!(doc["window"]["start_ms"], T0);

    // --since counts back from now, as `stats` does: records of the last two hours, half a
    // minute off the minute so none sits on the window's edge.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let recent: Vec<Invocation> = (0..120)
        .map(|i| Invocation::warm(ORDERS, now - i * 60_000 - 30_000, 12.0))
        .collect();
    let file = write(&dir, "recent", &log(Layout::TailDetailed, &recent));
    let doc = stats_json(&dir, &["--from", &file, "--since", "1h"], b"");
    assert_eq!(entry(&doc, "functions", "(unnamed)")["invocations"], 60);
}

#[test]
fn records_with_no_time_are_left_out_of_a_window_asked_for_and_the_errors_say_how_many() {
    let dir = scratch("untimed");
    let file = write(&dir, "bare", &log(Layout::Bare, &month_of(ORDERS)));
    let (code, stdout, stderr) = run(
        &dir,
        &[
            "stats",
            "--json",
            "--from",
            &file,
            "--start",
            "2026-11-28T10:00:00Z",
        ],
        b"",
    );
    assert_eq!(code, Some(3), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    // The JSON records (one in five) carry their own time; the text ones carry none.
    assert_eq!(entry(&doc, "functions", "(unnamed)")["invocations"], 40);
    let errors = doc["errors"].as_array().unwrap();
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .starts_with("160 REPORT records with no time left out"),
        "{errors:?}"
    );
}

#[test]
fn malformed_records_are_counted_in_errors_and_the_exit_says_partial() {
    let dir = scratch("malformed");
    let month = month_of(ORDERS);
    let mut text = log(Layout::Export, &month);
    for (i, inv) in month.iter().take(3).enumerate() {
        // Cut short, as a truncated download leaves the last line.
        let whole = line(
            Layout::Export,
            inv,
            &report_message(inv, &format!("cut-{i}")),
        );
        text.extend_from_slice(&whole.as_bytes()[..80]);
        text.push(b'\n');
    }
    // A record whose header no known layout has.
    text.extend_from_slice(
        format!(
            "2026-11-28 10:00:00 UTC {}\n",
            report_message(&month[1], "odd")
        )
        .as_bytes(),
    );
    let file = write(&dir, "export", &text);
    let (code, stdout, stderr) = run(&dir, &["stats", "--json", "--from", &file], b"");
    assert_eq!(code, Some(3), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(entry(&doc, "functions", "(unnamed)")["invocations"], 200);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .starts_with("4 REPORT records could not be read")
    );
    assert!(
        stderr.contains("4 REPORT records could not be read"),
        "{stderr}"
    );
}

#[test]
fn no_aws_call_is_made_with_no_credentials_no_region_and_an_endpoint_that_would_count_calls() {
    let dir = scratch("offline");
    let endpoint = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    endpoint.set_nonblocking(true).unwrap();
    let url = format!("http://{}", endpoint.local_addr().unwrap());
    let file = write(&dir, "export", &log(Layout::Export, &month_of(ORDERS)));
    for args in [
        vec!["stats", "--from", file.as_str()],
        vec!["--endpoint-url", &url, "stats", "--json", "--from", &file],
        vec![
            "stats",
            "--from",
            &file,
            "--profile",
            "nobody",
            "--region",
            "xx-nowhere-1",
            "--endpoint-url",
            &url,
        ],
    ] {
        let (code, stdout, stderr) = run(&dir, &args, b"");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stdout.contains("200"), "{stdout}");
    }
    let accepted = endpoint.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "something connected to the endpoint: {accepted:?}"
    );
}

#[test]
fn the_table_shows_each_function_as_stats_does() {
    let dir = scratch("table");
    let file = write(&dir, "saved", &log(Layout::Saved, &month_of(ORDERS)));
    let (code, stdout, stderr) = run(&dir, &["stats", "--from", &file], b"");
    assert_eq!(code, Some(0), "{stderr}");
    let mut rows = stdout.lines();
    assert!(rows.next().unwrap().starts_with("FUNCTION"));
    let row: Vec<&str> = rows.next().unwrap().split_whitespace().collect();
    assert_eq!(&row[..4], [ORDERS, "shop", "200", "10.0"]);
}

#[test]
fn a_file_that_cannot_be_read_fails_and_bad_usage_says_what_to_do() {
    let dir = scratch("failures");
    let missing = dir.join("missing.log").display().to_string();
    let (code, _, stderr) = run(&dir, &["stats", "--from", &missing], b"");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("missing.log") && stderr.contains("No such file"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&dir, &["stats", "--from", &dir.display().to_string()], b"");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("directory") && stderr.contains("--from -"),
        "{stderr}"
    );

    // Gzip that breaks off: what was read is not passed off as the whole.
    let gz = gzip(&log(Layout::Export, &month_of(ORDERS)));
    let cut = write(&dir, "cut.gz", &gz[..gz.len() / 2]);
    let (code, _, stderr) = run(&dir, &["stats", "--from", &cut], b"");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("gzip -t"), "{stderr}");

    for args in [
        vec!["stats", "--from", "x.log", "--since", "a fortnight"],
        vec!["stats", "--function", ORDERS],
        vec!["stats", "--from", "x.log", "--insights"],
    ] {
        let (code, _, stderr) = run(&dir, &args, b"");
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
    }
}
