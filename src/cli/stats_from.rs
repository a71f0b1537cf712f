//! `mfn-tui stats --from FILE`: the `stats` document from a log file (or standard input, plain
//! or gzip) instead of AWS, for a cost review over exported logs. No AWS call, no credentials,
//! no region: the file is all there is.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::analysis::latency::Window;
use crate::analysis::log_file::{Bounds, CHUNK_BYTES, FileReports, LineChunks};
use crate::analysis::window;
use crate::config::Config;
use crate::fleet::Function;
use crate::fleet::reports::FleetLatency;
use crate::units::{bytes, thousands};

use super::args::{FromFileArgs, WindowArgs};
use super::fail;
use super::stats::print;
use super::stats_document::{Report, document};

/// The entry of records that neither their line nor `--function` names.
pub const UNNAMED: &str = "(unnamed)";

/// Reads the file `args` names and prints its figures as `stats` prints AWS's.
pub fn run(
    config: &Config,
    args: &FromFileArgs,
    names: &[String],
    window_args: &WindowArgs,
    json: bool,
) -> ExitCode {
    let Some(path) = args.from.as_deref() else {
        return fail("stats --from needs a file (or - for standard input)");
    };
    let bounds = match bounds(window_args, crate::clock::now_ms()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("mfn-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reports = FileReports::new(bounds, args.function.clone());
    if let Err(e) = read(path, &mut reports) {
        return fail(&e);
    }
    let (functions, latency) = functions(config, &reports);
    let functions = match select(functions, names, path) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    // No record with a time, no window asked for: nothing says when (an empty window).
    let window = reports.window().unwrap_or(Window {
        start_ms: 0,
        end_ms: 0,
    });
    let mut doc = document(&functions, window, Some(Report::Records(&latency)), None);
    doc.errors.extend(notes(&reports));
    print(&doc, json)
}

/// The time `--since`, `--start` and `--end` keep; all of it when none is given.
fn bounds(args: &WindowArgs, now_ms: i64) -> Result<Bounds, String> {
    if !args.narrows() {
        return Ok(Bounds::default());
    }
    if args.since.is_none() && args.start.is_none() {
        // Only an end: everything before it.
        let end = window::parse_instant(args.end.as_deref().unwrap_or_default())?;
        return Ok(Bounds {
            start_ms: None,
            end_ms: Some(end),
        });
    }
    let w = window::window(
        args.since(),
        args.start.as_deref(),
        args.end.as_deref(),
        now_ms,
    )?;
    Ok(Bounds {
        start_ms: Some(w.start_ms),
        end_ms: Some(w.end_ms),
    })
}

/// Reads `path` (`-`: standard input) into `reports`, gzip or not, with progress on a
/// terminal's stderr.
fn read(path: &Path, reports: &mut FileReports) -> Result<(), String> {
    let label = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    };
    let input = open(path).map_err(|e| {
        format!("cannot read {label}: {e}; give a log file, or - for standard input")
    })?;
    let show = std::io::stderr().is_terminal();
    let (mut read, mut shown) = (0u64, Instant::now());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let result = scan_in_parallel(input, reports, workers, |bytes_read| {
        read += bytes_read as u64;
        if show && shown.elapsed() > Duration::from_millis(200) {
            shown = Instant::now();
            eprint!("\rreading {label}: {}   ", bytes(read));
            let _ = std::io::stderr().flush();
        }
    });
    if show {
        eprintln!();
    }
    result.map_err(|e| {
        let after = if read > 0 {
            format!(" after {}", bytes(read))
        } else {
            String::new()
        };
        format!("reading {label} failed{after}: {e}; check the file (gzip -t FILE for gzip)")
    })
}

/// Reads `input` in chunks of whole lines on this thread (decompressing, if it does) while
/// `workers` threads scan them, each into its own copy of `reports`, merged at the end. Chunks
/// come back to the reader to be filled again, so at most `2 × workers + 1` are ever held.
fn scan_in_parallel(
    input: impl Read,
    reports: &mut FileReports,
    workers: usize,
    mut on_chunk: impl FnMut(usize),
) -> std::io::Result<()> {
    let template = reports.clone();
    std::thread::scope(|scope| {
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        let mut queues = Vec::new();
        let mut scanners = Vec::new();
        for _ in 0..workers.max(1) {
            let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(1);
            let (empty_tx, mut part) = (empty_tx.clone(), template.clone());
            scanners.push(scope.spawn(move || {
                for chunk in full_rx {
                    part.scan(&chunk);
                    let _ = empty_tx.send(chunk);
                }
                part
            }));
            queues.push(full_tx);
        }
        let (mut chunks, mut made) = (LineChunks::new(input), 0);
        let mut result = Ok(());
        for queue in queues.iter().cycle() {
            let mut chunk = match empty_rx.try_recv() {
                Ok(chunk) => chunk,
                Err(_) if made < 2 * queues.len() + 1 => {
                    made += 1;
                    Vec::with_capacity(CHUNK_BYTES)
                }
                Err(_) => empty_rx.recv().expect("the scanners hand every chunk back"),
            };
            match chunks.fill(&mut chunk) {
                Ok(true) => {
                    on_chunk(chunk.len());
                    if queue.send(chunk).is_err() {
                        break;
                    }
                }
                Ok(false) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(queues);
        for scanner in scanners {
            reports.merge(scanner.join().expect("a scanner panicked"));
        }
        result
    })
}

/// The file (or standard input), decompressed when it starts with gzip's magic bytes, whatever
/// its name. Concatenated gzip files (`cat *.gz`) read as one.
fn open(path: &Path) -> std::io::Result<Box<dyn Read>> {
    let source: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else if path.is_dir() {
        return Err(std::io::Error::other(
            "a directory; read an export's files together with \
             `find DIR -name '*.gz' -exec cat {} + | mfn-tui stats --from -`",
        ));
    } else {
        Box::new(File::open(path)?)
    };
    let mut input = BufReader::with_capacity(1 << 16, source);
    if input.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::bufread::MultiGzDecoder::new(input)))
    } else {
        Ok(Box::new(input))
    }
}

/// A function per name the records carry (grouped into services by the configured rules, as
/// discovered functions are when they have no tags), and their statistics keyed as the
/// document wants them.
fn functions(config: &Config, reports: &FileReports) -> (Vec<Function>, FleetLatency) {
    let mut functions = Vec::new();
    let mut latency = FleetLatency::default();
    for (name, stats) in reports.functions() {
        let mut f = Function::new(name.unwrap_or(UNNAMED), name.unwrap_or(UNNAMED), "");
        if let Some(name) = name {
            f.placement = config.grouping.place(name, &BTreeMap::new());
        }
        // The configured memory as the records report it (a file has no configuration).
        f.memory_mb = stats.memory_mb;
        latency.by_function.insert(f.arn.clone(), stats.clone());
        functions.push(f);
    }
    (functions, latency)
}

/// The functions `names` pick (by function or service name); all when none is given.
fn select(
    functions: Vec<Function>,
    names: &[String],
    path: &Path,
) -> Result<Vec<Function>, String> {
    if names.is_empty() {
        return Ok(functions);
    }
    if let Some(missing) = names.iter().find(|n| {
        !functions
            .iter()
            .any(|f| f.name == **n || f.placement.service == **n)
    }) {
        let found: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        return Err(format!(
            "no records of a function or service named `{missing}` in {}; it holds {}",
            path.display(),
            if found.is_empty() {
                "no REPORT record".to_owned()
            } else {
                found.join(", ")
            }
        ));
    }
    Ok(functions
        .into_iter()
        .filter(|f| {
            names
                .iter()
                .any(|n| f.name == *n || f.placement.service == *n)
        })
        .collect())
}

/// What the figures leave out, for `errors[]` (counts, not lines).
fn notes(reports: &FileReports) -> Vec<String> {
    let mut notes = Vec::new();
    let records = |n: u64| match n {
        1 => "1 REPORT record".to_owned(),
        n => format!("{} REPORT records", thousands(n)),
    };
    if reports.malformed > 0 {
        notes.push(format!(
            "{} could not be read (cut short, or in a line layout not recognised) and {} left out",
            records(reports.malformed),
            if reports.malformed == 1 { "is" } else { "are" }
        ));
    }
    if reports.untimed_left_out > 0 {
        notes.push(format!(
            "{} with no time left out of the window asked for; without --since/--start/--end \
             every record counts",
            records(reports.untimed_left_out)
        ));
    }
    notes
}
